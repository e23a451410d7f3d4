/**
 * A plan's life: created as a draft, replaced while a draft, published (which
 * activates its tasks), moved through its phases by its timers or by the office,
 * and closed (which ends its open tasks as unfinished, with a notice to the office).
 */
import { actorLabel, checkCreatePlan, checkPlanEvent, checkRunPlan, ruleText, type Principal } from '../domain/permissions.js';
import { planNotices, taskNoticeFacts, type NoticeFacts } from '../domain/notices.js';
import type { PlanCommandInput } from '../domain/commands.schema.js';
import { organisationOf, PlanDefinitionSchema, type PlanDefinition } from '../domain/plan.schema.js';
import { AlreadyExistsError, EventNotAcceptedError, ForbiddenError, InvalidInputError } from '../errors.js';
import { Batch } from '../store/batch.js';
import { PLAN_ENTITY, type PlanKeys } from '../store/keys.js';
import { historyEntry, newStamp, type Change, type HistoryEntry, type Outcome, type Write } from './commit.js';
import {
  entityFields,
  initialPlanSnapshot,
  initialTaskSnapshot,
  planStage,
  storedTaskDefinition,
  taskIndexes,
  type StoredPlan,
} from './entity.js';
import type { EngineCore } from './core.js';
import { packDefinition } from './definitions.js';
import { offeredCommands, stepPlan, timerName, type TimerEvent } from './step.js';
import { taskFanOut } from './task-events.js';
import { taskWrite } from './tasks.js';
import { publishWrites, takesFanOut } from './children.js';
import { zodProblems } from './zod-problems.js';
import { afterPlanCommit, prefixOf } from './plan-index.js';
import { archivedAlready, archivedPlan } from './archive.js';
import { issueTime, type PlanEvent } from '../../machines/index.js';
import { trailOf } from './trail.js';

/** Parses a plan definition, or throws InvalidInputError listing every problem by path. */
export function parsePlanDefinition(input: unknown): PlanDefinition {
  const parsed = PlanDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(zodProblems(parsed.error), { zh: '方案有误，未保存', en: 'The plan is invalid; nothing was stored' });
  }
  return parsed.data;
}

/** An office's new plan belongs to the office's organisation unless it names one (which must then be the same). */
function withOwnOrganisation(input: unknown, by: Principal): unknown {
  if (by.kind !== 'office' || typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  return 'organisation' in input ? input : { ...input, organisation: by.org };
}

/**
 * A new definition of an existing plan stays in the plan's organisation: one that
 * names none is given it, one that names another is refused.
 */
export function keepOrganisation(def: PlanDefinition, input: unknown, old: PlanDefinition): void {
  const named = typeof input === 'object' && input !== null && 'organisation' in input;
  if (!named) def.organisation = organisationOf(old);
  else if (def.organisation !== organisationOf(old)) {
    throw new InvalidInputError([
      { path: 'organisation', message: `is "${def.organisation}" but the plan belongs to "${organisationOf(old)}": a plan cannot move` },
    ]);
  }
}

/**
 * Checks a definition's people and units against the directory (400 listing every
 * problem, nothing stored) and, with `register`, records the new ones there.
 */
export async function admitToDirectory(core: EngineCore, def: PlanDefinition, by: Principal, register: boolean): Promise<void> {
  const problems = (await core.directory?.admit(def, actorLabel(by), { register })) ?? [];
  if (problems.length > 0) {
    throw new InvalidInputError(problems, {
      zh: '方案中的人员或科室与通讯录不符，未保存',
      en: "The plan's people or units disagree with the directory; nothing was stored",
    });
  }
}

/** Validates and stores a new plan as a draft (all or nothing); publishes it if asked. */
export async function createPlan(core: EngineCore, input: unknown, by: Principal, options: { publish?: boolean } = {}): Promise<Outcome> {
  if (checkCreatePlan(by) !== null) throw new ForbiddenError(ruleText(checkCreatePlan(by)!));
  const def = parsePlanDefinition(withOwnOrganisation(input, by));
  const rule = checkCreatePlan(by, def.organisation);
  if (rule) throw new ForbiddenError(ruleText(rule));
  const archived = await archivedPlan(core.redis, prefixOf(core.keys.plans), def.id);
  if (archived) throw archivedAlready(archived);
  await admitToDirectory(core, def, by, true);
  const pk = core.pk(def.id);
  const at = core.now();
  // Listed first and filtered on read: a plan id in the list whose plan never
  // got written is invisible, while a written plan is never missing from it.
  await core.redis.zadd(core.keys.plans, 'NX', String(at), def.id);
  const batch = new Batch().expectVersion(pk.plan, 0);
  writeDraft(batch, pk, def, 1, at, actorLabel(by), 'plan.created');
  const result = await batch.run(core.redis);
  if (!result.ok) throw new AlreadyExistsError({ zh: `方案 ${def.id} 已存在`, en: `Plan ${def.id} already exists` });
  await afterPlanCommit(core, def);
  core.log?.(`plan ${def.id} created with ${def.tasks.length} tasks`);
  if (options.publish) return planEvent(core, def.id, { type: 'plan.publish' }, by);
  return { version: 1, state: 'draft', notices: [] };
}

/** Replaces a draft plan's definition; a published plan is no longer a draft. */
export async function replaceDraft(core: EngineCore, planId: string, input: unknown, by: Principal): Promise<Outcome> {
  const def = parsePlanDefinition(input);
  if (def.id !== planId) {
    throw new InvalidInputError([{ path: 'id', message: `is "${def.id}" but the plan being replaced is "${planId}"` }]);
  }
  const pk = core.pk(planId);
  const outcome = await core.commit.transact(pk.plan, async () => {
    const { plan, def: old } = await core.reader.loadPlan(planId);
    const rule = checkRunPlan(by, old);
    if (rule) throw new ForbiddenError(ruleText(rule));
    if (planStage(plan.snap) !== 'draft') {
      throw new EventNotAcceptedError('plan.replace', planStage(plan.snap), offeredCommands(plan.snap, 'plan.replace'));
    }
    keepOrganisation(def, input, old);
    await admitToDirectory(core, def, by, true);
    const oldTasks = await core.reader.loadTasks(planId, await core.reader.taskIds(planId));
    const batch = new Batch().expectVersion(pk.plan, plan.ver, plan.cas);
    for (const t of oldTasks) {
      batch.expectVersion(pk.task(t.def.id), t.ver, t.cas).del(pk.task(t.def.id)).zrem(pk.tasks, t.def.id);
      for (const ix of t.ix) batch.srem(pk.index(ix), t.def.id);
    }
    writeDraft(batch, pk, def, plan.rev + 1, core.now(), actorLabel(by), 'plan.replaced', plan);
    return { batch, writes: [], notices: [] };
  });
  await afterPlanCommit(core, def);
  return outcome;
}

function writeDraft(
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
    ...entityFields('plan', { ver: (before?.ver ?? 0) + 1, cas: newStamp(), snap, timers: {}, ix: [] }),
    def: packDefinition(def),
    rev,
    created: before?.created ?? at,
  });
  for (const t of def.tasks) {
    const tsnap = initialTaskSnapshot(def, t, at);
    const ix = taskIndexes(def, t, tsnap);
    batch.hset(pk.task(t.id), {
      ...entityFields('task', { ver: 1, cas: newStamp(), snap: tsnap, timers: {}, ix }),
      def: storedTaskDefinition(def, t),
      rev,
    });
    batch.zadd(pk.tasks, 0, t.id);
    for (const name of ix) batch.sadd(pk.index(name), t.id);
  }
  const entry: HistoryEntry = { at, by, event, from: before ? 'draft' : null, to: 'draft', data: { rev, tasks: def.tasks.length } };
  batch.history(trailOf(pk, PLAN_ENTITY), JSON.stringify(entry));
}

/** Publishes a draft or advances the phase by hand. */
export async function planEvent(core: EngineCore, planId: string, command: PlanCommandInput, by: Principal): Promise<Outcome> {
  return core.commit.transact(core.pk(planId).plan, async () => {
    const { plan, def } = await core.reader.loadPlan(planId);
    const rule = checkPlanEvent(by, def, command.type);
    if (rule) throw new ForbiddenError(ruleText(rule));
    return applyToPlan(core, plan, def, { ...command, at: core.now() }, actorLabel(by));
  });
}

/**
 * One step of the plan, and of every task its step reaches: publishing activates
 * them all; closing ends the open ones as unfinished and tells the office which.
 */
export async function applyToPlan(
  core: EngineCore,
  plan: StoredPlan,
  def: PlanDefinition,
  event: PlanEvent | TimerEvent,
  by: string,
): Promise<Change> {
  const result = stepPlan(plan.snap, event, plan.timers, core.newToken);
  if (!result.handled) throw new EventNotAcceptedError(event.type, planStage(plan.snap), offeredCommands(plan.snap, event.type));
  const pk = core.pk(def.id);
  const taskWrites: Write[] = [];
  const taskNotices: NoticeFacts[] = [];
  const fanOut = taskFanOut(result.emitted, event);
  const batch = new Batch();
  if (fanOut) {
    const tasks = await core.reader.loadTasks(def.id, await core.reader.taskIds(def.id));
    for (const task of tasks) {
      if (!takesFanOut(def, task.def, fanOut)) continue;
      const r = core.stepTask(task, fanOut);
      if (!r.handled) continue;
      const facts = r.emitted.map((e) => taskNoticeFacts(def, task.def, r.snapshot.context, e.params, event.at));
      taskNotices.push(...facts);
      taskWrites.push(taskWrite(pk, def, task, r, fanOut, by, facts));
    }
  }
  // Publication makes the tasks' parts (recurring duties, milestones, cascades, 协办): children.ts.
  if (fanOut?.type === 'task.activate') {
    const parts = publishWrites(core, def, plan.rev, fanOut.at, by, batch);
    taskWrites.push(...parts.writes);
    taskNotices.push(...parts.notices);
  }
  const unfinished = fanOut?.type === 'task.close' ? taskWrites.map((w) => w.id) : [];
  const notices: NoticeFacts[] = [];
  notices.push(...planNotices(def, result.emitted, issueTime(event), unfinished));
  const eventName = event.type.startsWith('xstate.after.') ? `timer.${timerName(event.type)}` : event.type;
  const planWrite: Write = {
    kind: 'plan',
    id: PLAN_ENTITY,
    key: pk.plan,
    before: plan,
    snap: result.snapshot,
    timers: result.timers,
    ix: [],
    history: historyEntry(event, by, planStage(plan.snap), planStage(result.snapshot), notices, eventName),
  };
  return { batch, writes: [planWrite, ...taskWrites], notices: [...notices, ...taskNotices] };
}
