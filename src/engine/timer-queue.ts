/**
 * Plans' wake-ups as BullMQ delayed jobs (see scheduler.ts for why one per plan).
 *
 * The queue is sharded: plan P's wake-ups go to shard `shardOf(P)`, a queue whose
 * prefix is a hash tag of its own (`{dnw0}`, `{dnw1}`, …), so on Redis Cluster the
 * shards sit in different slots and no single slot carries every plan's timers.
 * The number of shards is fixed when a deployment first starts (stored in Redis) and
 * read from there by every process, so all of them agree on where a plan's jobs are.
 *
 * A wake-up's job id is `<plan>@<due ms>`: arming the same wake-up twice adds one job.
 * Wake-ups further off than the horizon (DUBAN_WAKE_HORIZON_MS, 10 minutes) hold no job
 * until the reconciler's pass arms them (scheduler.ts).
 * Its payload is only the plan; job options are only {jobId, delay}. Removal and retry
 * policy live on the worker and the reconciler, not the job.
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import type { RedisClient } from '../store/batch.js';
import type { TimerScheduler, Wake } from './scheduler.js';

/** The queue name of every shard. */
export const WAKE_QUEUE = 'wake';
/** The per-timer queue of earlier versions (one job per timer), drained once on upgrade (timers.ts). */
export const LEGACY_TIMER_QUEUE = 'timers';
/** Shards when a deployment first starts and DUBAN_TIMER_SHARDS does not say. */
export const DEFAULT_SHARDS = 4;
/** How far ahead wake-ups are armed when DUBAN_WAKE_HORIZON_MS does not say: twenty default reconciler periods. */
export const DEFAULT_WAKE_HORIZON_MS = 600_000;

/** The job payload: the plan. Parsed with zod by the worker. */
export const WakeJob = z.object({ p: z.string().min(1) });
export type WakeJob = z.infer<typeof WakeJob>;

/** BullMQ's prefix for the delivery queue (and the legacy timer queue): a hash tag of its own. */
export function queuePrefix(prefix: string): string {
  return `{${prefix}q}`;
}

/** BullMQ's prefix for wake-up shard `shard`: each shard a hash tag, so a slot, of its own. */
export function shardPrefix(prefix: string, shard: number): string {
  return `{${prefix}w${shard}}`;
}

/** The shard of a plan: FNV-1a of its id, modulo the number of shards. */
export function shardOf(planId: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < planId.length; i++) {
    h ^= planId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** The job id of plan `planId`'s wake-up at `at`. */
export function wakeJobId(planId: string, at: number): string {
  return `${planId}@${at}`;
}

/**
 * The deployment's number of shards: the one stored by the first process that started,
 * else `wanted`, stored now. A process asked for a different number says so and uses the
 * stored one: its jobs must go where the others' workers listen.
 */
export async function resolveShards(
  redis: RedisClient,
  prefix: string,
  wanted: number | undefined,
  log?: (line: string) => void,
): Promise<number> {
  const key = `${prefix}:timer-shards`;
  await redis.set(key, String(wanted ?? DEFAULT_SHARDS), 'NX');
  const stored = Number(await redis.get(key));
  if (!Number.isInteger(stored) || stored < 1) throw new Error(`${key} holds ${stored}, not a number of shards`);
  if (wanted !== undefined && wanted !== stored) {
    log?.(
      `定时队列分片数已定为 ${stored}，忽略 DUBAN_TIMER_SHARDS=${wanted} / timer shards were fixed at ${stored} when this deployment first started; ignoring ${wanted}`,
    );
  }
  return stored;
}

export class BullTimerScheduler implements TimerScheduler {
  /** One queue per shard, index = shard. */
  readonly queues: Queue[];
  /** Wake-ups asked for during this tick by concurrent commits, added in one addBulk per shard. */
  private pending: { wakes: Map<string, Wake>; done: Promise<void> } | null = null;
  /** Each plan's wake-up this process last armed ahead (`armAhead`): the reconciler's next pass does not add it again. */
  private readonly armedAhead = new Map<string, number>();

  constructor(
    private readonly connection: ConnectionOptions,
    readonly prefix: string,
    readonly shards: number,
    private readonly now: () => number = Date.now,
    readonly horizonMs: number = DEFAULT_WAKE_HORIZON_MS,
  ) {
    this.queues = Array.from({ length: shards }, (_, shard) => {
      const queue = new Queue(WAKE_QUEUE, { connection, prefix: shardPrefix(prefix, shard) });
      // Its connection's outages are reported where the connection is made; a failed add
      // is reported by the engine. Unheard, BullMQ would print each reconnection failure.
      queue.on('error', () => undefined);
      return queue;
    });
  }

  queueOf(planId: string): Queue {
    return this.queues[shardOf(planId, this.shards)]!;
  }

  private job(w: Wake) {
    return {
      name: 'w',
      data: { p: w.planId } satisfies WakeJob,
      opts: { jobId: wakeJobId(w.planId, w.at), delay: Math.max(0, w.at - this.now()) } satisfies JobsOptions,
    };
  }

  /**
   * Schedules wake-ups. Calls in the same tick (many commits finishing at once) share
   * one addBulk per shard; each caller still learns whether its wake-ups were added.
   */
  wake(wakes: Wake[]): Promise<void> {
    const until = this.now() + this.horizonMs;
    wakes = wakes.filter((w) => w.at <= until);
    if (wakes.length === 0) return Promise.resolve();
    if (!this.pending) {
      const batch = { wakes: new Map<string, Wake>(), done: Promise.resolve() };
      batch.done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.pending = null;
        return this.addAll([...batch.wakes.values()]);
      });
      this.pending = batch;
    }
    for (const w of wakes) this.pending.wakes.set(wakeJobId(w.planId, w.at), w);
    return this.pending.done;
  }

  private async addAll(wakes: Wake[]): Promise<void> {
    const byShard = new Map<number, Wake[]>();
    for (const w of wakes) {
      const shard = shardOf(w.planId, this.shards);
      const list = byShard.get(shard);
      if (list) list.push(w);
      else byShard.set(shard, [w]);
    }
    // addBulk is not atomic; a job it misses is re-armed by the reconciler. One bad
    // job must not sink its chunk, so a failed chunk is retried job by job.
    const errors: string[] = [];
    await Promise.all(
      [...byShard].map(async ([shard, list]) => {
        const queue = this.queues[shard]!;
        if (list.length === 1) {
          // The usual case of isolated wake-ups: Queue.add costs a third less CPU than addBulk of one (BENCHMARKS.md §6).
          const j = this.job(list[0]!);
          await queue.add(j.name, j.data, j.opts).catch((err: unknown) => errors.push(String(err)));
          return;
        }
        for (let i = 0; i < list.length; i += 500) {
          const chunk = list.slice(i, i + 500).map((w) => this.job(w));
          await queue.addBulk(chunk).catch(async () => {
            for (const r of await Promise.allSettled(chunk.map((j) => queue.add(j.name, j.data, j.opts)))) {
              if (r.status === 'rejected') errors.push(String(r.reason));
            }
          });
        }
      }),
    );
    if (errors.length > 0) throw new Error(`${errors.length} wake-up job(s) could not be added: ${errors[0]}`);
  }

  async armAhead(wakes: Wake[]): Promise<number> {
    const now = this.now();
    const fresh = wakes.filter((w) => w.at <= now + this.horizonMs && this.armedAhead.get(w.planId) !== w.at);
    if (fresh.length > 0) await this.addAll(fresh);
    // Forget what is long past (its plan has moved on, or it fired), so the memory stays the size of the horizon's plans.
    if (this.armedAhead.size > 10_000) for (const [planId, at] of this.armedAhead) if (at < now) this.armedAhead.delete(planId);
    for (const w of fresh) this.armedAhead.set(w.planId, w.at);
    return fresh.length;
  }

  async ensure(wakes: Wake[]): Promise<number> {
    let rearmed = 0;
    const errors: string[] = [];
    for (const w of wakes) {
      // Each on its own: one that cannot be re-armed must not hold up the rest.
      try {
        const queue = this.queueOf(w.planId);
        const { name, data, opts } = this.job(w);
        const job = await queue.getJob(opts.jobId);
        if (!job) {
          await queue.add(name, data, opts);
          rearmed++;
        } else if ((await job.getState()) === 'failed') {
          await job.retry('failed');
          rearmed++;
        }
      } catch (err) {
        errors.push(`${w.planId}@${w.at}: ${(err as Error).message}`);
      }
    }
    if (errors.length > 0) throw new Error(`re-armed ${rearmed}, but ${errors.length} wake-up(s) failed: ${errors.slice(0, 3).join('; ')}`);
    return rearmed;
  }

  /**
   * Removes the per-timer queue of versions before wake-ups, whose jobs no worker reads:
   * every timer they stood for is in its plan's index, and its plan's wake-up is armed
   * before this runs (timers.ts, migrateLegacyTimers).
   */
  async retireLegacy(): Promise<void> {
    const old = new Queue(LEGACY_TIMER_QUEUE, { connection: this.connection, prefix: queuePrefix(this.prefix) });
    old.on('error', () => undefined);
    try {
      await old.obliterate({ force: true });
    } finally {
      await old.close();
    }
  }

  /** Jobs per shard and state, for /metrics. */
  async depths(): Promise<{ queue: string; state: string; count: number }[]> {
    const out: { queue: string; state: string; count: number }[] = [];
    await Promise.all(
      this.queues.map(async (queue, shard) => {
        const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
        for (const [state, count] of Object.entries(counts)) out.push({ queue: `${WAKE_QUEUE}${shard}`, state, count });
      }),
    );
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.disconnect()));
  }
}
