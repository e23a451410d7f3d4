/**
 * The redis-server that `duban start` keeps with its data folder, one per folder.
 *
 * Two servers on the same append-only files would corrupt them, and a start killed
 * with SIGKILL leaves its server running (it has a process group of its own, so
 * that Ctrl-C reaches only duban, which stops it last). So the folder holds a lock,
 * `duban-redis.json`, naming the server's pid and port:
 *
 * - no lock, or a lock whose server is gone: start a new server and write the lock;
 * - a lock whose server still runs on this folder and that no live start uses: a
 *   start was killed; use that server (its data is all there) and own it from now;
 * - a lock whose server a live start uses: refuse, and say how to share that Redis.
 *
 * A start is "live" while it holds a connection named `duban:start:<pid>` to the
 * server: the kernel closes that connection however the process dies, so a pid
 * reused by some other program is never mistaken for a live start.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { isAlive, startRedisServer, stopRedisProcess, type RedisServerHandle } from './redis-server.js';

export const LOCK_FILE = 'duban-redis.json';
const OWNER_PREFIX = 'duban:start:';

/** What the lock file holds. `pid` 0: a start has claimed the folder and is launching its server. */
interface LockRecord {
  pid: number;
  port: number;
  dir: string;
  /** The duban process that owns the server. */
  owner: number;
  since: string;
}

export interface LocalRedis extends RedisServerHandle {
  /** True when the server was left running by an earlier start and is reused. */
  reused: boolean;
}

/** Another live start uses the folder; the message says what to do instead. */
export class DataDirInUseError extends Error {
  constructor(dir: string, lock: LockRecord) {
    const url = lock.port ? `redis://127.0.0.1:${lock.port}` : null;
    super(
      [
        `数据目录 ${dir} 正由另一个 duban start 使用（${lock.pid ? `redis-server 进程 ${lock.pid}，端口 ${lock.port}` : `duban 进程 ${lock.owner} 正在启动它`}）。` +
          `同一数据目录只能有一个 redis-server。要多开进程，请共用这个 Redis：${url ? `REDIS_URL=${url} ` : 'REDIS_URL=… '}duban api 或 duban worker；或用 DUBAN_DATA_DIR 换一个目录。`,
        `The data folder ${dir} is in use by another duban start (${lock.pid ? `redis-server pid ${lock.pid}, port ${lock.port}` : `duban pid ${lock.owner} is starting it`}); ` +
          `one folder takes one redis-server. To run more processes, share that Redis: ${url ? `REDIS_URL=${url} ` : 'REDIS_URL=… '}duban api (or worker); or choose another folder with DUBAN_DATA_DIR.`,
      ].join('\n'),
    );
  }
}

function readLock(path: string): LockRecord | null {
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockRecord>;
    if (typeof raw.pid !== 'number' || typeof raw.port !== 'number' || typeof raw.owner !== 'number') return null;
    return { pid: raw.pid, port: raw.port, owner: raw.owner, dir: String(raw.dir ?? ''), since: String(raw.since ?? '') };
  } catch {
    return null; // absent, or torn by a crash mid-write: nothing to honour
  }
}

/** Replaces the lock in one step (write aside, rename), so no reader sees half of it. */
function writeLock(path: string, lock: LockRecord): void {
  const aside = `${path}.${process.pid}`;
  writeFileSync(aside, `${JSON.stringify(lock, null, 2)}\n`);
  renameSync(aside, path);
}

/** Creates the lock only if there is none; false if another start got there first. */
function claimLock(path: string, dir: string): boolean {
  try {
    writeFileSync(path, JSON.stringify({ pid: 0, port: 0, dir, owner: process.pid, since: new Date().toISOString() }), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Removes the lock if it still says what we read: another start may have replaced it meanwhile. */
function removeLockIf(path: string, expected: LockRecord): void {
  const now = readLock(path);
  if (!now || (now.pid === expected.pid && now.owner === expected.owner && now.port === expected.port)) rmSync(path, { force: true });
}

interface Probe {
  pid: number;
  dir: string;
  clientNames: string[];
}

/** Asks whatever answers on `port` for its pid, its data folder and its clients' names. */
async function probe(port: number): Promise<Probe | null> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 2_000,
    commandTimeout: 5_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    const [, dir] = (await client.config('GET', 'dir')) as [string, string];
    const clients = (await client.client('LIST')) as string;
    return {
      pid: Number(/process_id:(\d+)/.exec(info)?.[1] ?? 0),
      dir,
      clientNames: [...clients.matchAll(/ name=(\S*)/g)].map((m) => m[1]!),
    };
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** Whether `pid` runs redis-server (ps works on Linux and macOS). */
function isRedisServer(pid: number): boolean {
  const comm = spawnSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).stdout ?? '';
  return /redis-server/.test(comm);
}

type Verdict = { kind: 'free' } | { kind: 'reuse'; lock: LockRecord } | { kind: 'in-use'; lock: LockRecord };

async function inspect(lock: LockRecord, dir: string): Promise<Verdict> {
  if (lock.pid === 0) return isAlive(lock.owner) && lock.owner !== process.pid ? { kind: 'in-use', lock } : { kind: 'free' };
  if (!isAlive(lock.pid)) return { kind: 'free' };
  const found = await probe(lock.port);
  if (!found) {
    // The pid runs but nothing answers on the port: a pid reused by another program
    // (the lock is stale), or our server hung — then a second one must not start.
    if (isRedisServer(lock.pid))
      throw new Error(
        `redis-server（进程 ${lock.pid}）仍在运行但不响应，请先停止它 / redis-server (pid ${lock.pid}) is running but does not answer on port ${lock.port}; stop it first.`,
      );
    return { kind: 'free' };
  }
  if (found.pid !== lock.pid || found.dir !== dir) return { kind: 'free' };
  if (found.clientNames.some((name) => name.startsWith(OWNER_PREFIX))) return { kind: 'in-use', lock };
  return { kind: 'reuse', lock };
}

/** Holds the owner connection while the server is ours; stopping releases it, stops the server and the lock. */
async function own(server: RedisServerHandle, lockPath: string, reused: boolean): Promise<LocalRedis> {
  const owner = new Redis(server.url, {
    connectionName: `${OWNER_PREFIX}${process.pid}`,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: (n) => Math.min(n * 100, 1_000),
  });
  owner.on('error', () => undefined); // it only needs to exist; outages are reported by the runtime's clients
  await owner.connect();
  return {
    ...server,
    reused,
    async stop() {
      owner.disconnect();
      await server.stop();
      const lock = readLock(lockPath);
      if (lock && lock.pid === server.pid) rmSync(lockPath, { force: true });
    },
  };
}

/**
 * The redis-server for the data folder `dirArg`: the one a killed start left running,
 * or a new one. Throws DataDirInUseError if a live start uses the folder.
 */
export async function startLocalRedis(dirArg: string): Promise<LocalRedis> {
  mkdirSync(resolve(dirArg), { recursive: true });
  const dir = realpathSync(resolve(dirArg)); // what redis-server reports as its dir
  const lockPath = join(dir, LOCK_FILE);
  let torn = 0;
  for (let attempt = 0; attempt < 10; attempt++) {
    const lock = existsSync(lockPath) ? readLock(lockPath) : null;
    if (lock) {
      const verdict = await inspect(lock, dir);
      if (verdict.kind === 'in-use') throw new DataDirInUseError(dir, lock);
      if (verdict.kind === 'reuse') {
        writeLock(lockPath, { ...lock, owner: process.pid, since: new Date().toISOString() });
        const url = `redis://127.0.0.1:${lock.port}`;
        return own({ url, port: lock.port, pid: lock.pid, stop: () => stopRedisProcess(lock.pid) }, lockPath, true);
      }
      removeLockIf(lockPath, lock);
    } else if (existsSync(lockPath)) {
      // Unreadable: being written by a start that just claimed it, or torn by a crash mid-write.
      if (++torn < 3) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      rmSync(lockPath, { force: true });
    }
    if (!claimLock(lockPath, dir)) continue; // another start claimed it just now: look again
    try {
      const server = await startRedisServer(dir, { detached: true });
      try {
        writeLock(lockPath, { pid: server.pid, port: server.port, dir, owner: process.pid, since: new Date().toISOString() });
        return await own(server, lockPath, false);
      } catch (err) {
        await server.stop();
        throw err;
      }
    } catch (err) {
      rmSync(lockPath, { force: true });
      throw err;
    }
  }
  throw new Error(`无法锁定数据目录 ${dir} / could not lock the data folder ${dir}`);
}
