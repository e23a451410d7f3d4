/**
 * Starts a private redis-server for `duban start` (and for the tests): append-only
 * persistence, hz 100 so delayed jobs fire on time, noeviction so BullMQ never
 * loses a job to memory pressure, and hash values up to 1 KiB kept compact.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisServerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const NO_REDIS_HELP = `找不到 redis-server,也没有设置 REDIS_URL。
Duban 把方案、任务和定时器保存在 Redis 中。请任选其一:
  • 安装 Redis(Debian/Ubuntu:sudo apt-get install redis-server;macOS:brew install redis),
    然后重新运行,Duban 会自己启动它并把数据保存在 ./data;
  • 或者设置 REDIS_URL=redis://host:6379 使用已有的 Redis 7(需 maxmemory-policy noeviction)。

redis-server was not found on PATH and REDIS_URL is not set.
Duban keeps plans, tasks and timers in Redis. Either install Redis
(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) and run
again — Duban starts it itself and keeps its data in ./data — or set
REDIS_URL=redis://host:6379 to use a Redis 7 you already run (with maxmemory-policy noeviction).`;

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined); // refused while the server is still starting
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch (err) {
      lastError = err;
      client.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`redis-server did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

/** Starts redis-server on a free port with its data in `dir`. */
export async function startRedisServer(dir: string, options: { persist?: boolean } = {}): Promise<RedisServerHandle> {
  const port = await freePort();
  const absolute = resolve(dir);
  mkdirSync(absolute, { recursive: true });
  const persist = options.persist ?? true;
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', absolute,
    '--hz', '100',
    '--maxmemory-policy', 'noeviction',
    // A task hash (snapshot, timers, indexes) fits the compact listpack encoding.
    '--hash-max-listpack-value', '1024',
    '--save', '',
    '--appendonly', persist ? 'yes' : 'no',
    '--appendfsync', 'everysec',
    '--protected-mode', 'yes',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, child, 10_000);
  return {
    url,
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
