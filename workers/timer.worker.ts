/**
 * Timer worker: runs due timer jobs through the engine. At-least-once delivery is
 * fine: the engine fences every job by its token, so a duplicate, late or stale job
 * is a no-op. A job that fails (Redis down, endless write conflicts) is kept as
 * failed and retried by the reconciler while its timer is still pending.
 */
import { Worker, type ConnectionOptions } from 'bullmq';
import type { Engine } from '../src/engine/engine.js';
import { queuePrefix, TIMER_QUEUE, TimerJob } from '../src/engine/timer-queue.js';

export interface TimerWorkerOptions {
  engine: Engine;
  connection: ConnectionOptions;
  prefix: string;
  concurrency?: number;
  /** How long a job's lock lasts; a worker that dies loses its jobs to others after this. */
  lockDuration?: number;
  stalledInterval?: number;
}

export function createTimerWorker(opts: TimerWorkerOptions): Worker {
  return new Worker(
    TIMER_QUEUE,
    async (job) => {
      const data = TimerJob.parse(job.data);
      if (!job.id) throw new Error('timer job without an id (its fencing token)');
      return opts.engine.fireTimer(data.p, data.e, job.id);
    },
    {
      connection: opts.connection,
      prefix: queuePrefix(opts.prefix),
      concurrency: opts.concurrency ?? 20,
      lockDuration: opts.lockDuration ?? 30_000,
      stalledInterval: opts.stalledInterval ?? 30_000,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 10_000 },
    },
  );
}
