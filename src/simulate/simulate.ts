/**
 * Runs a plan on a virtual clock, without Redis: the same machines, the same pure
 * step, the same policy and notice code as the engine — only the clock and the
 * storage differ. The engine's integration tests use it as their oracle.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { planMachine, taskMachine, type PhaseChanged, type TaskContext, type TaskNotice } from '../../machines/index.js';
import type { TaskCommandInput } from '../domain/commands.schema.js';
import { buildPhaseNotice, buildTaskNotice, type Notice } from '../domain/notices.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { workingDaysFrom } from '../domain/offsets.js';
import { resolvePlanDate } from '../domain/time.js';
import { initialPlanSnapshot, initialTaskSnapshot, planStage, taskDeadline, taskState } from '../engine/entity.js';
import { step, timerName, type Timers } from '../engine/step.js';
import { PLAN_ENTITY } from '../store/keys.js';

/** A person's action at a time, as the API would receive it. */
export interface ScheduledAction {
  at: number;
  task: string;
  by?: string;
  command: TaskCommandInput;
}

export interface TimelineEntry {
  at: number;
  entity: string;
  event: string;
  from: unknown;
  to: unknown;
  notices: Notice[];
}

export interface SimulateOptions {
  /** When the office publishes the plan (default: the start of its launch phase). */
  publishAt?: number;
  /** Stop at this time (default: when nothing is left to happen). */
  until?: number;
  actions?: ScheduledAction[];
}

interface Entity {
  snap: AnyMachineSnapshot;
  timers: Timers;
}

/** How late each task is finished: days after its deadline, or never. Tasks not named finish on time. */
export type Lateness = Record<string, number | 'never'>;

/**
 * Turns a lateness assumption into actions: a task on time is submitted and
 * accepted an hour before its deadline; a late one that many days after it.
 * `*` stands for every task not named.
 */
export function actionsFor(def: PlanDefinition, late: Lateness = {}): ScheduledAction[] {
  const actions: ScheduledAction[] = [];
  for (const t of def.tasks) {
    const lateness = late[t.id] ?? late['*'] ?? 0;
    if (lateness === 'never') continue;
    const deadline = taskDeadline(def, t);
    const at = lateness === 0 ? deadline - 3_600_000 : deadline + lateness * 86_400_000;
    actions.push({ at, task: t.id, by: t.responsiblePerson, command: { type: 'task.submit', evidence: ['https://example.org/evidence'], note: '' } });
    actions.push({ at: at + 1, task: t.id, by: t.responsibleLeader, command: { type: 'task.accept', note: '' } });
  }
  return actions;
}

export function simulate(def: PlanDefinition, options: SimulateOptions = {}): TimelineEntry[] {
  const publishAt = options.publishAt ?? resolvePlanDate(def.phases[0]!.start, def.timeZone, 'start')!;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  let tokens = 0;
  const newToken = () => `s${(++tokens).toString(36)}`;
  const tasks = new Map(def.tasks.map((t) => [t.id, t]));
  const entities = new Map<string, Entity>();
  entities.set(PLAN_ENTITY, { snap: initialPlanSnapshot(def, publishAt), timers: {} });
  for (const t of def.tasks) entities.set(t.id, { snap: initialTaskSnapshot(def, t, publishAt), timers: {} });
  const timeline: TimelineEntry[] = [];

  const apply = (entity: string, event: { type: string; at: number } & Record<string, unknown>): void => {
    const e = entities.get(entity)!;
    const isPlan = entity === PLAN_ENTITY;
    const r = step(isPlan ? planMachine : taskMachine, e.snap, event, e.timers, newToken);
    if (!r.handled) return;
    const notices: Notice[] = [];
    for (const em of r.emitted) {
      if (em.type === 'phaseChanged') notices.push(buildPhaseNotice(def, em.params as PhaseChanged, event.at));
      if (em.type === 'notice') {
        notices.push(buildTaskNotice(def, tasks.get(entity)!, r.snapshot.context as TaskContext, em.params as TaskNotice, event.at));
      }
    }
    const { type, at, ...data } = event;
    timeline.push({
      at,
      entity,
      event: type.startsWith('xstate.after.') ? `timer.${timerName(type)}` : type,
      from: isPlan ? planStage(e.snap) : taskState(e.snap),
      to: isPlan ? planStage(r.snapshot) : taskState(r.snapshot),
      notices,
    });
    void data;
    entities.set(entity, { snap: r.snapshot, timers: r.timers });
    if (r.emitted.some((em) => em.type === 'activateTasks')) {
      for (const t of def.tasks) apply(t.id, { type: 'task.activate', at: event.at });
    }
  };

  apply(PLAN_ENTITY, { type: 'plan.publish', at: publishAt });
  const pending = [...(options.actions ?? [])].sort((a, b) => a.at - b.at);
  for (let guard = 0; guard < 1_000_000; guard++) {
    // The next thing to happen: the earliest pending timer or scheduled action.
    let next: { at: number; entity: string; type: string } | null = null;
    for (const [entity, e] of entities) {
      for (const [id, t] of Object.entries(e.timers)) if (!next || t.at < next.at) next = { at: t.at, entity, type: id };
    }
    const action = pending[0];
    if (action && (!next || action.at <= next.at)) {
      if (action.at > until) break;
      pending.shift();
      const command = { ...action.command } as Record<string, unknown>;
      if (typeof command.deadline === 'string') command.deadline = resolvePlanDate(command.deadline, def.timeZone, 'end');
      else if (command.deadline) command.deadline = workingDaysFrom(action.at, command.deadline as { workingDays: number }, def.timeZone, def.calendar);
      apply(action.task, { ...command, type: action.command.type, at: action.at });
      continue;
    }
    if (!next || next.at > until) break;
    apply(next.entity, { type: next.type, at: next.at });
  }
  return timeline;
}
