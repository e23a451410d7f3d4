/**
 * Due timers, fired per plan in batches (why: scheduler.ts).
 *
 * A plan's wake-up reads the due part of the plan's timer index, loads the tasks it
 * names in one round trip (a small wake-up in the same one: due-read.lua), steps each that still holds its timer's fencing token, and
 * commits them together in one compare-and-set script; then the next batch, until
 * nothing is due. A timer whose entity no longer holds its token (cancelled, re-armed,
 * dropped by a migration, already fired) is taken out of the index in that commit and
 * changes nothing else, so a duplicate, late or stale wake-up changes nothing. A late
 * timer fires "as of" its due time, so the dates that follow from it never drift.
 */
import { readFileSync } from 'node:fs';
import { NotFoundError } from '../errors.js';
import { Batch, type RedisClient } from '../store/batch.js';
import { PLAN_ENTITY } from '../store/keys.js';
import type { Change } from './commit.js';
import type { EngineCore } from './core.js';
import type { StoredTask } from './entity.js';
import { applyToPlan } from './plans.js';
import { TASK_FIELDS, taskHash } from './reader.js';
import type { Wake } from './scheduler.js';
import type { TimerEvent, Timers } from './step.js';
import { applyToTask } from './tasks.js';

/** Timers fired by one commit at most: big enough to drain a burst fast, small enough that its script holds Redis for tens of ms, not hundreds. */
export const WAKE_BATCH = 200;
/**
 * Batches of one wake-up in flight at once: while Redis runs one batch's commit, this
 * process steps the next batch's tasks. Their tasks are distinct, so they never conflict.
 */
const BATCHES_IN_FLIGHT = 4;
/**
 * A wake-up job that runs before its own due time (the clocks of two machines differ)
 * waits in-process for it when it is this close; any other wake-up ends at once and
 * leaves later timers to their own job, so no worker slot is held waiting.
 */
const EARLY_MS = 1_000;
/** A wake-up whose due timers name at most this many tasks reads them with the due timers, in one round trip (due-read.lua). */
const SMALL_WAKE = 8;

/**
 * The timer holding `tok`, as the event it stands for, due at `at`. Run later than
 * the lateness threshold (an outage held it up), it carries `firedAt`: its step is
 * issued now, with periods counted from now.
 */
function held(core: EngineCore, timers: Timers, tok: string): TimerEvent | null {
  const found = Object.entries(timers).find(([, t]) => t.tok === tok);
  if (!found) return null;
  const now = core.now();
  const event: TimerEvent = { type: found[0] as TimerEvent['type'], at: found[1].at };
  if (now - found[1].at > core.lateAfterMs) event.firedAt = now;
  return event;
}

interface Due {
  entity: string;
  tok: string;
  at: number;
}

function member(d: { entity: string; tok: string }): string {
  return `${d.entity}|${d.tok}`;
}

type DueReadCommand = (...args: (string | number)[]) => Promise<[string[], string[], (string | null)[][], string | null, string | null]>;
/** due-read.lua's text (the bench names its EVALSHA by it). */
export const DUE_READ = readFileSync(new URL('./due-read.lua', import.meta.url), 'utf8');

/** The client's `dubanDueRead` command, defined on first use (the bench times it as a read). */
export function defineDueRead(client: RedisClient): DueReadCommand {
  const redis = client as RedisClient & { dubanDueRead?: DueReadCommand };
  if (!redis.dubanDueRead) redis.defineCommand('dubanDueRead', { lua: DUE_READ, numberOfKeys: 2 });
  return redis.dubanDueRead!.bind(redis);
}

/**
 * A wake-up's first read, in one round trip (due-read.lua): its due timers, the hashes
 * of their tasks when they are few, and the plan's revision with its definition when
 * this process does not hold it. An isolated wake-up otherwise spends three round
 * trips on these reads.
 */
async function dueRead(
  core: EngineCore,
  planId: string,
  now: number,
  limit: number,
): Promise<{ due: string[]; hashes: Map<string, (string | null)[]> }> {
  const redis = core.redis as RedisClient & { dubanDueRead?: DueReadCommand };
  if (!redis.dubanDueRead) redis.defineCommand('dubanDueRead', { lua: DUE_READ, numberOfKeys: 2 });
  const pk = core.pk(planId);
  const held = core.defs.held(planId);
  const [due, ids, values, rev, def] = await redis.dubanDueRead!(
    pk.timers,
    pk.plan,
    String(now),
    limit,
    pk.task(''),
    SMALL_WAKE,
    held === undefined ? '' : String(held),
    PLAN_ENTITY,
    ...TASK_FIELDS,
  );
  if (rev !== null) core.defs.offer(planId, Number(rev), def);
  const hashes = new Map<string, (string | null)[]>();
  ids.forEach((id, i) => hashes.set(id, values[i] ?? []));
  return { due, hashes };
}

function parseDue(flat: string[]): Due[] {
  const out: Due[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const [entity, tok] = flat[i]!.split('|');
    if (entity && tok) out.push({ entity, tok, at: Number(flat[i + 1]) });
  }
  return out;
}

/**
 * Runs one due timer, by its token. Does nothing, and says so, when the entity no
 * longer holds the token. (Wake-ups fire whole batches; this is the single-timer form.)
 */
export async function fireTimer(core: EngineCore, planId: string, entity: string, tok: string): Promise<'fired' | 'stale'> {
  const pk = core.pk(planId);
  let fired: TimerEvent | null = null;
  try {
    await core.commit.transact(entity === PLAN_ENTITY ? pk.plan : pk.task(entity), async (fresh) => {
      fired = null;
      if (entity === PLAN_ENTITY) {
        const { plan, def } = await core.reader.loadPlan(planId);
        const event = held(core, plan.timers, tok);
        if (!event) return null;
        fired = event;
        return applyToPlan(core, plan, def, event, 'system');
      }
      const task = await core.reader.loadTask(planId, entity, { cached: !fresh });
      const event = held(core, task.timers, tok);
      if (!event) return null;
      const def = await core.defs.get(planId, task.rev);
      const change = applyToTask(core, def, task, event, 'system');
      if (change) fired = event;
      return change;
    });
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const event = fired as TimerEvent | null;
  if (event) {
    core.metrics?.timerFired(core.now() - event.at);
    return 'fired';
  }
  await core.redis.zrem(pk.timers, member({ entity, tok }));
  return 'stale';
}

export interface WakeResult {
  fired: number;
  stale: number;
  batches: number;
}

/**
 * A plan's wake-up: fires every timer of the plan due now, in batches of WAKE_BATCH,
 * each batch one commit. The plan's own timers (phase changes) fire alone, before its
 * tasks', since they may change every task.
 */
export async function wakePlan(core: EngineCore, planId: string, jobAt?: number): Promise<WakeResult> {
  const pk = core.pk(planId);
  const total: WakeResult = { fired: 0, stale: 0, batches: 0 };
  /** Tasks that could not be read, and why: left in the index, skipped, and reported once the rest have fired. */
  const unreadable = new Map<string, string>();
  /** Due entries of unreadable tasks the last read passed over: the next read takes that many more. */
  let passed = 0;
  // While it runs, commits of this plan in this process leave wake-ups already due to this loop (commit.ts).
  core.commit.beginWake(planId);
  let skipped: boolean;
  try {
    for (let rounds = 0; rounds < 10_000; rounds++) {
      const now = core.now();
      const limit = WAKE_BATCH * BATCHES_IN_FLIGHT + passed;
      // The first read brings a small wake-up's tasks and the plan's definition with it; later ones read only the index.
      let prefetched: Map<string, (string | null)[]> | undefined;
      let flat: string[];
      if (rounds === 0) ({ due: flat, hashes: prefetched } = await dueRead(core, planId, now, limit));
      else flat = await core.redis.zrangebyscore(pk.timers, '-inf', String(now), 'WITHSCORES', 'LIMIT', 0, limit);
      const read = parseDue(flat);
      const due = read.filter((d) => !unreadable.has(d.entity));
      passed = read.length - due.length;
      if (due.length === 0) {
        // Woken a little early (another machine's clock, rounding): wait for what is about to fall due.
        const next = await core.redis.zrange(pk.timers, '0', '0', 'WITHSCORES');
        const at = next[1] === undefined ? null : Number(next[1]);
        // Only the job armed for exactly that time, run early, waits: no other job will come for it.
        if (at !== null && at === jobAt && at > now && at - core.now() <= EARLY_MS) {
          await new Promise((r) => setTimeout(r, Math.max(1, at - core.now())));
          continue;
        }
        break;
      }
      const planTimer = due.find((d) => d.entity === PLAN_ENTITY);
      if (planTimer) {
        const r = await fireTimer(core, planId, PLAN_ENTITY, planTimer.tok);
        if (r === 'fired') total.fired++;
        else total.stale++;
        total.batches++;
        continue;
      }
      // One timer per task a batch (the earliest): firing it may cancel or move the task's others.
      const first = new Map<string, Due>();
      for (const d of due) if (!first.has(d.entity)) first.set(d.entity, d);
      const list = [...first.values()];
      const chunks: Due[][] = [];
      for (let i = 0; i < list.length; i += WAKE_BATCH) chunks.push(list.slice(i, i + WAKE_BATCH));
      const unreadableBefore = unreadable.size;
      const results = await Promise.all(chunks.map((chunk, i) => fireBatch(core, planId, chunk, i, unreadable, prefetched)));
      let done = 0;
      for (const r of results) {
        total.fired += r.fired;
        total.stale += r.stale;
        total.batches++;
        done += r.fired + r.stale;
      }
      // Only unreadable tasks this round: read again past them.
      if (done === 0 && unreadable.size > unreadableBefore) continue;
      if (done === 0) break;
      // The last commit said when the plan's next timer is due: read again only if that is now.
      const nexts = results.map((r) => r.next);
      if (chunks.length === 1 && nexts[0] !== undefined && (nexts[0] === null || nexts[0] > core.now())) break;
    }
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  } finally {
    skipped = core.commit.endWake(planId);
  }
  if (total.fired > 0) core.metrics?.timerBatch(total.fired);
  if (unreadable.size > 0) {
    // The job fails and is retried (reconciler) while these stay due; the others have fired.
    const [id, why] = [...unreadable][0]!;
    throw new Error(`plan ${planId}: ${unreadable.size} task(s) could not be read, their timers wait: ${id}: ${why}`);
  }
  // A commit skipped arming a wake-up while this loop ran: make sure what is left has one.
  if (skipped) {
    const next = await core.redis.zrange(pk.timers, '0', '0', 'WITHSCORES');
    if (next[1] !== undefined) await core.scheduler.wake([{ planId, at: Number(next[1]) }]);
  }
  return total;
}

/** Fires one batch of due task timers in one commit; stale ones leave the index in it. */
async function fireBatch(
  core: EngineCore,
  planId: string,
  due: Due[],
  lane: number,
  unreadable: Map<string, string>,
  prefetched?: Map<string, (string | null)[]>,
): Promise<{ fired: number; stale: number; next?: number | null }> {
  const pk = core.pk(planId);
  let fired: Due[] = [];
  let stale: Due[] = [];
  const outcome = await core.commit.transact(`wake:${planId}:${lane}`, async (fresh) => {
    fired = [];
    stale = [];
    const tasks = await loadByIds(core, planId, due, fresh, unreadable, prefetched);
    const change: Change = { batch: new Batch(), writes: [], notices: [] };
    for (const d of due) {
      if (unreadable.has(d.entity)) continue;
      const task = tasks.get(d.entity);
      const event = task ? held(core, task.timers, d.tok) : null;
      const step = task && event ? applyToTask(core, await core.defs.get(planId, task.rev), task, event, 'system') : null;
      if (!step) {
        // A timer is judged stale only on what Redis holds: this process's memory of the task
        // may be older than another worker's commit, and taking a live timer out would lose it.
        if (!fresh) return null;
        stale.push(d);
        change.batch.zrem(pk.timers, member(d));
        continue;
      }
      fired.push(d);
      change.writes.push(...step.writes);
      change.notices.push(...step.notices);
    }
    // Nothing to fire read from this process's memory: believed once Redis says the same.
    if (fired.length === 0 && !fresh) return null;
    return change;
  });
  const now = core.now();
  for (const d of fired) core.metrics?.timerFired(now - d.at);
  return { fired: fired.length, stale: stale.length, ...(outcome.next !== undefined ? { next: outcome.next } : {}) };
}

/**
 * The tasks a batch names: on the first try from this process's memory or the wake-up's
 * first read (`prefetched`), else one pipelined read; a retry always reads. A task that
 * cannot be read (stored by a newer build, damaged) goes to `unreadable` instead of
 * failing the batch: one bad task must not hold up the plan's others.
 */
async function loadByIds(
  core: EngineCore,
  planId: string,
  due: Due[],
  fresh: boolean,
  unreadable: Map<string, string>,
  prefetched?: Map<string, (string | null)[]>,
): Promise<Map<string, StoredTask>> {
  const pk = core.pk(planId);
  const out = new Map<string, StoredTask>();
  const missing: string[] = [];
  const values = new Map<string, (string | null)[]>();
  for (const d of due) {
    const hit = fresh ? undefined : core.reader.recalled(pk.task(d.entity));
    const read = fresh ? undefined : prefetched?.get(d.entity);
    if (hit) out.set(d.entity, hit);
    else if (read) values.set(d.entity, read);
    else missing.push(d.entity);
  }
  if (missing.length > 0) {
    const pipeline = core.redis.pipeline();
    for (const id of missing) pipeline.hmget(pk.task(id), ...TASK_FIELDS);
    const replies = (await pipeline.exec()) ?? [];
    for (let i = 0; i < missing.length; i++) {
      const [err, h] = replies[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      values.set(missing[i]!, h as (string | null)[]);
    }
  }
  for (const [id, v] of values) {
    const hash = taskHash(v);
    if (!hash.ver) continue; // gone: its timers are stale
    try {
      out.set(id, await core.reader.parse(planId, hash));
    } catch (e) {
      unreadable.set(id, (e as Error).message);
    }
  }
  return out;
}

/**
 * The reconciler's pass over the timer layer. Re-arms wake-ups that went missing: a
 * plan whose earliest timer is due more than `slackMs` ago gets its wake-up job again
 * (added if absent, retried if failed). And arms ahead the wake-ups that have come
 * within the scheduler's horizon, which no commit armed because they were further off
 * then (scheduler.ts). Returns how many it re-armed (the ones armed ahead are routine,
 * not repairs). `plans` is the list the reconciler's pass read once.
 */
export async function reconcile(core: EngineCore, plans: string[], slackMs = 5_000): Promise<number> {
  const now = core.now();
  const cutoff = now - slackMs;
  const horizon = core.scheduler.armAhead ? core.scheduler.horizonMs : undefined;
  const overdue: Wake[] = [];
  const upcoming: Wake[] = [];
  // One single-slot read per plan, in parallel chunks (a Cluster pipeline cannot span plans' slots).
  for (let i = 0; i < plans.length; i += 200) {
    const chunk = plans.slice(i, i + 200);
    const firsts = await Promise.all(chunk.map((planId) => core.redis.zrange(core.pk(planId).timers, '0', '0', 'WITHSCORES')));
    firsts.forEach((first, j) => {
      if (first[1] === undefined) return;
      const wake = { planId: chunk[j]!, at: Number(first[1]) };
      if (wake.at <= cutoff) overdue.push(wake);
      else if (horizon !== undefined && wake.at <= now + horizon) upcoming.push(wake);
    });
  }
  if (upcoming.length > 0) {
    try {
      await core.scheduler.armAhead!(upcoming);
    } catch (err) {
      core.log?.(`reconciler: could not arm wake-ups ahead, the next pass will: ${(err as Error).message}`);
    }
  }
  if (overdue.length === 0) return 0;
  let rearmed = 0;
  try {
    rearmed = await core.scheduler.ensure(overdue);
  } catch (err) {
    core.log?.(`reconciler: ${(err as Error).message}`);
  }
  if (rearmed > 0) core.log?.(`reconciler re-armed ${rearmed} wake-up(s)`);
  return rearmed;
}

/**
 * Upgrade from one BullMQ job per timer (versions before the per-plan wake-ups): arms
 * every plan's wake-up for its earliest timer, then removes the old per-timer queue,
 * whose jobs no worker reads any more. Runs once (a marker key says it ran); running
 * it again would only arm wake-ups that exist already.
 */
export async function migrateLegacyTimers(core: EngineCore, plans: string[]): Promise<boolean> {
  const marker = `${core.keys.plans}:wake-ups`;
  if (await core.redis.exists(marker)) return false;
  const wakes: Wake[] = [];
  for (let i = 0; i < plans.length; i += 200) {
    const chunk = plans.slice(i, i + 200);
    const firsts = await Promise.all(chunk.map((planId) => core.redis.zrange(core.pk(planId).timers, '0', '0', 'WITHSCORES')));
    firsts.forEach((first, j) => {
      if (first[1] !== undefined) wakes.push({ planId: chunk[j]!, at: Number(first[1]) });
    });
  }
  await core.scheduler.wake(wakes);
  await core.scheduler.retireLegacy?.();
  await core.redis.set(marker, String(core.now()));
  if (wakes.length > 0)
    core.log?.(`定时器已改为按方案唤醒：${wakes.length} 个方案 / timers now wake per plan: armed ${wakes.length} plan(s)`);
  return true;
}
