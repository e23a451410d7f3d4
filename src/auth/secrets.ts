/** Random secrets and their digests: only digests are ever stored. */
import { createHash, randomBytes } from 'node:crypto';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A URL-safe random secret of `bytes` bytes, with an optional readable prefix (`dbn_`). */
export const newSecret = (prefix = '', bytes = 24): string => `${prefix}${randomBytes(bytes).toString('base64url')}`;
