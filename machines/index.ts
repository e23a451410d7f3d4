/**
 * The machines the engine runs, with the version stamped on every stored snapshot.
 * Bump a version when a change would misread snapshots saved by the previous one,
 * and add the step that migrates them to `src/engine/migrations.ts`.
 */
export { issueTime, LATE_AFTER_MS, taskMachine, TASK_MACHINE_VERSION } from './task.machine.js';
export type { TaskCommandEvent, TaskContext, TaskEvent, TaskInput, TaskMachine, TaskNotice, TaskSystemEvent } from './task.machine.js';
export { planMachine, PLAN_MACHINE_VERSION } from './plan.machine.js';
export type { PlanContext, PlanEvent, PlanInput, PlanMachine, PhaseChanged, PlanStage } from './plan.machine.js';
export { eventTime } from './clock.js';
