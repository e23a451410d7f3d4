/**
 * Done-markers of start-up migrations: one global hash, `<prefix>:migrations`, a field
 * per migration holding when it finished. Single-key commands only, so it lives in a
 * slot of its own under Cluster.
 */
import type { RedisClient } from './batch.js';

export const marksKey = (prefix: string): string => `${prefix}:migrations`;

export async function isDone(redis: RedisClient, prefix: string, name: string): Promise<boolean> {
  return (await redis.hexists(marksKey(prefix), name)) === 1;
}

export async function markDone(redis: RedisClient, prefix: string, name: string, at = Date.now()): Promise<void> {
  await redis.hset(marksKey(prefix), name, String(at));
}
