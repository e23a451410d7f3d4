/**
 * What an operator sees: /metrics on the API and on a worker's own port, read as
 * Prometheus reads them, /healthz on the worker's port, and the log during a Redis
 * outage — a few JSON lines, not a flood. The test runs its own redis-server, which
 * it kills and starts again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SHARDS } from '../../src/engine/timer-queue.js';
import { createLogger } from '../../src/infra/logger.js';
import { startRedisServer, type RedisServerHandle } from '../../src/infra/redis-server.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually } from '../helpers/runtime.js';
import { find, parsePrometheus, total, type Scrape } from './prom-text.js';

const office = { kind: 'office', name: 'o', org: 'default' } as const;

async function scrape(url: string, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await fetch(url, { headers });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
}

/** A logger writing JSON lines into an array, as a log collector would read stderr. */
function collectingLogger() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', format: 'json', destination: { write: (s: string) => void lines.push(s) } });
  return { lines, logger };
}

describe('metrics, health and logs of a running Duban', () => {
  let dir = '';
  let server: RedisServerHandle;
  let rt: Runtime | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-metrics-'));
    server = await startRedisServer(dir);
  });
  afterEach(async () => {
    await Promise.race([rt?.close(), new Promise((r) => setTimeout(r, 5_000))]);
    rt = undefined;
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts a plan run on /metrics, answers /healthz on the worker port, and logs an outage in a few JSON lines', async () => {
    const { lines, logger } = collectingLogger();
    rt = await startRuntime({
      redisUrl: server.url,
      prefix: 'm',
      log: (line) => logger.info(line),
      logger,
      api: { port: 0 },
      worker: { concurrency: 8, reconcileMs: 500, lockMs: 2_000, stalledMs: 1_000 },
      workerPort: 0,
      dataDir: join(dir, 'files'),
    });
    const api = `http://127.0.0.1:${rt.port}`;
    const worker = `http://127.0.0.1:${rt.workerPort}`;
    expect(rt.workerPort).toBeGreaterThan(0);

    // A plan whose first task is overdue a second from now: its deadline timer fires and issues rung 1.
    await rt.engine.createPlan(fixturePlan({ id: 'm1', start: Date.now(), deadlines: { t1: 1 }, reminders: [], grace: 'PT30S' }), office, {
      publish: true,
    });
    await eventually(async () => (await rt!.queries.task('m1', 't1')).rung >= 1, 15_000);
    expect((await fetch(`${api}/healthz`)).status).toBe(200);

    const m = await eventually(async () => {
      const s = await scrape(`${api}/metrics`);
      return total(s, 'duban_timer_lateness_seconds_count') >= 1 ? s : null;
    }, 10_000);
    expect(m.types.get('duban_transitions_total')).toBe('counter');
    expect(total(m, 'duban_transitions_total', { entity: 'task', by: 'timer' })).toBeGreaterThanOrEqual(1);
    expect(total(m, 'duban_transitions_total', { by: 'command' })).toBeGreaterThanOrEqual(1);
    expect(total(m, 'duban_notices_total', { kind: 'rectification' })).toBeGreaterThanOrEqual(1);
    // A histogram: the +Inf bucket holds every observation, and lateness is counted in seconds.
    expect(m.types.get('duban_timer_lateness_seconds')).toBe('histogram');
    const inf = find(m, 'duban_timer_lateness_seconds_bucket', { le: '+Inf' })[0]!;
    expect(inf.value).toBe(total(m, 'duban_timer_lateness_seconds_count'));
    expect(find(m, 'duban_timer_lateness_seconds_bucket', { le: '0.001' })).toHaveLength(1);
    expect(find(m, 'duban_timer_lateness_seconds_bucket', { le: '60' })).toHaveLength(1);
    expect(total(m, 'duban_timer_lateness_seconds_sum')).toBeLessThan(30 * inf.value);
    // Queue depths are read at the scrape: every queue in every state, the delivery queue among them.
    expect(m.types.get('duban_queue_depth')).toBe('gauge');
    const depths = find(m, 'duban_queue_depth');
    const queues = new Set(depths.map((d) => d.labels.queue));
    expect(queues.has('deliveries')).toBe(true);
    // Each timer shard on its own (they share one BullMQ queue name): wake-0 … wake-(shards − 1).
    const shards = DEFAULT_SHARDS;
    expect([...queues].filter((q) => q !== 'deliveries').sort()).toEqual(Array.from({ length: shards }, (_, i) => `wake-${i}`).sort());
    expect(shards).toBeGreaterThan(1);
    for (const q of queues) {
      expect(new Set(depths.filter((d) => d.labels.queue === q).map((d) => d.labels.state))).toEqual(
        new Set(['waiting', 'delayed', 'active', 'failed']),
      );
    }
    // The plan's definition, read to run it, is held parsed: one definition, its text counted in bytes.
    expect(m.types.get('duban_definition_cache')).toBe('gauge');
    expect(total(m, 'duban_definition_cache', { measure: 'definitions' })).toBeGreaterThanOrEqual(1);
    expect(total(m, 'duban_definition_cache', { measure: 'bytes' })).toBeGreaterThan(500);
    // rung 2's timer waits, delayed, in a timer queue
    expect(depths.filter((d) => d.labels.queue !== 'deliveries' && d.labels.state === 'delayed').some((d) => d.value >= 1)).toBe(true);
    expect(total(m, 'duban_reconciler_runs_total', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(find(m, 'process_cpu_user_seconds_total')).toHaveLength(1);
    // The scrape before this one was counted by route.
    expect(total(m, 'duban_http_requests_total', { method: 'GET', route: '/healthz', status: '200' })).toBe(1);

    // Only this machine reads /metrics without a token: a request through a proxy is refused.
    const proxied = await fetch(`${api}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(403);
    expect(((await proxied.json()) as { error: { message: string } }).error.message).toContain('DUBAN_METRICS_TOKEN');

    // The worker's own port.
    const health = await fetch(`${worker}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, redis: 'up' });
    expect(total(await scrape(`${worker}/metrics`), 'duban_notices_total')).toBeGreaterThanOrEqual(1);

    // Redis goes away.
    const before = lines.length;
    process.kill(server.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    const down = await fetch(`${worker}/healthz`);
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ok: false, redis: 'down' });
    // Metrics still answer; queue depths, unreadable now, are left out rather than failing the scrape.
    const during = await scrape(`${worker}/metrics`);
    expect(find(during, 'duban_queue_depth')).toHaveLength(0);
    expect(total(during, 'duban_notices_total')).toBeGreaterThanOrEqual(1);
    await scrape(`${api}/metrics`);
    // Several reconciler periods and worker reconnections pass.
    await new Promise((r) => setTimeout(r, 4_000));

    server = await startRedisServer(dir, { port: server.port });
    await eventually(async () => (await fetch(`${worker}/healthz`)).status === 200, 10_000);
    await new Promise((r) => setTimeout(r, 500));

    const outage = lines.slice(before);
    // Bounded: the outage's start and end, the two scrapes' request lines, nothing per retry.
    expect(outage.length, outage.join('')).toBeLessThanOrEqual(12);
    for (const line of outage) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      const record = JSON.parse(line) as { level: string; msg: string };
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(record.level);
    }
    const records = outage.map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(records.filter((r) => r.msg.includes('lost the connection to Redis'))).toHaveLength(1);
    expect(records.filter((r) => r.msg.includes('reconnected to Redis'))).toHaveLength(1);
    expect(records.find((r) => r.msg.includes('lost the connection'))!.level).toBe('warn');
  }, 60_000);
});
