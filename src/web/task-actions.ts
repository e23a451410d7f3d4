/**
 * What a principal may do to a task now: the commands the task's machine would take
 * at this moment (its guards included — no extension offered past the deadline),
 * kept only where the permission rules allow this principal to send them. The
 * engine checks both again on every event; this only decides which buttons to show.
 */
import { TASK_COMMAND_TYPES, type TaskCommandType } from '../domain/commands.schema.js';
import { checkTaskEvent, type Principal } from '../domain/permissions.js';
import type { PlanDefinition, TaskDefinition } from '../domain/plan.schema.js';
import { stepTask, type TaskSnapshot } from '../engine/step.js';
import { probeEvent } from '../engine/task-events.js';

export type TaskAction = TaskCommandType;

export function allowedActions(
  p: Principal,
  plan: PlanDefinition,
  task: TaskDefinition,
  snapshot: TaskSnapshot,
  now = Date.now(),
): TaskAction[] {
  return TASK_COMMAND_TYPES.filter(
    (type) =>
      checkTaskEvent(p, plan, task, type) === null &&
      stepTask(snapshot, probeEvent(type, snapshot.context.deadline, now), {}, () => 'probe').handled,
  );
}
