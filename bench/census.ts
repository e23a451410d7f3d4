/**
 * Where a transition's time goes, measured rather than guessed:
 * - Redis commands per transition, from MONITOR on the private Redis during small
 *   untimed drains (one shard, concurrency 1, so idle shards' polls are not counted):
 *   a burst (one plan, every task due: one wake-up) and isolated timers (one task per
 *   plan: one wake-up each); the commands clients send (each a round trip unless
 *   pipelined) and those Lua scripts run inside Redis. EVALSHA calls are named by
 *   matching the SHA1 of BullMQ's scripts and of Duban's commit.lua.
 * - The wall-clock split of a wake-up (reads, commit, arming the next wake-up, the
 *   engine's own computing, BullMQ's job cycle), and Redis's own time from SLOWLOG.
 * - A V8 CPU profile of this process over an untimed burst drain.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { transition } from 'xstate';
import * as bullScripts from 'bullmq/dist/esm/scripts/index.js';
import { Batch } from '../src/store/batch.js';
import { newToken } from '../src/engine/engine.js';
import { unpackDefinition } from '../src/engine/definitions.js';
import { DUE_READ, defineDueRead } from '../src/engine/timers.js';
import { taskMachine } from '../machines/index.js';
import { persist, restore, step } from '../src/engine/step.js';
import { engineHarness, OFFICE, PROD_CONCURRENCY, rawHarness, type EngineWorkers } from './harness.js';
import { benchPlan } from './plans.js';
import { createPlans, drainEngine, drainRaw, type DrainResult } from './measure.js';
import { inclusive, profileSummary, type Profile, type Summary } from './profile-summary.js';
import { flush, persistenceIdle, type BenchRedis } from './redis.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

function scriptNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const s of Object.values(bullScripts) as { name: string; content: string }[]) names.set(sha1(s.content), `bullmq:${s.name}`);
  names.set(sha1(readFileSync(new URL('../src/store/commit.lua', import.meta.url), 'utf8')), 'duban:commit.lua');
  names.set(sha1(DUE_READ), 'duban:due-read.lua');
  return names;
}

export interface Census {
  jobs: number;
  /** Client → Redis commands per job, by name (EVALSHA named by script). */
  client: [string, number][];
  clientTotal: number;
  /** Commands run inside Lua scripts per job, by name. */
  lua: [string, number][];
  luaTotal: number;
}

async function monitored(url: string, run: () => Promise<number>): Promise<Census> {
  const names = scriptNames();
  const mon = await new Redis(url).monitor();
  const client = new Map<string, number>();
  const lua = new Map<string, number>();
  mon.on('monitor', (_time: string, args: string[], source: string) => {
    let name = (args[0] ?? '?').toLowerCase();
    if (name === 'evalsha' || name === 'evalsha_ro') name = names.get(args[1] ?? '') ?? `evalsha ${String(args[1]).slice(0, 8)}`;
    // A script's first call on a connection is an EVAL of its text (then EVALSHA).
    if (name === 'eval') name = `${names.get(sha1(args[1] ?? '')) ?? 'eval'} (EVAL, first call)`;
    const m = source === 'lua' ? lua : client;
    m.set(name, (m.get(name) ?? 0) + 1);
  });
  const jobs = await run();
  await new Promise((r) => setTimeout(r, 200));
  mon.disconnect();
  const per = (m: Map<string, number>): [string, number][] =>
    [...m].map(([k, v]): [string, number] => [k, v / jobs]).sort((a, b) => b[1] - a[1]);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / jobs;
  return { jobs, client: per(client), clientTotal: total(client), lua: per(lua), luaTotal: total(lua) };
}

/** The engine's two shapes of work: one plan with every task due, and one task per plan. */
export type Shape = 'burst' | 'isolated';

async function createShape(h: ReturnType<typeof engineHarness>, shape: Shape, n: number, tag: string): Promise<number> {
  const c =
    shape === 'burst'
      ? await createPlans(h, `${tag}b`, 1, n, { kind: 'due' })
      : await createPlans(h, `${tag}i`, n, 1, { kind: 'due' }, { lanes: 8 });
  return c.tasks;
}

/** Commands per transition for `n` raw no-op jobs and for `n` engine transitions of each shape; one shard, concurrency 1. */
export async function census(r: BenchRedis, n: number): Promise<{ raw: Census; burst: Census; isolated: Census }> {
  await flush(r.admin);
  const rh = rawHarness(r.url, 'cr');
  await rh.add(n, () => null);
  const raw = await monitored(r.url, async () => (await drainRaw(r.admin, rh, n, 1, 60_000)).done);
  await rh.close();
  const out = { raw } as { raw: Census; burst: Census; isolated: Census };
  for (const shape of ['burst', 'isolated'] as const) {
    await flush(r.admin);
    const eh = engineHarness(r.url, `c${shape}`, 1);
    const tasks = await createShape(eh, shape, n, 'c');
    out[shape] = await monitored(r.url, async () => (await drainEngine(r.admin, eh, tasks, 1, 120_000)).done);
    await eh.close();
  }
  return out;
}

/** A CPU profile of this process while the timer workers (production settings) drain a burst of `tasks` in plans of 500. */
export async function profileEngine(
  r: BenchRedis,
  tasks: number,
): Promise<{ summary: Summary; inclusive: [string, number][]; drain: DrainResult; file: string }> {
  await flush(r.admin);
  const eh = engineHarness(r.url, 'pe');
  const per = 500;
  const plans = Math.ceil(tasks / per);
  await createPlans(eh, 'pp', plans, per, { kind: 'due' });
  await persistenceIdle(r.admin);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const d = await drainEngine(r.admin, eh, plans * per, PROD_CONCURRENCY, 120_000);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  await eh.close();
  const file = join(tmpdir(), 'duban-bench-engine.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));
  const frames = [
    { label: 'step() — xstate transition + timer table', fn: 'step', file: 'src/engine/step.ts' },
    { label: 'restore() — rehydrate the stored snapshot', fn: 'restore', file: 'src/engine/step.ts' },
    { label: 'buildTaskNotice() — notice facts', fn: 'buildTaskNotice', file: 'src/domain/notices.ts' },
    { label: 'formatPlanTime() — luxon date formatting', fn: 'formatPlanTime', file: 'src/domain/time.ts' },
    { label: 'parseTask() — JSON.parse of the task hash', fn: 'parseTask', file: 'src/engine/entity.ts' },
    { label: 'entityFields() — JSON.stringify of the new state', fn: 'entityFields', file: 'src/engine/entity.ts' },
    { label: 'Batch.run() — encode + send the commit', fn: 'run', file: 'src/store/batch.ts' },
    { label: 'newToken()', fn: 'newToken', file: 'src/engine/engine.ts' },
    { label: 'ioredis reply decoding', fn: 'write', file: 'ioredis/built/resp/decoder.js' },
  ];
  const p = profile as unknown as Profile;
  return { summary: profileSummary(p), inclusive: inclusive(p, frames), drain: d, file };
}

export interface Part {
  label: string;
  what: string;
  /** Per transition: wall-clock and this process's CPU, µs. */
  wallUs: number;
  cpuUs: number;
}

export interface ShapeBreakdown {
  shape: Shape;
  transitions: number;
  wakeUps: number;
  parts: Part[];
  /** Wall-clock and Node CPU per transition over the whole drain, µs. */
  cycleUs: number;
  cycleCpuUs: number;
  /** Redis execution time per transition by command or script (SLOWLOG, threshold 0), µs. */
  redis: [string, number][];
}

export interface Breakdown {
  n: number;
  shapes: ShapeBreakdown[];
  raw: { cycleUs: number; cpuUs: number; redis: [string, number][] };
}

/** Redis's own execution time per job, by command/script, from SLOWLOG (threshold 0) over `run`. */
async function slowlogged(r: BenchRedis, run: () => Promise<number>): Promise<[string, number][]> {
  const names = scriptNames();
  await r.admin.config('SET', 'slowlog-max-len', '200000');
  await r.admin.config('SET', 'slowlog-log-slower-than', '0');
  await r.admin.slowlog('RESET');
  let jobs = 0;
  try {
    jobs = await run();
  } finally {
    await r.admin.config('SET', 'slowlog-log-slower-than', '10000');
  }
  const entries = (await r.admin.call('SLOWLOG', 'GET', '-1')) as [number, number, number, string[], string][];
  await r.admin.slowlog('RESET');
  const sums = new Map<string, number>();
  for (const [, , us, argv, addr] of entries) {
    if (addr === '?:0') continue; // a command run inside a script: already in the script's time
    let name = (argv[0] ?? '?').toLowerCase();
    if (name === 'evalsha') name = names.get(argv[1] ?? '') ?? 'evalsha (other)';
    if (name === 'eval') name = `${names.get(sha1(argv[1] ?? '')) ?? 'eval'} (EVAL, first call)`;
    if (['slowlog', 'config', 'info'].includes(name)) continue;
    sums.set(name, (sums.get(name) ?? 0) + us);
  }
  return [...sums].map(([k, v]): [string, number] => [k, v / Math.max(1, jobs)]).sort((a, b) => b[1] - a[1]);
}

/**
 * Time spent inside one kind of call, counted once where calls overlap: a burst keeps
 * several batches in flight, and summing their overlapping reads and commits counted the
 * same wall-clock twice (the engine's own computing then came out negative).
 */
type Acc = { wall: number; cpu: number; active: number; w0: number; c0: NodeJS.CpuUsage };
const acc = (): Acc => ({ wall: 0, cpu: 0, active: 0, w0: 0, c0: { user: 0, system: 0 } });

async function measured<R>(accs: Acc[], f: () => Promise<R>): Promise<R> {
  for (const a of accs) {
    if (a.active++ > 0) continue;
    a.w0 = performance.now();
    a.c0 = process.cpuUsage();
  }
  try {
    return await f();
  } finally {
    for (const a of accs) {
      if (--a.active > 0) continue;
      const c = process.cpuUsage(a.c0);
      a.wall += (performance.now() - a.w0) * 1000;
      a.cpu += c.user + c.system;
    }
  }
}

/**
 * Times the parts of a wake-up at one shard, concurrency 1, by wrapping — on the bench's
 * own worker instances only — engine.wake, the worker engine's Redis reads (timer index,
 * task and plan loads), Batch.run (the commit script) and the scheduler's wake (arming the
 * plan's next wake-up). Whatever engine.wake spends outside them is the engine's own
 * computing; whatever the drain spends outside engine.wake is BullMQ's job cycle.
 */
async function shapeBreakdown(r: BenchRedis, shape: Shape, n: number): Promise<ShapeBreakdown> {
  await flush(r.admin);
  const se = engineHarness(r.url, `s${shape}`, 1);
  const sTasks = await createShape(se, shape, n, 's');
  const redis = await slowlogged(r, async () => (await drainEngine(r.admin, se, sTasks, 1, 120_000)).done);
  await se.close();

  await flush(r.admin);
  const eh = engineHarness(r.url, `b${shape}`, 1);
  const tasks = await createShape(eh, shape, n, 'b');
  // io: any of read, commit and arm under way (what engine.wake spends waiting or encoding).
  const t = { wake: acc(), read: acc(), commit: acc(), arm: acc(), io: acc() };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the batch as `this`
  const run = Batch.prototype.run;
  Batch.prototype.run = function (this: Batch, client) {
    return measured([t.commit, t.io], () => run.call(this, client));
  };
  const instrument = (w: EngineWorkers): EngineWorkers => {
    const client = w.engine.redis as Redis;
    defineDueRead(client);
    for (const name of ['dubanDueRead', 'zrangebyscore', 'zrange', 'hgetall', 'hmget', 'hget', 'get'] as const) {
      const f = ((client as unknown as Record<string, unknown>)[name] as (...a: unknown[]) => Promise<unknown>).bind(client);
      (client as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => measured([t.read, t.io], () => f(...a));
    }
    const pipeline = client.pipeline.bind(client);
    client.pipeline = (...a: Parameters<typeof pipeline>) => {
      const p = pipeline(...a);
      const exec = p.exec.bind(p);
      p.exec = () => measured([t.read, t.io], () => exec());
      return p;
    };
    const wake = w.scheduler.wake.bind(w.scheduler);
    w.scheduler.wake = (wakes) => measured([t.arm, t.io], () => wake(wakes));
    const engineWake = w.engine.wake.bind(w.engine);
    w.engine.wake = (planId) => measured([t.wake], () => engineWake(planId));
    return w;
  };
  const startWorkers = eh.startWorkers.bind(eh);
  eh.startWorkers = (c) => instrument(startWorkers(c));
  let d: DrainResult;
  try {
    d = await drainEngine(r.admin, eh, tasks, 1, 120_000);
  } finally {
    Batch.prototype.run = run;
  }
  await eh.close();
  const k = Math.max(1, d.done);
  const cycleUs = (d.ms * 1000) / k;
  const cycleCpuUs = d.nodeCpuUsPerJob;
  const part = (label: string, what: string, a: { wall: number; cpu: number }): Part => ({
    label,
    what,
    wallUs: a.wall / k,
    cpuUs: a.cpu / k,
  });
  return {
    shape,
    transitions: d.done,
    wakeUps: d.wakeUps ?? 0,
    cycleUs,
    cycleCpuUs,
    redis,
    parts: [
      part(
        'Reads',
        "due-read.lua (a wake-up's due timers, with its tasks and the plan's definition when few), later ZRANGEBYSCOREs, pipelined HMGETs of a burst's tasks",
        t.read,
      ),
      part(
        'Engine computing',
        'restore snapshots, xstate step, build notices, serialise (engine.wake while no read, commit or arm is in flight: a burst computes its next batch during the I/O of the one before)',
        {
          wall: t.wake.wall - t.io.wall,
          cpu: t.wake.cpu - t.io.cpu,
        },
      ),
      part('Commit', 'EVALSHA commit.lua: every task of the batch, history, notices, timer index, next wake time', t.commit),
      part('Arm next wake-up', "BullTimerScheduler.wake → one addBulk per tick (the plan's next timer)", t.arm),
      part('BullMQ job cycle', 'worker start-up, fetching the wake-up job, moveToFinished (drain time outside engine.wake)', {
        wall: cycleUs * k - t.wake.wall,
        cpu: cycleCpuUs * k - t.wake.cpu,
      }),
    ],
  };
}

export async function breakdown(r: BenchRedis, n: number): Promise<Breakdown> {
  await flush(r.admin);
  const sr = rawHarness(r.url, 'sr');
  await sr.add(n, () => null);
  const rawRedis = await slowlogged(r, async () => (await drainRaw(r.admin, sr, n, 1, 60_000)).done);
  await sr.close();
  await flush(r.admin);
  const rh = rawHarness(r.url, 'br');
  await rh.add(n, () => null);
  const raw = await drainRaw(r.admin, rh, n, 1, 60_000);
  await rh.close();
  const shapes = [await shapeBreakdown(r, 'burst', n), await shapeBreakdown(r, 'isolated', n)];
  return { n, shapes, raw: { cycleUs: (raw.ms * 1000) / Math.max(1, raw.done), cpuUs: raw.nodeCpuUsPerJob, redis: rawRedis } };
}

/** The rows §8's budget reads (the floor of a wake-up's Node CPU). */
export type MicroKey = 'restore' | 'step' | 'persist' | 'json' | 'roundTrip50';

export interface Micro {
  label: string;
  /** Set on the rows §8 computes with. */
  key?: MicroKey;
  us: number;
  /** This process's CPU per call, where it differs from wall-clock (I/O). */
  cpuUs?: number;
}

/**
 * Small measurements: the cost of arming one wake-up through addBulk (what
 * BullTimerScheduler.wake does) against Queue.add, and of the xstate calls one transition
 * makes. Sequential, on a scratch queue of the private Redis.
 */
/** `total` calls of `f`, `width` in flight at a time: wall-clock and this process's CPU per call. */
async function inFlight(width: number, total: number, f: () => Promise<unknown>): Promise<Micro> {
  let left = total;
  const lane = async () => {
    while (left-- > 0) await f();
  };
  await Promise.all(Array.from({ length: width }, lane));
  left = total;
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: width }, lane));
  const c = process.cpuUsage(c0);
  return {
    label: `EVALSHA of a script that returns at once, ${width} in flight — one round trip`,
    us: ((performance.now() - w0) * 1000) / total,
    cpuUs: (c.user + c.system) / total,
  };
}

export async function micro(r: BenchRedis, calls: number): Promise<Micro[]> {
  await flush(r.admin);
  const connection = new Redis(r.url, { maxRetriesPerRequest: null });
  const queue = new Queue('micro', { connection, prefix: '{micro}' });
  await queue.waitUntilReady();
  let seq = 0;
  const io = async (label: string, f: () => Promise<unknown>): Promise<Micro> => {
    for (let i = 0; i < 200; i++) await f();
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) await f();
    const c = process.cpuUsage(c0);
    return { label, us: ((performance.now() - w0) * 1000) / calls, cpuUs: (c.user + c.system) / calls };
  };
  // The wake-up job's shape: payload {p}, options {jobId: plan@ms, delay}.
  const data = { p: 'plan' };
  const out: Micro[] = [];
  out.push(
    await io('Queue.addBulk([1 delayed job]) — how wake() adds one wake-up', () =>
      queue.addBulk([{ name: 'w', data, opts: { jobId: `plan@${seq++}`, delay: 3_600_000 } }]),
    ),
  );
  out.push(await io('Queue.add(1 delayed job)', () => queue.add('w', data, { jobId: `plan@${seq++}`, delay: 3_600_000 })));
  // The client's side of one round trip at the isolated drain's concurrency: a wake-up makes
  // two beyond its BullMQ job's (its read and its commit), 50 in flight at a time.
  const noop = (await connection.script('LOAD', 'return 1')) as string;
  out.push({ ...(await inFlight(50, calls * 5, () => connection.evalsha(noop, 0))), key: 'roundTrip50' });
  await queue.close();
  connection.disconnect();

  // xstate, on a task snapshot just as a wake-up sees it.
  const eh = engineHarness(r.url, 'mx');
  await eh.engine.createPlan(benchPlan('mx', 3, { kind: 'due' }), OFFICE, { publish: true });
  const task = (await eh.engine.loadTasks('mx', ['t0']))[0]!;
  // Stored definitions of a small and a large plan: what a definition-cache miss unpacks.
  await eh.engine.createPlan(benchPlan('mx300', 300, { kind: 'due' }), OFFICE);
  const stored = await Promise.all(['mx', 'mx300'].map((id) => eh.engine.redis.hget(eh.engine.pk(id).plan, 'def')));
  await eh.close();
  const persisted = persist(taskMachine, task.snap);
  const [type, timer] = Object.entries(task.timers)[0]!;
  const event = { type, at: timer.at };
  const cpu = (label: string, f: () => unknown): Micro => {
    const n = calls * 5;
    for (let i = 0; i < 500; i++) f();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    return { label, us: ((performance.now() - t0) * 1000) / n };
  };
  const snap = restore(taskMachine, persisted);
  out.push({ ...cpu("restore() — the engine's snapshot rehydration", () => restore(taskMachine, persisted)), key: 'restore' });
  out.push(cpu('transition(machine, snapshot, event) — xstate', () => transition(taskMachine, snap, event as never)));
  out.push({ ...cpu('step(): transition + timer table', () => step(taskMachine, snap, event, task.timers, newToken)), key: 'step' });
  out.push({ ...cpu('persist(): getPersistedSnapshot', () => persist(taskMachine, snap)), key: 'persist' });
  out.push({ ...cpu('JSON.stringify + JSON.parse of the stored snapshot', () => JSON.parse(JSON.stringify(persisted))), key: 'json' });
  out.push(cpu('newToken()', () => newToken()));
  const unpackCost = (label: string, raw: string): Micro => {
    for (let i = 0; i < 20; i++) unpackDefinition(raw);
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) unpackDefinition(raw);
    return { label, us: ((performance.now() - t0) * 1000) / 200 };
  };
  out.push(unpackCost('unpackDefinition(), 3-task plan — a definition-cache miss', stored[0]!));
  out.push(unpackCost('unpackDefinition(), 300-task plan — a definition-cache miss', stored[1]!));
  return out;
}
