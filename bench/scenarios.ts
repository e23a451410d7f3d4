/**
 * The measurements of issue 13's timer goals. Each pairs the engine with raw BullMQ on
 * the same private Redis in the same run; every scenario starts from FLUSHALL and uses
 * its own key prefix.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { engineHarness, PROD_CONCURRENCY, PROD_SHARDS, rawHarness, type EngineHarness } from './harness.js';
import { createPlans, drainEngine, drainRaw, median, percentile, type DrainResult } from './measure.js';
import { flush, persistenceIdle, settledMemory, sleep, startBenchRedis, type BenchRedis } from './redis.js';
import { packDefinition } from '../src/engine/definitions.js';
import { parsePlanDefinition } from '../src/engine/plans.js';
import { childrenPlan } from '../test/helpers/children-plan.js';

const log = (line: string) => console.log(`  ${line}`);

/** Tasks that count as fired by the engine's clock: more than this is an engine bug, not a slow run. */
const DRAIN_TIMEOUT_MS = 180_000;

// ---- 1. burst: one plan, every task due at one instant ---------------------------------

export interface RawRate {
  concurrency: number;
  runs: DrainResult[];
  perSec: number;
}

export interface BurstResult {
  tasks: number;
  shards: number;
  concurrency: number;
  engine: DrainResult[];
  enginePerSec: number;
  /** How long creating (and publishing) the plan took: not measured, given for context. */
  createMs: number[];
  raw: RawRate[];
}

/**
 * Engine: one plan of `tasks` tasks whose catch-up reminders all fall due at publish,
 * so the plan holds one wake-up job; then the timer workers start (production: 4 shards,
 * 20 each) and the clock runs until the last task's transition is committed. The wake-up
 * fires them in batches of 500, one compare-and-set commit each.
 * Raw: `tasks` no-op jobs added with addBulk, drained at each of `rawConcurrency`.
 */
export async function burst(r: BenchRedis, tasks: number, reps: number, rawConcurrency: number[]): Promise<BurstResult> {
  const engine: DrainResult[] = [];
  const createMs: number[] = [];
  const raw: RawRate[] = rawConcurrency.map((concurrency) => ({ concurrency, runs: [], perSec: NaN }));
  for (let rep = 0; rep < reps; rep++) {
    for (const rr of raw) {
      await flush(r.admin);
      const rh = rawHarness(r.url, `rb${rr.concurrency}r${rep}`);
      await rh.add(tasks, () => null);
      await persistenceIdle(r.admin);
      const d = await drainRaw(r.admin, rh, tasks, rr.concurrency, DRAIN_TIMEOUT_MS);
      await rh.close();
      rr.runs.push(d);
      log(`raw    c=${rr.concurrency} rep ${rep + 1}: ${d.perSec.toFixed(0)} jobs/s (${d.ms.toFixed(0)} ms)`);
    }
    await flush(r.admin);
    const eh = engineHarness(r.url, `eb${rep}`);
    const created = await createPlans(eh, 'burst', 1, tasks, { kind: 'due' });
    createMs.push(created.ms);
    await persistenceIdle(r.admin);
    const d = await drainEngine(r.admin, eh, tasks, PROD_CONCURRENCY, DRAIN_TIMEOUT_MS);
    await eh.close();
    engine.push(d);
    log(
      `engine rep ${rep + 1}: ${d.perSec.toFixed(0)} transitions/s (${d.ms.toFixed(0)} ms, ${d.wakeUps} wake-up(s), created in ${(created.ms / 1000).toFixed(1)} s)`,
    );
  }
  for (const rr of raw) rr.perSec = median(rr.runs.map((x) => x.perSec));
  return {
    tasks,
    shards: PROD_SHARDS,
    concurrency: PROD_CONCURRENCY,
    engine,
    enginePerSec: median(engine.map((x) => x.perSec)),
    createMs,
    raw,
  };
}

// ---- 2. isolated timers: one due task per wake-up -------------------------------------

export interface IsolatedResult {
  plans: number;
  shards: number;
  concurrency: number;
  engine: DrainResult[];
  enginePerSec: number;
  raw: DrainResult[];
  rawPerSec: number;
  createMs: number[];
}

/**
 * `plans` plans of one task each, all due at publish: every wake-up fires one timer.
 * Workers: `shards` shard(s) × `concurrency`. Raw: as many no-op jobs at the same total
 * concurrency.
 */
export async function isolated(r: BenchRedis, plans: number, reps: number, shards: number, concurrency: number): Promise<IsolatedResult> {
  const engine: DrainResult[] = [];
  const raw: DrainResult[] = [];
  const createMs: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    await flush(r.admin);
    const rh = rawHarness(r.url, `ri${rep}`);
    await rh.add(plans, () => null);
    await persistenceIdle(r.admin);
    const rd = await drainRaw(r.admin, rh, plans, shards * concurrency, DRAIN_TIMEOUT_MS);
    await rh.close();
    raw.push(rd);
    log(`raw    c=${shards * concurrency} rep ${rep + 1}: ${rd.perSec.toFixed(0)} jobs/s (${rd.ms.toFixed(0)} ms)`);

    await flush(r.admin);
    const eh = engineHarness(r.url, `ei${rep}`, shards);
    const created = await createPlans(eh, 'iso', plans, 1, { kind: 'due' }, { lanes: 8 });
    createMs.push(created.ms);
    await persistenceIdle(r.admin);
    const d = await drainEngine(r.admin, eh, plans, concurrency, DRAIN_TIMEOUT_MS);
    await eh.close();
    engine.push(d);
    log(
      `engine ${shards}×${concurrency} rep ${rep + 1}: ${d.perSec.toFixed(0)} transitions/s (${d.ms.toFixed(0)} ms, ${d.wakeUps} wake-ups)`,
    );
  }
  return {
    plans,
    shards,
    concurrency,
    engine,
    enginePerSec: median(engine.map((x) => x.perSec)),
    raw,
    rawPerSec: median(raw.map((x) => x.perSec)),
    createMs,
  };
}

// ---- 3 and 5. a large background of open tasks: lateness, and cost per transition -----

export interface Lateness {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

function lateness(samples: number[]): Lateness {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

export interface LatenessResult {
  background: number;
  timers: number;
  plans: number;
  spreadMs: number;
  /** Due → the commit that fired it (EngineMetrics.timerFired). */
  engine: Lateness;
  /** Due → raw processor start, and → the worker's 'completed' event. */
  rawStart: Lateness;
  raw: Lateness;
  rawBackground: number;
  /** Timers fired per wake-up, on average (1.0: each wake-up fired one). */
  timersPerWake: number;
  engineLoopMaxMs: number;
  engineLongGcs: number;
  /** Ms between the last stream plan's creation and its first timer's due time (negative: timers fell due during creation). */
  armedWithMsToSpare: number;
  /** Timers left out because they fell due before the last stream plan was created. */
  dropped: number;
  /** The second stream: each plan's timers 1 s apart, so a wake-up stays to fire the next. */
  close: { plans: number; perPlan: number; engine: Lateness; timersPerWake: number; dropped: number; armedWithMsToSpare: number };
}

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
  hotPlans: number;
  concurrency: number;
  shards: number;
  small: ScaleCase;
  large: ScaleCase;
  /** large ÷ small transitions/s: 1.0 means no growth in cost. */
  ratio: number;
  largeTarget: number;
}

export interface BackgroundConfig {
  small: number;
  large: number;
  tasksPerPlan: number;
  createBudgetMs: number;
  /** Scale: due tasks per rep, in plans of `hotPerPlan`, and reps. */
  hot: number;
  hotPerPlan: number;
  reps: number;
  /** Lateness: stream plans × timers each, due evenly over spreadMs, the first leadMs after creation starts. */
  streamPlans: number;
  streamPerPlan: number;
  /** A second stream whose timers of one plan are EARLY_MS (1 s) apart or less: wake-ups that wait in-process for the next one. */
  closePlans: number;
  closePerPlan: number;
  spreadMs: number;
  leadMs: number;
}

const MONTH = 30 * 86_400_000;

/**
 * Raw lateness: `background` delayed no-op jobs 30 days ahead, then `timers` jobs due
 * evenly over spreadMs, drained by a raw worker at the production total concurrency.
 */
async function rawLateness(r: BenchRedis, c: BackgroundConfig, background: number) {
  await flush(r.admin);
  const rh = rawHarness(r.url, 'rl');
  await rh.add(background, () => Date.now() + MONTH);
  await persistenceIdle(r.admin);
  const timers = c.streamPlans * c.streamPerPlan;
  const w = rh.startWorker(PROD_SHARDS * PROD_CONCURRENCY);
  await w.worker.waitUntilReady();
  const base = Date.now() + 1000;
  await rh.add(timers, (j) => base + Math.floor((j * c.spreadMs) / timers));
  await w.until(timers, c.spreadMs + 60_000);
  await w.close();
  await rh.close();
  return { start: w.started, done: w.completed };
}

/**
 * Engine lateness on the background already in `h`'s Redis: stream plans whose timers
 * fall due one by one (timer k of plan p at base + (k·plans + p)·step), so each wake-up
 * fires one; the workers (production shards and concurrency) run throughout.
 */
async function engineLateness(h: EngineHarness, c: BackgroundConfig, plans: number, perPlan: number, tag: string) {
  const timers = plans * perPlan;
  const w = h.startWorkers(PROD_CONCURRENCY);
  await Promise.all(w.workers.workers.map((x) => x.waitUntilReady()));
  const base = Date.now() + c.leadMs;
  const dueAt = (k: number, p: number) => base + Math.floor(((k * plans + p) * c.spreadMs) / timers);
  await createPlans(h, tag, plans, perPlan, { kind: 'at', dueAt }, { lanes: 4 });
  const createdAt = Date.now();
  const spare = base - createdAt;
  let longGcs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration > 20) longGcs++;
  });
  gc.observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  await w.fires.until(timers, Math.max(0, spare) + c.spreadMs + 60_000);
  loop.disable();
  gc.disconnect();
  // A timer that fell due while its plans were still being created measures creation, not timers.
  const kept = w.fires.lateness.filter((_, i) => w.fires.dueAt[i]! >= createdAt);
  const out = {
    lateness: kept,
    dropped: w.fires.lateness.length - kept.length,
    wakeUps: w.fires.batches.length,
    fired: w.fires.fired,
    spare,
    loopMaxMs: loop.max / 1e6,
    longGcs,
  };
  await w.close();
  return out;
}

/**
 * Builds `large` background plans on `r` and `small` on a second private redis-server
 * (same settings), both of far-future open tasks; then (5) the same fixed number of
 * timer-driven transitions on each, alternately rep by rep, so drift on a shared machine
 * hits both alike; then (3) engine lateness on the large background. Raw lateness runs
 * first, on `r` with the same number of far-future delayed jobs.
 */
export async function background(r: BenchRedis, c: BackgroundConfig): Promise<{ scale: ScaleResult; lateness: LatenessResult }> {
  const raw = await rawLateness(r, c, c.large * c.tasksPerPlan);
  log(`raw lateness with ${(c.large * c.tasksPerPlan).toLocaleString('en')} delayed jobs: p99 ${lateness(raw.done).p99} ms`);
  const second = await startBenchRedis();
  try {
    const build = async (server: BenchRedis, plans: number, tag: string) => {
      await flush(server.admin);
      const eh = engineHarness(server.url, `s${tag}`);
      const created = await createPlans(
        eh,
        'bg',
        plans,
        c.tasksPerPlan,
        { kind: 'idle' },
        {
          budgetMs: c.createBudgetMs,
          progress: (n, ms) => {
            if (n % 20 === 0) log(`  ${n}/${plans} background plans (${n * c.tasksPerPlan} tasks) in ${(ms / 1000).toFixed(0)} s`);
          },
        },
      );
      log(`${created.tasks} open tasks created in ${(created.ms / 1000).toFixed(1)} s`);
      const usedMemory = await settledMemory(server.admin);
      return { server, eh, created, usedMemory, runs: [] as DrainResult[] };
    };
    const cases = [await build(second, c.small, 'small'), await build(r, c.large, 'large')];
    const hotPlans = Math.ceil(c.hot / c.hotPerPlan);
    for (let rep = 0; rep < c.reps; rep++) {
      for (const k of rep % 2 === 0 ? cases : [...cases].reverse()) {
        await createPlans(k.eh, `hot${rep}-`, hotPlans, c.hotPerPlan, { kind: 'due' });
        await persistenceIdle(k.server.admin);
        const d = await drainEngine(k.server.admin, k.eh, hotPlans * c.hotPerPlan, PROD_CONCURRENCY, DRAIN_TIMEOUT_MS);
        k.runs.push(d);
        log(`${k.created.tasks} open: rep ${rep + 1}: ${d.perSec.toFixed(0)} transitions/s`);
      }
    }
    const [sc, lc] = cases.map((k): ScaleCase => {
      const perSec = median(k.runs.map((x) => x.perSec));
      return {
        openTasks: k.created.tasks,
        createMs: k.created.ms,
        usedMemory: k.usedMemory,
        runs: k.runs,
        perSec,
        usPerTransition: 1e6 / perSec,
      };
    }) as [ScaleCase, ScaleCase];
    await cases[0]!.eh.close();

    const large = cases[1]!;
    await persistenceIdle(r.admin);
    const e = await engineLateness(large.eh, c, c.streamPlans, c.streamPerPlan, 'stream');
    log(`engine lateness with ${large.created.tasks.toLocaleString('en')} open tasks: p99 ${lateness(e.lateness).p99} ms`);
    await persistenceIdle(r.admin);
    const close = await engineLateness(large.eh, c, c.closePlans, c.closePerPlan, 'close');
    log(
      `  timers of one plan ${((c.closePlans * c.spreadMs) / (c.closePlans * c.closePerPlan) / 1000).toFixed(1)} s apart: p99 ${lateness(close.lateness).p99} ms`,
    );
    await large.eh.close();
    const timers = c.streamPlans * c.streamPerPlan;
    return {
      scale: {
        transitions: hotPlans * c.hotPerPlan,
        hotPlans,
        concurrency: PROD_CONCURRENCY,
        shards: PROD_SHARDS,
        small: sc,
        large: lc,
        ratio: lc.perSec / sc.perSec,
        largeTarget: c.large * c.tasksPerPlan,
      },
      lateness: {
        background: large.created.tasks,
        rawBackground: c.large * c.tasksPerPlan,
        timers,
        plans: c.streamPlans,
        spreadMs: c.spreadMs,
        engine: lateness(e.lateness),
        rawStart: lateness(raw.start),
        raw: lateness(raw.done),
        timersPerWake: e.fired / Math.max(1, e.wakeUps),
        engineLoopMaxMs: e.loopMaxMs,
        engineLongGcs: e.longGcs,
        armedWithMsToSpare: e.spare,
        dropped: e.dropped,
        close: {
          plans: c.closePlans,
          perPlan: c.closePerPlan,
          engine: lateness(close.lateness),
          timersPerWake: close.fired / Math.max(1, close.wakeUps),
          dropped: close.dropped,
          armedWithMsToSpare: close.spare,
        },
      },
    };
  } finally {
    await second.stop();
  }
}

// ---- 4. memory -------------------------------------------------------------------------

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
  /** Wake-up jobs the engine held for its open tasks (one per plan). */
  wakeJobs: number;
  /** The plan's definition per task: as JSON, and as stored (compressed). */
  definitionJsonPerTask: number;
  definitionStoredPerTask: number;
  /** How much a definition whose tasks are all different (the children-plan fixture) shrinks when stored: JSON ÷ stored. */
  variedDefinitionRatio: number;
  createMs: number;
}

/**
 * used_memory before and after creating+publishing `plans`×`tasksPerPlan` open tasks
 * (deadlines 30 days away), per task; beside as many raw BullMQ delayed jobs (due in 30
 * days), per job.
 */
export async function memory(r: BenchRedis, plans: number, tasksPerPlan: number): Promise<MemoryResult> {
  const tasks = plans * tasksPerPlan;
  await flush(r.admin);
  const rh = rawHarness(r.url, 'rm');
  await rh.queue.waitUntilReady();
  const rawBefore = await settledMemory(r.admin);
  await rh.add(tasks, () => Date.now() + MONTH);
  const rawAfter = await settledMemory(r.admin);
  await rh.close();

  await flush(r.admin);
  const eh = engineHarness(r.url, 'em');
  await Promise.all(eh.scheduler.queues.map((q) => q.waitUntilReady()));
  const before = await settledMemory(r.admin);
  const created = await createPlans(eh, 'mp', plans, tasksPerPlan, { kind: 'idle' });
  await sleep(100); // the wake-ups are added right after the commits
  const after = await settledMemory(r.admin);
  const breakdown = await keyBreakdown(r, created.tasks);
  const wakeJobs = (await Promise.all(eh.scheduler.queues.map((q) => q.getDelayedCount()))).reduce((a, b) => a + b, 0);
  const sample = await r.admin.hgetall(eh.engine.pk('mp0').task('t0'));
  const taskFields = Object.entries(sample)
    .map(([k, v]): [string, number] => [k, Buffer.byteLength(v)])
    .sort((a, b) => b[1] - a[1]);
  const snapshotHasPolicy =
    sample.snap !== undefined && (JSON.parse(sample.snap) as { context?: { policy?: unknown } }).context?.policy !== undefined;
  const taskEncoding = String(await r.admin.object('ENCODING', eh.engine.pk('mp0').task('t0')));
  const definitionJsonPerTask = Buffer.byteLength(JSON.stringify(await eh.engine.currentDefinition('mp0'))) / tasksPerPlan;
  const definitionStoredPerTask = ((await r.admin.hget(eh.engine.pk('mp0').plan, 'def')) ?? '').length / tasksPerPlan;
  const varied = parsePlanDefinition(childrenPlan('varied', Date.now()));
  const variedDefinitionRatio = Buffer.byteLength(JSON.stringify(varied)) / packDefinition(varied).length;
  await eh.close();

  // The same tasks with Redis allowed to keep hashes with values up to 1 KiB in the compact
  // listpack encoding (Redis's default limit is 64 bytes, which a task's snapshot exceeds);
  // skipped when the server runs with that already (duban start does).
  const [, listpackDefault] = (await r.admin.config('GET', 'hash-max-listpack-value')) as [string, string];
  let listpackBytesPerTask = NaN;
  if (Number(listpackDefault) < 1024) {
    await flush(r.admin);
    await r.admin.config('SET', 'hash-max-listpack-value', '1024');
    try {
      const lh = engineHarness(r.url, 'eml');
      await Promise.all(lh.scheduler.queues.map((q) => q.waitUntilReady()));
      const lBefore = await settledMemory(r.admin);
      const lCreated = await createPlans(lh, 'mp', plans, tasksPerPlan, { kind: 'idle' });
      listpackBytesPerTask = ((await settledMemory(r.admin)) - lBefore) / lCreated.tasks;
      await lh.close();
    } finally {
      await r.admin.config('SET', 'hash-max-listpack-value', listpackDefault);
    }
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
    wakeJobs,
    definitionJsonPerTask,
    definitionStoredPerTask,
    variedDefinitionRatio,
    createMs: created.ms,
  };
}

function keyKind(key: string): string {
  if (key.startsWith('{')) {
    // A wake-up shard's BullMQ keys: {<prefix>w<n>}:wake:<job id or structure>.
    const rest = key.slice(key.indexOf(':wake:') + ':wake:'.length);
    return rest.includes('@') ? 'BullMQ wake-up job hash (1 per plan)' : `BullMQ ${rest.replace(/:.*/, '')}`;
  }
  const m = /^[^:]+:\{[^}]+\}:([a-z]+)/.exec(key);
  if (!m) return `global ${key.replace(/^[^:]+:/, '').replace(/:.*/, ':…')}`;
  return (
    {
      t: 'task hash (snapshot, first history entry, timers, ix)',
      h: 'history lists (entries after the first)',
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
