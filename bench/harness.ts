/**
 * The two things being compared, wired as production wires them.
 *
 * Engine: the connections and options `startRuntime` (src/runtime.ts) uses — the
 * engine's client with maxRetriesPerRequest 3, the scheduler's and the workers'
 * connections with maxRetriesPerRequest null — the real Engine, BullTimerScheduler
 * (sharded wake-up queues) and createTimerWorkers (workers/timer.worker.ts). Plans are
 * created by one Engine (as the API process would) and timers fired by another with its
 * own connections and cold caches (as a worker process would), so nothing the creating
 * engine keeps in memory flatters the worker. The workers are started separately so that
 * wake-ups can be armed first and the drain timed. The reconciler is not started: it
 * rescans every 30 s in production and is not on a transition's path.
 *
 * The worker's engine gets a metrics object of the bench's own (EngineOptions.metrics):
 * `timerFired(latenessMs)` is called once per timer right after the commit that fired it,
 * which is how the bench counts transitions and their lateness without touching the engine.
 *
 * Raw BullMQ: a plain Queue (`addBulk`) and a Worker whose processor returns at once, with
 * the wake-up workers' options (removeOnComplete count 0, removeOnFail 10,000).
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { Engine } from '../src/engine/engine.js';
import type { EngineMetrics } from '../src/engine/scheduler.js';
import { BullTimerScheduler } from '../src/engine/timer-queue.js';
import type { Principal } from '../src/domain/permissions.js';
import { createTimerWorkers, type TimerWorkers } from '../workers/timer.worker.js';

export const OFFICE: Principal = { kind: 'office', name: 'bench', org: 'default' };

/** Production's wake-up shards (DEFAULT_SHARDS) and per-shard worker concurrency (createTimerWorkers' default). */
export const PROD_SHARDS = 4;
export const PROD_CONCURRENCY = 20;

/** Lines the engine logged that say wake-ups could not be scheduled, across all harnesses of the run. */
export const scheduleFailures: string[] = [];

/** The bench's EngineMetrics: counts fired timers, keeps their lateness and when the last one committed. */
export class FireLog implements EngineMetrics {
  fired = 0;
  /** performance.now() of the first and the latest fired timer's commit. */
  firstAt = 0;
  lastAt = 0;
  readonly lateness: number[] = [];
  /** Epoch ms each fired timer was due (commit time − lateness), beside `lateness`. */
  readonly dueAt: number[] = [];
  readonly batches: number[] = [];
  transitions = 0;
  private waiters: { n: number; resolve: () => void }[] = [];

  timerFired(latenessMs: number): void {
    this.fired++;
    this.lastAt = performance.now();
    if (this.fired === 1) this.firstAt = this.lastAt;
    this.lateness.push(latenessMs);
    this.dueAt.push(Date.now() - latenessMs);
    this.waiters = this.waiters.filter((w) => (this.fired >= w.n ? (w.resolve(), false) : true));
  }
  timerBatch(size: number): void {
    this.batches.push(size);
  }
  transition(_entity: 'task' | 'plan', _by: 'timer' | 'command', n = 1): void {
    this.transitions += n;
  }
  notice(): void {}

  /** Resolves true once `n` timers have fired, false after `timeoutMs`. */
  until(n: number, timeoutMs: number): Promise<boolean> {
    if (this.fired >= n) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      });
    });
  }
}

export interface Runtime {
  engine: Engine;
  scheduler: BullTimerScheduler;
  close(): Promise<void>;
}

export interface EngineWorkers extends Runtime {
  workers: TimerWorkers;
  fires: FireLog;
}

export interface EngineHarness extends Runtime {
  prefix: string;
  shards: number;
  /**
   * Starts the timer workers (one per shard, `concurrency` each) with an Engine of
   * their own, as a separate `worker`-role process would run them.
   */
  startWorkers(concurrency: number): EngineWorkers;
}

export function engineHarness(url: string, prefix: string, shards = PROD_SHARDS): EngineHarness {
  const runtime = (metrics?: EngineMetrics): Runtime => {
    const redis = new Redis(url, { maxRetriesPerRequest: 3 });
    const queueConnection = new Redis(url, { maxRetriesPerRequest: null });
    const scheduler = new BullTimerScheduler(queueConnection, prefix, shards);
    const log = (line: string) => {
      if (/could not|wake-up job/.test(line)) scheduleFailures.push(line);
    };
    return {
      engine: new Engine({ redis, scheduler, prefix, log, ...(metrics ? { metrics } : {}) }),
      scheduler,
      async close() {
        await scheduler.close().catch(() => undefined);
        queueConnection.disconnect();
        redis.disconnect();
      },
    };
  };
  const api = runtime();
  return {
    ...api,
    prefix,
    shards,
    startWorkers(concurrency) {
      const fires = new FireLog();
      const rt = runtime(fires);
      const connection = new Redis(url, { maxRetriesPerRequest: null });
      const workers = createTimerWorkers({ engine: rt.engine, connection, prefix, shards, concurrency });
      workers.on('error', () => undefined);
      return {
        ...rt,
        workers,
        fires,
        async close() {
          await workers.close();
          connection.disconnect();
          await rt.close();
        },
      };
    },
  };
}

export interface RawWorker {
  worker: Worker;
  /** Due → processor start, and due → 'completed', ms, per job. */
  started: number[];
  completed: number[];
  /** performance.now() of the first and latest completion. */
  firstAt: number;
  lastAt: number;
  until(n: number, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface RawHarness {
  queue: Queue;
  /** Adds `count` no-op jobs through addBulk (chunks of 500), job j due at `due(j)` (epoch ms) or now. */
  add(count: number, due: (j: number) => number | null): Promise<void>;
  startWorker(concurrency: number): RawWorker;
  close(): Promise<void>;
}

/** When a job was due: its creation time plus its delay, as BullMQ schedules it. */
function dueOf(job: Job): number {
  return job.timestamp + (job.opts.delay ?? 0);
}

/** Raw BullMQ: no-op jobs on a plain queue of its own hash tag, drained by a plain Worker. */
export function rawHarness(url: string, prefix: string): RawHarness {
  const queueConnection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue('raw', { connection: queueConnection, prefix: `{${prefix}}` });
  queue.on('error', () => undefined);
  return {
    queue,
    async add(count, due) {
      const now = Date.now();
      for (let i = 0; i < count; i += 500) {
        const chunk = Array.from({ length: Math.min(500, count - i) }, (_, k) => {
          const at = due(i + k);
          return { name: 'j', data: {}, opts: at === null ? {} : { delay: Math.max(0, at - now) } };
        });
        await queue.addBulk(chunk);
      }
    },
    startWorker(concurrency) {
      const connection = new Redis(url, { maxRetriesPerRequest: null });
      const started: number[] = [];
      const completed: number[] = [];
      let waiters: { n: number; resolve: () => void }[] = [];
      const worker = new Worker(
        'raw',
        (job) => {
          started.push(Date.now() - dueOf(job));
          return Promise.resolve();
        },
        {
          connection,
          prefix: `{${prefix}}`,
          concurrency,
          removeOnComplete: { count: 0 },
          removeOnFail: { count: 10_000 },
        },
      );
      worker.on('error', () => undefined);
      const w: RawWorker = {
        worker,
        started,
        completed,
        firstAt: 0,
        lastAt: 0,
        until(n, timeoutMs) {
          if (completed.length >= n) return Promise.resolve(true);
          return new Promise((resolve) => {
            const timer = setTimeout(() => resolve(false), timeoutMs);
            waiters.push({
              n,
              resolve: () => {
                clearTimeout(timer);
                resolve(true);
              },
            });
          });
        },
        async close() {
          await worker.close();
          connection.disconnect();
        },
      };
      worker.on('completed', (job: Job) => {
        completed.push(Date.now() - dueOf(job));
        w.lastAt = performance.now();
        if (completed.length === 1) w.firstAt = w.lastAt;
        waiters = waiters.filter((x) => (completed.length >= x.n ? (x.resolve(), false) : true));
      });
      return w;
    },
    async close() {
      await queue.close();
      queueConnection.disconnect();
    },
  };
}
