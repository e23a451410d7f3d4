/**
 * Where file bytes live, out of Redis: evidence uploaded with tasks and the archives
 * of plans taken out of Redis. Redis keeps what is said about a file (name, size,
 * type, hash, who, when); a store keeps the bytes under a key.
 *
 * The interface is what an object store (S3, OSS, MinIO) offers too, so a bureau that
 * runs one can put its own implementation behind the runtime's `files` option;
 * `LocalFileStore` (local-file-store.ts) keeps them in the data folder.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** What a store may keep beside the bytes (an object store's content type). */
export interface FileMeta {
  type?: string;
}

export interface PutResult {
  key: string;
  size: number;
  /** False when the key already held bytes: they are kept, never overwritten. */
  created: boolean;
}

export interface FileStore {
  /** Stores `bytes` under `key` unless the key already exists (then nothing is written). */
  put(key: string, bytes: Buffer, meta?: FileMeta): Promise<PutResult>;
  /** The bytes under `key`, or null. */
  get(key: string): Promise<Buffer | null>;
  /** The bytes under `key` as a stream, or null: for downloads, so a file is not held in memory whole. */
  stream(key: string): Promise<Readable | null>;
  /** Removes the key; false when there was nothing. */
  delete(key: string): Promise<boolean>;
  has(key: string): Promise<boolean>;
}

/** Keys are relative paths of plain names: no `..`, no absolute paths, nothing a shell or a URL would read differently. */
const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,127}){0,7}$/;

export function checkKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part.endsWith('.tmp'))) {
    throw new Error(`invalid file store key "${key}"`);
  }
  return key;
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The key of content-addressed bytes: `kind/ab/<sha256>`. The same bytes always get
 * the same key, so a second upload of a file stores nothing new, and a key's bytes
 * can be checked against its name.
 */
export function contentKey(kind: string, bytes: Buffer): { key: string; hash: string } {
  const hash = sha256(bytes);
  return { key: checkKey(`${kind}/${hash.slice(0, 2)}/${hash}`), hash };
}
