/**
 * `duban worker` as an operator runs it: two on one machine, DUBAN_WORKER_PORT unset,
 * each serves /healthz and /metrics on a port of its own (the second one finds the
 * default taken, moves to a free port and says so), and logs JSON lines on stderr.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { spawnDuban, type DubanProcess } from '../process/processes.js';
import { testPrefix } from '../helpers/runtime.js';
import { parsePrometheus } from './prom-text.js';

describe('duban worker', () => {
  const procs: DubanProcess[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
      await p.exited(5_000);
    }
  });

  it('serves /healthz and /metrics on its own port, two on one machine, and logs JSON lines', async () => {
    const env = { REDIS_URL: inject('redisUrl'), DUBAN_PREFIX: testPrefix(), DUBAN_WORKER_PORT: '', DUBAN_LOG_FORMAT: '' };
    procs.push(spawnDuban(['worker', '--concurrency', '2'], { env }), spawnDuban(['worker', '--concurrency', '2'], { env }));
    const ports = await Promise.all(
      procs.map(async (p) => Number((await p.waitFor(/health: http:\/\/127\.0\.0\.1:(\d+)\/healthz/, 90_000))[1])),
    );
    expect(new Set(ports).size).toBe(2);
    for (const port of ports) {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true, redis: 'up', role: 'worker' });
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      const names = new Set(parsePrometheus(await metrics.text()).samples.map((s) => s.name));
      expect(names.has('duban_reconciler_runs_total') || names.has('process_cpu_user_seconds_total')).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/nothing`)).status).toBe(404);
    }
    for (const p of procs) p.child.kill('SIGTERM');
    for (const p of procs) expect(await p.exited(15_000)).toEqual({ code: 0, signal: null });

    // stderr is not a terminal here: every log line is JSON with a level and the process's role.
    const logs = procs.flatMap((p) =>
      p
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{')),
    );
    for (const line of logs) expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), role: 'worker' });
    const records = logs.map((l) => JSON.parse(l) as { level: string; msg: string });
    // At least one of the two did not get the default port, and said where it went instead.
    const moved = records.filter((r) => r.msg.includes('is taken: /healthz and /metrics are on port'));
    expect(moved.length).toBeGreaterThanOrEqual(1);
    expect(moved.every((r) => r.level === 'warn')).toBe(true);
    expect(records.filter((r) => r.msg.includes('SIGTERM')).map((r) => r.level)).toEqual(['warn', 'warn']);
  }, 150_000);
});
