/**
 * What the workspace calls the machine's states, events, timers and roles, in
 * Chinese and English. One table for the server (ledger, notice page) and the
 * browser (served as JSON), so a state is named the same everywhere.
 */
import type { Text } from './i18n.js';
import { CADENCE_TEXT, REASON_TEXT, STATUS_TEXT, type IndicatorStatus } from './indicators.js';
import { PHASE_TEXT, RUNG_ACTION_TEXT, type NoticeKind } from './notices.js';
import { EVENT_TEXT } from './task-commands.js';

export { EVENT_TEXT };

export const WORK_TEXT: Record<string, Text> = {
  draft: { zh: '未下达', en: 'not issued' },
  assigned: { zh: '已下达', en: 'assigned' },
  acknowledged: { zh: '已签收', en: 'acknowledged' },
  inProgress: { zh: '推进中', en: 'in progress' },
  submitted: { zh: '已提交验收', en: 'submitted' },
  underReview: { zh: '审核中', en: 'under review' },
  delivered: { zh: '已全部完成', en: 'delivered in full' },
  rectification: { zh: '退回整改', en: 'returned for rectification' },
  accepted: { zh: '已验收', en: 'accepted' },
  unfinished: { zh: '方案结束时未完成', en: 'unfinished when the plan closed' },
  cancelled: { zh: '已撤销', en: 'cancelled' },
};

/** Supervision read as a light: red overdue, yellow due soon, green on track. */
export const SUPERVISION_TEXT: Record<string, Text> = {
  idle: { zh: '未启动', en: 'not started' },
  onTrack: { zh: '正常推进', en: 'on track' },
  dueSoon: { zh: '临期', en: 'due soon' },
  overdue: { zh: '逾期', en: 'overdue' },
  withReviewer: { zh: '待验收', en: 'awaiting acceptance' },
  suspended: { zh: '挂起', en: 'suspended' },
  closed: { zh: '已办结', en: 'closed' },
};

export const TIMER_TEXT: Record<string, Text> = {
  checkpoint: { zh: '下一次提醒或到期检查', en: 'next reminder or deadline check' },
  rungGrace: { zh: '整改期满，升级到下一级', en: 'rectification period ends: next rung' },
  promotion: { zh: '进入推进阶段', en: 'promotion phase begins' },
  implementation: { zh: '进入全面实施阶段', en: 'implementation phase begins' },
  evaluation: { zh: '进入总结评估阶段', en: 'evaluation phase begins' },
  closed: { zh: '方案结束', en: 'plan ends' },
  reviewCheck: { zh: '验收提醒或验收时限检查', en: 'review reminder or review deadline check' },
  reviewGrace: { zh: '验收督办期满，报上一级', en: 'review escalation period ends: next step up' },
  ackCheck: { zh: '签收时限检查', en: 'acknowledgement deadline check' },
  ackChase: { zh: '仍未签收，告知股室负责人', en: 'still not acknowledged: tell the department head' },
};

/** The 签收 region's states. */
export const ACKNOWLEDGEMENT_TEXT: Record<string, Text> = {
  idle: { zh: '未下达', en: 'not issued' },
  waiting: { zh: '待签收', en: 'waiting' },
  reminded: { zh: '已提醒签收', en: 'reminded' },
  chased: { zh: '已催办签收', en: 'chased' },
  done: { zh: '已签收', en: 'acknowledged' },
  paused: { zh: '挂起中（签收计时暂停）', en: 'paused while suspended' },
  pausedReminded: { zh: '挂起中（已提醒签收）', en: 'paused while suspended (reminded)' },
};

/** The 延期 region's states. */
export const EXTENSION_TEXT: Record<string, Text> = {
  idle: { zh: '无待审批的申请', en: 'no request' },
  pending: { zh: '延期申请待审批', en: 'request pending' },
  closed: { zh: '已结束', en: 'closed' },
};

export const ROLE_TEXT: Record<string, Text> = {
  responsiblePerson: { zh: '责任人', en: 'responsible person' },
  leadDepartment: { zh: '责任股室', en: 'lead department' },
  departmentHead: { zh: '股室负责人', en: 'department head' },
  responsibleLeader: { zh: '责任领导', en: 'responsible leader' },
  groupLeader: { zh: '领导小组组长', en: 'group leader' },
  leadershipGroup: { zh: '领导小组', en: 'leadership group' },
  cooperatingUnits: { zh: '配合单位', en: 'cooperating units' },
  office: { zh: '领导小组办公室', en: 'group office' },
};

/** Names of the machine's own states where the work/supervision tables have none. */
export const STATE_TEXT: Record<string, Text> = {
  task: { zh: '任务', en: 'task' },
  work: { zh: '工作进程', en: 'work' },
  supervision: { zh: '督办', en: 'supervision' },
  watching: { zh: '跟踪中', en: 'watching' },
  escalating: { zh: '逐级升级', en: 'escalating' },
  top: { zh: '最高一级', en: 'top rung' },
  review: { zh: '领导验收中', en: 'with the reviewer' },
  waiting: { zh: '等待验收', en: 'waiting' },
  acknowledgement: { zh: '签收', en: 'acknowledgement' },
  extension: { zh: '延期申请', en: 'extension' },
  launch: { zh: '启动阶段', en: 'launch' },
  promotion: { zh: '推进阶段', en: 'promotion' },
  implementation: { zh: '全面实施阶段', en: 'implementation' },
  evaluation: { zh: '总结评估阶段', en: 'evaluation' },
};

/** The phase a deadline falls in, with the two outer columns of the department × phase matrix. */
export const DEADLINE_PHASE_TEXT: Record<string, Text> = {
  before: { zh: '启动前', en: 'before launch' },
  ...PHASE_TEXT,
  after: { zh: '方案期满后', en: 'after the plan' },
};

/** What each kind of notice is called in lists and tables. */
export const NOTICE_KIND_TEXT: Record<NoticeKind, Text> = {
  reminder: { zh: '催办提醒', en: 'reminder' },
  rectification: { zh: '整改通知书', en: 'rectification notice' },
  phase: { zh: '阶段通知', en: 'phase notice' },
  submitted: { zh: '待验收通知', en: 'submitted for acceptance' },
  reviewReminder: { zh: '验收提醒', en: 'review reminder' },
  reviewOverdue: { zh: '验收逾期督办', en: 'review overdue' },
  ackReminder: { zh: '签收提醒', en: 'acknowledge reminder' },
  ackChase: { zh: '签收催办', en: 'not acknowledged' },
  extensionRequested: { zh: '延期申请', en: 'extension requested' },
  extensionDecided: { zh: '延期审批结果', en: 'extension decided' },
  phaseProposed: { zh: '阶段审批', en: 'phase for approval' },
  phaseRejected: { zh: '阶段未获批准', en: 'phase not approved' },
  urge: { zh: '督办催办', en: 'urged' },
  cancelled: { zh: '任务撤销', en: 'task cancelled' },
  suspended: { zh: '任务挂起', en: 'task suspended' },
  resumed: { zh: '任务恢复', en: 'task resumed' },
  handover: { zh: '工作交接', en: 'handover' },
  amended: { zh: '方案修订', en: 'plan amended' },
  indicatorOffPath: { zh: '指标偏离进度', en: 'indicator off its path' },
};

/** The symbol shown before an indicator's status word, so the status reads without its colour (✓ 正常). */
export const INDICATOR_SYMBOL_TEXT: Record<IndicatorStatus, Text> = {
  green: { zh: '✓', en: '✓' },
  yellow: { zh: '!', en: '!' },
  red: { zh: '✕', en: '✕' },
};

/** An indicator's status as the ledger and the workspace show it: symbol and word (✓ 正常 / ✓ on path). */
export function indicatorStatusText(status: IndicatorStatus, lang: 'zh' | 'en'): string {
  return `${INDICATOR_SYMBOL_TEXT[status][lang]} ${STATUS_TEXT[status][lang]}`;
}

export const LABELS = {
  noticeKind: NOTICE_KIND_TEXT,
  work: WORK_TEXT,
  supervision: SUPERVISION_TEXT,
  event: EVENT_TEXT,
  timer: TIMER_TEXT,
  role: ROLE_TEXT,
  state: STATE_TEXT,
  acknowledgement: ACKNOWLEDGEMENT_TEXT,
  extension: EXTENSION_TEXT,
  phase: DEADLINE_PHASE_TEXT,
  rungAction: RUNG_ACTION_TEXT,
  indicatorStatus: STATUS_TEXT,
  indicatorSymbol: INDICATOR_SYMBOL_TEXT,
  indicatorReason: REASON_TEXT,
  indicatorCadence: CADENCE_TEXT,
};

/** The label of `key` in `table`, or the key itself when the table has none. */
export function label(table: Record<string, Text>, key: string, lang: 'zh' | 'en'): string {
  return table[key]?.[lang] ?? key;
}
