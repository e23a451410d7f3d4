/** Timing helpers: drain what is already runnable, percentiles, plan creation in bulk. */
import type { Redis } from 'ioredis';
import type { EngineHarness, RawHarness } from './harness.js';
import { OFFICE } from './harness.js';
import { benchPlan, type TaskKind } from './plans.js';
import { redisCpuSeconds } from './redis.js';

export interface DrainResult {
  /** Timers fired (engine) or jobs completed (raw). */
  done: number;
  failed: number;
  /** Workers started → last transition committed / last job completed. */
  ms: number;
  /** done ÷ ms: the headline rate, worker start-up included for both sides. */
  perSec: number;
  /** First → last completion: the rate with start-up (and, for the engine, the first batch) left out. */
  steadyPerSec: number;
  /** CPU per transition or job: this Node process, and the redis-server process. */
  nodeCpuUsPerJob: number;
  redisCpuUsPerJob: number;
  timedOut: boolean;
  /** Engine only: timers fired per wake-up (sizes of EngineMetrics.timerBatch). */
  wakeUps?: number;
}

interface Run {
  done: () => number;
  failed: () => number;
  firstAt: () => number;
  lastAt: () => number;
  until: (n: number, timeoutMs: number) => Promise<boolean>;
  close: () => Promise<void>;
  wakeUps?: () => number;
}

async function timed(admin: Redis, n: number, start: () => Run, timeoutMs: number): Promise<DrainResult> {
  const redisCpu0 = await redisCpuSeconds(admin);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = start();
  const ok = await run.until(n, timeoutMs);
  const t1 = ok ? run.lastAt() : performance.now();
  const cpu = process.cpuUsage(cpu0);
  const redisCpu = (await redisCpuSeconds(admin)) - redisCpu0;
  const done = run.done();
  const ms = t1 - t0;
  const steady = run.lastAt() - run.firstAt();
  const result: DrainResult = {
    done,
    failed: run.failed(),
    ms,
    perSec: (done * 1000) / ms,
    steadyPerSec: done > 1 && steady > 0 ? ((done - 1) * 1000) / steady : NaN,
    nodeCpuUsPerJob: (cpu.user + cpu.system) / Math.max(1, done),
    redisCpuUsPerJob: (redisCpu * 1e6) / Math.max(1, done),
    timedOut: !ok,
  };
  // After close: a wake-up reports its batch when it ends, which is after its last commit.
  await run.close();
  if (run.wakeUps) result.wakeUps = run.wakeUps();
  return result;
}

/** Starts the engine's timer workers on wake-ups already due and times until `n` timers have fired. */
export function drainEngine(admin: Redis, h: EngineHarness, n: number, concurrency: number, timeoutMs: number): Promise<DrainResult> {
  return timed(
    admin,
    n,
    () => {
      const w = h.startWorkers(concurrency);
      let failed = 0;
      w.workers.on('failed', () => failed++);
      return {
        done: () => w.fires.fired,
        failed: () => failed,
        firstAt: () => w.fires.firstAt,
        lastAt: () => w.fires.lastAt,
        until: (k, t) => w.fires.until(k, t),
        close: () => w.close(),
        wakeUps: () => w.fires.batches.length,
      };
    },
    timeoutMs,
  );
}

/** Starts a raw worker on `n` runnable no-op jobs and times until all have completed. */
export function drainRaw(admin: Redis, h: RawHarness, n: number, concurrency: number, timeoutMs: number): Promise<DrainResult> {
  return timed(
    admin,
    n,
    () => {
      const w = h.startWorker(concurrency);
      let failed = 0;
      w.worker.on('failed', () => failed++);
      return {
        done: () => w.completed.length,
        failed: () => failed,
        firstAt: () => w.firstAt,
        lastAt: () => w.lastAt,
        until: (k, t) => w.until(k, t),
        close: () => w.close(),
      };
    },
    timeoutMs,
  );
}

/**
 * Creates and publishes `plans` plans of `tasksPerPlan` tasks through
 * engine.createPlan(def, office, { publish: true }), `lanes` at a time, stopping early if
 * `budgetMs` runs out. Returns how many plans were created and how long it took.
 */
export async function createPlans(
  h: EngineHarness,
  idPrefix: string,
  plans: number,
  tasksPerPlan: number,
  kind: TaskKind,
  opts: { budgetMs?: number; lanes?: number; progress?: (done: number, ms: number) => void } = {},
): Promise<{ plans: number; tasks: number; ms: number }> {
  const t0 = performance.now();
  const budgetMs = opts.budgetMs ?? Infinity;
  let next = 0;
  let created = 0;
  const lane = async () => {
    while (next < plans && performance.now() - t0 < budgetMs) {
      const i = next++;
      await h.engine.createPlan(benchPlan(`${idPrefix}${i}`, tasksPerPlan, kind, Date.now(), i), OFFICE, { publish: true });
      created++;
      if (opts.progress && created % 10 === 0) opts.progress(created, performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: opts.lanes ?? 2 }, lane));
  return { plans: created, tasks: created * tasksPerPlan, ms: performance.now() - t0 };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
