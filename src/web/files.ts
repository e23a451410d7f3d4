/**
 * Evidence files uploaded with a task (方案、报告、照片). The bytes go to the file
 * store (src/files: the data folder by default), named by their content hash; Redis
 * keeps only what is said about each file — name, type, size, hash, who, when — in a
 * hash beside the plan, under a random id. A submission names a file by the absolute
 * URL of its download route, so evidence is always a link, whether uploaded or
 * external.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { RedisClient } from '../store/batch.js';
import type { Engine } from '../engine/engine.js';
import { contentKey, type FileStore } from '../files/file-store.js';
import { webKeys } from './keys.js';
import { archivedName, archivedPlan, type PlanArchive } from '../engine/archive.js';
import { prefixOf } from '../engine/plan-index.js';

/** Larger files belong in the bureau's document system; link them instead. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
/** Enough for a task's evidence, and a bound on what one task can store. */
export const MAX_FILES_PER_TASK = 30;
/** Evidence keys in the file store: `evidence/ab/<sha256>`. */
export const EVIDENCE_KIND = 'evidence';

/**
 * Records one file unless its task already holds the limit: the count and the write
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
  /** sha256 of the bytes: their name in the file store. */
  sha256: string;
  by: string;
  at: number;
}

export interface NewFile {
  planId: string;
  taskId: string;
  name: string;
  type: string;
  by: string;
  at: number;
  data: Buffer;
}

export class EvidenceFiles {
  constructor(
    private readonly redis: RedisClient,
    private readonly engine: Engine,
    private readonly store: FileStore,
  ) {}

  /** Stores the bytes and records the file; returns null when the task already holds MAX_FILES_PER_TASK files. */
  async put(file: NewFile): Promise<StoredFileMeta | null> {
    const keys = webKeys(this.engine, file.planId);
    // A full task is refused before any bytes are written; the script below holds the limit under races.
    if ((await this.redis.zcard(keys.taskFiles(file.taskId))) >= MAX_FILES_PER_TASK) return null;
    const { key, hash } = contentKey(EVIDENCE_KIND, file.data);
    await this.store.put(key, file.data, { type: file.type });
    const id = randomBytes(12).toString('base64url');
    const meta: StoredFileMeta = {
      id,
      planId: file.planId,
      taskId: file.taskId,
      name: file.name,
      type: file.type,
      size: file.data.length,
      sha256: hash,
      by: file.by,
      at: file.at,
    };
    const fields = {
      name: meta.name,
      type: meta.type,
      size: meta.size,
      sha256: hash,
      blob: key,
      taskId: meta.taskId,
      by: meta.by,
      at: meta.at,
    };
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
    // The bytes stay in the store when refused here: another upload may share them (same content, same key).
    return stored === 1 ? meta : null;
  }

  /** A file's record and its store key, or null. */
  async meta(planId: string, fileId: string): Promise<(StoredFileMeta & { blob: string }) | null> {
    return metaOf(planId, fileId, await this.redis.hgetall(webKeys(this.engine, planId).file(fileId)));
  }

  /**
   * A file of an archived plan, from its record in the archive document (its bytes stay in
   * the file store): the links people saved keep working for those who may read the archive.
   */
  async openArchived(planId: string, fileId: string): Promise<{ meta: StoredFileMeta; body: Readable } | null> {
    const record = await archivedPlan(this.redis, prefixOf(this.engine.keys.plans), planId);
    const bytes = record ? await this.store.get(record.file) : null;
    if (!bytes) return null;
    const doc = JSON.parse(bytes.toString('utf8')) as PlanArchive;
    const k = doc.keys[archivedName(this.engine, planId, webKeys(this.engine, planId).file(fileId))];
    const meta = k?.type === 'hash' ? metaOf(planId, fileId, k.value) : null;
    const body = meta ? await this.store.stream(meta.blob) : null;
    return meta && body ? { meta, body } : null;
  }

  /** A file's record and its bytes as a stream, or null when either is missing. */
  async open(planId: string, fileId: string): Promise<{ meta: StoredFileMeta; body: Readable } | null> {
    const meta = await this.meta(planId, fileId);
    if (!meta) return null;
    const body = await this.store.stream(meta.blob);
    return body ? { meta, body } : null;
  }

  /** A task's files, oldest first, without their bytes. */
  async list(planId: string, taskId: string): Promise<StoredFileMeta[]> {
    const keys = webKeys(this.engine, planId);
    const ids = await this.redis.zrange(keys.taskFiles(taskId), '0', '-1');
    if (ids.length === 0) return [];
    // One plan's keys: one slot, so one pipeline is fine under Cluster.
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(keys.file(id), 'name', 'type', 'size', 'sha256', 'by', 'at');
    const rows = (await pipeline.exec()) ?? [];
    return ids.flatMap((id, i) => {
      const [name, type, size, hash, by, at] = (rows[i]?.[1] ?? []) as (string | null)[];
      return name
        ? [{ id, planId, taskId, name, type: type ?? '', size: Number(size), sha256: hash ?? '', by: by ?? '', at: Number(at) }]
        : [];
    });
  }
}

/** A file's record as its hash holds it (in Redis, or in an archive document), or null when it has no name or bytes. */
function metaOf(planId: string, fileId: string, h: Record<string, string>): (StoredFileMeta & { blob: string }) | null {
  if (!h.name || !h.blob) return null;
  return {
    id: fileId,
    planId,
    taskId: h.taskId ?? '',
    name: h.name,
    type: h.type ?? 'application/octet-stream',
    size: Number(h.size),
    sha256: h.sha256 ?? '',
    by: h.by ?? '',
    at: Number(h.at),
    blob: h.blob,
  };
}
