/**
 * Where a transition's time goes, measured rather than guessed:
 * - Redis commands per job, from MONITOR on the private Redis during a small
 *   untimed drain (concurrency 1): the commands clients send (each a round trip
 *   unless pipelined) and the commands Lua scripts run inside Redis. EVALSHA calls
 *   are named by matching the SHA1 of BullMQ's scripts and of Duban's commit.lua.
 * - A V8 CPU profile of this process over an untimed engine drain, summarised by
 *   package and by function.
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
import { taskMachine } from '../machines/index.js';
import { persist, restore, step } from '../src/engine/step.js';
import { engineHarness, isIntegerId, OFFICE, rawHarness, type EngineWorker } from './harness.js';
import { benchPlan } from './plans.js';
import { createPlans, drain, type DrainResult } from './measure.js';
import { inclusive, profileSummary, type Profile, type Summary } from './profile-summary.js';
import { flush, persistenceIdle, type BenchRedis } from './redis.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

function scriptNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const s of Object.values(bullScripts) as { name: string; content: string }[]) names.set(sha1(s.content), `bullmq:${s.name}`);
  names.set(sha1(readFileSync(new URL('../src/store/commit.lua', import.meta.url), 'utf8')), 'duban:commit.lua');
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
    if (name === 'eval') name = 'eval (script load)';
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

/** Commands per job for `jobs` raw no-op jobs and for `jobs` engine transitions, concurrency 1. */
export async function census(r: BenchRedis, jobs: number): Promise<{ raw: Census; engine: Census }> {
  await flush(r.admin);
  const rh = rawHarness(r.url, 'cr');
  await rh.add(jobs, () => null);
  const raw = await monitored(r.url, async () => (await drain(r.admin, rh.queue, jobs, () => rh.startWorker(1), 60_000)).done);
  await rh.close();

  await flush(r.admin);
  const eh = engineHarness(r.url, 'ce');
  const per = Math.min(jobs, 500);
  const plans = Math.ceil(jobs / per);
  await createPlans(eh, 'cp', plans, per, { kind: 'due' });
  const engine = await monitored(
    r.url,
    async () => (await drain(r.admin, eh.scheduler.queue, plans * per, () => eh.startWorker(1), 120_000)).done,
  );
  await eh.close();
  return { raw, engine };
}

/** A CPU profile of this process while the timer worker drains `jobs` transitions. */
export async function profileEngine(
  r: BenchRedis,
  jobs: number,
  concurrency: number,
): Promise<{ summary: Summary; inclusive: [string, number][]; drain: DrainResult; file: string }> {
  await flush(r.admin);
  const eh = engineHarness(r.url, 'pe');
  const per = 500;
  const plans = Math.ceil(jobs / per);
  await createPlans(eh, 'pp', plans, per, { kind: 'due' });
  await persistenceIdle(r.admin);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const d = await drain(r.admin, eh.scheduler.queue, plans * per, () => eh.startWorker(concurrency), 120_000);
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  await eh.close();
  const file = join(tmpdir(), 'duban-bench-engine.cpuprofile');
  writeFileSync(file, JSON.stringify(profile));
  const frames = [
    { label: 'step() — xstate transition + timer table', fn: 'step', file: 'src/engine/step.ts' },
    { label: 'restore() — rehydrate the stored snapshot', fn: 'restore', file: 'src/engine/step.ts' },
    { label: 'BullMQ addJobs — arming the next timer', fn: 'addJobs', file: 'bullmq/' },
    { label: 'BullMQ remove — disarming cancelled timers', fn: 'remove', file: 'bullmq/dist/cjs/classes/redis-queue-backend' },
    { label: 'BullMQ moveToFinished — the worker cycle', fn: 'moveToFinished', file: 'bullmq/dist/cjs/classes/redis-queue-backend' },
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

export interface Breakdown {
  jobs: number;
  parts: Part[];
  cycleUs: number;
  cycleCpuUs: number;
  /** Bytes sent per commit (the EVALSHA payload) and read per task load. */
  commitBytes: number;
  /** Backslashes in the commit payload: JSON strings encoded again inside the payload JSON. */
  commitEscapes: number;
  loadBytes: number;
  raw: { cycleUs: number; cpuUs: number };
  /** Redis execution time per job by command or script (SLOWLOG with threshold 0), µs. */
  redisEngine: [string, number][];
  redisRaw: [string, number][];
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
    if (['slowlog', 'config', 'info'].includes(name)) continue;
    sums.set(name, (sums.get(name) ?? 0) + us);
  }
  return [...sums].map(([k, v]): [string, number] => [k, v / Math.max(1, jobs)]).sort((a, b) => b[1] - a[1]);
}

/**
 * Times the parts of engine.fireTimer at concurrency 1 by wrapping, on the bench's own
 * instances only, the engine's Redis reads, Batch.run, and the scheduler's arm/disarm:
 * wall-clock and this process's CPU for each. Whatever fireTimer spends outside them is
 * the engine's own computing (restore, step, notice, serialise); whatever the job cycle
 * spends outside fireTimer is BullMQ's worker. Redis-side time comes from SLOWLOG.
 */
export async function breakdown(r: BenchRedis, jobs: number): Promise<Breakdown> {
  // Redis execution time: separate drains under SLOWLOG (threshold 0 costs Redis a little).
  await flush(r.admin);
  const sr = rawHarness(r.url, 'sr');
  await sr.add(jobs, () => null);
  const redisRaw = await slowlogged(r, async () => (await drain(r.admin, sr.queue, jobs, () => sr.startWorker(1), 60_000)).done);
  await sr.close();
  await flush(r.admin);
  const se = engineHarness(r.url, 'se');
  await createPlans(se, 'sp', Math.ceil(jobs / 500), Math.min(jobs, 500), { kind: 'due' });
  const redisEngine = await slowlogged(
    r,
    async () =>
      (await drain(r.admin, se.scheduler.queue, Math.ceil(jobs / 500) * Math.min(jobs, 500), () => se.startWorker(1), 120_000)).done,
  );
  await se.close();

  // Wall-clock and CPU.
  await flush(r.admin);
  const rh = rawHarness(r.url, 'br');
  await rh.add(jobs, () => null);
  const raw = await drain(r.admin, rh.queue, jobs, () => rh.startWorker(1), 60_000);
  await rh.close();

  await flush(r.admin);
  const eh = engineHarness(r.url, 'be');
  const per = Math.min(jobs, 500);
  const plans = Math.ceil(jobs / per);
  await createPlans(eh, 'bp', plans, per, { kind: 'due' });
  type Acc = { wall: number; cpu: number };
  const acc = () => ({ wall: 0, cpu: 0 });
  const t = { fire: acc(), load: acc(), commit: acc(), arm: acc(), disarm: acc() };
  let commitBytes = 0;
  let commitEscapes = 0;
  let commits = 0;
  let loadBytes = 0;
  let loads = 0;
  const measure = async <R>(a: Acc, f: () => Promise<R>): Promise<R> => {
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    try {
      return await f();
    } finally {
      const c = process.cpuUsage(c0);
      a.wall += (performance.now() - w0) * 1000;
      a.cpu += c.user + c.system;
    }
  };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the batch as `this`
  const run = Batch.prototype.run;
  Batch.prototype.run = function (this: Batch, client) {
    commits++;
    return measure(t.commit, () => run.call(this, client));
  };
  // Wraps the worker's own engine, client and scheduler (instances only) as it starts.
  const instrument = (w: EngineWorker): EngineWorker => {
    const redis = w.engine.redis as Redis;
    const hgetall: (key: string) => Promise<Record<string, string>> = redis.hgetall.bind(redis);
    (redis as unknown as { hgetall: unknown }).hgetall = async (key: string) => {
      const h = await measure(t.load, () => hgetall(key));
      loads++;
      loadBytes += Object.entries(h).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
      return h;
    };
    const hmget = redis.hmget.bind(redis) as (...a: string[]) => Promise<(string | null)[]>;
    (redis as unknown as { hmget: unknown }).hmget = (...a: string[]) => measure(t.load, () => hmget(...a));
    // The payload's size, from the script call itself.
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = (cmd: { name: string; args: unknown[] }, ...rest: unknown[]) => {
      if (cmd.name === 'evalsha' || cmd.name === 'eval') {
        const last = cmd.args[cmd.args.length - 1];
        if (typeof last === 'string' && last.startsWith('{"c":')) {
          commitBytes += Buffer.byteLength(last);
          commitEscapes += last.split('\\').length - 1;
        }
      }
      return (send as (...a: unknown[]) => unknown)(cmd, ...rest);
    };
    const arm = w.scheduler.arm.bind(w.scheduler);
    w.scheduler.arm = (timers) => measure(t.arm, () => arm(timers));
    const disarm = w.scheduler.disarm.bind(w.scheduler);
    w.scheduler.disarm = (timers) => measure(t.disarm, () => disarm(timers));
    const fire = w.engine.fireTimer.bind(w.engine);
    w.engine.fireTimer = (p, e, tok) => measure(t.fire, () => fire(p, e, tok));
    return w;
  };
  let d: DrainResult;
  try {
    d = await drain(r.admin, eh.scheduler.queue, plans * per, () => instrument(eh.startWorker(1)), 120_000);
  } finally {
    Batch.prototype.run = run;
  }
  await eh.close();
  const n = Math.max(1, d.done);
  const cycleUs = 1e6 / d.perSec;
  const cycleCpuUs = d.nodeCpuUsPerJob;
  const part = (label: string, what: string, a: Acc): Part => ({ label, what, wallUs: a.wall / n, cpuUs: a.cpu / n });
  const io = (k: 'wall' | 'cpu') => t.load[k] + t.commit[k] + t.arm[k] + t.disarm[k];
  const parts: Part[] = [
    part('Load task', `HGETALL of the task hash (${(loadBytes / Math.max(1, loads)).toFixed(0)} bytes read)`, t.load),
    part('Engine computing', 'restore snapshot, xstate step, build notice, serialise (fireTimer minus its I/O)', {
      wall: t.fire.wall - io('wall'),
      cpu: t.fire.cpu - io('cpu'),
    }),
    part(
      'Commit',
      `EVALSHA commit.lua (${(commitBytes / Math.max(1, commits)).toFixed(0)}-byte payload, ${(commitEscapes / Math.max(1, commits)).toFixed(0)} of them JSON escapes)`,
      t.commit,
    ),
    part('Arm next timer', 'BullTimerScheduler.arm → Queue.addBulk([one job]) → addDelayedJob', t.arm),
    part(
      'Disarm cancelled timers',
      "BullTimerScheduler.disarm → Queue.remove; the fired timer's own (running) job is skipped, so none here",
      t.disarm,
    ),
    part('BullMQ worker cycle', 'job cycle outside the processor: moveToFinished + fetch next, events, payload parse', {
      wall: cycleUs * n - t.fire.wall,
      cpu: cycleCpuUs * n - t.fire.cpu,
    }),
  ];
  return {
    jobs: d.done,
    parts,
    cycleUs,
    cycleCpuUs,
    commitBytes: commitBytes / Math.max(1, commits),
    commitEscapes: commitEscapes / Math.max(1, commits),
    loadBytes: loadBytes / Math.max(1, loads),
    raw: { cycleUs: 1e6 / raw.perSec, cpuUs: raw.nodeCpuUsPerJob },
    redisEngine,
    redisRaw,
  };
}

/** How often the engine's timer tokens are ids BullMQ refuses (all digits, no leading zero). */
export function unsafeTokens(samples: number): { samples: number; integerIds: number; example: string | null } {
  let integerIds = 0;
  let example: string | null = null;
  for (let i = 0; i < samples; i++) {
    const tok = newToken();
    if (isIntegerId(tok)) {
      integerIds++;
      example ??= tok;
    }
  }
  return { samples, integerIds, example };
}

export interface Micro {
  label: string;
  us: number;
  /** This process's CPU per call, where it differs from wall-clock (I/O). */
  cpuUs?: number;
}

/**
 * Small measurements behind the suggested fixes: the cost of arming one timer through
 * addBulk (what BullTimerScheduler.arm does) against Queue.add, and of the xstate
 * calls one transition makes. Sequential, on a scratch queue of the private Redis.
 */
export async function micro(r: BenchRedis, calls: number): Promise<Micro[]> {
  await flush(r.admin);
  const connection = new Redis(r.url, { maxRetriesPerRequest: null });
  const queue = new Queue('micro', { connection });
  await queue.waitUntilReady();
  const token = () => {
    let t = newToken();
    while (isIntegerId(t)) t = newToken();
    return t;
  };
  const io = async (label: string, f: () => Promise<unknown>): Promise<Micro> => {
    for (let i = 0; i < 200; i++) await f();
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < calls; i++) await f();
    const c = process.cpuUsage(c0);
    return { label, us: ((performance.now() - w0) * 1000) / calls, cpuUs: (c.user + c.system) / calls };
  };
  // The timer queue's job shape: payload {p, e}, options {jobId, delay}.
  const data = { p: 'plan', e: 't1' };
  const out: Micro[] = [];
  out.push(
    await io('Queue.addBulk([1 delayed job]) — how arm() adds one timer', () =>
      queue.addBulk([{ name: 't', data, opts: { jobId: token(), delay: 3_600_000 } }]),
    ),
  );
  out.push(await io('Queue.add(1 delayed job)', () => queue.add('t', data, { jobId: token(), delay: 3_600_000 })));
  await queue.close();
  connection.disconnect();

  // xstate, on a task snapshot just as fireTimer sees it.
  const eh = engineHarness(r.url, 'mx');
  await eh.engine.createPlan(benchPlan('mx', 3, { kind: 'due' }), OFFICE, { publish: true });
  const task = (await eh.engine.loadTasks('mx', ['t0']))[0]!;
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
  out.push(cpu("restore() — the engine's snapshot rehydration", () => restore(taskMachine, persisted)));
  out.push(cpu('transition(machine, snapshot, event) — xstate', () => transition(taskMachine, snap, event as never)));
  out.push(cpu('step(): transition + timer table', () => step(taskMachine, snap, event, task.timers, newToken)));
  out.push(cpu('persist(): getPersistedSnapshot', () => persist(taskMachine, snap)));
  out.push(cpu('JSON.stringify + JSON.parse of the stored snapshot', () => JSON.parse(JSON.stringify(persisted))));
  out.push(cpu('newToken()', () => newToken()));
  return out;
}
