/**
 * SCAN that finds every key, on one server or a Redis Cluster. SCAN names no key, so
 * an ioredis Cluster sends it to one node of its choosing, which holds only its own
 * slots' keys — even a pattern inside one hash tag is missed unless that node happens
 * to own the slot. On a cluster every master is scanned in turn.
 */
import { Cluster } from 'ioredis';
import type { RedisClient } from './batch.js';

/** Every key matching `pattern`, each once, in no particular order. */
export async function scanKeys(redis: RedisClient, pattern: string, count = 500): Promise<string[]> {
  const found = new Set<string>();
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      for (const k of keys) found.add(k);
    } while (cursor !== '0');
  }
  return [...found];
}
