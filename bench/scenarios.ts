/**
 * The four measurements. Each pairs the engine with raw BullMQ on the same private
 * Redis in the same run; every scenario starts from FLUSHALL and uses its own key
 * prefix.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { Job } from 'bullmq';
import { engineHarness, rawHarness } from './harness.js';
import { createPlans, drain, median, percentile, type DrainResult } from './measure.js';
import { flush, persistenceIdle, settledMemory, sleep, startBenchRedis, type BenchRedis } from './redis.js';
import { PLAN_ENTITY } from '../src/store/keys.js';

const log = (line: string) => console.log(`  ${line}`);
const PLAN_SIZE = 500;

// ---- 1. throughput ------------------------------------------------------------------

export interface ThroughputRow {
  concurrency: number;
  jobs: number;
  raw: DrainResult[];
  engine: DrainResult[];
  rawPerSec: number;
  enginePerSec: number;
  ratio: number;
}

/**
 * Raw: addBulk `jobs` no-op jobs (delay 0), then start a worker and time the drain.
 * Engine: create+publish plans whose `jobs` tasks each arm a checkpoint timer due at
 * once (delay 0, so the same `jobs` jobs wait in the same queue), then start the
 * timer worker and time until `jobs` timers have fired. Each fire is one committed
 * transition (onTrack → dueSoon) with a reminder notice and the next timer armed.
 * Raw and engine alternate, `reps` times; the median is reported.
 */
export async function throughput(
  r: BenchRedis,
  concurrency: number,
  jobs: number,
  reps: number,
  timeoutMs: number,
): Promise<ThroughputRow> {
  const raw: DrainResult[] = [];
  const engine: DrainResult[] = [];
  for (let rep = 0; rep < reps; rep++) {
    await flush(r.admin);
    const rh = rawHarness(r.url, `rt${concurrency}r${rep}`);
    await rh.add(jobs, () => null);
    await persistenceIdle(r.admin);
    const rr = await drain(r.admin, rh.queue, jobs, () => rh.startWorker(concurrency), timeoutMs);
    await rh.close();
    raw.push(rr);
    log(`raw    c=${concurrency} rep ${rep + 1}: ${rr.perSec.toFixed(0)} jobs/s (${rr.ms.toFixed(0)} ms)`);

    await flush(r.admin);
    const eh = engineHarness(r.url, `et${concurrency}r${rep}`);
    const plans = Math.ceil(jobs / PLAN_SIZE);
    await createPlans(eh, 'tp', plans, PLAN_SIZE, { kind: 'due' });
    await persistenceIdle(r.admin);
    const er = await drain(r.admin, eh.scheduler.queue, plans * PLAN_SIZE, () => eh.startWorker(concurrency), timeoutMs);
    await eh.close();
    // Jobs per second over the same count: plans*PLAN_SIZE is rounded up to whole plans.
    engine.push(er);
    log(
      `engine c=${concurrency} rep ${rep + 1}: ${er.perSec.toFixed(0)} transitions/s (${er.ms.toFixed(0)} ms, ${er.stale} stale, ${er.failed} failed)`,
    );
  }
  const rawPerSec = median(raw.map((x) => x.perSec));
  const enginePerSec = median(engine.map((x) => x.perSec));
  return { concurrency, jobs, raw, engine, rawPerSec, enginePerSec, ratio: enginePerSec / rawPerSec };
}

// ---- 2. timer lateness ----------------------------------------------------------------

export interface Lateness {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LatenessResult {
  timers: number;
  spreadMs: number;
  concurrency: number;
  rounds: number;
  /** Due → the worker's 'completed' event, for both; all rounds pooled. */
  raw: Lateness;
  engine: Lateness;
  /** Due → the engine's commit (the moment it hands the next timer to the scheduler). */
  engineCommit: Lateness;
  /** Due → raw processor start. */
  rawStart: Lateness;
  /** p99 of each round, to show the spread between rounds on a noisy machine. */
  rawRoundP99: number[];
  engineRoundP99: number[];
  /** Worst event-loop delay (ms) and GC pauses over 20 ms during the engine rounds. */
  engineLoopMaxMs: number;
  engineLongGcs: number;
  armedWithMsToSpare: number;
}

function lateness(samples: number[]): Lateness {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

async function rawLatenessRound(r: BenchRedis, round: number, timers: number, spreadMs: number, leadMs: number, concurrency: number) {
  await flush(r.admin);
  const rh = rawHarness(r.url, `rl${round}`);
  const done: number[] = [];
  const start: number[] = [];
  const rw = rh.startWorker(concurrency, (tok) => start.push(Date.now() - rh.dueOf(tok)!));
  rw.worker.on('completed', (job: Job) => done.push(Date.now() - rh.dueOf(job.id!)!));
  await rw.worker.waitUntilReady();
  const base = Date.now() + leadMs;
  await rh.add(timers, (i) => base + Math.floor((i * spreadMs) / timers));
  await waitFor(() => done.length >= timers, leadMs + spreadMs + 30_000);
  await rw.close();
  await rh.close();
  return { done, start };
}

async function engineLatenessRound(r: BenchRedis, round: number, timers: number, spreadMs: number, leadMs: number, concurrency: number) {
  await flush(r.admin);
  const eh = engineHarness(r.url, `el${round}`);
  const due = new Map<string, number>();
  const commit: number[] = [];
  const done: number[] = [];
  let published = false;
  // First fire of each task only (nothing else is due during the run, but be sure).
  const committed = new Set<string>();
  const completed = new Set<string>();
  eh.onArm = (armed) => {
    if (!published) return;
    const now = Date.now();
    for (const t of armed) {
      const d = due.get(t.entity);
      if (d !== undefined && t.entity !== PLAN_ENTITY && !committed.has(t.entity)) {
        committed.add(t.entity);
        commit.push(now - d);
      }
    }
  };
  const ew = eh.startWorker(concurrency);
  ew.worker.on('completed', (job: Job, result: unknown) => {
    const e = (job.data as { e: string }).e;
    const d = due.get(e);
    if (d !== undefined && result === 'fired' && !completed.has(e)) {
      completed.add(e);
      done.push(Date.now() - d);
    }
  });
  await ew.worker.waitUntilReady();
  const base = Date.now() + leadMs;
  const dueAt = (i: number) => base + Math.floor((i * spreadMs) / timers);
  for (let i = 0; i < timers; i++) due.set(`t${i}`, dueAt(i));
  const plans = Math.ceil(timers / 1000);
  const per = Math.ceil(timers / plans);
  for (let p = 0; p < plans; p++) {
    await createPlans(eh, `lat${p}-`, 1, per, { kind: 'at', dueAt: (i) => dueAt(p * per + i) });
  }
  published = true;
  const spare = base - Date.now();
  // Timers actually in BullMQ (one phase timer per plan besides the tasks'): a timer the
  // engine failed to schedule never fires.
  const expected = Math.min(plans * per, (await eh.scheduler.queue.getDelayedCount()) - plans + done.length);
  let longGcs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration > 20) longGcs++;
  });
  gc.observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  await waitFor(() => done.length >= expected, leadMs + spreadMs + 30_000);
  loop.disable();
  gc.disconnect();
  await ew.close();
  await eh.close();
  return { done, commit, spare, loopMaxMs: loop.max / 1e6, longGcs };
}

/**
 * `timers` timers due at known instants spread evenly over `spreadMs`, the first
 * `leadMs` after setup starts, `rounds` times each, raw and engine alternating. The
 * worker runs throughout (production default concurrency). Engine timers are real
 * task checkpoints (a reminder PT1H before a deadline); the history entry's `at` is
 * the due time, and wall-clock is taken at commit and at job completion.
 */
export async function timerLateness(
  r: BenchRedis,
  timers: number,
  spreadMs: number,
  leadMs: number,
  concurrency: number,
  rounds: number,
): Promise<LatenessResult> {
  const raw = { done: [] as number[], start: [] as number[], p99: [] as number[] };
  const eng = { done: [] as number[], commit: [] as number[], p99: [] as number[], spare: Infinity, loopMaxMs: 0, longGcs: 0 };
  for (let round = 0; round < rounds; round++) {
    const a = await rawLatenessRound(r, round, timers, spreadMs, leadMs, concurrency);
    raw.done.push(...a.done);
    raw.start.push(...a.start);
    raw.p99.push(lateness(a.done).p99);
    const b = await engineLatenessRound(r, round, timers, spreadMs, leadMs, concurrency);
    eng.done.push(...b.done);
    eng.commit.push(...b.commit);
    eng.p99.push(lateness(b.done).p99);
    eng.spare = Math.min(eng.spare, b.spare);
    eng.loopMaxMs = Math.max(eng.loopMaxMs, b.loopMaxMs);
    eng.longGcs += b.longGcs;
    log(
      `round ${round + 1}: p99 raw ${lateness(a.done).p99} ms, engine ${lateness(b.done).p99} ms (event loop max ${b.loopMaxMs.toFixed(0)} ms)`,
    );
  }
  return {
    timers,
    spreadMs,
    concurrency,
    rounds,
    raw: lateness(raw.done),
    rawStart: lateness(raw.start),
    engine: lateness(eng.done),
    engineCommit: lateness(eng.commit),
    rawRoundP99: raw.p99,
    engineRoundP99: eng.p99,
    engineLoopMaxMs: eng.loopMaxMs,
    engineLongGcs: eng.longGcs,
    armedWithMsToSpare: eng.spare,
  };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(20);
}

// ---- 3. memory -------------------------------------------------------------------------

export interface MemoryResult {
  tasks: number;
  rawJobs: number;
  engineBytesPerTask: number;
  rawBytesPerJob: number;
  ratio: number;
  /** MEMORY USAGE summed by key kind, per task. */
  breakdown: [string, number][];
  /** Bytes of each field of one stored task hash. */
  taskFields: [string, number][];
  /** Whether the stored task snapshot carries the escalation policy in its context. */
  snapshotHasPolicy: boolean;
  /** OBJECT ENCODING of a task hash, and bytes per task with hash-max-listpack-value 1024. */
  taskEncoding: string;
  listpackDefault: number;
  listpackBytesPerTask: number;
  createMs: number;
}

/**
 * used_memory before and after creating+publishing `plans`×`tasksPerPlan` open tasks
 * (each with its pending checkpoint timer job), per task; beside `tasks` raw BullMQ
 * delayed jobs (due in 30 days) with the timer queue's options, per job.
 */
export async function memory(r: BenchRedis, plans: number, tasksPerPlan: number): Promise<MemoryResult> {
  const tasks = plans * tasksPerPlan;
  await flush(r.admin);
  const rh = rawHarness(r.url, 'rm');
  await rh.queue.waitUntilReady();
  const rawBefore = await settledMemory(r.admin);
  await rh.add(tasks, () => Date.now() + 30 * 86_400_000);
  const rawAfter = await settledMemory(r.admin);
  await rh.close();

  await flush(r.admin);
  const eh = engineHarness(r.url, 'em');
  await eh.scheduler.queue.waitUntilReady();
  const before = await settledMemory(r.admin);
  const created = await createPlans(eh, 'mp', plans, tasksPerPlan, { kind: 'idle' });
  const after = await settledMemory(r.admin);
  const breakdown = await keyBreakdown(r, created.tasks);
  // One stored task, field by field.
  const sample = await r.admin.hgetall(eh.engine.pk('mp0').task('t0'));
  const taskFields = Object.entries(sample)
    .map(([k, v]): [string, number] => [k, Buffer.byteLength(v)])
    .sort((a, b) => b[1] - a[1]);
  const snapshotHasPolicy =
    sample.snap !== undefined && (JSON.parse(sample.snap) as { context?: { policy?: unknown } }).context?.policy !== undefined;
  const taskEncoding = String(await r.admin.object('ENCODING', eh.engine.pk('mp0').task('t0')));
  await eh.close();

  // The same tasks with Redis allowed to keep hashes with values up to 1 KiB in the compact
  // listpack encoding (the default limit is 64 bytes, which a task's snapshot exceeds).
  await flush(r.admin);
  const [, listpackDefault] = (await r.admin.config('GET', 'hash-max-listpack-value')) as [string, string];
  await r.admin.config('SET', 'hash-max-listpack-value', '1024');
  let listpackBytesPerTask: number;
  try {
    const lh = engineHarness(r.url, 'eml');
    await lh.scheduler.queue.waitUntilReady();
    const lBefore = await settledMemory(r.admin);
    const lCreated = await createPlans(lh, 'mp', plans, tasksPerPlan, { kind: 'idle' });
    listpackBytesPerTask = ((await settledMemory(r.admin)) - lBefore) / lCreated.tasks;
    await lh.close();
  } finally {
    await r.admin.config('SET', 'hash-max-listpack-value', listpackDefault);
  }
  const engineBytesPerTask = (after - before) / created.tasks;
  const rawBytesPerJob = (rawAfter - rawBefore) / tasks;
  return {
    tasks: created.tasks,
    rawJobs: tasks,
    engineBytesPerTask,
    rawBytesPerJob,
    ratio: engineBytesPerTask / rawBytesPerJob,
    breakdown,
    taskFields,
    snapshotHasPolicy,
    taskEncoding,
    listpackDefault: Number(listpackDefault),
    listpackBytesPerTask,
    createMs: created.ms,
  };
}

function keyKind(key: string): string {
  if (key.startsWith('{')) {
    const rest = key.slice(key.indexOf(':timers:') + ':timers:'.length);
    return /^[0-9a-z]{10}$/.test(rest) ? 'BullMQ job hash (1 per pending timer)' : `BullMQ ${rest}`;
  }
  const m = /^[^:]+:\{[^}]+\}:([a-z]+)/.exec(key);
  if (!m) return `global ${key.replace(/^[^:]+:/, '')}`;
  return (
    {
      t: 'task hash (snapshot, def, timers, ix)',
      h: 'history lists',
      ix: 'index sets',
      plan: 'plan hash (incl. definition JSON)',
      tasks: 'plan task list (zset)',
      timers: 'plan timer index (zset)',
      n: 'notices',
      in: 'inboxes',
      open: 'open-notice sets',
    }[m[1]!] ?? m[1]!
  );
}

async function keyBreakdown(r: BenchRedis, tasks: number): Promise<[string, number][]> {
  const sums = new Map<string, number>();
  let cursor = '0';
  for (let guard = 0; guard < 100_000; guard++) {
    const [next, keys] = await r.admin.scan(cursor, 'COUNT', 1000);
    const pipe = r.admin.pipeline();
    for (const k of keys) pipe.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
    const replies = (await pipe.exec()) ?? [];
    keys.forEach((k, i) => {
      const kind = keyKind(k);
      sums.set(kind, (sums.get(kind) ?? 0) + Number(replies[i]?.[1] ?? 0));
    });
    cursor = next;
    if (cursor === '0') break;
  }
  return [...sums].map(([k, v]): [string, number] => [k, v / tasks]).sort((a, b) => b[1] - a[1]);
}

// ---- 4. cost per transition vs open tasks ---------------------------------------------

export interface ScaleCase {
  openTasks: number;
  createMs: number;
  usedMemory: number;
  runs: DrainResult[];
  perSec: number;
  usPerTransition: number;
}

export interface ScaleResult {
  transitions: number;
  concurrency: number;
  small: ScaleCase;
  large: ScaleCase;
  /** large ÷ small transitions/s: 1.0 means no growth in cost. */
  ratio: number;
  largeTarget: number;
}

/**
 * Background of open tasks (far-future deadlines, one pending timer job each), then
 * the same fixed number of timer-driven transitions (`hot` tasks due at once, fresh
 * plans each rep), timed as in the throughput scenario.
 */
export async function scale(
  r: BenchRedis,
  small: number,
  large: number,
  tasksPerPlan: number,
  hot: number,
  reps: number,
  concurrency: number,
  createBudgetMs: number,
  timeoutMs: number,
): Promise<ScaleResult> {
  // The small case lives on a second private redis-server, so the two cases can be
  // measured alternately: drift on a shared machine then hits both alike.
  const second = await startBenchRedis();
  try {
    const build = async (server: BenchRedis, plans: number, tag: string) => {
      await flush(server.admin);
      const eh = engineHarness(server.url, `s${tag}`);
      const created = await createPlans(eh, 'bg', plans, tasksPerPlan, { kind: 'idle' }, createBudgetMs, (n, ms) =>
        log(`  ${n}/${plans} background plans (${n * tasksPerPlan} tasks) in ${(ms / 1000).toFixed(0)} s`),
      );
      log(`${created.tasks} open tasks created in ${(created.ms / 1000).toFixed(1)} s`);
      const usedMemory = await settledMemory(server.admin);
      return { server, eh, created, usedMemory, runs: [] as DrainResult[] };
    };
    const cases = [await build(second, small, 'small'), await build(r, large, 'large')];
    const hotPlans = Math.ceil(hot / PLAN_SIZE);
    for (let rep = 0; rep < reps; rep++) {
      for (const c of rep % 2 === 0 ? cases : [...cases].reverse()) {
        await createPlans(c.eh, `hot${rep}-`, hotPlans, PLAN_SIZE, { kind: 'due' });
        await persistenceIdle(c.server.admin);
        const d = await drain(c.server.admin, c.eh.scheduler.queue, hotPlans * PLAN_SIZE, () => c.eh.startWorker(concurrency), timeoutMs);
        c.runs.push(d);
        log(`${c.created.tasks} open: rep ${rep + 1}: ${d.perSec.toFixed(0)} transitions/s`);
      }
    }
    const [sc, lc] = cases.map((c): ScaleCase => {
      const perSec = median(c.runs.map((x) => x.perSec));
      return {
        openTasks: c.created.tasks,
        createMs: c.created.ms,
        usedMemory: c.usedMemory,
        runs: c.runs,
        perSec,
        usPerTransition: 1e6 / perSec,
      };
    }) as [ScaleCase, ScaleCase];
    for (const c of cases) await c.eh.close();
    return {
      transitions: hotPlans * PLAN_SIZE,
      concurrency,
      small: sc,
      large: lc,
      ratio: lc.perSec / sc.perSec,
      largeTarget: large * tasksPerPlan,
    };
  } finally {
    await second.stop();
  }
}
