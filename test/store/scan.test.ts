/**
 * scanKeys on the run's real Redis Cluster: keys spread over every master (each plan's
 * hash tag its own slot) are all found, where SCAN on the cluster client asks one node.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectFailFast } from '../../src/infra/redis-clients.js';
import type { RedisClient } from '../../src/store/batch.js';
import { scanKeys } from '../../src/store/scan.js';
import { testClusterSpec, testPrefix } from '../helpers/runtime.js';

let redis: RedisClient;
const prefix = testPrefix();
const keys = Array.from({ length: 30 }, (_, i) => `${prefix}:{plan-${i}}:plan`);

beforeAll(async () => {
  redis = await connectFailFast(testClusterSpec(), { timeoutMs: 3_000, connectMs: 5_000, name: 'scan-test' });
  await Promise.all(keys.map((k) => redis.set(k, '1')));
});
afterAll(async () => {
  await Promise.all(keys.map((k) => redis.del(k)));
  redis.disconnect();
});

it('finds every key on a cluster, where SCAN through the cluster client sees one node only', async () => {
  expect((await scanKeys(redis, `${prefix}:*`)).sort()).toEqual([...keys].sort());
  // One plan's keys too, wherever its slot lives.
  expect(await scanKeys(redis, `${prefix}:{plan-7}:*`)).toEqual([`${prefix}:{plan-7}:plan`]);
  const [, oneNode] = await redis.scan('0', 'MATCH', `${prefix}:*`, 'COUNT', 10_000);
  expect(oneNode.length).toBeLessThan(keys.length);
});
