/**
 * Starts one private redis-server for the whole test run, on a free port with its
 * data in a temp folder — never a developer's Redis or data — and stops it after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { hasRedisServer, NO_REDIS_HELP, startRedisServer } from '../../src/infra/redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (!hasRedisServer()) throw new Error(NO_REDIS_HELP);
  const dir = mkdtempSync(join(tmpdir(), 'duban-test-redis-'));
  const server = await startRedisServer(dir, { persist: false });
  project.provide('redisUrl', server.url);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
