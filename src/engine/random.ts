/**
 * Random text for fencing tokens and commit stamps, drawn from a pool of random bytes
 * filled a few kilobytes at a time: one `randomBytes` call per value cost more than
 * the rest of making it (2.8 µs against 0.2), and a wake-up makes several.
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let at = 0;

/** `bytes` fresh random bytes (never handed out twice) as base64url text. */
export function randomText(bytes: number): string {
  if (at + bytes > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, bytes));
    at = 0;
  }
  const text = pool.toString('base64url', at, at + bytes);
  at += bytes;
  return text;
}
