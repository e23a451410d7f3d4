/**
 * Amending a published plan (修订): the whole new definition is validated like a new
 * plan, compared with the running one, and applied as one atomic revision — the plan
 * and every task it touches in one commit, with the diff in the plan's history and a
 * notice to the people it affects.
 *
 * What an amendment may change: titles, duties, chains (a new responsible person,
 * leader or department — the new holder is told what they inherit), cooperating
 * units, deadlines (each moved like task.deadline.change, to a future date), new
 * tasks (issued at once), people, units, the leadership group, future phase dates, and
 * the escalation policy. Running ladders keep the policy they started with unless the
 * amendment says `migratePolicy`. What it may not: remove a task (撤销 it instead — its
 * record stays), change a date already past, the time zone or the calendar.
 */
import { isPart, parentKind, partHandovers, taskDefinitionOf, type ChainHandover } from '../domain/children.js';
import { publishWrites, takesFanOut } from './children.js';
import { isDeepStrictEqual } from 'node:util';
import type { PlanContext } from '../../machines/index.js';
import { resolveRecipients } from '../domain/chain.js';
import type { NoticeFacts } from '../domain/notices.js';
import { actorLabel, checkRunPlan, ruleText, type Principal } from '../domain/permissions.js';
import type { PlanDefinition, TaskDefinition } from '../domain/plan.schema.js';
import { EventNotAcceptedError, ForbiddenError, InvalidInputError, type Problem } from '../errors.js';
import { Batch } from '../store/batch.js';
import { PLAN_ENTITY } from '../store/keys.js';
import { historyEntry, newStamp, type Change, type Outcome, type Write } from './commit.js';
import type { EngineCore } from './core.js';
import { packDefinition } from './definitions.js';
import {
  entityFields,
  indexedTimer,
  initialTaskSnapshot,
  isFinished,
  planBoundaries,
  planStage,
  taskDeadline,
  taskIndexes,
  taskState,
  storedTaskDefinition,
  type StoredTask,
} from './entity.js';
import { admitToDirectory, keepOrganisation, parsePlanDefinition } from './plans.js';
import { afterPlanCommit } from './plan-index.js';
import { offeredCommands, stepPlan, stepTask } from './step.js';
import { taskWrite } from './tasks.js';
import { trailOf } from './trail.js';

export interface AmendOptions {
  /** Why the plan changes (required): on the record and in the notices. */
  reason: string;
  /** Move running ladders onto the new escalation policy too. */
  migratePolicy?: boolean;
  /** Work out and return the diff; change nothing. */
  dryRun?: boolean;
  /** Builds the new definition inside the commit, with ops of its own (see AmendDerivation); `input` is then ignored. */
  derive?: AmendDerivation;
}

/**
 * An amendment worked out inside the commit loop from the definition stored then, adding
 * ops of its own to the same atomic commit: how a personnel change (personnel.ts) applies,
 * so a change scheduled weeks ahead amends the plan as it is when it applies, and the
 * check that it is still pending is in the same script as the amendment it makes.
 * Called on every attempt with a fresh batch; null means there is nothing to do any more.
 */
export type AmendDerivation = (context: {
  current: PlanDefinition;
  batch: Batch;
  at: number;
  rev: number;
}) => Promise<{ definition: unknown; reason: string; notices: NoticeFacts[] } | null>;

function amendedDefinition(planId: string, input: unknown): PlanDefinition {
  const next = parsePlanDefinition(input);
  if (next.id !== planId)
    throw new InvalidInputError([{ path: 'id', message: `is "${next.id}" but the plan being amended is "${planId}"` }]);
  return next;
}

export interface PlanDiff {
  tasksAdded: string[];
  deadlines: { task: string; from: number; to: number }[];
  /**
   * Chain roles that change hands: task, role, from, to (a unit's new head takes over its tasks as departmentHead),
   * parts included: they follow their parent and their unit's head (src/domain/children.ts).
   */
  handovers: ChainHandover[];
  tasksEdited: string[];
  phasesMoved: string[];
  policyChanged: boolean;
  policyMigrated: boolean;
  leadershipChanged: boolean;
  peopleChanged: boolean;
  unitsChanged: boolean;
}

const ROLES = ['responsiblePerson', 'responsibleLeader', 'leadDepartment'] as const;

/** What changed between two definitions, and what an amendment may not change. */
export function diffPlans(
  old: PlanDefinition,
  next: PlanDefinition,
  now: number,
  migratePolicy = false,
): { diff: PlanDiff; problems: Problem[] } {
  const problems: Problem[] = [];
  const diff: PlanDiff = {
    tasksAdded: [],
    deadlines: [],
    handovers: [],
    tasksEdited: [],
    phasesMoved: [],
    policyChanged: !isDeepStrictEqual(old.escalation, next.escalation),
    policyMigrated: false,
    leadershipChanged: !isDeepStrictEqual(old.leadershipGroup, next.leadershipGroup),
    peopleChanged: !isDeepStrictEqual(old.people, next.people),
    unitsChanged: !isDeepStrictEqual(old.units, next.units),
  };
  diff.policyMigrated = diff.policyChanged && migratePolicy;
  if (old.timeZone !== next.timeZone)
    problems.push({ path: 'timeZone', message: '运行中的方案不能更改时区 / a running plan keeps its time zone' });
  if (old.calendar !== next.calendar)
    problems.push({ path: 'calendar', message: '运行中的方案不能更改工作日历 / a running plan keeps its calendar' });
  const byId = new Map(next.tasks.map((t) => [t.id, t]));
  old.tasks.forEach((t, i) => {
    if (!byId.has(t.id)) {
      problems.push({
        path: `tasks[${i}]`,
        message: `任务 ${t.id} 不能删除，请用“撤销”（task.cancel），记录会保留 / task ${t.id} cannot be removed: cancel it (task.cancel) and its record stays`,
      });
    }
  });
  const oldById = new Map(old.tasks.map((t) => [t.id, t]));
  next.tasks.forEach((t, i) => {
    const before = oldById.get(t.id);
    if (!before) {
      diff.tasksAdded.push(t.id);
      if (taskDeadline(next, t) <= now)
        problems.push({ path: `tasks[${i}].deadline`, message: `新任务的完成时限须在将来 / a new task's deadline must be in the future` });
      return;
    }
    const from = taskDeadline(old, before);
    const to = taskDeadline(next, t);
    if (from !== to) {
      if (to <= now)
        problems.push({ path: `tasks[${i}].deadline`, message: `新的完成时限须在将来 / the new deadline must be in the future` });
      diff.deadlines.push({ task: t.id, from, to });
    }
    for (const role of ROLES) if (before[role] !== t[role]) diff.handovers.push({ task: t.id, role, from: before[role], to: t[role] });
    const { deadline: _d1, ...restOld } = before;
    const { deadline: _d2, ...restNew } = t;
    if (!isDeepStrictEqual(restOld, restNew)) diff.tasksEdited.push(t.id);
  });
  // A unit's new head takes over the department's tasks that stay with it.
  for (const unit of next.units) {
    const before = old.units.find((u) => u.id === unit.id);
    if (!before?.head || !unit.head || before.head === unit.head) continue;
    for (const t of next.tasks) {
      const was = oldById.get(t.id);
      if (t.leadDepartment === unit.id && was?.leadDepartment === unit.id)
        diff.handovers.push({ task: t.id, role: 'departmentHead', from: before.head, to: unit.head });
    }
  }
  diff.handovers.push(...partHandovers(old, next));
  const ob = planBoundaries(old);
  const nb = planBoundaries(next);
  for (const key of Object.keys(ob) as (keyof typeof ob)[]) {
    if (ob[key] === nb[key]) continue;
    diff.phasesMoved.push(key);
    if (ob[key] <= now || nb[key] <= now) {
      problems.push({
        path: 'phases',
        message: `阶段 ${key} 的日期已过或将移到过去，不能修改 / the ${key} boundary is past or would move into the past`,
      });
    }
  }
  return { diff, problems };
}

/** Amends a published plan; returns the outcome and the diff (only the diff when dry). */
export async function amendPlan(
  core: EngineCore,
  planId: string,
  input: unknown,
  by: Principal,
  options: AmendOptions,
): Promise<Outcome & { diff: PlanDiff }> {
  const given = options.derive ? null : amendedDefinition(planId, input);
  if (!options.derive && !options.reason.trim())
    throw new InvalidInputError([{ path: 'reason', message: '修订须说明理由 / an amendment needs a reason' }]);
  const pk = core.pk(planId);
  let diffOut: PlanDiff | null = null;
  const outcome = await core.commit.transact(pk.plan, async () => {
    const { plan, def: old } = await core.reader.loadPlan(planId);
    const rule = checkRunPlan(by, old);
    if (rule) throw new ForbiddenError(ruleText(rule));
    const stage = planStage(plan.snap);
    if (stage === 'draft' || stage === 'closed')
      throw new EventNotAcceptedError('plan.amend', stage, offeredCommands(plan.snap, 'plan.amend'));
    const at = core.now();
    const batch = new Batch();
    let next: PlanDefinition;
    let reason = options.reason;
    const ownNotices: NoticeFacts[] = [];
    if (options.derive) {
      const derived = await options.derive({ current: old, batch, at, rev: plan.rev + 1 });
      if (!derived) return null;
      next = amendedDefinition(planId, derived.definition);
      reason = derived.reason;
      ownNotices.push(...derived.notices);
    } else next = given!;
    keepOrganisation(next, options.derive ? next : input, old);
    await admitToDirectory(core, next, by, !options.dryRun);
    const { diff, problems } = diffPlans(old, next, at, options.migratePolicy);
    if (problems.length > 0)
      throw new InvalidInputError(problems, { zh: '修订有误，方案未作任何更改', en: 'The amendment is invalid; nothing was changed' });
    diffOut = diff;
    if (options.dryRun) return null;
    const rev = plan.rev + 1;
    const actor = actorLabel(by);
    const writes: Write[] = [];
    const notices: NoticeFacts[] = [];
    const newDef = packDefinition(next);

    // The plan: its definition, and its phase timer if future dates moved.
    let planSnap = plan.snap;
    let planTimers = plan.timers;
    if (diff.phasesMoved.length > 0) {
      const approvals = { promotion: false, implementation: false, evaluation: false, closed: false } as PlanContext['approvals'];
      for (const p of next.phases) if (p.requiresApproval && p.key !== 'launch') approvals[p.key] = true;
      const r = stepPlan(plan.snap, { type: 'plan.amend', at, boundaries: planBoundaries(next), approvals }, plan.timers, core.newToken);
      planSnap = r.snapshot;
      planTimers = r.timers;
    }
    const summary = { reason, rev, ...diff };
    writes.push({
      kind: 'plan',
      id: PLAN_ENTITY,
      key: pk.plan,
      before: plan,
      snap: planSnap,
      timers: planTimers,
      ix: [],
      fields: { def: newDef, rev },
      history: historyEntry({ type: 'plan.amend', at, ...summary }, actor, stage, stage, [], 'plan.amended'),
    });

    // Existing tasks move to the new revision; moved deadlines step like a deadline change.
    const tasks = await core.reader.loadTasks(planId, await core.reader.taskIds(planId));
    const byId = new Map(next.tasks.map((t) => [t.id, t]));
    for (const task of tasks) {
      // A part follows its parent's new definition (a unit's new head holds its part); one the plan no longer makes keeps its own.
      const tdef = byId.get(task.def.id) ?? (isPart(task.def) ? (taskDefinitionOf(next, task.def.id) ?? task.def) : task.def);
      const polrev = diff.policyMigrated ? rev : task.polrev;
      const fields = { def: storedTaskDefinition(next, tdef), rev, polrev };
      const moved = diff.deadlines.find((d) => d.task === task.def.id);
      const amended: StoredTask = { ...task, def: tdef };
      if (moved) {
        const change = { type: 'task.deadline.change' as const, at, deadline: moved.to, reason };
        const r = core.stepTask(amended, change);
        if (r.handled) {
          writes.push({ ...taskWrite(pk, next, amended, r, change, actor, []), fields });
          continue;
        }
      }
      const entry = historyEntry(
        { type: 'plan.amend', at, reason, rev } as { type: string; at: number },
        actor,
        null,
        null,
        [],
        'plan.amended',
      );
      writes.push({
        kind: 'task',
        id: task.def.id,
        key: pk.task(task.def.id),
        before: task,
        snap: task.snap,
        timers: task.timers,
        ix: taskIndexes(next, tdef, task.snap),
        history: entry,
        fields,
      });
    }

    // New tasks: written and issued in the same commit.
    const withParts = diff.tasksAdded.map((id) => byId.get(id)!).filter((t) => parentKind(next, t) !== null);
    if (withParts.length > 0) {
      const parts = publishWrites(core, next, rev, at, actor, batch, withParts);
      writes.push(...parts.writes.map((w) => ({ ...w, fields: { ...w.fields, rev, polrev: rev } })));
      notices.push(...parts.notices);
    }
    for (const id of diff.tasksAdded) {
      const tdef = byId.get(id)!;
      const snap = initialTaskSnapshot(next, tdef, at);
      // A container is not issued: nobody holds it (children.ts).
      const r = takesFanOut(next, tdef, { type: 'task.activate' })
        ? stepTask(snap, { type: 'task.activate', at }, {}, core.newToken)
        : { snapshot: snap, timers: {} };
      const ix = taskIndexes(next, tdef, r.snapshot);
      batch.expectVersion(pk.task(id), 0);
      batch.hset(pk.task(id), {
        ...entityFields('task', { ver: 1, cas: newStamp(), snap: r.snapshot, timers: r.timers, ix }),
        def: storedTaskDefinition(next, tdef),
        rev,
        polrev: rev,
      });
      batch.zadd(
        pk.tasks,
        next.tasks.findIndex((t) => t.id === id),
        id,
      );
      for (const name of ix) batch.sadd(pk.index(name), id);
      for (const t of Object.values(indexedTimer(r.timers))) batch.zadd(pk.timers, t.at, `${id}|${t.tok}`);
      batch.history(trailOf(pk, id), JSON.stringify(historyEntry({ type: 'task.activate', at }, actor, null, null, [], 'task.activate')));
    }

    // A closed task is nobody's to inherit: its record keeps the holders it had.
    const closed = new Set(tasks.filter((t) => isFinished(taskState(t.snap).work)).map((t) => t.def.id));
    notices.push(...amendmentNotices(next, diff, at, reason, closed), ...ownNotices);
    return { batch, writes, notices } satisfies Change;
  });
  // Who is in the plan may have changed (people added, a personnel change): plan-index.ts.
  if (!options.dryRun) await afterPlanCommit(core, await core.defs.current(planId));
  return { ...outcome, diff: diffOut! };
}

/** Who is told of an amendment: the new holders (what they inherit), and the chains of tasks added or moved. */
function amendmentNotices(plan: PlanDefinition, diff: PlanDiff, at: number, reason: string, closed: ReadonlySet<string>): NoticeFacts[] {
  const stamp = at.toString(36);
  const out: NoticeFacts[] = [];
  const base = {
    planId: plan.id,
    rung: null,
    action: null,
    deadline: null,
    rectificationDeadline: null,
    createdAt: at,
    phase: null,
  } as const;
  // A task or a part: parts are handed over with their parent and their unit's head.
  const task = (id: string): TaskDefinition => taskDefinitionOf(plan, id)!;
  const inherited = new Map<string, string[]>();
  for (const h of diff.handovers) {
    if (closed.has(h.task)) continue;
    const t = task(h.task);
    const people = h.role === 'leadDepartment' ? resolveRecipients(plan, t, ['departmentHead']).map((r) => r.id) : [h.to];
    for (const p of people) inherited.set(p, [...(inherited.get(p) ?? []), h.task]);
  }
  for (const [person, tasks] of inherited) {
    out.push({
      ...base,
      id: `plan.amend.${stamp}.h.${person}`,
      taskId: null,
      kind: 'handover',
      recipients: [{ id: person, roles: [] }],
      tasks: [...new Set(tasks)],
      reason,
    });
  }
  for (const id of [...diff.tasksAdded, ...diff.deadlines.map((d) => d.task)]) {
    const t = task(id);
    out.push({
      ...base,
      id: `plan.amend.${stamp}.t.${id}`,
      taskId: id,
      kind: 'amended',
      deadline: taskDeadline(plan, t),
      recipients: resolveRecipients(plan, t, ['responsiblePerson', 'departmentHead', 'responsibleLeader']).map(({ id: rid, roles }) => ({
        id: rid,
        roles,
      })),
      reason,
    });
  }
  return out;
}
