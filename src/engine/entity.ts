/**
 * Entities as stored: a plan or a task is a Redis hash holding its persisted
 * snapshot, the machine version that wrote it, a version number for
 * compare-and-set, its pending timers and the indexes it is filed under.
 */
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import {
  planMachine,
  PLAN_MACHINE_VERSION,
  taskMachine,
  TASK_MACHINE_VERSION,
  type PlanContext,
  type PlanStage,
  type TaskContext,
} from '../../machines/index.js';
import type { PlanDefinition, TaskDefinition } from '../domain/plan.schema.js';
import { resolvePlanDate } from '../domain/time.js';
import { persist, restore, type Timers } from './step.js';

export interface StoredEntity {
  ver: number;
  mv: number;
  snap: AnyMachineSnapshot;
  timers: Timers;
  ix: string[];
}

export interface StoredTask extends StoredEntity {
  def: TaskDefinition;
  /** Revision of the plan definition this task was built from. */
  rev: number;
}

export interface StoredPlan extends StoredEntity {
  rev: number;
  created: number;
}

export type Supervision = 'idle' | 'onTrack' | 'dueSoon' | 'overdue' | 'closed';
export type Work = 'draft' | 'assigned' | 'acknowledged' | 'inProgress' | 'submitted' | 'underReview' | 'rectification' | 'accepted';

/** A task's work state read as the plan's phases, for leaders who think in phases. */
export const WORK_STAGE: Record<Work, PlanStage> = {
  draft: 'draft',
  assigned: 'launch',
  acknowledged: 'promotion',
  inProgress: 'implementation',
  rectification: 'implementation',
  submitted: 'evaluation',
  underReview: 'evaluation',
  accepted: 'closed',
};

export function taskState(snap: AnyMachineSnapshot): { work: Work; supervision: Supervision; rung: number } {
  const value = snap.value as { work: Work; supervision: string | Record<string, string> };
  const sup = value.supervision;
  let supervision: Supervision;
  if (typeof sup === 'string') supervision = sup as Supervision;
  else if ('watching' in sup) supervision = sup.watching as Supervision;
  else supervision = 'overdue';
  return { work: value.work, supervision, rung: (snap.context as TaskContext).rung };
}

export function planStage(snap: AnyMachineSnapshot): PlanStage {
  return snap.value as PlanStage;
}

/** Index sets a task belongs to: what the filters of the task list read. */
export function taskIndexes(plan: PlanDefinition, def: TaskDefinition, snap: AnyMachineSnapshot): string[] {
  const { work, supervision, rung } = taskState(snap);
  const head = plan.units.find((u) => u.id === def.leadDepartment)?.head;
  const people = new Set([def.responsiblePerson, def.responsibleLeader, ...(head ? [head] : [])]);
  return [
    'all',
    `w:${work}`,
    `s:${supervision}`,
    // The rung a task reached stays in its context after acceptance; only an open ladder is indexed.
    ...(supervision === 'overdue' ? [`r:${rung}`] : []),
    ...(work !== 'accepted' ? ['open'] : []),
    `d:${def.leadDepartment}`,
    ...[...people].map((p) => `p:${p}`),
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

export function initialPlanSnapshot(plan: PlanDefinition, at: number): AnyMachineSnapshot {
  return initialTransition(planMachine, { at, boundaries: planBoundaries(plan) })[0] as AnyMachineSnapshot;
}

export function initialTaskSnapshot(plan: PlanDefinition, def: TaskDefinition, at: number): AnyMachineSnapshot {
  const input = { at, taskId: def.id, zone: plan.timeZone, calendar: plan.calendar, deadline: taskDeadline(plan, def), policy: plan.escalation };
  return initialTransition(taskMachine, input)[0] as AnyMachineSnapshot;
}

/** Hash fields to write for an entity's new state. */
/**
 * Hash fields to write for an entity's new state. A task's escalation policy is left
 * out of its stored snapshot: it is the policy of the published plan revision the
 * task belongs to, which never changes, and is put back on load (see parseTask).
 */
export function entityFields(kind: 'plan' | 'task', e: Omit<StoredEntity, 'mv'>): Record<string, string | number> {
  const machine = kind === 'plan' ? planMachine : taskMachine;
  const persisted = persist(machine, e.snap) as { context: Record<string, unknown> };
  const stored = kind === 'task' ? { ...persisted, context: { ...persisted.context, policy: undefined } } : persisted;
  return {
    ver: e.ver,
    mv: kind === 'plan' ? PLAN_MACHINE_VERSION : TASK_MACHINE_VERSION,
    snap: JSON.stringify(stored),
    timers: JSON.stringify(e.timers),
    ix: JSON.stringify(e.ix),
  };
}

function checkMachineVersion(kind: string, stored: number, current: number): void {
  // Version 1 is the only one so far; a future version migrates older snapshots here.
  if (stored !== current) throw new Error(`${kind} snapshot written by machine v${stored}; this build runs v${current} and has no migration`);
}

function parseEntity(kind: 'plan' | 'task', h: Record<string, string>, context: Record<string, unknown> = {}): StoredEntity {
  const machine = kind === 'plan' ? planMachine : taskMachine;
  const mv = Number(h.mv);
  checkMachineVersion(kind, mv, kind === 'plan' ? PLAN_MACHINE_VERSION : TASK_MACHINE_VERSION);
  const persisted = JSON.parse(h.snap!) as { context: Record<string, unknown> };
  Object.assign(persisted.context, context);
  return {
    ver: Number(h.ver),
    mv,
    snap: restore(machine, persisted),
    timers: JSON.parse(h.timers ?? '{}') as Timers,
    ix: JSON.parse(h.ix ?? '[]') as string[],
  };
}

/** A stored task, its policy put back from the definition of its plan revision. */
export function parseTask(h: Record<string, string>, plan: PlanDefinition): StoredTask {
  return { ...parseEntity('task', h, { policy: plan.escalation }), def: JSON.parse(h.def!) as TaskDefinition, rev: Number(h.rev) };
}

export function parsePlan(h: Record<string, string>): StoredPlan {
  return { ...parseEntity('plan', h), rev: Number(h.rev), created: Number(h.created) };
}
