/**
 * Starts a private redis-server for `duban start` (and for the tests): append-only
 * persistence, hz 100 so delayed jobs fire on time, noeviction so BullMQ never
 * loses a job to memory pressure, and hash values up to 1 KiB kept compact.
 * The data folder's lock (which server owns it) is in local-redis.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';

export interface RedisServerHandle {
  url: string;
  port: number;
  pid: number;
  /** Asks the server to shut down (SIGTERM: the append-only file is flushed) and waits until it has. */
  stop(): Promise<void>;
}

export const NO_REDIS_HELP = `找不到 redis-server，也没有设置 REDIS_URL。
Duban 把方案、任务和定时器保存在 Redis 中。请任选其一：
  • 安装 Redis（Debian/Ubuntu：sudo apt-get install redis-server；macOS：brew install redis），
    然后重新运行，Duban 会自己启动它并把数据保存在 ./data；
  • 或者设置 REDIS_URL=redis://host:6379 使用已有的 Redis 7（需 maxmemory-policy noeviction）。

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

/** Whether `pid` is a running process (a zombie, dead but not yet reaped, is not). */
export function isAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = `/proc/${pid}/stat`;
  if (existsSync(stat)) {
    try {
      return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
    } catch {
      return false;
    }
  }
  return true;
}

/** Resolves true once `pid` has exited, false if it still runs after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/**
 * Stops a redis-server by pid: SIGTERM, which makes it flush the append-only file
 * and exit, then waits. Only a server that ignores that for `timeoutMs` is killed.
 */
export async function stopRedisProcess(pid: number, timeoutMs = 30_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  if (await waitForExit(pid, timeoutMs)) return;
  process.kill(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
}

export interface StartRedisOptions {
  /** Append-only persistence (default true); the tests' shared server runs without. */
  persist?: boolean;
  /** A port of your choosing (default: a free one). */
  port?: number;
  /**
   * Its own process group, so a terminal's Ctrl-C reaches only its parent, which
   * stops it last, after everything that uses it (default false).
   */
  detached?: boolean;
  /** More arguments for redis-server (the tests' cluster nodes: --cluster-enabled yes …). */
  extraArgs?: string[];
}

/** Starts redis-server with its data in `dir`. */
export async function startRedisServer(dir: string, options: StartRedisOptions = {}): Promise<RedisServerHandle> {
  const port = options.port ?? (await freePort());
  const absolute = resolve(dir);
  mkdirSync(absolute, { recursive: true });
  const persist = options.persist ?? true;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    absolute,
    '--hz',
    '100',
    '--maxmemory-policy',
    'noeviction',
    // A task hash (snapshot, timers, indexes) fits the compact listpack encoding.
    '--hash-max-listpack-value',
    '1024',
    '--save',
    '',
    '--appendonly',
    persist ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    '--protected-mode',
    'yes',
    ...(options.extraArgs ?? []),
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'inherit'], detached: options.detached ?? false });
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitForPing(url, child, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const pid = child.pid!;
  return {
    url,
    port,
    pid,
    stop: () => stopRedisProcess(pid),
  };
}
