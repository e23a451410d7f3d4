/**
 * Events on one task: a person's command, checked against the permission rules and
 * the task's state, resolved to the machine's event and committed with its notices.
 */
import { actorLabel, checkTaskEvent, ruleText, type Principal } from '../domain/permissions.js';
import { taskNoticeFacts, type NoticeFacts } from '../domain/notices.js';
import type { TaskCommandInput } from '../domain/commands.schema.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { EventNotAcceptedError, ForbiddenError, InvalidInputError, RefusedError } from '../errors.js';
import { formatPlanTime } from '../domain/time.js';
import { Batch } from '../store/batch.js';
import type { PlanKeys } from '../store/keys.js';
import { historyEntry, type Change, type Outcome, type Write } from './commit.js';
import type { EngineCore } from './core.js';
import { taskIndexes, taskState, type StoredTask } from './entity.js';
import { offeredCommands, timerName, type StepResult, type TaskEmitted, type TaskSnapshot, type TimerEvent } from './step.js';
import { futureDeadline, toTaskEvent } from './task-events.js';
import { withParent } from './children.js';
import { issueTime, type TaskCommandEvent, type TaskEvent } from '../../machines/index.js';

/** A person's (or the office's) command on a task. Deadlines are plan dates, resolved in the plan's zone. */
export async function taskEvent(
  core: EngineCore,
  planId: string,
  taskId: string,
  command: TaskCommandInput,
  by: Principal,
): Promise<Outcome> {
  return core.commit.transact(core.pk(planId).task(taskId), async (fresh) => {
    const task = await core.reader.loadTask(planId, taskId, { cached: !fresh });
    const def = await core.defs.get(planId, task.rev);
    const rule = checkTaskEvent(by, def, task.def, command.type);
    if (rule) throw new ForbiddenError(ruleText(rule));
    const at = core.now();
    const event = toTaskEvent(command, at, futureDeadline(def, at));
    const refused = refusal(def, task, event);
    if (refused) throw refused;
    const change = applyToTask(core, def, task, event, actorLabel(by));
    if (!change) throw new EventNotAcceptedError(event.type, taskState(task.snap), offeredCommands(task.snap, event.type));
    // A part's last acceptance accepts its parent in the same commit (children.ts).
    return withParent(core, def, task, change, actorLabel(by));
  });
}

/**
 * What the rules of supervision refuse although the state would take it, with a
 * message that says why: an extension asked for once the deadline has passed, past
 * the plan's cap, or to a date no later than the current deadline.
 */
function refusal(def: PlanDefinition, task: StoredTask, event: TaskCommandEvent): Error | null {
  if (event.type !== 'task.extension.request') return null;
  const ctx = task.snap.context;
  const due = formatPlanTime(ctx.deadline, def.timeZone);
  if (event.at >= ctx.deadline) {
    return new RefusedError({
      zh: `完成时限 ${due} 已过，不能再申请延期；延期须在时限前申请。如确需调整，请联系领导小组办公室。`,
      en: `The deadline ${due} has passed: an extension must be requested before it. Ask the group office if the date must change.`,
    });
  }
  if (ctx.extensions >= ctx.policy.maxExtensions) {
    return new RefusedError({
      zh: `该任务已批准延期 ${ctx.extensions} 次，达到方案规定的上限（${ctx.policy.maxExtensions} 次），不能再申请。`,
      en: `This task has had ${ctx.extensions} extension(s), the plan's limit (${ctx.policy.maxExtensions}); no more can be requested.`,
    });
  }
  if (event.deadline <= ctx.deadline) {
    return new InvalidInputError([
      { path: 'deadline', message: `申请的时限须晚于现完成时限 ${due} / must be later than the current deadline ${due}` },
    ]);
  }
  return null;
}

/** One step of a task and the notices it emits; null when the task does not take the event. */
export function applyToTask(
  core: EngineCore,
  def: PlanDefinition,
  task: StoredTask,
  event: TaskEvent | TimerEvent,
  by: string,
): Change | null {
  const result = core.stepTask(task, event);
  if (!result.handled) return null;
  const ctx = result.snapshot.context;
  const notices = result.emitted.map((e) => taskNoticeFacts(def, task.def, ctx, e.params, issueTime(event)));
  return { batch: new Batch(), writes: [taskWrite(core.pk(def.id), def, task, result, event, by, notices)], notices };
}

export function taskWrite(
  pk: PlanKeys,
  def: PlanDefinition,
  task: StoredTask,
  result: StepResult<TaskSnapshot, TaskEmitted>,
  event: { type: string; at: number },
  by: string,
  notices: NoticeFacts[],
): Write {
  const eventName = event.type.startsWith('xstate.after.') ? `timer.${timerName(event.type)}` : event.type;
  return {
    kind: 'task',
    id: task.def.id,
    key: pk.task(task.def.id),
    before: task,
    snap: result.snapshot,
    timers: result.timers,
    ix: taskIndexes(def, task.def, result.snapshot),
    history: historyEntry(event, by, taskState(task.snap), taskState(result.snapshot), notices, eventName),
  };
}
