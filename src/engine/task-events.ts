/**
 * From what people send to what machines take. Each task command becomes the task
 * machine's event of the same type, its new deadline (a plan date or a count of
 * working days) resolved to epoch ms. The switch is exhaustive: a command added to
 * the schema and not mapped here does not compile.
 *
 * The plan's own effects on its tasks (publish activates them, closing ends the open
 * ones) are here too, so the engine and the simulator fan them out the same way.
 */
import type { TaskCommandEvent, TaskSystemEvent } from '../../machines/index.js';
import type { NewDeadlineInput, TaskCommandInput, TaskCommandType } from '../domain/commands.schema.js';
import { workingDaysFrom } from '../domain/offsets.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { resolvePlanDate } from '../domain/time.js';
import { InvalidInputError } from '../errors.js';
import type { PlanEmitted } from './step.js';

/**
 * A command of `type` as someone would plausibly send it at `at`, to ask the machine
 * whether it would take it now (guards included): what the workspace offers.
 */
export function probeEvent(type: TaskCommandType, deadline: number, at: number): TaskCommandEvent {
  const later = Math.max(deadline, at) + 86_400_000;
  switch (type) {
    case 'task.acknowledge':
    case 'task.review':
      return { type, at };
    case 'task.progress':
      return { type, at, percent: 50, note: '' };
    case 'task.submit':
      return { type, at, evidence: ['https://example.org/'], note: '' };
    case 'task.accept':
    case 'task.extension.approve':
    case 'task.extension.reject':
    case 'task.urge':
    case 'task.resume':
      return { type, at, note: '-' };
    case 'task.cancel':
    case 'task.suspend':
      return { type, at, reason: '-' };
    case 'task.return':
    case 'task.deadline.change':
    case 'task.extension.request':
      return { type, at, reason: '-', deadline: later };
  }
}

/** How a command's new deadline becomes epoch ms. */
export type DeadlineResolver = (deadline: NewDeadlineInput) => number;

export function toTaskEvent(command: TaskCommandInput, at: number, resolveDeadline: DeadlineResolver): TaskCommandEvent {
  switch (command.type) {
    case 'task.acknowledge':
    case 'task.progress':
    case 'task.submit':
    case 'task.review':
    case 'task.accept':
    case 'task.extension.approve':
    case 'task.extension.reject':
    case 'task.urge':
    case 'task.cancel':
    case 'task.suspend':
    case 'task.resume':
      return { ...command, at };
    case 'task.return':
    case 'task.deadline.change':
    case 'task.extension.request':
      return { ...command, deadline: resolveDeadline(command.deadline), at };
  }
}

/**
 * A new deadline as a person gives it, in epoch ms; it must lie in the future, or
 * nothing is changed. Working days count from now and end with the last working day.
 */
export function futureDeadline(def: PlanDefinition, now: number): DeadlineResolver {
  return (deadline) => {
    if (typeof deadline !== 'string') return workingDaysFrom(now, deadline, def.timeZone, def.calendar);
    const at = resolvePlanDate(deadline, def.timeZone, 'end');
    if (at === null) throw new InvalidInputError([{ path: 'deadline', message: `deadline: "${deadline}" is not a date` }]);
    if (at <= now) throw new InvalidInputError([{ path: 'deadline', message: `deadline: "${deadline}" is not in the future` }]);
    return at;
  };
}

/** A deadline as a scripted action gives it (the simulator): no check against a clock. */
export function plainDeadline(def: PlanDefinition, at: number): DeadlineResolver {
  return (deadline) =>
    typeof deadline === 'string'
      ? (resolvePlanDate(deadline, def.timeZone, 'end') ?? Number.NaN)
      : workingDaysFrom(at, deadline, def.timeZone, def.calendar);
}

/**
 * The event a plan's step sends to every one of its tasks, if any: publishing
 * activates them, closing ends the open ones, suspending or resuming the plan
 * suspends or resumes every task that takes it.
 */
export function taskFanOut(
  emitted: PlanEmitted[],
  event: { at: number; reason?: string; note?: string },
): TaskSystemEvent | TaskCommandEvent | null {
  const at = event.at;
  for (const e of emitted) {
    if (e.type === 'activateTasks') return { type: 'task.activate', at };
    if (e.type === 'phaseChanged' && e.params.to === 'closed') return { type: 'task.close', at };
    if (e.type === 'suspendTasks') return { type: 'task.suspend', at, reason: event.reason ?? '' };
    if (e.type === 'resumeTasks') return { type: 'task.resume', at, note: event.note ?? '' };
  }
  return null;
}
