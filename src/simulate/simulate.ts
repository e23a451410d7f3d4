/**
 * Runs a plan on a virtual clock, without Redis: the same machines, the same pure
 * step, the same policy and notice code as the engine — only the clock and the
 * storage differ. The engine's integration tests use it as their oracle.
 */
import { issueTime, type PlanEvent, type TaskEvent } from '../../machines/index.js';
import type { TaskCommandInput } from '../domain/commands.schema.js';
import { buildPhaseNotice, buildTaskNotice, type Notice } from '../domain/notices.js';
import type { PlanDefinition, TaskDefinition } from '../domain/plan.schema.js';
import { resolvePlanDate } from '../domain/time.js';
import { isPart, parentKind, partsDone } from '../domain/children.js';
import { partsAtPublish, takesFanOut } from '../engine/children.js';
import { initialPlanSnapshot, initialTaskSnapshot, isFinished, planStage, taskDeadline, taskState } from '../engine/entity.js';
import { stepPlan, stepTask, timerName, type PlanSnapshot, type TaskSnapshot, type TimerEvent, type Timers } from '../engine/step.js';
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
  /** Duban is down over [from, to): timers due meanwhile run at `to`, late, as after a real outage. */
  outage?: { from: number; to: number };
}

interface Entity<S> {
  snap: S;
  timers: Timers;
}

/** How late each task is finished: days after its deadline, or never. Tasks not named finish on time. */
export type Lateness = Record<string, number | 'never'>;

/**
 * What people do, per task id (`*` for every task not named): how many days after
 * its deadline a task is submitted (or never), how many days its reviewer takes (or
 * never), how many days' extension it asks for a week before its deadline (approved),
 * and whether its first submission is returned (with that many days to rectify).
 */
export interface Scenario {
  /** Days after issue a task is signed for (default: an hour after), or never. */
  ack?: Record<string, number | 'never'>;
  late?: Lateness;
  review?: Record<string, number | 'never'>;
  extend?: Record<string, number>;
  returns?: Record<string, number>;
}

const DAY = 86_400_000;
/** The pseudo timer of a draft part's issue time. */
const ISSUE = 'xstate.after.issue' as const;

/**
 * Turns a scenario into actions, as the API would receive them: a task on time is
 * submitted an hour before its deadline; a late one that many days after it; its
 * reviewer accepts a minute later unless told otherwise.
 */
export function actionsFor(def: PlanDefinition, scenario: Scenario | Lateness = {}, issuedAt?: number): ScheduledAction[] {
  const keys = ['ack', 'late', 'review', 'extend', 'returns'];
  const sc: Scenario = Object.keys(scenario).some((k) => keys.includes(k)) ? scenario : { late: scenario as Lateness };
  const published = issuedAt ?? resolvePlanDate(def.phases[0]!.start, def.timeZone, 'start')!;
  const actions: ScheduledAction[] = [];
  const evidence = ['https://example.org/evidence'];
  // Whoever holds work does it: every task but a container, and every part (a part not named follows its parent's scenario).
  const work: { t: TaskDefinition; issued: number; key: string }[] = [];
  for (const t of def.tasks) {
    if (parentKind(def, t) !== 'container') work.push({ t, issued: published, key: t.id });
    for (const { part } of partsAtPublish(def, published)) {
      if (part.parent !== t.id) continue;
      const named = [sc.ack, sc.late, sc.review, sc.extend, sc.returns].some((table) => table?.[part.id] !== undefined);
      work.push({ t: part, issued: Math.max(published, part.issueAt), key: named ? part.id : t.id });
    }
  }
  for (const { t, issued, key } of work) {
    const pick = <T>(table: Record<string, T> | undefined, _id: string): T | undefined => table?.[t.id] ?? table?.[key] ?? table?.['*'];
    const worker = t.responsiblePerson;
    const reviewer = t.responsibleLeader;
    let deadline = taskDeadline(def, t);
    const ack = pick(sc.ack, t.id) ?? 0;
    if (ack !== 'never')
      actions.push({ at: issued + 3_600_000 + ack * DAY, task: t.id, by: worker, command: { type: 'task.acknowledge' } });
    const extend = pick(sc.extend, t.id);
    if (extend !== undefined && extend > 0) {
      const asked = deadline - 7 * DAY;
      const to = new Date(deadline + extend * DAY).toISOString();
      actions.push({
        at: asked,
        task: t.id,
        by: worker,
        command: { type: 'task.extension.request', deadline: to, reason: '需要更多时间' },
      });
      actions.push({ at: asked + 3_600_000, task: t.id, by: reviewer, command: { type: 'task.extension.approve', note: '' } });
      deadline += extend * DAY;
    }
    const lateness = pick(sc.late, t.id) ?? 0;
    if (lateness === 'never') continue;
    let at = lateness === 0 ? deadline - 3_600_000 : deadline + lateness * DAY;
    const rectify = pick(sc.returns, t.id);
    if (rectify !== undefined) {
      actions.push({ at, task: t.id, by: worker, command: { type: 'task.submit', evidence, note: '' } });
      const back = at + 3_600_000;
      actions.push({
        at: back,
        task: t.id,
        by: reviewer,
        command: { type: 'task.return', reason: '材料不全', deadline: new Date(back + rectify * DAY).toISOString() },
      });
      at = back + rectify * DAY - 3_600_000;
    }
    actions.push({ at, task: t.id, by: worker, command: { type: 'task.submit', evidence, note: '' } });
    const review = pick(sc.review, t.id) ?? 0;
    if (review === 'never') continue;
    actions.push({ at: at + 60_000 + review * DAY, task: t.id, by: reviewer, command: { type: 'task.accept', note: '' } });
  }
  return actions;
}

export function simulate(def: PlanDefinition, options: SimulateOptions = {}): TimelineEntry[] {
  const publishAt = options.publishAt ?? resolvePlanDate(def.phases[0]!.start, def.timeZone, 'start')!;
  const until = options.until ?? Number.POSITIVE_INFINITY;
  let tokens = 0;
  const newToken = () => `s${(++tokens).toString(36)}`;
  let plan: Entity<PlanSnapshot> = { snap: initialPlanSnapshot(def, publishAt), timers: {} };
  const tasks = new Map<string, { def: TaskDefinition; snap: TaskSnapshot; timers: Timers }>(
    def.tasks.map((t) => [t.id, { def: t, snap: initialTaskSnapshot(def, t, publishAt), timers: {} }]),
  );
  const timeline: TimelineEntry[] = [];
  const eventName = (type: string) => (type.startsWith('xstate.after.') ? `timer.${timerName(type)}` : type);

  /** One task's step, as the engine's applyToTask: true when the task took the event. */
  const applyTask = (taskId: string, event: TaskEvent | TimerEvent): boolean => {
    const t = tasks.get(taskId)!;
    const r = stepTask(t.snap, event, t.timers, newToken);
    if (!r.handled) return false;
    const notices = r.emitted.map((em) => buildTaskNotice(def, t.def, r.snapshot.context, em.params, issueTime(event)));
    timeline.push({
      at: issueTime(event),
      entity: taskId,
      event: eventName(event.type),
      from: taskState(t.snap),
      to: taskState(r.snapshot),
      notices,
    });
    t.snap = r.snapshot;
    t.timers = r.timers;
    completeParent(t.def, issueTime(event));
    return true;
  };

  /** A container is accepted with its last part, as the engine's withParent (children.ts). */
  const completeParent = (part: TaskDefinition, at: number): void => {
    if (!isPart(part) || !isFinished(taskState(tasks.get(part.id)!.snap).work)) return;
    const parent = tasks.get(part.parent);
    if (!parent || parentKind(def, parent.def) !== 'container' || isFinished(taskState(parent.snap).work)) return;
    const works = [...tasks.values()].filter((x) => isPart(x.def) && x.def.parent === part.parent).map((x) => taskState(x.snap).work);
    if (partsDone(works)) applyTask(part.parent, { type: 'task.complete', at });
  };

  /** Publication's parts, as the engine's publishWrites (children.ts). */
  const createParts = (at: number): void => {
    for (const { part, issue } of partsAtPublish(def, at)) {
      const draft = initialTaskSnapshot(def, part, at);
      tasks.set(part.id, { def: part, snap: draft, timers: {} });
      if (issue) applyTask(part.id, { type: 'task.activate', at });
      else timeline.push({ at, entity: part.id, event: 'task.created', from: null, to: taskState(draft), notices: [] });
    }
  };

  /** The plan's step and its fan-out to the tasks, as the engine's applyToPlan. */
  const applyPlan = (event: PlanEvent | TimerEvent): void => {
    const r = stepPlan(plan.snap, event, plan.timers, newToken);
    if (!r.handled) return;
    const fanOut = taskFanOut(r.emitted, event);
    const entry: TimelineEntry = {
      at: issueTime(event),
      entity: PLAN_ENTITY,
      event: eventName(event.type),
      from: planStage(plan.snap),
      to: planStage(r.snapshot),
      notices: [],
    };
    timeline.push(entry);
    plan = { snap: r.snapshot, timers: r.timers };
    const reached = fanOut
      ? [...tasks.keys()].sort().filter((id) => takesFanOut(def, tasks.get(id)!.def, fanOut) && applyTask(id, fanOut))
      : [];
    if (fanOut?.type === 'task.activate') createParts(fanOut.at);
    const unfinished = fanOut?.type === 'task.close' ? reached : [];
    for (const em of r.emitted)
      if (em.type === 'phaseChanged') entry.notices.push(buildPhaseNotice(def, em.params, issueTime(event), unfinished));
  };

  applyPlan({ type: 'plan.publish', at: publishAt });
  const pending = [...(options.actions ?? [])].sort((a, b) => a.at - b.at);
  for (let guard = 0; guard < 1_000_000; guard++) {
    // The next thing to happen: the earliest pending timer or scheduled action.
    let next: { at: number; entity: string; type: TimerEvent['type'] } | null = null;
    const consider = (entity: string, timers: Timers) => {
      for (const [id, t] of Object.entries(timers))
        if (!next || t.at < next.at) next = { at: t.at, entity, type: id as TimerEvent['type'] };
    };
    consider(PLAN_ENTITY, plan.timers);
    for (const [id, t] of tasks) consider(id, t.timers);
    // A draft part is issued at its time while the plan runs (the engine's sweep, children.ts).
    const running = planStage(plan.snap) !== 'closed' && plan.snap.context.suspension === null;
    for (const [id, t] of tasks) {
      if (running && isPart(t.def) && taskState(t.snap).work === 'draft' && (!next || t.def.issueAt < next.at))
        next = { at: t.def.issueAt, entity: id, type: ISSUE };
    }
    const action = pending[0];
    const due = next;
    if (action && (!due || action.at <= due.at)) {
      if (action.at > until) break;
      pending.shift();
      if (tasks.has(action.task)) applyTask(action.task, toTaskEvent(action.command, action.at, plainDeadline(def, action.at)));
      continue;
    }
    if (!due || due.at > until) break;
    const out = options.outage;
    const firedAt = out && due.at >= out.from && due.at < out.to ? out.to : due.at;
    if (due.type === ISSUE) applyTask(due.entity, { type: 'task.activate', at: firedAt });
    else if (due.entity === PLAN_ENTITY) applyPlan({ type: due.type, at: due.at, firedAt });
    else applyTask(due.entity, { type: due.type, at: due.at, firedAt });
  }
  return timeline;
}
