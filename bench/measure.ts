/** Timing helpers: drain a pre-filled queue, percentiles, plan creation in bulk. */
import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EngineHarness } from './harness.js';
import { OFFICE } from './harness.js';
import { benchPlan, type TaskKind } from './plans.js';
import { redisCpuSeconds } from './redis.js';

export interface DrainResult {
  /** Jobs that did their work ('fired'). */
  done: number;
  stale: number;
  failed: number;
  ms: number;
  perSec: number;
  /** CPU per job: this Node process, and the redis-server process. */
  nodeCpuUsPerJob: number;
  redisCpuUsPerJob: number;
  timedOut: boolean;
}

/**
 * Starts a worker on a queue already holding `n` runnable jobs and times until the
 * n-th job has completed with result 'fired' (bounded by `timeoutMs`). The rate counts
 * from the first completion, so worker start-up is left out for both sides.
 */
export async function drain(
  admin: Redis,
  queue: Queue,
  n: number,
  start: () => { worker: Worker; close(): Promise<void> },
  timeoutMs: number,
): Promise<DrainResult> {
  // What is actually runnable: a timer the engine failed to schedule never comes.
  const waiting = await queue.getWaitingCount();
  if (waiting < n) {
    console.log(`  note: ${n - waiting} of ${n} jobs are not in the queue (see "timers not scheduled" in the report); draining ${waiting}`);
    n = waiting;
  }
  let done = 0;
  let stale = 0;
  let failed = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  const redisCpu0 = await redisCpuSeconds(admin);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let t1 = 0;
  let tFirst = 0;
  const w = start();
  w.worker.on('completed', (_job: Job, result: unknown) => {
    if (result === 'fired') done++;
    else stale++;
    if (done === 1) tFirst = performance.now();
    if (done === n) {
      t1 = performance.now();
      finished();
    }
  });
  w.worker.on('failed', () => failed++);
  const timer = setTimeout(finished, timeoutMs);
  await all;
  clearTimeout(timer);
  const timedOut = t1 === 0;
  if (timedOut) t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const redisCpu = (await redisCpuSeconds(admin)) - redisCpu0;
  await w.close();
  const ms = t1 - t0;
  // The rate is taken from the first completion to the last, so the worker's start-up
  // (connecting, loading scripts) is not in it; `ms` is the whole drain.
  const steady = t1 - tFirst;
  return {
    done,
    stale,
    failed,
    ms,
    perSec: done > 1 && steady > 0 ? ((done - 1) * 1000) / steady : (done * 1000) / ms,
    nodeCpuUsPerJob: (cpu.user + cpu.system) / Math.max(1, done),
    redisCpuUsPerJob: (redisCpu * 1e6) / Math.max(1, done),
    timedOut,
  };
}

/**
 * Creates and publishes `plans` plans of `tasksPerPlan` tasks through
 * engine.createPlan(def, office, { publish: true }), two at a time, stopping early if
 * `budgetMs` runs out. Returns how many plans were created and how long it took.
 */
export async function createPlans(
  h: EngineHarness,
  idPrefix: string,
  plans: number,
  tasksPerPlan: number,
  kind: TaskKind,
  budgetMs = Infinity,
  progress?: (done: number, ms: number) => void,
): Promise<{ plans: number; tasks: number; ms: number }> {
  const t0 = performance.now();
  let next = 0;
  let created = 0;
  const lane = async () => {
    while (next < plans && performance.now() - t0 < budgetMs) {
      const i = next++;
      await h.engine.createPlan(benchPlan(`${idPrefix}${i}`, tasksPerPlan, kind), OFFICE, { publish: true });
      created++;
      if (progress && created % 10 === 0) progress(created, performance.now() - t0);
    }
  };
  await Promise.all([lane(), lane()]);
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
