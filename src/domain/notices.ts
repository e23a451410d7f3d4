/**
 * Notices: one per reminder and per rung, built from the plan, the task and the
 * machine's context. Pure, so the engine and the simulator build identical notices.
 * Ids are deterministic — (task, deadline, rung) — which is what makes a notice
 * exactly-once under duplicate jobs: the store creates an id at most once.
 */
import { taskTitleOf } from './children.js';
import type { PhaseChanged, TaskContext, TaskNotice } from '../../machines/index.js';
import { resolveRecipients, type Recipient } from './chain.js';
import type { Text } from './i18n.js';
import type { ChainRoleT, PlanDefinition, RungActionT, TaskDefinition } from './plan.schema.js';
import { formatPlanTime } from './time.js';

export type NoticeKind =
  | 'reminder'
  | 'rectification'
  | 'phase'
  | 'submitted'
  | 'reviewReminder'
  | 'reviewOverdue'
  | 'ackReminder'
  | 'ackChase'
  | 'extensionRequested'
  | 'extensionDecided'
  | 'phaseProposed'
  | 'phaseRejected'
  | 'urge'
  | 'cancelled'
  | 'suspended'
  | 'resumed'
  | 'handover'
  | 'amended'
  | 'indicatorOffPath';

/** A notice as rendered for its readers: its facts, numbered, addressed by name, in words. */
export interface Notice extends Omit<NoticeFacts, 'phase' | 'recipients'> {
  /** 文号 of a rung's notice, once its organisation's series issued one (src/documents/notice-numbers.ts); else null. */
  number: string | null;
  issuer: string;
  recipients: Recipient[];
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
  const suffix =
    n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/**
 * What a notice states, as stored: who, what, which rung, which dates. The words a
 * reader sees are rendered from these facts and the (immutable, published) plan on
 * read, so a transition writes a few hundred bytes instead of two texts.
 */
export interface NoticeFacts {
  id: string;
  planId: string;
  taskId: string | null;
  kind: NoticeKind;
  rung: number | null;
  action: RungActionT | null;
  recipients: { id: string; roles: ChainRoleT[] }[];
  deadline: number | null;
  rectificationDeadline: number | null;
  createdAt: number;
  /** For phase notices: the phase entered and whether by hand. */
  phase: PhaseChanged | null;
  /** For the notice that the plan closed: tasks it closed unfinished, in plan order. */
  unfinished?: string[];
  /** When the notice was due, if it was issued late (after an outage); it is dated when issued. */
  late?: number;
  /** For the reviewer's notices: the review deadline (验收时限). */
  reviewDeadline?: number;
  /** For a handover: the tasks the recipient inherits. */
  tasks?: string[];
  /** For an amendment's notices: why the plan changed. */
  reason?: string;
  /** For an urge: whom it chases. */
  holder?: 'department' | 'reviewer';
  /** For extension notices: the date asked for, and whether it was granted. */
  requestedDeadline?: number;
  approved?: boolean;
  /** For an indicator off its path (src/domain/indicators.ts): which, at which checkpoint, and the value then reported. */
  indicator?: string;
  checkpoint?: { key: string; at: number; value: number; kind: 'path' | 'due'; year?: number };
  actual?: number | null;
  asOf?: number | null;
}

const bare = (recipients: Recipient[]) => recipients.map(({ id, roles }) => ({ id, roles }));

/** The facts of the notice a task machine's `notice` action stands for, at time `at` (when it is issued). */
export function taskNoticeFacts(plan: PlanDefinition, task: TaskDefinition, ctx: TaskContext, notice: TaskNotice, at: number): NoticeFacts {
  const stamp = ctx.deadline.toString(36);
  const late = 'late' in notice && notice.late !== undefined ? { late: notice.late } : {};
  const base = {
    planId: plan.id,
    taskId: task.id,
    deadline: ctx.deadline,
    createdAt: at,
    phase: null,
    rung: null,
    action: null,
    rectificationDeadline: null,
    ...late,
  };
  const to = (roles: readonly ChainRoleT[]) => bare(resolveRecipients(plan, task, roles));
  const submitted = (ctx.submittedAt ?? at).toString(36);
  const review = { reviewDeadline: ctx.reviewDeadline ?? undefined };
  switch (notice.kind) {
    case 'reminder':
      return { ...base, id: `${task.id}.${stamp}.m${notice.index + 1}`, kind: 'reminder', recipients: to(ctx.policy.reminderNotify) };
    case 'rung': {
      const rung = ctx.policy.rungs[notice.rung - 1];
      if (!rung) throw new Error(`task ${task.id}: no rung ${notice.rung} in its policy`);
      return {
        ...base,
        id: `${task.id}.${stamp}.r${notice.rung}`,
        kind: 'rectification',
        rung: notice.rung,
        action: rung.action,
        recipients: to(rung.notify),
        rectificationDeadline: ctx.rectificationDeadline,
      };
    }
    case 'submitted':
      return { ...base, ...review, id: `${task.id}.${submitted}.s`, kind: 'submitted', recipients: to(['responsibleLeader']) };
    case 'reviewReminder':
      return {
        ...base,
        ...review,
        id: `${task.id}.${submitted}.v${notice.index + 1}`,
        kind: 'reviewReminder',
        recipients: to(['responsibleLeader']),
      };
    case 'reviewRung': {
      const roles = ctx.policy.review.escalateTo[notice.rung - 1] ?? ['responsibleLeader', 'groupLeader'];
      return {
        ...base,
        ...review,
        id: `${task.id}.${submitted}.e${notice.rung}`,
        kind: 'reviewOverdue',
        rung: notice.rung,
        recipients: to(roles),
        rectificationDeadline: ctx.reviewRectificationDeadline,
      };
    }
    case 'ackReminder':
      return {
        ...base,
        id: `${task.id}.${(ctx.issuedAt ?? at).toString(36)}.a1`,
        kind: 'ackReminder',
        recipients: to(['responsiblePerson']),
      };
    case 'ackChase':
      return {
        ...base,
        id: `${task.id}.${(ctx.issuedAt ?? at).toString(36)}.a2`,
        kind: 'ackChase',
        recipients: to(['responsiblePerson', 'departmentHead']),
      };
    case 'extensionRequested':
      return {
        ...base,
        id: `${task.id}.${(ctx.extensionRequest?.at ?? at).toString(36)}.x`,
        kind: 'extensionRequested',
        recipients: to(['responsibleLeader']),
        ...(ctx.extensionRequest ? { requestedDeadline: ctx.extensionRequest.deadline } : {}),
      };
    case 'urge':
      return {
        ...base,
        id: `${task.id}.${at.toString(36)}.u`,
        kind: 'urge',
        holder: notice.holder,
        ...review,
        recipients: to(notice.holder === 'reviewer' ? ['responsibleLeader'] : ['responsiblePerson', 'departmentHead']),
      };
    case 'cancelled':
      return {
        ...base,
        id: `${task.id}.c`,
        kind: 'cancelled',
        recipients: to(['responsiblePerson', 'departmentHead', 'responsibleLeader']),
      };
    case 'suspended':
      return {
        ...base,
        id: `${task.id}.${at.toString(36)}.h`,
        kind: 'suspended',
        recipients: to(['responsiblePerson', 'departmentHead', 'responsibleLeader']),
      };
    case 'resumed':
      return {
        ...base,
        id: `${task.id}.${at.toString(36)}.hr`,
        kind: 'resumed',
        recipients: to(['responsiblePerson', 'departmentHead', 'responsibleLeader']),
      };
    case 'extensionDecided':
      return {
        ...base,
        id: `${task.id}.${notice.requestedAt.toString(36)}.xd`,
        kind: 'extensionDecided',
        recipients: to(['responsiblePerson', 'departmentHead']),
        requestedDeadline: notice.deadline,
        approved: notice.approved,
      };
  }
}

/** The facts of the notice to the leadership group and office when the plan changes phase. */
export function phaseNoticeFacts(plan: PlanDefinition, change: PhaseChanged, at: number, unfinished: string[] = []): NoticeFacts {
  return {
    ...(change.to === 'closed' ? { unfinished } : {}),
    id: `plan.${change.to}`,
    planId: plan.id,
    taskId: null,
    kind: 'phase',
    rung: null,
    action: null,
    recipients: bare(resolveRecipients(plan, null, ['leadershipGroup', 'office'])),
    deadline: null,
    rectificationDeadline: null,
    createdAt: at,
    phase: change,
  };
}

/** The notices a plan's step emits: a phase entered, proposed for approval, or not approved. */
export function planNotices(
  plan: PlanDefinition,
  emitted: readonly { type: string; params?: unknown }[],
  at: number,
  unfinished: string[] = [],
): NoticeFacts[] {
  const out: NoticeFacts[] = [];
  for (const e of emitted) {
    if (e.type === 'phaseChanged') out.push(phaseNoticeFacts(plan, e.params as PhaseChanged, at, unfinished));
    if (e.type === 'phaseProposed' || e.type === 'phaseRejected') {
      const change = e.params as PhaseChanged;
      const proposed = e.type === 'phaseProposed';
      out.push({
        id: `plan.${change.to}.${proposed ? 'p' : 'x'}${at.toString(36)}`,
        planId: plan.id,
        taskId: null,
        kind: proposed ? 'phaseProposed' : 'phaseRejected',
        rung: null,
        action: null,
        recipients: bare(resolveRecipients(plan, null, proposed ? ['groupLeader', 'office'] : ['office'])),
        deadline: null,
        rectificationDeadline: null,
        createdAt: at,
        phase: { ...change, manual: change.manual ?? false },
      });
    }
  }
  return out;
}

/** A notice as its reader sees it: numbered (`number`: the 文号 issued to it, if any), addressed by name, in Chinese and English. */
export function renderNotice(plan: PlanDefinition, facts: NoticeFacts, number: string | null = null): Notice {
  const zone = plan.timeZone;
  const recipients = facts.recipients.map((r) => ({ ...r, name: plan.people.find((p) => p.id === r.id)?.name ?? r.id }));
  const { phase: _phase, ...rest } = facts;
  const base = { ...rest, recipients, issuer: plan.issuer, number };
  if (facts.kind === 'indicatorOffPath') return { ...base, ...indicatorNoticeText(plan, facts, recipients) };
  if (facts.kind === 'handover') {
    const titles = (facts.tasks ?? []).map((id) => `「${taskTitleOf(plan, id)}」`);
    return {
      ...base,
      title: { zh: `工作交接：您接手 ${titles.length} 项任务`, en: `Handover: you take over ${titles.length} task(s)` },
      body: {
        zh: `方案「${plan.title}」修订（${facts.reason ?? ''}），以下任务自 ${formatPlanTime(facts.createdAt, zone)} 起由您负责：${titles.join('、')}。此前的提醒和通知仍归原责任人，今后的提醒和督办通知发给您。`,
        en: `"${plan.title}" was amended (${facts.reason ?? ''}); from ${formatPlanTime(facts.createdAt, zone)} these tasks are yours: ${titles.join(', ')}. Earlier notices stay with whom they went to; from now on reminders and escalations come to you.`,
      },
    };
  }
  if (facts.kind === 'phaseProposed' || facts.kind === 'phaseRejected') {
    const change = facts.phase!;
    const to = PHASE_TEXT[change.to] ?? { zh: change.to, en: change.to };
    const when = formatPlanTime(facts.createdAt, zone);
    const title =
      facts.kind === 'phaseProposed'
        ? { zh: `请审批：「${plan.title}」拟进入${to.zh}`, en: `For approval: "${plan.title}" is to enter its ${to.en} phase` }
        : { zh: `「${plan.title}」进入${to.zh}未获批准`, en: `"${plan.title}" was not approved to enter its ${to.en} phase` };
    const body =
      facts.kind === 'phaseProposed'
        ? {
            zh: `${when}，${change.manual ? '领导小组办公室提请' : '按方案日期'}进入${to.zh}。该阶段须经领导小组组长批准，批准前方案仍处于当前阶段。`,
            en: `At ${when}, ${change.manual ? 'the office proposed' : 'the plan’s date came'} to enter the ${to.en} phase. It needs the group leader’s approval; until then the plan stays in its current phase.`,
          }
        : {
            zh: `${when}，组长未批准进入${to.zh}，方案仍处于当前阶段；办公室可再次提请。`,
            en: `At ${when}, the group leader did not approve the ${to.en} phase; the plan stays where it is and the office may propose again.`,
          };
    return { ...base, title, body };
  }
  if (facts.kind === 'phase') {
    const change = facts.phase!;
    const to = PHASE_TEXT[change.to] ?? { zh: change.to, en: change.to };
    const how = change.manual ? { zh: '（办公室手动推进）', en: ' (advanced by the office)' } : { zh: '', en: '' };
    const when = formatPlanTime(facts.createdAt, zone);
    const title =
      change.to === 'closed'
        ? { zh: `「${plan.title}」已结束${how.zh}`, en: `"${plan.title}" has closed${how.en}` }
        : { zh: `「${plan.title}」进入${to.zh}${how.zh}`, en: `"${plan.title}" entered its ${to.en} phase${how.en}` };
    const left = facts.unfinished ?? [];
    const titles = left.map((id) => taskTitleOf(plan, id));
    const leftText =
      change.to !== 'closed'
        ? { zh: '', en: '' }
        : left.length === 0
          ? { zh: '全部任务均已完成验收。', en: ' Every task had been accepted.' }
          : {
              zh: `方案结束时仍有 ${left.length} 项任务未完成，已记录为未完成并停止督办：${titles.map((t) => `「${t}」`).join('、')}。`,
              en: ` ${left.length} task(s) were still open and are recorded as unfinished; their supervision has stopped: ${titles.map((t) => `"${t}"`).join(', ')}.`,
            };
    return { ...base, title, body: { zh: `${when}，${title.zh}。${leftText.zh}`, en: `At ${when}, ${title.en}.${leftText.en}` } };
  }
  const title = facts.taskId ? taskTitleOf(plan, facts.taskId) : '';
  const deadlineText = formatPlanTime(facts.deadline!, zone);
  const lateNote =
    facts.late === undefined
      ? { zh: '', en: '' }
      : {
          zh: `（本通知原定 ${formatPlanTime(facts.late, zone)} 发出，因系统中断延迟至今发出，整改期限自发出之时起算。）`,
          en: ` (This notice was due ${formatPlanTime(facts.late, zone)}; it is issued late because the system was down, and its period runs from now.)`,
        };
  const withLate = (t: Text): Text => ({ zh: t.zh + lateNote.zh, en: t.en + lateNote.en });
  const reviewText = facts.reviewDeadline === undefined ? null : formatPlanTime(facts.reviewDeadline, zone);
  switch (facts.kind) {
    case 'reminder':
      return {
        ...base,
        title: { zh: `催办提醒：「${title}」将于 ${deadlineText} 到期`, en: `Reminder: "${title}" is due ${deadlineText}` },
        body: withLate({
          zh: `「${title}」的完成时限为 ${deadlineText}。请按时完成并提交验收；如已完成，请尽快提交。`,
          en: `"${title}" is due ${deadlineText}. Please finish and submit it for acceptance on time; if it is done, submit it now.`,
        }),
      };
    case 'submitted':
      return {
        ...base,
        title: { zh: `待验收：「${title}」已提交`, en: `For your acceptance: "${title}" was submitted` },
        body: {
          zh: `「${title}」已由责任单位提交验收，请于 ${reviewText ?? '验收时限'} 前完成验收或退回整改。`,
          en: `"${title}" was submitted for acceptance. Please accept it or return it for rectification by ${reviewText ?? 'the review deadline'}.`,
        },
      };
    case 'reviewReminder':
      return {
        ...base,
        title: { zh: `验收提醒：「${title}」待您验收`, en: `Review reminder: "${title}" awaits your acceptance` },
        body: withLate({
          zh: `「${title}」已提交，验收时限为 ${reviewText ?? ''}。请按时验收或退回整改。`,
          en: `"${title}" was submitted; the review is due ${reviewText ?? ''}. Please accept it or return it in time.`,
        }),
      };
    case 'reviewOverdue':
      return {
        ...base,
        title: { zh: `验收逾期：「${title}」超过验收时限未验收`, en: `Review overdue: "${title}" was not reviewed in time` },
        body: withLate({
          zh: `「${title}」已于按时提交，但责任领导未在 ${reviewText ?? ''} 前完成验收，现报${recipients.map((r) => r.name).join('、')}督办。责任单位不因此计为逾期。`,
          en: `"${title}" was submitted, but the responsible leader did not review it by ${reviewText ?? ''}; this is reported to ${recipients.map((r) => r.name).join(', ')}. The department is not counted late for it.`,
        }),
      };
    case 'ackReminder':
      return {
        ...base,
        title: { zh: `签收提醒：「${title}」尚未签收`, en: `Please acknowledge: "${title}" has not been signed for` },
        body: withLate({
          zh: `「${title}」已下达，超过签收时限仍未签收。请立即签收并开始办理。`,
          en: `"${title}" was issued and has not been acknowledged within the time allowed. Please acknowledge it and start work now.`,
        }),
      };
    case 'ackChase':
      return {
        ...base,
        title: { zh: `签收催办：「${title}」逾期未签收`, en: `Not acknowledged: "${title}" is still not signed for` },
        body: withLate({
          zh: `「${title}」下达后经提醒仍未签收，请股室负责人督促责任人立即签收。`,
          en: `"${title}" is still not acknowledged after a reminder; the department head is asked to see that it is signed for now.`,
        }),
      };
    case 'extensionRequested':
      return {
        ...base,
        title: {
          zh: `延期申请：「${title}」申请延至 ${facts.requestedDeadline === undefined ? '' : formatPlanTime(facts.requestedDeadline, zone)}`,
          en: `Extension requested: "${title}"`,
        },
        body: {
          zh: `「${title}」现完成时限为 ${deadlineText}，责任单位申请延期，请审批（批准或驳回）。审批前原时限不变。`,
          en: `"${title}" is due ${deadlineText}; its department asks for more time. Please approve or reject; the current deadline stands until then.`,
        },
      };
    case 'extensionDecided': {
      const asked = facts.requestedDeadline === undefined ? '' : formatPlanTime(facts.requestedDeadline, zone);
      return {
        ...base,
        title: facts.approved
          ? { zh: `延期已批准：「${title}」完成时限延至 ${asked}`, en: `Extension approved: "${title}" is now due ${asked}` }
          : { zh: `延期未批准：「${title}」完成时限不变`, en: `Extension rejected: "${title}" keeps its deadline` },
        body: facts.approved
          ? {
              zh: `「${title}」的延期申请已批准，新的完成时限为 ${asked}。`,
              en: `The extension for "${title}" was approved; it is now due ${asked}.`,
            }
          : {
              zh: `「${title}」的延期申请未获批准，完成时限仍为 ${deadlineText}。`,
              en: `The extension for "${title}" was rejected; it is still due ${deadlineText}.`,
            },
      };
    }
    case 'urge':
      return {
        ...base,
        title:
          facts.holder === 'reviewer'
            ? { zh: `督办催办：请尽快验收「${title}」`, en: `Urged: please review "${title}" now` }
            : { zh: `督办催办：请抓紧办理「${title}」`, en: `Urged: please get on with "${title}" now` },
        body:
          facts.holder === 'reviewer'
            ? {
                zh: `领导小组办公室催办：「${title}」已提交，请于 ${reviewText ?? '验收时限'} 前完成验收。`,
                en: `The group office urges you: "${title}" was submitted; please review it by ${reviewText ?? 'the review deadline'}.`,
              }
            : {
                zh: `领导小组办公室催办：「${title}」的完成时限为 ${deadlineText}，请抓紧办理并按时提交验收。`,
                en: `The group office urges you: "${title}" is due ${deadlineText}; please finish and submit it on time.`,
              },
      };
    case 'cancelled':
      return {
        ...base,
        title: { zh: `任务撤销：「${title}」`, en: `Task cancelled: "${title}"` },
        body: {
          zh: `经领导小组决定，「${title}」予以撤销，督办随之停止；任务记录予以保留。`,
          en: `By decision of the leadership group, "${title}" is cancelled and no longer supervised; its record is kept.`,
        },
      };
    case 'suspended':
      return {
        ...base,
        title: { zh: `任务挂起：「${title}」`, en: `Task suspended: "${title}"` },
        body: {
          zh: `「${title}」自 ${formatPlanTime(facts.createdAt, zone)} 起挂起，挂起期间不提醒、不升级；恢复后完成时限顺延挂起的时长。`,
          en: `"${title}" is suspended from ${formatPlanTime(facts.createdAt, zone)}: no reminders or escalation meanwhile; on resumption its deadline moves by the time suspended.`,
        },
      };
    case 'resumed':
      return {
        ...base,
        title: { zh: `任务恢复：「${title}」完成时限顺延至 ${deadlineText}`, en: `Task resumed: "${title}" is now due ${deadlineText}` },
        body: {
          zh: `「${title}」已恢复办理，完成时限顺延至 ${deadlineText}。`,
          en: `"${title}" is resumed; it is now due ${deadlineText}.`,
        },
      };
    case 'amended':
      return {
        ...base,
        title: { zh: `方案修订：「${title}」完成时限为 ${deadlineText}`, en: `Plan amended: "${title}" is due ${deadlineText}` },
        body: {
          zh: `方案「${plan.title}」已修订（${facts.reason ?? ''}）。「${title}」的完成时限为 ${deadlineText}，请按新的安排办理。`,
          en: `"${plan.title}" was amended (${facts.reason ?? ''}). "${title}" is due ${deadlineText}; please work to the new arrangement.`,
        },
      };
    case 'rectification':
      break;
  }
  const n = facts.rung!;
  const action = RUNG_ACTION_TEXT[facts.action!];
  const disciplinary = facts.action === 'disciplinary';
  const rectifyText = facts.rectificationDeadline === null ? null : formatPlanTime(facts.rectificationDeadline, zone);
  return {
    ...base,
    title: disciplinary
      ? {
          zh: `督办处理通知：「${title}」经${ordinalZh(n - 1)}次整改仍未完成（${action.zh}）`,
          en: `Disciplinary notice: "${title}" is still overdue after ${n - 1} rectification notices`,
        }
      : {
          zh: `第${ordinalZh(n)}次整改通知书：「${title}」逾期未完成（${action.zh}）`,
          en: `Rectification notice no. ${n}: "${title}" is overdue (${action.en})`,
        },
    body: {
      zh:
        `${recipients.map((r) => r.name).join('、')}：「${title}」未能在 ${deadlineText} 前完成。根据督办规定，${action.zh}` +
        (disciplinary ? '，报领导小组研究处理。' : `，下发第${ordinalZh(n)}次整改通知书。`) +
        (rectifyText ? `请于 ${rectifyText} 前完成整改并提交验收，逾期将进一步督办升级。` : '请立即完成整改。') +
        lateNote.zh,
      en:
        `To ${recipients.map((r) => r.name).join(', ')}: "${title}" was not completed by ${deadlineText}. ` +
        `Under the supervision rules: ${action.en}` +
        (disciplinary ? '; the matter goes to the leadership group. ' : `; this is the ${ordinalEn(n)} rectification notice. `) +
        (rectifyText ? `Rectify and submit by ${rectifyText}, or the matter escalates further.` : 'Rectify immediately.') +
        lateNote.en,
    },
  };
}

/** The notice a task machine's `notice` action stands for, rendered (the simulator's view). */
export function buildTaskNotice(plan: PlanDefinition, task: TaskDefinition, ctx: TaskContext, notice: TaskNotice, at: number): Notice {
  return renderNotice(plan, taskNoticeFacts(plan, task, ctx, notice, at));
}

export function buildPhaseNotice(plan: PlanDefinition, change: PhaseChanged, at: number, unfinished: string[] = []): Notice {
  return renderNotice(plan, phaseNoticeFacts(plan, change, at, unfinished));
}

/** The words of an indicator-off-path notice: rung 1 at its checkpoint, then one rung per grace period while it stays off. */
function indicatorNoticeText(plan: PlanDefinition, facts: NoticeFacts, recipients: Recipient[]): { title: Text; body: Text } {
  const zone = plan.timeZone;
  const ind = plan.goals.find((g) => g.id === facts.indicator);
  const title = ind?.title ?? facts.indicator ?? '';
  const unit = ind?.unit ?? '';
  const cp = facts.checkpoint!;
  const where =
    cp.kind === 'due'
      ? { zh: `完成时限（${formatPlanTime(cp.at, zone)}）`, en: `its due date (${formatPlanTime(cp.at, zone)})` }
      : {
          zh: `${cp.year ?? ''}年度节点（${formatPlanTime(cp.at, zone)}）`,
          en: `its ${cp.year ?? ''} checkpoint (${formatPlanTime(cp.at, zone)})`,
        };
  const actual =
    facts.actual === null || facts.actual === undefined
      ? { zh: '尚未报送实际值', en: 'no actual value has been reported' }
      : {
          zh: `报送的实际值为 ${facts.actual}${unit}（截至 ${formatPlanTime(facts.asOf ?? facts.createdAt, zone, 'startOfDay')}）`,
          en: `the value reported is ${facts.actual}${unit} (as of ${formatPlanTime(facts.asOf ?? facts.createdAt, zone, 'startOfDay')})`,
        };
  const n = facts.rung ?? 1;
  const action = facts.action ? RUNG_ACTION_TEXT[facts.action] : null;
  const names = recipients.map((r) => r.name);
  const rectify = facts.rectificationDeadline === null ? null : formatPlanTime(facts.rectificationDeadline, zone);
  const next = rectify
    ? {
        zh: `请于 ${rectify} 前采取措施并报送新的实际值，届时仍未达到进度将进一步督办升级。`,
        en: ` Act and report a new value by ${rectify}, or the matter escalates further.`,
      }
    : { zh: '报领导小组研究处理。', en: ' The matter goes to the leadership group.' };
  return {
    title:
      n === 1
        ? { zh: `指标偏离进度：「${title}」未达到${where.zh}要求`, en: `Indicator off its path: "${title}" is short of ${where.en}` }
        : {
            zh: `指标督办第${ordinalZh(n)}级：「${title}」仍未达到进度要求${action ? `（${action.zh}）` : ''}`,
            en: `Indicator escalation, rung ${n}: "${title}" is still off its path${action ? ` (${action.en})` : ''}`,
          },
    body: {
      zh: `${names.join('、')}：方案「${plan.title}」的指标「${title}」在${where.zh}应达到 ${cp.value}${unit}，${actual.zh}，未达到进度要求。${n > 1 ? `经第${ordinalZh(n - 1)}次督办仍未达到，${action?.zh ?? '督办升级'}。` : '请分析原因、落实整改措施。'}${next.zh}`,
      en: `To ${names.join(', ')}: the indicator "${title}" of "${plan.title}" should have reached ${cp.value}${unit} at ${where.en}; ${actual.en}.${n > 1 ? ` It is still off its path after rung ${n - 1}: ${action?.en ?? 'escalated'}.` : ' Please find the cause and act on it.'}${next.en}`,
    },
  };
}
