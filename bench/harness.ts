/**
 * The two things being compared, wired exactly as production wires them.
 *
 * Engine: the same three connections and options as `startRuntime` (src/runtime.ts):
 * the engine's client with maxRetriesPerRequest 3, the scheduler's queue connection
 * and the worker's connection with maxRetriesPerRequest null; the real Engine,
 * BullTimerScheduler and createTimerWorker (workers/timer.worker.ts). Plans are created
 * by one Engine (as the API process would) and timers fired by another, with its own
 * connections (as a worker process would), so nothing the creating engine keeps in
 * memory flatters the worker — in production a timer fires hours or days after the
 * task was written. The worker is started separately (startRuntime starts it at once)
 * so that timers can be armed first and the drain timed. The reconciler is not
 * started: it only rescans every 30 s in production and is not on a transition's path.
 *
 * Raw BullMQ: the same BullTimerScheduler and createTimerWorker on the same kind of
 * connections, with the engine replaced by a stub that does nothing (rawHarness).
 */
import type { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Engine, newToken } from '../src/engine/engine.js';
import { BullTimerScheduler } from '../src/engine/timer-queue.js';
import type { ScheduledTimer } from '../src/engine/scheduler.js';
import type { Principal } from '../src/domain/permissions.js';
import { createTimerWorker } from '../workers/timer.worker.js';

export const OFFICE: Principal = { kind: 'office', name: 'bench', org: 'default' };

/** BullMQ's own test (Job.validateOptions): such an id makes add/addBulk throw "Custom Id cannot be integers". */
export function isIntegerId(id: string): boolean {
  return `${parseInt(id, 10)}` === id;
}

/** Lines the engine logged that say timers could not be scheduled, across all harnesses of the run. */
export const scheduleFailures: string[] = [];

export interface Runtime {
  engine: Engine;
  scheduler: BullTimerScheduler;
  close(): Promise<void>;
}

export interface EngineWorker extends Runtime {
  worker: Worker;
}

export interface EngineHarness extends Runtime {
  prefix: string;
  /** Called with every batch of timers any of the harness's engines arms, after its commit. */
  onArm?: (timers: ScheduledTimer[]) => void;
  /**
   * Starts a timer worker with an Engine of its own (own connections, cold caches),
   * as a separate `worker`-role process would run: the engine that created the plans
   * (like the API process) is not the one that fires their timers.
   */
  startWorker(concurrency: number): EngineWorker;
}

export function engineHarness(url: string, prefix: string): EngineHarness {
  // What startRuntime builds: the engine's client fails fast, BullMQ's does not.
  const runtime = (): Runtime => {
    const redis = new Redis(url, { maxRetriesPerRequest: 3 });
    const queueConnection = new Redis(url, { maxRetriesPerRequest: null });
    const scheduler = new BullTimerScheduler(queueConnection, prefix);
    const log = (line: string) => {
      if (line.startsWith('could not schedule')) scheduleFailures.push(line);
    };
    // Observe arming without changing it: the instance's own method, called through.
    const arm = scheduler.arm.bind(scheduler);
    scheduler.arm = async (timers) => {
      h.onArm?.(timers);
      return arm(timers);
    };
    return {
      engine: new Engine({ redis, scheduler, prefix, log }),
      scheduler,
      async close() {
        await scheduler.close().catch(() => undefined);
        queueConnection.disconnect();
        redis.disconnect();
      },
    };
  };
  const api = runtime();
  const h: EngineHarness = {
    ...api,
    prefix,
    startWorker(concurrency) {
      const rt = runtime();
      const workerConnection = new Redis(url, { maxRetriesPerRequest: null });
      const worker = createTimerWorker({ engine: rt.engine, connection: workerConnection, prefix, concurrency });
      return {
        ...rt,
        worker,
        async close() {
          await worker.close();
          workerConnection.disconnect();
          await rt.close();
        },
      };
    },
  };
  return h;
}

export interface RawHarness {
  queue: Queue;
  /** Arms `count` timers through BullTimerScheduler.arm (addBulk, chunks of 500), each due at `due(i)` or now. */
  add(count: number, due: (i: number) => number | null): Promise<void>;
  /** Due time of a job by id (its token), for lateness. */
  dueOf(jobId: string): number | undefined;
  startWorker(concurrency: number, onFire?: (jobId: string) => void): { worker: Worker; close(): Promise<void> };
  close(): Promise<void>;
}

/**
 * Raw BullMQ: the production queue and worker code with the engine taken out. Jobs are
 * added by a BullTimerScheduler (so they have exactly the timer queue's job shape and
 * options) and run by createTimerWorker (same worker options, same payload parse)
 * whose engine is a stub: `fireTimer` returns 'fired' at once.
 */
export function rawHarness(url: string, prefix: string): RawHarness {
  const queueConnection = new Redis(url, { maxRetriesPerRequest: null });
  const scheduler = new BullTimerScheduler(queueConnection, prefix);
  const due = new Map<string, number>();
  return {
    queue: scheduler.queue,
    async add(count, dueAt) {
      const now = Date.now();
      const timers: ScheduledTimer[] = [];
      for (let j = 0; j < count; j++) {
        // BullMQ rejects a custom job id that reads as an integer; see unsafeTokens().
        let tok = newToken();
        while (isIntegerId(tok)) tok = newToken();
        const at = dueAt(j) ?? now;
        due.set(tok, at);
        timers.push({ planId: `raw${Math.floor(j / 500)}`, entity: `t${j}`, tok, at });
      }
      await scheduler.arm(timers);
    },
    dueOf: (jobId) => due.get(jobId),
    startWorker(concurrency, onFire) {
      const workerConnection = new Redis(url, { maxRetriesPerRequest: null });
      const stub = {
        fireTimer(_planId: string, _entity: string, tok: string) {
          onFire?.(tok);
          return Promise.resolve('fired' as const);
        },
      };
      const worker = createTimerWorker({ engine: stub as unknown as Engine, connection: workerConnection, prefix, concurrency });
      return {
        worker,
        async close() {
          await worker.close();
          workerConnection.disconnect();
        },
      };
    },
    async close() {
      await scheduler.close();
      queueConnection.disconnect();
    },
  };
}
