/**
 * The benchmark's own redis-server: started like `duban start` starts it
 * (startRedisServer: appendonly yes, appendfsync everysec, hz 100, noeviction) in a
 * temporary directory that is deleted afterwards. No other Redis is ever touched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer } from '../src/infra/redis-server.js';

export interface BenchRedis {
  url: string;
  dir: string;
  /** A connection for INFO, FLUSHALL and MEMORY; never used by the code being measured. */
  admin: Redis;
  stop(): Promise<void>;
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-bench-'));
  const server = await startRedisServer(dir, { persist: true });
  const admin = new Redis(server.url, { maxRetriesPerRequest: null });
  return {
    url: server.url,
    dir,
    admin,
    async stop() {
      admin.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function info(admin: Redis, section: string): Promise<Record<string, string>> {
  const text = await admin.info(section);
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export async function usedMemory(admin: Redis): Promise<number> {
  return Number((await info(admin, 'memory')).used_memory);
}

/** Seconds of CPU the redis-server process has used (user + system, all threads). */
export async function redisCpuSeconds(admin: Redis): Promise<number> {
  const cpu = await info(admin, 'cpu');
  return Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys);
}

/** Waits (bounded) until no AOF rewrite runs or is scheduled, so it does not land inside a measurement. */
export async function persistenceIdle(admin: Redis, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const p = await info(admin, 'persistence');
    if (p.aof_rewrite_in_progress === '0' && p.aof_rewrite_scheduled === '0' && p.rdb_bgsave_in_progress === '0') return;
    await sleep(100);
  }
}

/** Empties the private Redis between scenarios and compacts the AOF so it does not grow across the run. */
export async function flush(admin: Redis): Promise<void> {
  await admin.flushall('SYNC');
  await persistenceIdle(admin);
  await admin.bgrewriteaof();
  await sleep(50);
  await persistenceIdle(admin);
}

/** Stable used_memory: INFO read a few times after a pause, lowest value (allocator noise). */
export async function settledMemory(admin: Redis): Promise<number> {
  await persistenceIdle(admin);
  await sleep(300);
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    best = Math.min(best, await usedMemory(admin));
    await sleep(50);
  }
  return best;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
