/**
 * The machines the engine runs, with the version stamped on every stored snapshot.
 * Bump a version when a change would misread snapshots saved by the previous one,
 * and teach `src/engine/entity.ts` to migrate them.
 */
export { taskMachine, TASK_MACHINE_VERSION } from './task.machine.js';
export type { TaskContext, TaskEvent, TaskInput, TaskNotice } from './task.machine.js';
export { planMachine, PLAN_MACHINE_VERSION } from './plan.machine.js';
export type { PlanContext, PlanEvent, PlanInput, PhaseChanged, PlanStage } from './plan.machine.js';
export { eventTime } from './clock.js';
