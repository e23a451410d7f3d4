/**
 * Logins: a phone number, an email address or a login name, compared after
 * normalising (case, spaces and dashes in phone numbers, a +86 country code) so
 * "138-0000-0001" and "13800000001" are the same login.
 */
import { z } from 'zod';

export function normaliseLogin(raw: string): string {
  const s = raw.normalize('NFKC').trim().toLowerCase();
  if (/^\+?[\d\s-]{7,}$/.test(s)) {
    const digits = s.replace(/\D/g, '');
    return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
  }
  return s;
}

export const Login = z
  .string()
  .trim()
  .min(2)
  .max(100)
  .refine((s) => !/[\s:]/.test(normaliseLogin(s)), { message: 'a login has no spaces or colons' });
