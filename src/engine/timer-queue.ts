/**
 * Timers as BullMQ delayed jobs. The job id is the timer's fencing token and the
 * payload names the plan and entity; everything else is read from the entity when
 * the job runs. Job options are only {jobId, delay}: under 64 bytes, the job hash
 * stays in Redis's compact listpack encoding (~264 B a job instead of ~690 B).
 * So removal and retry policy live on the worker and the reconciler, not the job.
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { ScheduledTimer, TimerScheduler } from './scheduler.js';

export const TIMER_QUEUE = 'timers';

/** The job payload: plan and entity; the token is the job id. Parsed with zod by the worker. */
export const TimerJob = z.object({ p: z.string().min(1), e: z.string().min(1) });
export type TimerJob = z.infer<typeof TimerJob>;

/** BullMQ's prefix for our queues: a hash tag of its own, so queues work on Redis Cluster. */
export function queuePrefix(prefix: string): string {
  return `{${prefix}q}`;
}

export class BullTimerScheduler implements TimerScheduler {
  readonly queue: Queue;
  /** Timers armed during this tick by concurrent transitions, added in one addBulk. */
  private pending: { timers: ScheduledTimer[]; done: Promise<void> } | null = null;

  constructor(
    connection: ConnectionOptions,
    prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.queue = new Queue(TIMER_QUEUE, { connection, prefix: queuePrefix(prefix) });
    // Its connection's outages are reported where the connection is made; a failed add
    // is reported by the engine. Unheard, BullMQ would print each reconnection failure.
    this.queue.on('error', () => undefined);
  }

  private job(t: ScheduledTimer) {
    return {
      name: 't',
      data: { p: t.planId, e: t.entity } satisfies TimerJob,
      opts: { jobId: t.tok, delay: Math.max(0, t.at - this.now()) } satisfies JobsOptions,
    };
  }

  /**
   * Schedules jobs for `timers`. Calls in the same tick (many workers finishing
   * transitions at once) share one addBulk round trip; each caller still learns
   * whether its timers were added.
   */
  arm(timers: ScheduledTimer[]): Promise<void> {
    if (!this.pending) {
      const batch = { timers: [] as ScheduledTimer[], done: Promise.resolve() };
      batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.pending = null;
        return this.addAll(batch.timers);
      });
      this.pending = batch;
    }
    this.pending.timers.push(...timers);
    return this.pending.done;
  }

  private async addAll(timers: ScheduledTimer[]): Promise<void> {
    // addBulk is not atomic; a job it misses is re-armed by the reconciler. One bad
    // job must not sink its chunk, so a failed chunk is retried job by job.
    for (let i = 0; i < timers.length; i += 500) {
      const chunk = timers.slice(i, i + 500).map((t) => this.job(t));
      await this.queue.addBulk(chunk).catch(async () => {
        const failures = (await Promise.allSettled(chunk.map((j) => this.queue.add(j.name, j.data, j.opts)))).filter(
          (r) => r.status === 'rejected',
        );
        if (failures.length > 0)
          throw new Error(`${failures.length} timer job(s) could not be added: ${String((failures[0] as PromiseRejectedResult).reason)}`);
      });
    }
  }

  async disarm(timers: ScheduledTimer[]): Promise<void> {
    await Promise.all(timers.map((t) => this.queue.remove(t.tok).catch(() => 0)));
  }

  async ensure(timers: ScheduledTimer[]): Promise<number> {
    let rearmed = 0;
    const errors: string[] = [];
    for (const t of timers) {
      // Each timer on its own: one that cannot be re-armed must not hold up the rest.
      try {
        const job = await this.queue.getJob(t.tok);
        if (!job) {
          await this.queue.add('t', this.job(t).data, this.job(t).opts);
          rearmed++;
        } else if ((await job.getState()) === 'failed') {
          await job.retry('failed');
          rearmed++;
        }
      } catch (err) {
        errors.push(`${t.planId}/${t.entity}/${t.tok}: ${(err as Error).message}`);
      }
    }
    if (errors.length > 0) throw new Error(`re-armed ${rearmed}, but ${errors.length} timer(s) failed: ${errors.slice(0, 3).join('; ')}`);
    return rearmed;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
