/**
 * Starts one private redis-server for the whole test run, on a free port with its
 * data in a temp folder — never a developer's Redis or data — and stops it after.
 * Beside it, a private three-node Redis Cluster (test/helpers/redis-cluster.ts),
 * started at the same time (about a second) for the tests that run on a cluster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { hasRedisServer, NO_REDIS_HELP, startRedisServer } from '../../src/infra/redis-server.js';
import { startRedisCluster } from '../helpers/redis-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** `127.0.0.1:port` of each master of the run's Redis Cluster. */
    redisClusterNodes: string[];
  }
}

export default async function setup(project: TestProject) {
  if (!hasRedisServer()) throw new Error(NO_REDIS_HELP);
  const dir = mkdtempSync(join(tmpdir(), 'duban-test-redis-'));
  const [server, cluster] = await Promise.all([startRedisServer(dir, { persist: false }), startRedisCluster()]);
  project.provide('redisUrl', server.url);
  project.provide('redisClusterNodes', cluster.nodes);
  return async () => {
    await Promise.all([server.stop(), cluster.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
}
