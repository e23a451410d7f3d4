/**
 * The start-up migration of evidence bytes out of Redis. Builds before the file store
 * kept each uploaded file's bytes in its Redis hash (field `data`); this moves them to
 * the store, records their hash and store key, and drops the field. Each file is
 * moved on its own (bytes first, then the hash), so a run cut short leaves every file
 * readable and the next run finishes the rest; the done-marker spares later starts
 * the scan.
 */
import type { RedisClient } from '../store/batch.js';
import { scanKeys } from '../store/scan.js';
import type { Engine } from '../engine/engine.js';
import { EVIDENCE_KIND } from '../web/files.js';
import { enginePrefix, webKeys } from '../web/keys.js';
import { contentKey, type FileStore } from './file-store.js';
import { isDone, markDone } from '../store/migration-marks.js';

export const EVIDENCE_MIGRATION = 'evidence-to-file-store';

/**
 * Scans keys matching `pattern` (one plan's, within its hash tag). On a cluster every
 * master is scanned (src/store/scan.ts): SCAN carries no key, so ioredis would ask any one node.
 */
export async function scanPlanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  return scanKeys(redis, pattern);
}

/** Moves every file's bytes still in Redis to `store`; returns how many it moved. */
export async function migrateEvidence(engine: Engine, store: FileStore, log?: (line: string) => void): Promise<number> {
  const redis = engine.redis;
  const prefix = enginePrefix(engine);
  if (await isDone(redis, prefix, EVIDENCE_MIGRATION)) return 0;
  let moved = 0;
  for (const planId of await redis.zrange(engine.keys.plans, '0', '-1')) {
    for (const key of await scanPlanKeys(redis, webKeys(engine, planId).file('*'))) {
      const data = await redis.hgetBuffer(key, 'data');
      if (!data) continue;
      const { key: blob, hash } = contentKey(EVIDENCE_KIND, data);
      await store.put(blob, data);
      // Checked back before the bytes leave Redis.
      const copy = await store.get(blob);
      if (!copy || !copy.equals(data)) throw new Error(`file store did not keep ${blob} intact; ${key} keeps its bytes`);
      await redis.multi().hset(key, 'sha256', hash, 'blob', blob).hdel(key, 'data').exec();
      moved++;
    }
  }
  await markDone(redis, prefix, EVIDENCE_MIGRATION);
  if (moved > 0) log?.(`证据文件：已将 ${moved} 个文件移出 Redis / evidence: moved ${moved} file(s) out of Redis to the file store`);
  return moved;
}
