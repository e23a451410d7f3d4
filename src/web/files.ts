/**
 * Evidence files uploaded with a task (方案、报告、照片): kept in Redis beside the
 * plan, each under a random id. A submission names a file by the absolute URL of
 * its download route, so evidence is always a link, whether uploaded or external.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Engine } from '../engine/engine.js';
import { webKeys } from './keys.js';

/** Larger files belong in the bureau's document system; link them instead. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Enough for a task's evidence, and a bound on what one task can store. */
export const MAX_FILES_PER_TASK = 30;

/**
 * Stores one file unless its task already holds the limit: the count and the write
 * in one script, so concurrent uploads cannot all pass the count and then all write.
 *
 * KEYS[1]  the task's file set (sorted set of file ids, scored by upload time)
 * KEYS[2]  the file's hash
 * ARGV[1]  the most files a task may hold
 * ARGV[2]  the upload time (score)
 * ARGV[3]  the file id
 * ARGV[4…] the file hash's field, value pairs
 * Returns  1 stored; 0 the task is full, nothing written.
 */
const PUT_FILE_LUA = `
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV, 4))
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
`;

export interface StoredFileMeta {
  id: string;
  planId: string;
  taskId: string;
  name: string;
  type: string;
  size: number;
  by: string;
  at: number;
}

export interface StoredFile extends StoredFileMeta {
  data: Buffer;
}

export class FileStore {
  constructor(
    private readonly redis: Redis,
    private readonly engine: Engine,
  ) {}

  /** Stores the bytes; returns null when the task already holds MAX_FILES_PER_TASK files. */
  async put(file: Omit<StoredFile, 'id' | 'size'>): Promise<StoredFileMeta | null> {
    const keys = webKeys(this.engine, file.planId);
    const id = randomBytes(12).toString('base64url');
    const meta: StoredFileMeta = {
      id,
      planId: file.planId,
      taskId: file.taskId,
      name: file.name,
      type: file.type,
      size: file.data.length,
      by: file.by,
      at: file.at,
    };
    const fields = { name: meta.name, type: meta.type, size: meta.size, taskId: meta.taskId, by: meta.by, at: meta.at, data: file.data };
    const stored = await this.redis.eval(
      PUT_FILE_LUA,
      2,
      keys.taskFiles(file.taskId),
      keys.file(id),
      MAX_FILES_PER_TASK,
      meta.at,
      id,
      ...Object.entries(fields).flat(),
    );
    return stored === 1 ? meta : null;
  }

  async get(planId: string, fileId: string): Promise<StoredFile | null> {
    const h = await this.redis.hgetallBuffer(webKeys(this.engine, planId).file(fileId));
    if (!h.data) return null;
    const s = (field: string) => h[field]?.toString('utf8') ?? '';
    return {
      id: fileId,
      planId,
      taskId: s('taskId'),
      name: s('name'),
      type: s('type'),
      size: Number(s('size')),
      by: s('by'),
      at: Number(s('at')),
      data: h.data,
    };
  }

  /** A task's files, oldest first, without their bytes. */
  async list(planId: string, taskId: string): Promise<StoredFileMeta[]> {
    const keys = webKeys(this.engine, planId);
    const ids = await this.redis.zrange(keys.taskFiles(taskId), '0', '-1');
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(keys.file(id), 'name', 'type', 'size', 'by', 'at');
    const rows = (await pipeline.exec()) ?? [];
    return ids.flatMap((id, i) => {
      const [name, type, size, by, at] = (rows[i]?.[1] ?? []) as (string | null)[];
      return name ? [{ id, planId, taskId, name, type: type ?? '', size: Number(size), by: by ?? '', at: Number(at) }] : [];
    });
  }
}
