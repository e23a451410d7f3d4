/**
 * Reconciler: re-arms any due timer whose job went missing (a process died between
 * commit and add, a job exhausted its retries, the queue's keys were lost).
 *
 * Every worker process runs it as a leased loop (leased-loop.ts): one process
 * reconciles at a time and the whole fleet about once per period. (It used to be a
 * BullMQ job scheduler, which stopped for good when its keys were flushed — the very
 * case it exists for.) A failed run is logged at error level and counted
 * (duban_reconciler_runs_total{outcome="failed"}), not only left to BullMQ.
 */
import type { RedisClient } from '../src/store/batch.js';
import type { Engine } from '../src/engine/engine.js';
import { queuePrefix } from '../src/engine/timer-queue.js';
import type { Logger } from '../src/infra/logger.js';
import type { Metrics } from '../src/infra/metrics.js';
import { isRedisUnavailable } from '../src/infra/redis-clients.js';
import { leasedLoop, type LeasedLoop } from './leased-loop.js';

export interface ReconcilerOptions {
  engine: Pick<Engine, 'reconcile'>;
  /** A fail-fast client: while Redis is away a tick fails at once and the next one tries again. */
  connection: RedisClient;
  prefix: string;
  /** Period, across all processes together. */
  everyMs: number;
  /** A timer is "missing" only once it is this late, so in-flight adds are not raced. */
  slackMs?: number;
  /** Failed runs are logged here at error level (an outage only once, by the client). */
  logger?: Pick<Logger, 'error'>;
  /** Without a logger: failed runs as lines. */
  log?: (line: string) => void;
  /** Runs by outcome, timers re-armed, failures. */
  metrics?: Pick<Metrics, 'reconcilerRun' | 'failure'>;
}

export type Reconciler = LeasedLoop;

export function reconcilerLeaseKey(prefix: string): string {
  return `${queuePrefix(prefix)}:reconciler`;
}

export function startReconciler(opts: ReconcilerOptions): Reconciler {
  const slackMs = opts.slackMs ?? Math.min(5_000, opts.everyMs);
  return leasedLoop({
    connection: opts.connection,
    key: reconcilerLeaseKey(opts.prefix),
    everyMs: opts.everyMs,
    run: async () => {
      const rearmed = await opts.engine.reconcile(slackMs);
      opts.metrics?.reconcilerRun(true, rearmed);
    },
    onError: (err) => {
      opts.metrics?.reconcilerRun(false, 0);
      // An outage is reported once by the client, not by every tick; it still counts as a failed run.
      if (isRedisUnavailable(err)) return;
      opts.metrics?.failure('reconciler');
      if (opts.logger) opts.logger.error({ err }, '对账失败 / reconciler run failed');
      else opts.log?.(`对账失败 / reconciler run failed: ${(err as Error).message}`);
    },
  });
}
