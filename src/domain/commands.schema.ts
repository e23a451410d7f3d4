/**
 * What people send to plans and tasks: the API bodies, validated before the engine
 * sees them. Deadlines are plan dates, resolved in the plan's time zone by the engine.
 */
import { z } from 'zod';
import { PlanDate } from './plan.schema.js';

/** A new deadline: a plan date, or working days from now in the plan's calendar ("限期5个工作日内整改"). */
export const NewDeadline = z.union([PlanDate, z.object({ workingDays: z.number().int().min(1).max(366) })]);

const Note = z.string().max(4000).default('');
const Reason = z.string().trim().min(1, 'is required').max(4000);

export const TaskCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('task.acknowledge') }),
  z.object({ type: z.literal('task.progress'), percent: z.number().int().min(0).max(100), note: Note }),
  z.object({
    type: z.literal('task.submit'),
    // Only web links: a javascript:, data: or file: link would run or read something in the reader's browser.
    // The workspace's uploads are links to its own download route, so they pass too.
    evidence: z
      .array(
        z
          .string()
          .max(2000, '链接过长（最多 2000 个字符）/ the link is longer than 2000 characters')
          .url({
            protocol: /^https?$/,
            error: (issue) =>
              `只接受 http:// 或 https:// 链接 / only http:// or https:// links are evidence: ${JSON.stringify(String(issue.input).slice(0, 200))}`,
          }),
      )
      .min(1, 'needs at least one evidence link')
      .max(50),
    note: Note,
  }),
  z.object({ type: z.literal('task.review') }),
  z.object({ type: z.literal('task.accept'), note: Note }),
  z.object({ type: z.literal('task.return'), reason: Reason, deadline: NewDeadline }),
  z.object({ type: z.literal('task.deadline.change'), deadline: NewDeadline, reason: Reason }),
  z.object({ type: z.literal('task.extension.request'), deadline: NewDeadline, reason: Reason }),
  z.object({ type: z.literal('task.extension.approve'), note: Note }),
  z.object({ type: z.literal('task.extension.reject'), note: Reason }),
  z.object({ type: z.literal('task.urge'), note: Note }),
  z.object({ type: z.literal('task.cancel'), reason: Reason }),
  z.object({ type: z.literal('task.suspend'), reason: Reason }),
  z.object({ type: z.literal('task.resume'), note: Note }),
]);
export type TaskCommandInput = z.infer<typeof TaskCommandSchema>;
/** Every task command's type: the key of every table about task commands (see task-commands.ts). */
export type TaskCommandType = TaskCommandInput['type'];
export type TaskCommandOf<K extends TaskCommandType> = Extract<TaskCommandInput, { type: K }>;
export type NewDeadlineInput = z.infer<typeof NewDeadline>;
export const TASK_COMMAND_TYPES: TaskCommandType[] = TaskCommandSchema.options.map((o) => o.shape.type.value);

export const PlanCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('plan.publish') }),
  z.object({ type: z.literal('plan.advance'), reason: Reason }),
  z.object({ type: z.literal('plan.phase.approve'), note: Note }),
  z.object({ type: z.literal('plan.phase.reject'), note: Reason }),
  z.object({ type: z.literal('plan.suspend'), reason: Reason }),
  z.object({ type: z.literal('plan.resume'), note: Note }),
]);
export type PlanCommandInput = z.infer<typeof PlanCommandSchema>;
export type PlanCommandType = PlanCommandInput['type'];
export const PLAN_COMMAND_TYPES: PlanCommandType[] = PlanCommandSchema.options.map((o) => o.shape.type.value);
