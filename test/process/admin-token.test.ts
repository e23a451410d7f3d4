/**
 * The first admin token: made and printed once, by a process that serves the API —
 * the README and compose.yaml send the office to the API's log for it — never by a
 * worker, which may start first, and never twice when processes start together.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenStore } from '../../src/auth/tokens.js';
import { startRedisServer, type RedisServerHandle } from '../../src/infra/redis-server.js';
import { keysFor } from '../../src/store/keys.js';
import { spawnDuban, type DubanProcess } from './processes.js';

const FIRST_TOKEN = /first admin token \(shown once\): (\S+)/;

describe('the first admin token', () => {
  let dir = '';
  let server: RedisServerHandle;
  let redis: Redis;
  const running: DubanProcess[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-admin-'));
    server = await startRedisServer(join(dir, 'redis'));
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    for (const p of running) p.child.kill('SIGKILL');
    redis?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker started first makes none; the API started after it prints one that works', async () => {
    const env = { REDIS_URL: server.url, DUBAN_PREFIX: 'adm', DUBAN_DATA_DIR: join(dir, 'data'), DUBAN_WORKER_PORT: '0' };
    const worker = spawnDuban(['worker'], { env });
    running.push(worker);
    await worker.waitFor('已就绪 / ready');
    expect(worker.output()).not.toMatch(FIRST_TOKEN);
    expect(await redis.exists('adm:admin')).toBe(0);

    const api = spawnDuban(['api', '--port', '0'], { env });
    running.push(api);
    const token = (await api.waitFor(FIRST_TOKEN))[1]!;
    const store = new TokenStore(redis, keysFor('adm'));
    expect(await store.resolve(token)).toEqual({ kind: 'admin' });
    // A second start of either role makes no other.
    const again = spawnDuban(['api', '--port', '0'], { env });
    running.push(again);
    await again.waitFor('已就绪 / ready');
    expect(again.output()).not.toMatch(FIRST_TOKEN);
  }, 60_000);

  it('processes starting together make exactly one admin token between them', async () => {
    const keys = keysFor('together');
    const stores = Array.from({ length: 8 }, () => new TokenStore(redis, keys));
    const made = (await Promise.all(stores.map((s) => s.ensureAdmin()))).filter((t): t is string => t !== null);
    expect(made).toHaveLength(1);
    expect(await stores[0]!.resolve(made[0]!)).toEqual({ kind: 'admin' });
    // The others' tokens were withdrawn: the only admin credential stored is the one printed.
    const admins: string[] = [];
    for (const key of await redis.keys('together:*')) {
      if ((await redis.type(key)) === 'string' && (await redis.get(key)) === JSON.stringify({ kind: 'admin' })) admins.push(key);
    }
    expect(admins).toHaveLength(1);
    expect(await stores[1]!.ensureAdmin()).toBeNull();
  });
});
