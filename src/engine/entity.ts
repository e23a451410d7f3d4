/**
 * Entities as stored: a plan or a task is a Redis hash holding its persisted
 * snapshot, the machine version that wrote it, a version number for
 * compare-and-set, its pending timers and the indexes it is filed under.
 */
import type { AnyMachineSnapshot } from 'xstate';
import {
  planMachine,
  PLAN_MACHINE_VERSION,
  taskMachine,
  TASK_MACHINE_VERSION,
  type PlanContext,
  type PlanStage,
} from '../../machines/index.js';
import { definitionIndex } from '../domain/children.js';
import type { PlanDefinition, TaskDefinition } from '../domain/plan.schema.js';
import { policyWithDefaults } from '../domain/policy.js';
import { resolvePlanDate } from '../domain/time.js';
import { INDEX } from '../store/index-names.js';
import { migrate, type PersistedSnapshot } from './migrations.js';
import { persist, pureInitial, restore, type PlanSnapshot, type TaskSnapshot, type Timers } from './step.js';
import { packSnapshot, packTimers, unpackSnapshot, unpackTimers } from './stored-form.js';

export interface StoredEntity<S = AnyMachineSnapshot> {
  /** Commit counter, for people and for ordering; shown in answers. */
  ver: number;
  /**
   * Stamp of the commit that wrote this state: random, new on every commit. The
   * compare-and-set checks it with `ver`, so a state that Redis lost and rewrote with
   * the same `ver` (AOF everysec, a failover) never passes for the one read earlier.
   */
  cas: string;
  mv: number;
  snap: S;
  timers: Timers;
  /**
   * What the plan's timer index holds for this entity, as stored before any
   * migration, so the next commit removes exactly those a migration dropped: its
   * earliest timer (task v6, plan v4 on), or every timer (earlier builds).
   */
  indexedTimers: Timers;
  ix: string[];
}

export interface StoredTask extends StoredEntity<TaskSnapshot> {
  def: TaskDefinition;
  /** Revision of the plan definition this task belongs to now. */
  rev: number;
  /** Revision whose escalation policy the task runs (the one it was activated under). */
  polrev: number;
}

export interface StoredPlan extends StoredEntity<PlanSnapshot> {
  rev: number;
  created: number;
}

export type Supervision = 'idle' | 'onTrack' | 'dueSoon' | 'overdue' | 'withReviewer' | 'suspended' | 'closed';
export type Work =
  | 'draft'
  | 'assigned'
  | 'acknowledged'
  | 'inProgress'
  | 'delivered'
  | 'submitted'
  | 'underReview'
  | 'rectification'
  | 'accepted'
  | 'unfinished'
  | 'cancelled';

/** The phase of its own a task is in: its work region's parent state (draft, launch … evaluation, or closed once over). */
export type TaskStage = 'draft' | 'launch' | 'promotion' | 'implementation' | 'evaluation' | 'closed';

export interface TaskStateView {
  work: Work;
  stage: TaskStage;
  supervision: Supervision;
  rung: number;
  /** Steps past the review deadline while the reviewer holds the task. */
  reviewRung: number;
  acknowledgement: 'idle' | 'waiting' | 'reminded' | 'chased' | 'paused' | 'pausedReminded' | 'done';
  extension: 'idle' | 'pending' | 'closed';
}

export function taskState(snap: TaskSnapshot): TaskStateView {
  const value = snap.value as {
    work: string | Record<string, string>;
    supervision: string | Record<string, string>;
    acknowledgement?: string;
    extension?: string;
  };
  let work: Work;
  let stage: TaskStage;
  if (typeof value.work === 'string') {
    work = value.work as Work;
    stage = work === 'draft' ? 'draft' : 'closed';
  } else {
    const [parent, leaf] = Object.entries(value.work)[0]!;
    work = leaf as Work;
    stage = parent as TaskStage;
  }
  const sup = value.supervision;
  let supervision: Supervision;
  if (typeof sup === 'string') supervision = sup as Supervision;
  else if ('watching' in sup) supervision = sup.watching as Supervision;
  else if ('review' in sup) supervision = 'withReviewer';
  else supervision = 'overdue';
  return {
    work,
    stage,
    supervision,
    rung: snap.context.rung,
    reviewRung: snap.context.reviewRung,
    acknowledgement: (value.acknowledgement ?? 'done') as TaskStateView['acknowledgement'],
    extension: (value.extension ?? 'idle') as TaskStateView['extension'],
  };
}

/** Work that is over: accepted, or left unfinished when the plan closed. */
export function isFinished(work: Work): boolean {
  return work === 'accepted' || work === 'unfinished' || work === 'cancelled';
}

export function planStage(snap: PlanSnapshot): PlanStage {
  return snap.value;
}

/** Index sets a task belongs to: what the filters of the task list read. */
export function taskIndexes(plan: PlanDefinition, def: TaskDefinition, snap: TaskSnapshot): string[] {
  const { work, supervision, rung } = taskState(snap);
  const head = plan.units.find((u) => u.id === def.leadDepartment)?.head;
  const people = new Set([def.responsiblePerson, def.responsibleLeader, ...(head ? [head] : [])]);
  return [
    INDEX.work(work),
    INDEX.supervision(supervision),
    // The rung a task reached stays in its context after acceptance; only an open ladder is indexed.
    ...(supervision === 'overdue' ? [INDEX.rung(rung)] : []),
    ...(isFinished(work) ? [] : [INDEX.open]),
    INDEX.department(def.leadDepartment),
    ...[...people].map((p) => INDEX.person(p)),
  ];
}

export function planBoundaries(plan: PlanDefinition): PlanContext['boundaries'] {
  const zone = plan.timeZone;
  const start = (i: number) => resolvePlanDate(plan.phases[i]!.start, zone, 'start')!;
  return {
    promotion: start(1),
    implementation: start(2),
    evaluation: start(3),
    closed: resolvePlanDate(plan.phases[3]!.end, zone, 'end')!,
  };
}

export function taskDeadline(plan: PlanDefinition, def: TaskDefinition): number {
  return resolvePlanDate(def.deadline, plan.timeZone, 'end')!;
}

export function initialPlanSnapshot(plan: PlanDefinition, at: number): PlanSnapshot {
  const approvals = Object.fromEntries(plan.phases.filter((p) => p.requiresApproval).map((p) => [p.key, true]));
  return pureInitial(planMachine, { at, boundaries: planBoundaries(plan), approvals })[0] as PlanSnapshot;
}

export function initialTaskSnapshot(plan: PlanDefinition, def: TaskDefinition, at: number): TaskSnapshot {
  const input = {
    at,
    taskId: def.id,
    zone: plan.timeZone,
    calendar: plan.calendar,
    deadline: taskDeadline(plan, def),
    policy: policyWithDefaults(plan.escalation),
  };
  return pureInitial(taskMachine, input)[0] as TaskSnapshot;
}

/**
 * Hash fields to write for an entity's new state, in the compact stored form
 * (src/engine/stored-form.ts). A task's escalation policy is left out of its stored snapshot: it is the policy of the published plan revision the
 * task belongs to, which never changes, and is put back on load (see parseTask).
 */
export function entityFields(
  kind: 'plan' | 'task',
  e: Pick<StoredEntity, 'ver' | 'cas' | 'snap' | 'timers' | 'ix'>,
): Record<string, string | number> {
  const machine = kind === 'plan' ? planMachine : taskMachine;
  const mv = kind === 'plan' ? PLAN_MACHINE_VERSION : TASK_MACHINE_VERSION;
  const persisted = persist(machine, e.snap) as PersistedSnapshot;
  const stored = kind === 'task' ? { ...persisted, context: { ...persisted.context, policy: undefined } } : persisted;
  return {
    ver: e.ver,
    cas: e.cas,
    mv,
    snap: packSnapshot(kind, mv, stored),
    timers: packTimers(e.timers),
    ix: JSON.stringify(e.ix),
  };
}

/**
 * The machine version from which an entity's timers have one entry in the plan's
 * timer index, its earliest (indexedTimer); before it, every timer had one.
 */
export const ONE_INDEXED_TIMER = { task: 6, plan: 4 } as const;

/**
 * The timer the plan's timer index holds for an entity: its earliest (ties go to the
 * lower timer id). A wake-up fires a task's earliest timer first anyway, and the
 * commit that fires it indexes the next, so one entry per entity is enough; a second
 * costs a sorted-set entry (about 120 bytes) for every open task.
 */
export function indexedTimer(timers: Timers): Timers {
  let best: string | undefined;
  for (const id in timers) {
    if (best === undefined) best = id;
    else {
      const t = timers[id]!.at;
      const b = timers[best]!.at;
      if (t < b || (t === b && id < best)) best = id;
    }
  }
  return best === undefined ? {} : { [best]: timers[best]! };
}

function parseEntity(kind: 'plan' | 'task', h: Record<string, string>, context: Record<string, unknown> = {}): StoredEntity {
  const machine = kind === 'plan' ? planMachine : taskMachine;
  const mv = Number(h.mv);
  const stored = unpackTimers(h.timers);
  const indexedTimers = mv >= ONE_INDEXED_TIMER[kind] ? indexedTimer(stored) : stored;
  const { snap, timers } = migrate(kind, mv, { snap: unpackSnapshot(kind, mv, h.snap!), timers: stored });
  Object.assign(snap.context, context);
  return {
    ver: Number(h.ver),
    cas: h.cas ?? '',
    mv,
    snap: restore(machine, snap),
    timers,
    indexedTimers,
    ix: JSON.parse(h.ix ?? '[]') as string[],
  };
}

/**
 * A stored task, migrated to this build's machine, its policy put back from the
 * definition of the revision whose policy it runs (`polrev`: an amendment that
 * changes the policy leaves running tasks on the old one unless it migrates them).
 */
export function parseTask(h: Record<string, string>, policyDef: PlanDefinition, revDef: PlanDefinition = policyDef): StoredTask {
  const e = parseEntity('task', h, { policy: policyWithDefaults(policyDef.escalation) });
  const snap = e.snap as TaskSnapshot;
  return {
    ...e,
    snap,
    def: h.def ? (JSON.parse(h.def) as TaskDefinition) : definitionFromPlan(revDef, snap.context.taskId, h.rev),
    rev: Number(h.rev),
    polrev: h.polrev ? Number(h.polrev) : Number(h.rev),
  };
}

/**
 * The `def` field stored with a task: empty when its plan's definition of the same
 * revision makes exactly this task (a task of the plan, or a part derived from one), so
 * a million tasks do not each carry a copy of what the plan's hash holds once; the JSON
 * otherwise (a part the plan no longer makes keeps its own). Every change of a plan's
 * definition rewrites every task's revision and `def` in the same commit (amend.ts).
 */
export function storedTaskDefinition(plan: PlanDefinition, def: TaskDefinition): string {
  const json = JSON.stringify(def);
  const derived = definitionIndex(plan).get(def.id);
  return derived !== undefined && (derived === def || JSON.stringify(derived) === json) ? '' : json;
}

function definitionFromPlan(plan: PlanDefinition, taskId: string, rev: string | undefined): TaskDefinition {
  const def = definitionIndex(plan).get(taskId);
  if (!def) throw new Error(`task ${taskId} was stored without its definition, and revision ${String(rev)} of plan ${plan.id} has none`);
  return def;
}

export function parsePlan(h: Record<string, string>): StoredPlan {
  const e = parseEntity('plan', h);
  return { ...e, snap: e.snap as PlanSnapshot, rev: Number(h.rev), created: Number(h.created) };
}
