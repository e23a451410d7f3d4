/**
 * Runs a plan on a virtual clock, without Redis: the same machines, the same pure
 * step, the same policy and notice code as the engine — only the clock and the
 * storage differ. The engine's integration tests use it as their oracle.
 */
import type { PlanEvent, TaskEvent } from '../../machines/index.js';
import type { TaskCommandInput } from '../domain/commands.schema.js';
import { buildPhaseNotice, buildTaskNotice, type Notice } from '../domain/notices.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { resolvePlanDate } from '../domain/time.js';
import { initialPlanSnapshot, initialTaskSnapshot, planStage, taskDeadline, taskState } from '../engine/entity.js';
import { stepPlan, stepTask, timerName, type PlanSnapshot, type TimerEvent, type Timers } from '../engine/step.js';
import { plainDeadline, taskFanOut, toTaskEvent } from '../engine/task-events.js';
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

interface Entity<S> {
  snap: S;
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
  let plan: Entity<PlanSnapshot> = { snap: initialPlanSnapshot(def, publishAt), timers: {} };
  const tasks = new Map(def.tasks.map((t) => [t.id, { def: t, snap: initialTaskSnapshot(def, t, publishAt), timers: {} as Timers }]));
  const timeline: TimelineEntry[] = [];
  const eventName = (type: string) => (type.startsWith('xstate.after.') ? `timer.${timerName(type)}` : type);

  /** One task's step, as the engine's applyToTask: true when the task took the event. */
  const applyTask = (taskId: string, event: TaskEvent | TimerEvent): boolean => {
    const t = tasks.get(taskId)!;
    const r = stepTask(t.snap, event, t.timers, newToken);
    if (!r.handled) return false;
    const notices = r.emitted.map((em) => buildTaskNotice(def, t.def, r.snapshot.context, em.params, event.at));
    timeline.push({ at: event.at, entity: taskId, event: eventName(event.type), from: taskState(t.snap), to: taskState(r.snapshot), notices });
    t.snap = r.snapshot;
    t.timers = r.timers;
    return true;
  };

  /** The plan's step and its fan-out to the tasks, as the engine's applyToPlan. */
  const applyPlan = (event: PlanEvent | TimerEvent): void => {
    const r = stepPlan(plan.snap, event, plan.timers, newToken);
    if (!r.handled) return;
    const fanOut = taskFanOut(r.emitted, event.at);
    const entry: TimelineEntry = { at: event.at, entity: PLAN_ENTITY, event: eventName(event.type), from: planStage(plan.snap), to: planStage(r.snapshot), notices: [] };
    timeline.push(entry);
    plan = { snap: r.snapshot, timers: r.timers };
    const reached = fanOut ? def.tasks.filter((t) => applyTask(t.id, fanOut)).map((t) => t.id) : [];
    const unfinished = fanOut?.type === 'task.close' ? reached : [];
    for (const em of r.emitted) if (em.type === 'phaseChanged') entry.notices.push(buildPhaseNotice(def, em.params, event.at, unfinished));
  };

  applyPlan({ type: 'plan.publish', at: publishAt });
  const pending = [...(options.actions ?? [])].sort((a, b) => a.at - b.at);
  for (let guard = 0; guard < 1_000_000; guard++) {
    // The next thing to happen: the earliest pending timer or scheduled action.
    let next: { at: number; entity: string; type: TimerEvent['type'] } | null = null;
    const consider = (entity: string, timers: Timers) => {
      for (const [id, t] of Object.entries(timers)) if (!next || t.at < next.at) next = { at: t.at, entity, type: id as TimerEvent['type'] };
    };
    consider(PLAN_ENTITY, plan.timers);
    for (const [id, t] of tasks) consider(id, t.timers);
    const action = pending[0];
    const due = next as { at: number; entity: string; type: TimerEvent['type'] } | null;
    if (action && (!due || action.at <= due.at)) {
      if (action.at > until) break;
      pending.shift();
      if (tasks.has(action.task)) applyTask(action.task, toTaskEvent(action.command, action.at, plainDeadline(def, action.at)));
      continue;
    }
    if (!due || due.at > until) break;
    if (due.entity === PLAN_ENTITY) applyPlan({ type: due.type, at: due.at });
    else applyTask(due.entity, { type: due.type, at: due.at });
  }
  return timeline;
}
