/**
 * The one table of task and plan commands. Everything keyed by a command type —
 * who may send it, what it is called, the form the workspace shows for it — is here,
 * checked by the compiler against the zod schemas in commands.schema.ts: a command
 * added there and missing here (or the reverse) does not compile.
 *
 * The machine event each command becomes is `toTaskEvent` in
 * src/engine/task-events.ts, an exhaustive switch for the same reason.
 */
import type { PlanCommandType, TaskCommandOf, TaskCommandType } from './commands.schema.js';
import type { Text } from './i18n.js';

/** Who may send a task command: the people doing the work, its reviewers, or the office. */
export type TaskActor = 'work' | 'review' | 'office';

/**
 * How the workspace asks for a command's field. The browser renders one control per
 * kind (src/web/public/actions.js), so a new command needs no browser code unless it
 * brings a new kind.
 */
export type FieldKind = 'percent' | 'note' | 'reason' | 'deadline' | 'evidence';

export interface FieldSpec<K extends TaskCommandType> {
  name: Exclude<keyof TaskCommandOf<K>, 'type'>;
  kind: FieldKind;
  /** The field's label when it is not the kind's usual one. */
  label?: Text;
}

export interface TaskCommandSpec<K extends TaskCommandType> {
  by: TaskActor;
  label: Text;
  fields: FieldSpec<K>[];
  /** A command that sends work back or refuses it: its button is drawn as a warning. */
  danger?: boolean;
}

export const TASK_COMMANDS: { [K in TaskCommandType]: TaskCommandSpec<K> } = {
  'task.acknowledge': { by: 'work', label: { zh: '签收', en: 'acknowledge' }, fields: [] },
  'task.progress': {
    by: 'work',
    label: { zh: '报告进展', en: 'report progress' },
    fields: [
      { name: 'percent', kind: 'percent' },
      { name: 'note', kind: 'note' },
    ],
  },
  'task.submit': {
    by: 'work',
    label: { zh: '提交验收', en: 'submit for acceptance' },
    fields: [
      { name: 'evidence', kind: 'evidence' },
      { name: 'note', kind: 'note' },
    ],
  },
  'task.review': { by: 'review', label: { zh: '开始审核', en: 'start review' }, fields: [] },
  'task.accept': { by: 'review', label: { zh: '验收通过', en: 'accept' }, fields: [{ name: 'note', kind: 'note' }] },
  'task.return': {
    by: 'review',
    label: { zh: '退回整改', en: 'return for rectification' },
    danger: true,
    fields: [
      { name: 'reason', kind: 'reason', label: { zh: '退回理由', en: 'Why it is returned' } },
      { name: 'deadline', kind: 'deadline' },
    ],
  },
  'task.extension.request': {
    by: 'work',
    label: { zh: '申请延期', en: 'request an extension' },
    fields: [
      { name: 'deadline', kind: 'deadline', label: { zh: '申请延至', en: 'Extend to' } },
      { name: 'reason', kind: 'reason', label: { zh: '延期理由', en: 'Why more time is needed' } },
    ],
  },
  'task.extension.approve': {
    by: 'review',
    label: { zh: '批准延期', en: 'approve the extension' },
    fields: [{ name: 'note', kind: 'note' }],
  },
  'task.extension.reject': {
    by: 'review',
    label: { zh: '驳回延期', en: 'reject the extension' },
    danger: true,
    fields: [{ name: 'note', kind: 'reason', label: { zh: '驳回理由', en: 'Why it is rejected' } }],
  },
  'task.urge': { by: 'office', label: { zh: '一键催办', en: 'urge now' }, fields: [{ name: 'note', kind: 'note' }] },
  'task.cancel': {
    by: 'office',
    label: { zh: '撤销任务', en: 'cancel the task' },
    danger: true,
    fields: [{ name: 'reason', kind: 'reason', label: { zh: '撤销理由', en: 'Why it is cancelled' } }],
  },
  'task.suspend': {
    by: 'office',
    label: { zh: '挂起', en: 'suspend' },
    danger: true,
    fields: [{ name: 'reason', kind: 'reason', label: { zh: '挂起理由', en: 'Why it is suspended' } }],
  },
  'task.resume': { by: 'office', label: { zh: '恢复', en: 'resume' }, fields: [{ name: 'note', kind: 'note' }] },
  'task.deadline.change': {
    by: 'office',
    label: { zh: '调整完成时限', en: 'change deadline' },
    fields: [
      { name: 'reason', kind: 'reason' },
      { name: 'deadline', kind: 'deadline' },
    ],
  },
};

/** Who may send a plan command: the group office, or the group leader deciding a proposed phase. */
export type PlanActor = 'office' | 'groupLeader';

export const PLAN_COMMANDS: { [K in PlanCommandType]: { by: PlanActor; label: Text } } = {
  'plan.publish': { by: 'office', label: { zh: '发布方案', en: 'plan published' } },
  'plan.advance': { by: 'office', label: { zh: '推进阶段', en: 'phase advanced' } },
  'plan.phase.approve': { by: 'groupLeader', label: { zh: '批准进入新阶段', en: 'phase approved' } },
  'plan.phase.reject': { by: 'groupLeader', label: { zh: '不同意进入新阶段', en: 'phase not approved' } },
  'plan.suspend': { by: 'office', label: { zh: '挂起方案', en: 'plan suspended' } },
  'plan.resume': { by: 'office', label: { zh: '恢复方案', en: 'plan resumed' } },
};

export const PLAN_COMMAND_TEXT = Object.fromEntries(Object.entries(PLAN_COMMANDS).map(([t, c]) => [t, c.label])) as Record<
  PlanCommandType,
  Text
>;

/** Events the engine itself sends, never a person: they appear in history beside commands. */
export type SystemEventType =
  | 'plan.created'
  | 'plan.replaced'
  | 'task.activate'
  | 'task.close'
  | 'task.complete'
  | 'timer.checkpoint'
  | 'timer.rungGrace'
  | 'notice.acknowledge'
  | 'system.upgraded'
  | 'plan.amended';

export const SYSTEM_EVENT_TEXT: Record<SystemEventType, Text> = {
  'plan.created': { zh: '创建方案', en: 'plan created' },
  'plan.replaced': { zh: '修改方案', en: 'plan replaced' },
  'task.activate': { zh: '任务下达', en: 'task issued' },
  'task.close': { zh: '方案结束，任务未完成', en: 'plan closed with the task unfinished' },
  'task.complete': { zh: '各分项均已验收，任务完成', en: 'every part accepted: the task is done' },
  'timer.checkpoint': { zh: '到期检查（提醒或逾期）', en: 'checkpoint (reminder or overdue)' },
  'timer.rungGrace': { zh: '整改期满，督办升级', en: 'rectification period over: escalation' },
  'notice.acknowledge': { zh: '签收通知', en: 'notice acknowledged' },
  'system.upgraded': { zh: '系统升级，记录转为新版本', en: 'record upgraded to the new version' },
  'plan.amended': { zh: '方案修订', en: 'plan amended' },
};

/** What history calls every event, command or not. */
export const EVENT_TEXT: Record<TaskCommandType | PlanCommandType | SystemEventType, Text> = {
  ...SYSTEM_EVENT_TEXT,
  ...PLAN_COMMAND_TEXT,
  ...(Object.fromEntries(Object.entries(TASK_COMMANDS).map(([type, spec]) => [type, spec.label])) as Record<TaskCommandType, Text>),
};

/** The workspace's forms, as the browser reads them from /web-api/labels. */
export function taskCommandForms(): Record<
  TaskCommandType,
  { fields: { name: string; kind: FieldKind; label?: Text }[]; danger: boolean }
> {
  const out = {} as Record<TaskCommandType, { fields: { name: string; kind: FieldKind; label?: Text }[]; danger: boolean }>;
  for (const [type, spec] of Object.entries(TASK_COMMANDS) as [TaskCommandType, TaskCommandSpec<TaskCommandType>][]) {
    out[type] = { fields: spec.fields.map((f) => ({ ...f, name: String(f.name) })), danger: spec.danger ?? false };
  }
  return out;
}

/** What history calls a stored event name, if it is one this build knows. */
export function eventText(name: string): Text | undefined {
  return (EVENT_TEXT as Record<string, Text | undefined>)[name];
}
