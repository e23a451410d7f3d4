/**
 * When Redis goes away — killed, or hung — Duban says so at once instead of hanging:
 * /healthz answers 503 within a second, API calls answer 503 with a message that
 * says why, processes stop on SIGTERM, and everything recovers when Redis is back.
 * Each test runs its own redis-server, which it kills.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { startRedisServer, type RedisServerHandle } from '../../src/infra/redis-server.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { fixturePlan, iso } from '../helpers/plan-fixture.js';
import { eventually } from '../helpers/runtime.js';
import { spawnDuban, type DubanProcess } from './processes.js';

const ADMIN = 'redis-down-admin-token-0123456789';
/** An office's headers: plans are the office's work (an admin reads none). */
const officeOf = async (r: Runtime) => ({
  authorization: `Bearer ${await r.tokens.issue({ kind: 'office', name: 'o', org: 'default' })}`,
  'content-type': 'application/json',
});

async function serverPid(url: string): Promise<number> {
  const client = new Redis(url);
  try {
    return Number(/process_id:(\d+)/.exec(await client.info('server'))![1]);
  } finally {
    client.disconnect();
  }
}

/** A plan of `tasks` tasks whose reminders and rungs fire every few hundred ms from now on. */
function busyPlan(id: string, tasks: number): PlanDefinitionInput {
  const start = Date.now();
  const base = fixturePlan({ id, start, reminders: ['PT1S'], grace: 'PT0.5S' });
  return {
    ...base,
    tasks: Array.from({ length: tasks }, (_, i) => ({ ...base.tasks[0]!, id: `t${i + 1}`, deadline: iso(start + 1_500 + (i % 10) * 100) })),
  };
}

const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = Date.now();
  const value = await f();
  return [value, Date.now() - t0];
};

/** Closes a runtime, but never waits on it for more than a few seconds. */
const closeSoon = (rt: Runtime | undefined) => Promise.race([rt?.close(), new Promise((r) => setTimeout(r, 5_000))]);

describe('Redis down', () => {
  let dir = '';
  let server: RedisServerHandle;
  let pid = 0;
  let rt: Runtime | undefined;
  let p: DubanProcess | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-down-'));
    server = await startRedisServer(dir);
    pid = await serverPid(server.url);
  });
  afterEach(async () => {
    if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    p = undefined;
    await closeSoon(rt);
    rt = undefined;
    for (const sig of ['SIGCONT', 'SIGKILL'] as const) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([['worker'], ['api'], ['start']])(
    'duban %s exits 0 on SIGTERM while Redis is down, with timers in flight',
    async (role) => {
      rt = await startRuntime({ redisUrl: server.url, prefix: 'down', log: () => undefined });
      await rt.engine.createPlan(busyPlan('busy', 40), { kind: 'office', name: 'o', org: 'default' }, { publish: true });
      // start with REDIS_URL runs both roles in one process, without a redis-server of its own.
      const args =
        role === 'worker' ? ['worker', '--concurrency', '8'] : role === 'api' ? ['api', '--port', '0'] : ['start', '--port', '0'];
      p = spawnDuban(args, { env: { REDIS_URL: server.url, DUBAN_PREFIX: 'down', DUBAN_ADMIN_TOKEN: ADMIN } });
      await p.waitFor('ready');
      await new Promise((r) => setTimeout(r, 1_700)); // reminders are being run
      process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 1_500)); // it is reconnecting now
      p.child.kill('SIGTERM');
      const [exit, ms] = await timed(() => p!.exited(10_000));
      expect(exit, p.output()).toEqual({ code: 0, signal: null });
      expect(ms).toBeLessThan(8_000);
    },
    30_000,
  );

  it('a runtime closes within its bound while Redis is down', async () => {
    rt = await startRuntime({
      redisUrl: server.url,
      prefix: 'close',
      log: () => undefined,
      worker: { concurrency: 8, reconcileMs: 500 },
      api: { port: 0 },
    });
    await rt.engine.createPlan(busyPlan('busy', 40), { kind: 'office', name: 'o', org: 'default' }, { publish: true });
    await new Promise((r) => setTimeout(r, 1_700));
    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1_000));
    const [, ms] = await timed(() => Promise.race([rt!.close(), new Promise((r) => setTimeout(r, 15_000))]));
    expect(ms).toBeLessThan(6_000);
    rt = undefined;
  }, 30_000);

  it('/healthz and the API answer 503 at once while Redis is down, then recover', async () => {
    rt = await startRuntime({ redisUrl: server.url, prefix: 'api', log: () => undefined, adminToken: ADMIN, api: { port: 0 } });
    const auth = await officeOf(rt);
    const base = `http://127.0.0.1:${rt.port}`;
    const plan = fixturePlan({ id: 'p1', start: Date.now() });
    expect((await fetch(`${base}/api/v1/plans`, { method: 'POST', headers: auth, body: JSON.stringify(plan) })).status).toBe(201);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true, redis: 'up' });

    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));

    const [health, healthMs] = await timed(() => fetch(`${base}/healthz`));
    expect(health.status).toBe(503);
    expect(healthMs).toBeLessThan(1_000);
    expect(await health.json()).toMatchObject({ ok: false, redis: 'down', error: expect.stringContaining('无法连接 Redis') });

    for (const [method, path, body] of [
      ['GET', '/api/v1/plans', undefined],
      ['GET', '/api/v1/plans/p1/tasks/t1', undefined],
      ['POST', '/api/v1/plans/p1/tasks/t1/events', { type: 'task.progress', percent: 10, note: '进展' }],
    ] as const) {
      const [res, ms] = await timed(() =>
        fetch(`${base}${path}`, { method, headers: auth, ...(body ? { body: JSON.stringify(body) } : {}) }),
      );
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(ms, `${method} ${path}`).toBeLessThan(1_000);
      const error = ((await res.json()) as { error: { code: string; message: string; message_en: string } }).error;
      expect(error.code).toBe('unavailable');
      expect(error.message).toBe('服务暂不可用：无法连接 Redis，请稍后重试。');
      expect(error.message_en).toContain('Redis');
    }

    // Redis comes back on the same port with the same data: so does Duban.
    server = await startRedisServer(dir, { port: server.port });
    pid = await serverPid(server.url);
    await eventually(async () => (await fetch(`${base}/healthz`)).status === 200, 10_000);
    expect((await fetch(`${base}/api/v1/plans/p1/tasks/t1`, { headers: auth })).status).toBe(200);
  }, 30_000);

  it('/metrics answers while Redis is down: duban_redis_up 0, the outage counted and logged once, queue depths left out', async () => {
    const lines: string[] = [];
    rt = await startRuntime({ redisUrl: server.url, prefix: 'metrics', log: (l) => lines.push(l), adminToken: ADMIN, api: { port: 0 } });
    const base = `http://127.0.0.1:${rt.port}`;
    const scrape = async () => {
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const before = await scrape();
    expect(before).toMatch(/^duban_redis_up 1$/m);
    expect(before).toMatch(/^duban_redis_outages_total 0$/m);
    expect(before).toMatch(/^duban_queue_depth\{/m);

    process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1_500)); // several reconnection attempts
    const [during, ms] = await timed(scrape);
    expect(ms).toBeLessThan(2_000);
    expect(during).toMatch(/^duban_redis_up 0$/m);
    expect(during).toMatch(/^duban_redis_outages_total 1$/m);
    expect(during).not.toMatch(/^duban_queue_depth\{/m);
    expect(lines.filter((l) => l.includes('lost the connection to Redis'))).toHaveLength(1);

    server = await startRedisServer(dir, { port: server.port });
    pid = await serverPid(server.url);
    const after = await eventually(async () => {
      const text = await scrape();
      return /^duban_redis_up 1$/m.test(text) && text;
    }, 10_000);
    expect(after).toMatch(/^duban_redis_outages_total 1$/m);
    expect(lines.filter((l) => l.includes('reconnected to Redis'))).toHaveLength(1);
  }, 30_000);

  it('a hung Redis gives 503 too: /healthz within a second, API calls within the command timeout', async () => {
    rt = await startRuntime({
      redisUrl: server.url,
      prefix: 'hung',
      log: () => undefined,
      adminToken: ADMIN,
      api: { port: 0 },
      redisTimeoutMs: 1_500,
    });
    const auth = await officeOf(rt);
    const base = `http://127.0.0.1:${rt.port}`;
    expect((await fetch(`${base}/api/v1/plans`, { headers: auth })).status).toBe(200);

    process.kill(pid, 'SIGSTOP'); // the connection stays open; nothing answers
    const [health, healthMs] = await timed(() => fetch(`${base}/healthz`));
    expect(health.status).toBe(503);
    expect(healthMs).toBeLessThan(1_200);
    const [res, ms] = await timed(() => fetch(`${base}/api/v1/plans`, { headers: auth }));
    expect(res.status).toBe(503);
    expect(ms).toBeLessThan(3_000);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');

    process.kill(pid, 'SIGCONT');
    await eventually(async () => (await fetch(`${base}/healthz`)).status === 200, 10_000);
    expect((await fetch(`${base}/api/v1/plans`, { headers: auth })).status).toBe(200);
  }, 30_000);

  it('a change whose commit times out is applied whole or not at all, and the next change goes through', async () => {
    rt = await startRuntime({ redisUrl: server.url, prefix: 'cas', log: () => undefined, redisTimeoutMs: 500 });
    const zhao = { kind: 'person', personId: 'p-zhao' } as const;
    await rt.engine.createPlan(
      fixturePlan({ id: 'cas', start: Date.now() }),
      { kind: 'office', name: 'o', org: 'default' },
      { publish: true },
    );
    await rt.engine.taskEvent('cas', 't1', { type: 'task.progress', percent: 10, note: '一' }, zhao);
    const before = await rt.queries.task('cas', 't1');
    const skew = before.version - before.history.length; // one history entry per version, whatever the offset

    process.kill(pid, 'SIGSTOP'); // the change is sent; Redis runs it only after we have given up on it
    const [outcome, ms] = await timed(() =>
      rt!.engine.taskEvent('cas', 't1', { type: 'task.progress', percent: 20, note: '二' }, zhao).then(
        () => 'ok',
        (err: Error) => err.message,
      ),
    );
    expect(outcome).toBe('Command timed out');
    expect(ms).toBeLessThan(1_500);
    process.kill(pid, 'SIGCONT');

    const after = await eventually(async () => rt!.queries.task('cas', 't1'), 5_000);
    expect(after.version - after.history.length).toBe(skew);
    const applied = after.history.length - before.history.length;
    expect([0, 1]).toContain(applied);
    expect(after.progress?.percent).toBe(applied === 1 ? 20 : 10);

    await rt.engine.taskEvent('cas', 't1', { type: 'task.progress', percent: 30, note: '三' }, zhao);
    const last = await rt.queries.task('cas', 't1');
    expect(last.progress?.percent).toBe(30);
    expect(last.history.length).toBe(after.history.length + 1);
    expect(last.version - last.history.length).toBe(skew);
  }, 30_000);
});
