/**
 * Duban through a real Sentinel (redis-server --sentinel) watching a master with one
 * replica: the engine runs on the master the sentinel names, a wrong master name stops
 * the start saying so, and when the master dies the sentinel promotes the replica and
 * the same runtime — API and timer workers, never restarted — goes on there: the plan
 * made before the failover is read, and its timer fires on the new master, once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, redisSpec } from '../../src/config.js';
import { freePort, startRedisServer, stopRedisProcess, type RedisServerHandle } from '../../src/infra/redis-server.js';
import { startRuntime } from '../../src/runtime.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually, testPrefix } from '../helpers/runtime.js';

const quiet = () => undefined;
const office = { kind: 'office', name: '陈静', org: 'default' } as const;

interface Watched {
  dir: string;
  master: RedisServerHandle;
  replica?: RedisServerHandle;
  sentinel: ChildProcess;
  sentinels: string;
  stop(): Promise<void>;
}

/** A master (and a replica of it, if asked), and one sentinel watching it as `duban-master`. */
async function watched(o: { replica: boolean; downAfterMs: number }): Promise<Watched> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-test-sentinel-'));
  const master = await startRedisServer(join(dir, 'master'), { persist: false });
  const replica = o.replica
    ? await startRedisServer(join(dir, 'replica'), { persist: false, extraArgs: ['--replicaof', '127.0.0.1', String(master.port)] })
    : undefined;
  const port = await freePort();
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor duban-master 127.0.0.1 ${master.port} 1`,
      `sentinel down-after-milliseconds duban-master ${o.downAfterMs}`,
      'sentinel failover-timeout duban-master 10000',
    ].join('\n') + '\n',
  );
  const sentinel = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  return {
    dir,
    master,
    ...(replica ? { replica } : {}),
    sentinel,
    sentinels: `127.0.0.1:${port}`,
    async stop() {
      if (sentinel.pid) await stopRedisProcess(sentinel.pid);
      await replica?.stop();
      await master.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the sentinel says about its master: its address, and how many replicas it knows. */
async function sentinelView(sentinels: string): Promise<{ master: string; replicas: number }> {
  const [host, port] = sentinels.split(':');
  const s = new Redis({ host: host!, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  s.on('error', () => undefined); // refused while the sentinel is still starting: the caller asks again
  try {
    await s.connect();
    const addr = (await s.call('SENTINEL', 'get-master-addr-by-name', 'duban-master')) as [string, string] | null;
    const replicas = (await s.call('SENTINEL', 'replicas', 'duban-master')) as unknown[];
    return { master: addr ? `${addr[0]}:${addr[1]}` : '', replicas: replicas.length };
  } finally {
    s.disconnect();
  }
}

describe('through Sentinel', () => {
  const cleanup: (() => Promise<void>)[] = [];

  /** API and timer workers in one runtime, on the master the sentinel names `duban-master`. */
  async function through(w: Watched, lines?: string[]) {
    const rt = await startRuntime({
      redis: redisSpec(loadConfig({ REDIS_SENTINELS: w.sentinels, REDIS_SENTINEL_NAME: 'duban-master' }))!,
      prefix: testPrefix(),
      log: lines ? (l) => lines.push(l) : quiet,
      connectMs: 5_000,
      worker: { concurrency: 5, reconcileMs: 1_000, lockMs: 2_000, stalledMs: 1_000 },
      dataDir: mkdtempSync(join(w.dir, 'data-')),
    });
    cleanup.push(() => rt.close());
    return rt;
  }
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('runs the engine on the master the sentinels name, and a wrong master name stops the start saying so', async () => {
    const w = await watched({ replica: false, downAfterMs: 5_000 });
    cleanup.push(() => w.stop());
    const wrong = redisSpec(loadConfig({ REDIS_SENTINELS: w.sentinels, REDIS_SENTINEL_NAME: 'no-such-master' }))!;
    await expect(startRuntime({ redis: wrong, prefix: testPrefix(), log: quiet, connectMs: 5_000 })).rejects.toThrow(
      '哨兵不认识名为「no-such-master」的主节点，请检查 REDIS_SENTINEL_NAME / the sentinels know no master named "no-such-master": check REDIS_SENTINEL_NAME',
    );

    // A sentinel that is down (listed first) is not waited for while another names the master.
    const dead = await freePort();
    const t0 = Date.now();
    const withDead = await startRuntime({
      redis: redisSpec(loadConfig({ REDIS_SENTINELS: `127.0.0.1:${dead},${w.sentinels}`, REDIS_SENTINEL_NAME: 'duban-master' }))!,
      prefix: testPrefix(),
      log: quiet,
      connectMs: 20_000,
      dataDir: mkdtempSync(join(w.dir, 'data-')),
    });
    await withDead.close();
    expect(Date.now() - t0).toBeLessThan(8_000);

    const rt = await through(w);
    await rt.engine.createPlan(
      fixturePlan({ id: 'st-plan', start: Date.now(), deadlines: { t1: 1, t2: 60, t3: 60 }, reminders: [] }),
      office,
      { publish: true },
    );
    await eventually(async () => (await rt.queries.task('st-plan', 't1')).rung >= 1, 15_000);
    // The data is on the master the sentinel named.
    expect(await rt.redis.info('server')).toContain(`tcp_port:${w.master.port}`);
  });

  it('survives its master dying: the sentinel promotes the replica, and the running API and workers carry on there', async () => {
    const w = await watched({ replica: true, downAfterMs: 1_000 });
    cleanup.push(() => w.stop());
    // The sentinel has found the replica (through the master) before anything depends on it.
    await eventually(async () => (await sentinelView(w.sentinels)).replicas === 1, 20_000);

    const lines: string[] = [];
    const rt = await through(w, lines);
    // Its first deadline falls well after the failover below has had time to end.
    await rt.engine.createPlan(
      fixturePlan({ id: 'fo-plan', start: Date.now(), deadlines: { t1: 15, t2: 600, t3: 600 }, reminders: [] }),
      office,
      { publish: true },
    );
    // Replication is asynchronous: wait until the replica holds what was written, as an
    // operator's WAIT would, so that this test is about the failover and not about lost writes.
    await eventually(async () => Number(await rt.redis.call('WAIT', '1', '500')) === 1, 10_000);

    // The master dies without a goodbye.
    process.kill(w.master.pid, 'SIGKILL');
    const promoted = `127.0.0.1:${w.replica!.port}`;
    await eventually(async () => (await sentinelView(w.sentinels)).master === promoted, 30_000);

    // The same runtime reads the plan made before the failover, now from the promoted replica…
    const task = await eventually(() => rt.queries.task('fo-plan', 't1'), 20_000);
    expect(task.rung).toBe(0);
    expect(await rt.redis.info('server')).toContain(`tcp_port:${w.replica!.port}`);
    // …and its workers fire the timer that falls due after it, exactly once.
    const fired = await eventually(async () => {
      const t = await rt.queries.task('fo-plan', 't1');
      return t.rung >= 1 ? t : null;
    }, 40_000);
    expect(fired.history.filter((h) => h.event === 'timer.checkpoint')).toHaveLength(1);
    expect((await rt.queries.task('fo-plan', 't2')).rung).toBe(0);
    // The failover is an outage like any other: no error line per worker while the sentinels promote the replica.
    expect(lines.filter((l) => l.includes('定时任务处理出错') || l.includes('投递处理出错'))).toEqual([]);
  });
});
