/**
 * Password hashing with Argon2id (@node-rs/argon2, the library's recommended
 * defaults: 19 MiB, 2 passes). Only the PHC string is stored.
 */
import { hash, verify } from '@node-rs/argon2';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 200;

export const hashPassword = (password: string): Promise<string> => hash(password);

// Hashed once, verified against when the login is unknown, so an unknown login takes
// as long to refuse as a wrong password and does not reveal which logins exist.
let decoy: Promise<string> | null = null;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    decoy ??= hash('decoy password never used');
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}
