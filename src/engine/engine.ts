/**
 * The engine: load → check → transition → commit → schedule.
 *
 * Every change to a plan (its own state, its tasks' states, history, indexes,
 * notices, pending timers) is one compare-and-set commit of one Lua script on the
 * plan's keys. Jobs for new timers are added only after that commit; if the process
 * dies in between, the reconciler re-arms them from the plan's timer index. A timer
 * job names its fencing token, so a duplicate, late or cancelled job changes nothing.
 */
import { randomBytes } from 'node:crypto';
import type { AnyMachineSnapshot } from 'xstate';
import { planMachine, taskMachine, type PhaseChanged, type TaskContext, type TaskNotice } from '../../machines/index.js';
import { actorLabel, checkCreatePlan, checkRunPlan, checkTaskEvent, ruleText, type Principal } from '../domain/permissions.js';
import { phaseNoticeFacts, taskNoticeFacts, type NoticeFacts as Notice } from '../domain/notices.js';
import type { PlanCommandInput, TaskCommandInput } from '../domain/commands.schema.js';
import { workingDaysFrom } from '../domain/offsets.js';
import { resolvePlanDate } from '../domain/time.js';
import { PlanDefinitionSchema, type PlanDefinition, type TaskDefinition } from '../domain/plan.schema.js';
import {
  AlreadyExistsError,
  ConflictError,
  EventNotAcceptedError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '../errors.js';
import { Batch, type RedisClient } from '../store/batch.js';
import { keysFor, PLAN_ENTITY, type Keys, type PlanKeys } from '../store/keys.js';
import {
  entityFields,
  initialPlanSnapshot,
  initialTaskSnapshot,
  parsePlan,
  parseTask,
  planStage,
  taskIndexes,
  taskState,
  type StoredEntity,
  type StoredPlan,
  type StoredTask,
} from './entity.js';
import type { ScheduledTimer, TimerScheduler } from './scheduler.js';
import { acceptedEvents, step, timerName, type StepResult } from './step.js';
import { zodProblems } from './zod-problems.js';

export interface EngineOptions {
  redis: RedisClient;
  scheduler: TimerScheduler;
  /** Key prefix; tests give each run its own. */
  prefix?: string;
  now?: () => number;
  log?: (line: string) => void;
}

export interface HistoryEntry {
  at: number;
  by: string;
  event: string;
  from: unknown;
  to: unknown;
  data?: Record<string, unknown>;
  notices?: string[];
}


export interface Outcome {
  version: number;
  state: unknown;
  notices: string[];
}

const MAX_ATTEMPTS = 25;
const DEF_CACHE_SIZE = 256;
const RECENT_TASKS = 5_000;

/**
 * A fencing token, also the timer's BullMQ job id: 't' and 11 base64url characters
 * (66 random bits). It must never look like an integer (BullMQ refuses those as
 * custom ids) and must be unique across the whole queue, not just per task; it stays
 * short so a job's options fit Redis's compact encoding.
 */
export function newToken(): string {
  return `t${randomBytes(9).toString('base64url').slice(0, 11)}`;
}

interface Write {
  kind: 'plan' | 'task';
  id: string;
  key: string;
  before: StoredEntity | null;
  snap: AnyMachineSnapshot;
  timers: StepResult['timers'];
  ix: string[];
  fields?: Record<string, string | number>;
  history: HistoryEntry;
}

export class Engine {
  readonly keys: Keys;
  private readonly now: () => number;
  private readonly defs = new Map<string, Promise<PlanDefinition>>();
  /**
   * Tasks as this process last committed them, by key. Only a first guess: every
   * commit is compare-and-set, so a stale entry fails its commit, is evicted, and the
   * retry reads Redis. Reads for people (queries) never use it.
   */
  private readonly recent = new Map<string, StoredTask>();

  constructor(private readonly opts: EngineOptions) {
    this.keys = keysFor(opts.prefix ?? 'dn');
    this.now = opts.now ?? Date.now;
  }

  get redis(): RedisClient {
    return this.opts.redis;
  }

  // ---- reading entities -------------------------------------------------------

  /**
   * The plan definition at a revision, parsed once per process: concurrent callers
   * share one load (fifty workers waking on one plan must not parse it fifty times).
   */
  definition(planId: string, rev: number): Promise<PlanDefinition> {
    const cacheKey = `${planId}#${rev}`;
    const cached = this.defs.get(cacheKey);
    if (cached) return cached;
    const loading = (async () => {
      const [raw, storedRev] = await this.redis.hmget(this.pk(planId).plan, 'def', 'rev');
      if (!raw) throw this.planNotFound(planId);
      // A definition of another revision than asked for is not cached under this one.
      if (Number(storedRev) !== rev) this.defs.delete(cacheKey);
      return JSON.parse(raw) as PlanDefinition;
    })();
    if (this.defs.size >= DEF_CACHE_SIZE) this.defs.delete(this.defs.keys().next().value!);
    this.defs.set(cacheKey, loading);
    loading.catch(() => this.defs.delete(cacheKey));
    return loading;
  }

  /** The plan entity and its definition; the (large) definition comes from the per-revision cache. */
  async loadPlan(planId: string): Promise<{ plan: StoredPlan; def: PlanDefinition }> {
    const fields = ['ver', 'mv', 'snap', 'timers', 'ix', 'rev', 'created'] as const;
    const values = await this.redis.hmget(this.pk(planId).plan, ...fields);
    if (!values[0]) throw this.planNotFound(planId);
    const h = Object.fromEntries(fields.map((f, i) => [f, values[i] ?? ''])) as Record<string, string>;
    const plan = parsePlan(h);
    return { plan, def: await this.definition(planId, plan.rev) };
  }

  /** The definition a plan runs now (what notices and pages are rendered from). */
  async currentDefinition(planId: string): Promise<PlanDefinition> {
    const rev = await this.redis.hget(this.pk(planId).plan, 'rev');
    if (!rev) throw this.planNotFound(planId);
    return this.definition(planId, Number(rev));
  }

  async loadTask(planId: string, taskId: string, options: { cached?: boolean } = {}): Promise<StoredTask> {
    const key = this.pk(planId).task(taskId);
    if (options.cached) {
      const hit = this.recent.get(key);
      if (hit) return hit;
    }
    const h = await this.redis.hgetall(this.pk(planId).task(taskId));
    if (!h.ver) throw new NotFoundError({ zh: `方案 ${planId} 中没有任务 ${taskId}`, en: `Plan ${planId} has no task ${taskId}` });
    return parseTask(h, await this.definition(planId, Number(h.rev)));
  }

  async taskIds(planId: string): Promise<string[]> {
    return this.redis.zrange(this.pk(planId).tasks, '0', '-1');
  }

  async loadTasks(planId: string, ids: string[]): Promise<StoredTask[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.pk(planId).task(id));
    const replies = (await pipeline.exec()) ?? [];
    const tasks: StoredTask[] = [];
    for (const [err, h] of replies) {
      if (err) throw err;
      const hash = h as Record<string, string>;
      if (hash.ver) tasks.push(parseTask(hash, await this.definition(planId, Number(hash.rev))));
    }
    return tasks;
  }

  // ---- plans ------------------------------------------------------------------

  /** Validates and stores a new plan as a draft (all or nothing); publishes it if asked. */
  async createPlan(input: unknown, by: Principal, options: { publish?: boolean } = {}): Promise<Outcome> {
    const rule = checkCreatePlan(by);
    if (rule) throw new ForbiddenError(ruleText(rule));
    const def = parsePlanDefinition(input);
    const pk = this.pk(def.id);
    const at = this.now();
    // Listed first and filtered on read: a plan id in the list whose plan never
    // got written is invisible, while a written plan is never missing from it.
    await this.redis.zadd(this.keys.plans, 'NX', String(at), def.id);
    const batch = new Batch().expectVersion(pk.plan, 0);
    this.writeDraft(batch, pk, def, 1, at, actorLabel(by), 'plan.created');
    const result = await batch.run(this.redis);
    if (!result.ok) throw new AlreadyExistsError({ zh: `方案 ${def.id} 已存在`, en: `Plan ${def.id} already exists` });
    this.opts.log?.(`plan ${def.id} created with ${def.tasks.length} tasks`);
    if (options.publish) return this.planEvent(def.id, { type: 'plan.publish' }, by);
    return { version: 1, state: 'draft', notices: [] };
  }

  /** Replaces a draft plan's definition; a published plan is no longer a draft. */
  async replaceDraft(planId: string, input: unknown, by: Principal): Promise<Outcome> {
    const def = parsePlanDefinition(input);
    if (def.id !== planId) {
      throw new InvalidInputError([{ path: 'id', message: `is "${def.id}" but the plan being replaced is "${planId}"` }]);
    }
    return this.transact(async () => {
      const { plan, def: old } = await this.loadPlan(planId);
      const rule = checkRunPlan(by, old);
      if (rule) throw new ForbiddenError(ruleText(rule));
      if (planStage(plan.snap) !== 'draft') {
        throw new EventNotAcceptedError('plan.replace', planStage(plan.snap), acceptedEvents(plan.snap));
      }
      const pk = this.pk(planId);
      const oldTasks = await this.loadTasks(planId, await this.taskIds(planId));
      const batch = new Batch().expectVersion(pk.plan, plan.ver);
      for (const t of oldTasks) {
        batch.expectVersion(pk.task(t.def.id), t.ver).del(pk.task(t.def.id)).zrem(pk.tasks, t.def.id);
        for (const ix of t.ix) batch.srem(pk.index(ix), t.def.id);
      }
      this.writeDraft(batch, pk, def, plan.rev + 1, this.now(), actorLabel(by), 'plan.replaced', plan);
      return { batch, writes: [], notices: [] };
    });
  }

  private writeDraft(
    batch: Batch,
    pk: PlanKeys,
    def: PlanDefinition,
    rev: number,
    at: number,
    by: string,
    event: string,
    before?: StoredPlan,
  ): void {
    const snap = initialPlanSnapshot(def, at);
    batch.hset(pk.plan, {
      ...entityFields('plan', { ver: (before?.ver ?? 0) + 1, snap, timers: {}, ix: [] }),
      def: JSON.stringify(def),
      rev,
      created: before?.created ?? at,
    });
    for (const t of def.tasks) {
      const tsnap = initialTaskSnapshot(def, t, at);
      const ix = taskIndexes(def, t, tsnap);
      batch.hset(pk.task(t.id), { ...entityFields('task', { ver: 1, snap: tsnap, timers: {}, ix }), def: JSON.stringify(t), rev });
      batch.zadd(pk.tasks, 0, t.id);
      for (const name of ix) batch.sadd(pk.index(name), t.id);
    }
    const entry: HistoryEntry = { at, by, event, from: before ? 'draft' : null, to: 'draft', data: { rev, tasks: def.tasks.length } };
    batch.rpush(pk.history(PLAN_ENTITY), JSON.stringify(entry));
  }

  /** Publishes a draft or advances the phase by hand. */
  async planEvent(planId: string, command: PlanCommandInput, by: Principal): Promise<Outcome> {
    return this.transact(async () => {
      const { plan, def } = await this.loadPlan(planId);
      const rule = checkRunPlan(by, def);
      if (rule) throw new ForbiddenError(ruleText(rule));
      return this.applyToPlan(plan, def, { ...command, at: this.now() }, actorLabel(by));
    });
  }

  private async applyToPlan(plan: StoredPlan, def: PlanDefinition, event: { type: string; at: number }, by: string) {
    const result = step(planMachine, plan.snap, event, plan.timers, newToken);
    if (!result.handled) throw new EventNotAcceptedError(event.type, planStage(plan.snap), acceptedEvents(plan.snap));
    const pk = this.pk(def.id);
    const batch = new Batch();
    const writes: Write[] = [];
    const notices: Notice[] = [];
    for (const e of result.emitted) {
      if (e.type === 'phaseChanged') notices.push(phaseNoticeFacts(def, e.params as PhaseChanged, event.at));
    }
    writes.push({
      kind: 'plan',
      id: PLAN_ENTITY,
      key: pk.plan,
      before: plan,
      snap: result.snapshot,
      timers: result.timers,
      ix: [],
      history: this.historyEntry(event, by, planStage(plan.snap), planStage(result.snapshot), notices),
    });
    if (result.emitted.some((e) => e.type === 'activateTasks')) {
      const tasks = await this.loadTasks(def.id, await this.taskIds(def.id));
      for (const task of tasks) {
        const activation = { type: 'task.activate', at: event.at };
        const r = step(taskMachine, task.snap, activation, task.timers, newToken);
        if (!r.handled) continue;
        writes.push(this.taskWrite(pk, def, task, r, activation, by, []));
      }
    }
    return { batch, writes, notices };
  }

  // ---- tasks ------------------------------------------------------------------

  /** A person's (or the office's) event on a task. Deadlines are plan dates, resolved in the plan's zone. */
  async taskEvent(planId: string, taskId: string, command: TaskCommandInput, by: Principal): Promise<Outcome> {
    return this.transact(async (fresh) => {
      const task = await this.loadTask(planId, taskId, { cached: !fresh });
      const def = await this.definition(planId, task.rev);
      const rule = checkTaskEvent(by, def, task.def, command.type);
      if (rule) throw new ForbiddenError(ruleText(rule));
      const at = this.now();
      const event = { ...command, ...('deadline' in command ? { deadline: futureDeadline(command.deadline, def, at) } : {}), at };
      return this.applyToTask(def, task, event, actorLabel(by), true);
    });
  }

  private applyToTask(def: PlanDefinition, task: StoredTask, event: { type: string; at: number }, by: string, strict: boolean) {
    const result = step(taskMachine, task.snap, event, task.timers, newToken);
    if (!result.handled) {
      if (strict) throw new EventNotAcceptedError(event.type, taskState(task.snap), acceptedEvents(task.snap));
      return null;
    }
    const ctx = result.snapshot.context as TaskContext;
    const notices = result.emitted
      .filter((e) => e.type === 'notice')
      .map((e) => taskNoticeFacts(def, task.def, ctx, e.params as TaskNotice, event.at));
    const pk = this.pk(def.id);
    return { batch: new Batch(), writes: [this.taskWrite(pk, def, task, result, event, by, notices)], notices };
  }

  private taskWrite(
    pk: PlanKeys,
    def: PlanDefinition,
    task: StoredTask,
    result: StepResult,
    event: { type: string; at: number },
    by: string,
    notices: Notice[],
  ): Write {
    return {
      kind: 'task',
      id: task.def.id,
      key: pk.task(task.def.id),
      before: task,
      snap: result.snapshot,
      timers: result.timers,
      ix: taskIndexes(def, task.def, result.snapshot),
      history: this.historyEntry(event, by, taskState(task.snap), taskState(result.snapshot), notices),
    };
  }

  private historyEntry(event: { type: string; at: number }, by: string, from: unknown, to: unknown, notices: Notice[]): HistoryEntry {
    const { type, at, ...data } = event as { type: string; at: number } & Record<string, unknown>;
    const entry: HistoryEntry = { at, by, event: type.startsWith('xstate.after.') ? `timer.${timerName(type)}` : type, from, to };
    if (Object.keys(data).length > 0) entry.data = data;
    if (notices.length > 0) entry.notices = notices.map((n) => n.id);
    return entry;
  }

  // ---- timers -----------------------------------------------------------------

  /**
   * Runs a due timer. Does nothing, and says so, when the entity no longer holds the
   * token: the timer was cancelled, re-armed, or already fired.
   */
  async fireTimer(planId: string, entity: string, tok: string): Promise<'fired' | 'stale'> {
    let fired = false;
    try {
      await this.transact(async (fresh) => {
        fired = false;
        if (entity === PLAN_ENTITY) {
          const { plan, def } = await this.loadPlan(planId);
          const timer = Object.entries(plan.timers).find(([, t]) => t.tok === tok);
          if (!timer) return null;
          fired = true;
          return this.applyToPlan(plan, def, { type: timer[0], at: timer[1].at }, 'system');
        }
        const task = await this.loadTask(planId, entity, { cached: !fresh });
        const timer = Object.entries(task.timers).find(([, t]) => t.tok === tok);
        if (!timer) return null;
        const def = await this.definition(planId, task.rev);
        const change = this.applyToTask(def, task, { type: timer[0], at: timer[1].at }, 'system', false);
        fired = change !== null;
        return change;
      }, tok);
    } catch (err) {
      if (err instanceof NotFoundError) return 'stale';
      throw err;
    }
    return fired ? 'fired' : 'stale';
  }

  /** Re-arms due timers whose jobs went missing. Returns how many it re-armed. */
  async reconcile(slackMs = 5_000): Promise<number> {
    const planIds = await this.redis.zrange(this.keys.plans, '0', '-1');
    let rearmed = 0;
    for (const planId of planIds) {
      const due = await this.redis.zrangebyscore(this.pk(planId).timers, '-inf', String(this.now() - slackMs), 'WITHSCORES');
      const timers: ScheduledTimer[] = [];
      for (let i = 0; i + 1 < due.length; i += 2) {
        const [entity, tok] = due[i]!.split('|');
        if (entity && tok) timers.push({ planId, entity, tok, at: Number(due[i + 1]) });
      }
      if (timers.length === 0) continue;
      try {
        rearmed += await this.opts.scheduler.ensure(timers);
      } catch (err) {
        this.opts.log?.(`reconciler, plan ${planId}: ${(err as Error).message}`);
      }
    }
    if (rearmed > 0) this.opts.log?.(`reconciler re-armed ${rearmed} timer(s)`);
    return rearmed;
  }

  // ---- the commit loop ------------------------------------------------------------

  /**
   * Builds and commits a change, rebuilding from fresh reads when another writer got
   * there first. `build` returns null when there is nothing to do.
   */
  private async transact(
    build: (fresh: boolean) => Promise<{ batch: Batch; writes: Write[]; notices: Notice[] } | null>,
    firing?: string,
  ): Promise<Outcome> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // The first attempt may start from this process's cache; a refusal or a no-op
      // found there is only believed once Redis says the same.
      const fresh = attempt > 0;
      let change: Awaited<ReturnType<typeof build>>;
      try {
        change = await build(fresh);
      } catch (err) {
        if (!fresh && err instanceof EventNotAcceptedError) continue;
        throw err;
      }
      if (!change) {
        if (!fresh) continue;
        return { version: 0, state: null, notices: [] };
      }
      const { batch, writes, notices } = change;
      const planId = this.planIdOf(writes, notices);
      const pk = planId ? this.pk(planId) : null;
      for (const w of writes) this.addWrite(batch, pk!, w);
      for (const n of notices) {
        const people = n.recipients.map((r) => r.id);
        batch.notice(pk!.notice(n.id), JSON.stringify(n), n.createdAt, n.id, people.map(pk!.inbox), people.map(pk!.openInbox));
      }
      const result = await batch.run(this.redis);
      if (result.ok) {
        this.remember(writes);
        await this.schedule(planId, writes, firing);
        const last = writes[0];
        return {
          version: last ? (last.before?.ver ?? 0) + 1 : 0,
          state: last ? (last.kind === 'plan' ? planStage(last.snap) : taskState(last.snap)) : null,
          notices: result.createdNotices,
        };
      }
      for (const w of writes) this.recent.delete(w.key);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
    }
    throw new ConflictError({ zh: '并发修改过多,请重试', en: 'Too many concurrent changes; please retry' });
  }

  private remember(writes: Write[]): void {
    for (const w of writes) {
      // Draft tasks can be deleted and re-created by a draft replacement, restarting
      // their versions; published tasks never are, so only they are remembered.
      if (w.kind !== 'task' || !w.before || taskState(w.snap).work === 'draft') continue;
      const before = w.before as StoredTask;
      this.recent.delete(w.key);
      if (this.recent.size >= RECENT_TASKS) this.recent.delete(this.recent.keys().next().value!);
      this.recent.set(w.key, { ver: before.ver + 1, mv: before.mv, snap: w.snap, timers: w.timers, ix: w.ix, def: before.def, rev: before.rev });
    }
  }

  private planIdOf(writes: Write[], notices: Notice[]): string | null {
    const w = writes[0];
    if (w) return this.planIdFromKey(w.key);
    return notices[0]?.planId ?? null;
  }

  private planIdFromKey(key: string): string {
    return key.slice(key.indexOf('{') + 1, key.indexOf('}'));
  }

  private addWrite(batch: Batch, pk: PlanKeys, w: Write): void {
    const ver = (w.before?.ver ?? 0) + 1;
    batch.expectVersion(w.key, w.before?.ver ?? 0).hset(w.key, { ...entityFields(w.kind, { ver, snap: w.snap, timers: w.timers, ix: w.ix }), ...w.fields });
    const oldIx = new Set(w.before?.ix ?? []);
    const newIx = new Set(w.ix);
    for (const name of oldIx) if (!newIx.has(name)) batch.srem(pk.index(name), w.id);
    for (const name of newIx) if (!oldIx.has(name)) batch.sadd(pk.index(name), w.id);
    const before = w.before?.timers ?? {};
    for (const [id, t] of Object.entries(before)) if (w.timers[id]?.tok !== t.tok) batch.zrem(pk.timers, `${w.id}|${t.tok}`);
    for (const [id, t] of Object.entries(w.timers)) if (before[id]?.tok !== t.tok) batch.zadd(pk.timers, t.at, `${w.id}|${t.tok}`);
    batch.rpush(pk.history(w.id), JSON.stringify(w.history));
  }

  /** Arms new timers' jobs; removes cancelled ones, but never the job now running (it is locked and finishing). */
  private async schedule(planId: string | null, writes: Write[], firing?: string): Promise<void> {
    if (!planId) return;
    const armed: ScheduledTimer[] = [];
    const cancelled: ScheduledTimer[] = [];
    for (const w of writes) {
      const before = w.before?.timers ?? {};
      for (const [id, t] of Object.entries(w.timers)) if (before[id]?.tok !== t.tok) armed.push({ planId, entity: w.id, ...t });
      for (const [id, t] of Object.entries(before)) {
        if (w.timers[id]?.tok !== t.tok && t.tok !== firing) cancelled.push({ planId, entity: w.id, ...t });
      }
    }
    // The commit is durable already; a failure here leaves work for the reconciler, not a lost timer.
    try {
      if (armed.length > 0) await this.opts.scheduler.arm(armed);
    } catch (err) {
      this.opts.log?.(`could not schedule ${armed.length} timer(s), the reconciler will: ${String(err)}`);
    }
    if (cancelled.length > 0) await this.opts.scheduler.disarm(cancelled).catch(() => undefined);
  }

  pk(planId: string): PlanKeys {
    return this.keys.plan(planId);
  }

  private planNotFound(planId: string): NotFoundError {
    return new NotFoundError({ zh: `没有方案 ${planId}`, en: `No plan ${planId}` });
  }
}

/**
 * A new deadline in epoch ms; it must lie in the future, or nothing is changed.
 * Working days count from now and end with the last working day.
 */
function futureDeadline(deadline: string | { workingDays: number }, def: PlanDefinition, now: number): number {
  if (typeof deadline !== 'string') return workingDaysFrom(now, deadline, def.timeZone, def.calendar);
  const at = resolvePlanDate(deadline, def.timeZone, 'end');
  if (at === null) throw new InvalidInputError([{ path: 'deadline', message: `deadline: "${deadline}" is not a date` }]);
  if (at <= now) throw new InvalidInputError([{ path: 'deadline', message: `deadline: "${deadline}" is not in the future` }]);
  return at;
}

/** Parses a plan definition, or throws InvalidInputError listing every problem by path. */
export function parsePlanDefinition(input: unknown): PlanDefinition {
  const parsed = PlanDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(zodProblems(parsed.error), { zh: '方案有误,未保存', en: 'The plan is invalid; nothing was stored' });
  }
  return parsed.data;
}

export type { TaskDefinition };
