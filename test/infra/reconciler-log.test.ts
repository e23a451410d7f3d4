/**
 * A reconciler run that fails is logged, at error level in one line, and counted —
 * not only left for someone to find; an outage is not logged by every tick.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/infra/logger.js';
import { Metrics } from '../../src/infra/metrics.js';
import { startReconciler, type Reconciler } from '../../workers/reconciler.worker.js';
import { eventually, testPrefix } from '../helpers/runtime.js';
import { parsePrometheus, total } from './prom-text.js';

describe('a failing reconciler', () => {
  const open: Reconciler[] = [];
  let redis: Redis | undefined;
  afterEach(async () => {
    for (const r of open.splice(0)) await r.close();
    redis?.disconnect();
  });

  it('logs each failed run as one error line and counts runs by outcome', async () => {
    redis = new Redis(inject('redisUrl'));
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json', destination: { write: (s: string) => void lines.push(s) } });
    const metrics = new Metrics({ processMetrics: false });
    let calls = 0;
    const engine = {
      reconcile: () => {
        calls++;
        if (calls === 2) {
          // Redis away: the client reports it once; the tick says nothing.
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
        }
        return calls % 2 === 1 ? Promise.reject(new Error('plan p1: bad timer index')) : Promise.resolve(3);
      },
    };
    open.push(startReconciler({ engine, connection: redis, prefix: testPrefix(), everyMs: 150, logger, metrics }));
    await eventually(() => Promise.resolve(calls >= 5), 10_000, 20);
    await open.pop()!.close();

    const records = lines.map((l) => JSON.parse(l) as { level: string; msg: string; err: { message: string } });
    const failedRuns = Math.ceil(calls / 2); // runs 1, 3, 5, …
    expect(records).toHaveLength(failedRuns);
    for (const r of records) {
      expect(r.level).toBe('error');
      expect(r.msg).toBe('对账失败 / reconciler run failed');
      expect(r.err.message).toBe('plan p1: bad timer index');
    }
    const m = parsePrometheus(await metrics.render());
    expect(total(m, 'duban_reconciler_runs_total', { outcome: 'failed' })).toBe(failedRuns + 1);
    expect(total(m, 'duban_reconciler_runs_total', { outcome: 'ok' })).toBe(calls - failedRuns - 1);
    expect(total(m, 'duban_reconciler_rearmed_total')).toBe(3 * (calls - failedRuns - 1));
    expect(total(m, 'duban_failures_total', { where: 'reconciler' })).toBe(failedRuns);
  });
});
