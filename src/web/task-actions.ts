/**
 * What a principal may do to a task now: the events the task's active states take,
 * kept only where the permission rules allow this principal to send them. The
 * engine checks both again on every event; this only decides which buttons to show.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { TASK_COMMAND_TYPES } from '../domain/commands.schema.js';
import { checkTaskEvent, type Principal } from '../domain/permissions.js';
import type { PlanDefinition, TaskDefinition } from '../domain/plan.schema.js';
import { acceptedEvents } from '../engine/step.js';

export type TaskAction = (typeof TASK_COMMAND_TYPES)[number];

export function allowedActions(p: Principal, plan: PlanDefinition, task: TaskDefinition, snapshot: AnyMachineSnapshot): TaskAction[] {
  const accepted = new Set(acceptedEvents(snapshot));
  return TASK_COMMAND_TYPES.filter((type) => accepted.has(type) && checkTaskEvent(p, plan, task, type) === null);
}
