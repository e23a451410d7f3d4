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
    if ((await this.redis.zcard(keys.taskFiles(file.taskId))) >= MAX_FILES_PER_TASK) return null;
    const id = randomBytes(12).toString('base64url');
    const meta: StoredFileMeta = { id, planId: file.planId, taskId: file.taskId, name: file.name, type: file.type, size: file.data.length, by: file.by, at: file.at };
    await this.redis
      .multi()
      .hset(keys.file(id), { name: meta.name, type: meta.type, size: meta.size, taskId: meta.taskId, by: meta.by, at: meta.at, data: file.data })
      .zadd(keys.taskFiles(file.taskId), meta.at, id)
      .exec();
    return meta;
  }

  async get(planId: string, fileId: string): Promise<StoredFile | null> {
    const h = await this.redis.hgetallBuffer(webKeys(this.engine, planId).file(fileId));
    if (!h.data) return null;
    const s = (field: string) => h[field]?.toString('utf8') ?? '';
    return { id: fileId, planId, taskId: s('taskId'), name: s('name'), type: s('type'), size: Number(s('size')), by: s('by'), at: Number(s('at')), data: h.data };
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
