/**
 * Timer workers: one BullMQ worker per wake-up shard (src/engine/timer-queue.ts), each
 * running plans' wake-ups through the engine. At-least-once delivery is fine: a
 * wake-up fires only timers due and still held by their entity, so a duplicate, late
 * or stale one changes nothing. A wake-up that fails (Redis down, endless write
 * conflicts) is kept as failed and retried by the reconciler while its plan has timers due.
 */
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Engine } from '../src/engine/engine.js';
import { shardPrefix, WAKE_QUEUE, WakeJob } from '../src/engine/timer-queue.js';

export interface TimerWorkerOptions {
  engine: Engine;
  connection: ConnectionOptions;
  prefix: string;
  /** The deployment's number of shards (resolveShards); one worker listens to each. */
  shards: number;
  /** Wake-ups run at once by each shard's worker. */
  concurrency?: number;
  /** How long a job's lock lasts; a worker that dies loses its jobs to others after this. */
  lockDuration?: number;
  stalledInterval?: number;
}

/** The shards' workers, closed and watched as one. */
export class TimerWorkers {
  constructor(readonly workers: Worker[]) {}

  on(event: 'failed', listener: (job: Job | undefined, err: Error) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'failed' | 'error', listener: (...args: never[]) => void): this {
    for (const w of this.workers) w.on(event, listener as never);
    return this;
  }

  async close(force = false): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(force)));
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.disconnect()));
  }
}

export function createTimerWorkers(opts: TimerWorkerOptions): TimerWorkers {
  const workers = Array.from(
    { length: opts.shards },
    (_, shard) =>
      new Worker(
        WAKE_QUEUE,
        async (job) => {
          const { p } = WakeJob.parse(job.data);
          // The job id is <plan>@<ms>: the time it was armed for (an early run waits for it).
          const at = Number(job.id?.slice(job.id.lastIndexOf('@') + 1));
          return opts.engine.wake(p, Number.isFinite(at) ? at : undefined);
        },
        {
          connection: opts.connection,
          prefix: shardPrefix(opts.prefix, shard),
          concurrency: opts.concurrency ?? 20,
          lockDuration: opts.lockDuration ?? 30_000,
          stalledInterval: opts.stalledInterval ?? 30_000,
          removeOnComplete: { count: 0 },
          removeOnFail: { count: 10_000 },
        },
      ),
  );
  return new TimerWorkers(workers);
}
