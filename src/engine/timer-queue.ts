/**
 * Timers as BullMQ delayed jobs. The job id is the timer's fencing token (10
 * characters, so the job's options stay in Redis's compact hash encoding) and the
 * payload is three short fields; everything else is read from the entity when the
 * job runs.
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { ScheduledTimer, TimerScheduler } from './scheduler.js';

export const TIMER_QUEUE = 'timers';

/** The job payload: plan, entity, token. Parsed with zod by the worker. */
export const TimerJob = z.object({ p: z.string().min(1), e: z.string().min(1), n: z.string().min(1) });
export type TimerJob = z.infer<typeof TimerJob>;

/** BullMQ's prefix for our queues: a hash tag of its own, so queues work on Redis Cluster. */
export function queuePrefix(prefix: string): string {
  return `{${prefix}q}`;
}

const JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: { count: 10_000 },
  attempts: 10,
  backoff: { type: 'exponential', delay: 200 },
};

export class BullTimerScheduler implements TimerScheduler {
  readonly queue: Queue;

  constructor(connection: ConnectionOptions, prefix: string, private readonly now: () => number = Date.now) {
    this.queue = new Queue(TIMER_QUEUE, { connection, prefix: queuePrefix(prefix) });
  }

  private job(t: ScheduledTimer) {
    return {
      name: 't',
      data: { p: t.planId, e: t.entity, n: t.tok } satisfies TimerJob,
      opts: { ...JOB_OPTIONS, jobId: t.tok, delay: Math.max(0, t.at - this.now()) },
    };
  }

  async arm(timers: ScheduledTimer[]): Promise<void> {
    // addBulk is not atomic; a job it misses is re-armed by the reconciler.
    for (let i = 0; i < timers.length; i += 500) await this.queue.addBulk(timers.slice(i, i + 500).map((t) => this.job(t)));
  }

  async disarm(timers: ScheduledTimer[]): Promise<void> {
    await Promise.all(timers.map((t) => this.queue.remove(t.tok).catch(() => 0)));
  }

  async ensure(timers: ScheduledTimer[]): Promise<number> {
    let rearmed = 0;
    for (const t of timers) {
      const job = await this.queue.getJob(t.tok);
      if (!job) {
        await this.queue.add('t', this.job(t).data, this.job(t).opts);
        rearmed++;
      } else if ((await job.getState()) === 'failed') {
        await job.retry('failed');
        rearmed++;
      }
    }
    return rearmed;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
