/**
 * Notices: one per reminder and per rung, built from the plan, the task and the
 * machine's context. Pure, so the engine and the simulator build identical notices.
 * Ids are deterministic — (task, deadline, rung) — which is what makes a notice
 * exactly-once under duplicate jobs: the store creates an id at most once.
 */
import type { PhaseChanged, TaskContext, TaskNotice } from '../../machines/index.js';
import { resolveRecipients, type Recipient } from './chain.js';
import type { Text } from './i18n.js';
import type { PlanDefinition, RungActionT, TaskDefinition } from './plan.schema.js';
import { formatPlanTime } from './time.js';

export type NoticeKind = 'reminder' | 'rectification' | 'phase';

export interface Notice {
  id: string;
  planId: string;
  taskId: string | null;
  kind: NoticeKind;
  rung: number | null;
  action: RungActionT | null;
  /** 整改通知书 number, for rungs: 〔plan〕task-rung. */
  number: string | null;
  issuer: string;
  recipients: Recipient[];
  deadline: number | null;
  rectificationDeadline: number | null;
  createdAt: number;
  title: Text;
  body: Text;
}

const ORDINAL_ZH = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export const RUNG_ACTION_TEXT: Record<RungActionT, Text> = {
  rectification_notice: { zh: '下发整改意见', en: 'rectification opinion issued' },
  public_criticism: { zh: '通报批评', en: 'public criticism' },
  admonishment: { zh: '诫勉谈话、当面警告', en: 'admonishment talk and warning' },
  disciplinary: { zh: '处理直至处分', en: 'disciplinary handling' },
};

export const PHASE_TEXT: Record<string, Text> = {
  draft: { zh: '草案', en: 'draft' },
  launch: { zh: '启动阶段', en: 'launch' },
  promotion: { zh: '推进阶段', en: 'promotion' },
  implementation: { zh: '全面实施阶段', en: 'implementation' },
  evaluation: { zh: '总结评估阶段', en: 'evaluation' },
  closed: { zh: '已结束', en: 'closed' },
};

function ordinalZh(n: number): string {
  return ORDINAL_ZH[n - 1] ?? String(n);
}

function ordinalEn(n: number): string {
  const suffix = n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** The notice a task machine's `notice` action stands for, at time `at`. */
export function buildTaskNotice(plan: PlanDefinition, task: TaskDefinition, ctx: TaskContext, notice: TaskNotice, at: number): Notice {
  const zone = plan.timeZone;
  const deadlineText = formatPlanTime(ctx.deadline, zone);
  const stamp = ctx.deadline.toString(36);
  const base = { planId: plan.id, taskId: task.id, issuer: plan.issuer, deadline: ctx.deadline, createdAt: at };
  if (notice.kind === 'reminder') {
    return {
      ...base,
      id: `${task.id}.${stamp}.m${notice.index + 1}`,
      kind: 'reminder',
      rung: null,
      action: null,
      number: null,
      recipients: resolveRecipients(plan, task, ctx.policy.reminderNotify),
      rectificationDeadline: null,
      title: { zh: `催办提醒:「${task.title}」将于 ${deadlineText} 到期`, en: `Reminder: "${task.title}" is due ${deadlineText}` },
      body: {
        zh: `「${task.title}」的完成时限为 ${deadlineText}。请按时完成并提交验收;如已完成,请尽快提交。`,
        en: `"${task.title}" is due ${deadlineText}. Please finish and submit it for acceptance on time; if it is done, submit it now.`,
      },
    };
  }
  const rung = ctx.policy.rungs[notice.rung - 1];
  if (!rung) throw new Error(`task ${task.id}: no rung ${notice.rung} in its policy`);
  const recipients = resolveRecipients(plan, task, rung.notify);
  const rectify = ctx.rectificationDeadline;
  const rectifyText = rectify === null ? null : formatPlanTime(rectify, zone);
  const action = RUNG_ACTION_TEXT[rung.action];
  const names = recipients.map((r) => r.name).join('、');
  const disciplinary = rung.action === 'disciplinary';
  return {
    ...base,
    id: `${task.id}.${stamp}.r${notice.rung}`,
    kind: 'rectification',
    rung: notice.rung,
    action: rung.action,
    number: `督办〔${plan.id}〕${task.id}-${notice.rung}号`,
    recipients,
    rectificationDeadline: rectify,
    title: disciplinary
      ? { zh: `督办处理通知:「${task.title}」经${ordinalZh(notice.rung - 1)}次整改仍未完成(${action.zh})`, en: `Disciplinary notice: "${task.title}" is still overdue after ${notice.rung - 1} rectification notices` }
      : {
          zh: `第${ordinalZh(notice.rung)}次整改通知书:「${task.title}」逾期未完成(${action.zh})`,
          en: `Rectification notice no. ${notice.rung}: "${task.title}" is overdue (${action.en})`,
        },
    body: {
      zh:
        `${names}:「${task.title}」未能在 ${deadlineText} 前完成。根据督办规定,${action.zh}` +
        (disciplinary ? ',报领导小组研究处理。' : `,下发第${ordinalZh(notice.rung)}次整改通知书。`) +
        (rectifyText ? `请于 ${rectifyText} 前完成整改并提交验收,逾期将进一步督办升级。` : '请立即完成整改。'),
      en:
        `To ${recipients.map((r) => r.name).join(', ')}: "${task.title}" was not completed by ${deadlineText}. ` +
        `Under the supervision rules: ${action.en}` +
        (disciplinary ? '; the matter goes to the leadership group. ' : `; this is the ${ordinalEn(notice.rung)} rectification notice. `) +
        (rectifyText ? `Rectify and submit by ${rectifyText}, or the matter escalates further.` : 'Rectify immediately.'),
    },
  };
}

/** The notice to the leadership group and office when the plan changes phase. */
export function buildPhaseNotice(plan: PlanDefinition, change: PhaseChanged, at: number): Notice {
  const to = PHASE_TEXT[change.to] ?? { zh: change.to, en: change.to };
  const recipients = resolveRecipients(plan, null, ['leadershipGroup', 'office']);
  const how = change.manual ? { zh: '(办公室手动推进)', en: ' (advanced by the office)' } : { zh: '', en: '' };
  return {
    id: `plan.${change.to}`,
    planId: plan.id,
    taskId: null,
    kind: 'phase',
    rung: null,
    action: null,
    number: null,
    issuer: plan.issuer,
    recipients,
    deadline: null,
    rectificationDeadline: null,
    createdAt: at,
    title: { zh: `「${plan.title}」进入${to.zh}${how.zh}`, en: `"${plan.title}" entered its ${to.en} phase${how.en}` },
    body: {
      zh: `${formatPlanTime(at, plan.timeZone)},「${plan.title}」进入${to.zh}${how.zh}。`,
      en: `At ${formatPlanTime(at, plan.timeZone)}, "${plan.title}" entered its ${to.en} phase${how.en}.`,
    },
  };
}
