/**
 * A file store in a local folder (the data folder, DUBAN_DATA_DIR). A write goes to a
 * temporary file first and is then hard-linked to its name: the link fails when the
 * name exists, so a key is never overwritten, and a reader never sees half a file —
 * a crash mid-write leaves only a `.tmp` file, which is never a key.
 */
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { checkKey, type FileStore, type PutResult } from './file-store.js';

function missing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

export class LocalFileStore implements FileStore {
  readonly root: string;

  /** `dataDir` is the data folder; files go to its `files/` folder. */
  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'files');
  }

  /** The file's path on disk. */
  pathOf(key: string): string {
    return join(this.root, checkKey(key));
  }

  async put(key: string, bytes: Buffer): Promise<PutResult> {
    const path = this.pathOf(key);
    if (await this.has(key)) return { key, size: bytes.length, created: false };
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(tmp, path);
      return { key, size: bytes.length, created: true };
    } catch (err) {
      // Another writer got there first: its bytes stay.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { key, size: bytes.length, created: false };
      throw err;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if (missing(err)) return null;
      throw err;
    }
  }

  async stream(key: string): Promise<Readable | null> {
    const path = this.pathOf(key);
    if (!(await this.has(key))) return null;
    return createReadStream(path);
  }

  async delete(key: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(key));
      return true;
    } catch (err) {
      if (missing(err)) return false;
      throw err;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (err) {
      if (missing(err)) return false;
      throw err;
    }
  }
}
