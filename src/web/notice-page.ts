/**
 * A notice as an official document (公文), after the layout of GB/T 9704: the
 * issuing body in red over a red rule, the document number, the title, the
 * addressees, the body, the facts of the overdue task, then the issuer's signature
 * and the date. Rendered on the server as an HTML fragment — the one page whose
 * layout must be the same wherever it is printed — and escaped here, once.
 */
import { DateTime } from 'luxon';
import { noticeContent } from '../delivery/render.js';
import { fullWidth, officeDateTime } from '../documents/office-text.js';
import { numberText, type NumberLine } from '../documents/notice-numbers.js';
import type { Notice } from '../domain/notices.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { formatPlanTime } from '../domain/time.js';
import { label, ROLE_TEXT } from '../domain/labels.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const T = {
  task: { zh: '逾期任务', en: 'Overdue task' },
  taskPlain: { zh: '任务', en: 'Task' },
  department: { zh: '责任股室', en: 'Lead department' },
  deadline: { zh: '原完成时限', en: 'Original deadline' },
  deadlinePlain: { zh: '完成时限', en: 'Deadline' },
  rectify: { zh: '整改时限', en: 'Rectify by' },
  nextStep: { zh: '下一次督办', en: 'Next step up' },
  measure: { zh: '督办措施', en: 'Measure' },
  rung: { zh: '督办级别', en: 'Rung' },
  reviewRung: { zh: '验收督办次数', en: 'Review escalation step' },
  reviewDeadline: { zh: '验收时限', en: 'Review by' },
  requested: { zh: '申请延至', en: 'Extension asked to' },
  decision: { zh: '审批结果', en: 'Decision' },
  approved: { zh: '同意延期', en: 'approved' },
  rejected: { zh: '不同意延期，原时限不变', en: 'rejected: the deadline stands' },
  late: { zh: '原定发出时间', en: 'Was due' },
  lateWhy: { zh: '（系统中断后迟发，期限自发出之时起算）', en: ' (issued late after an outage; its period runs from issue)' },
  recipients: { zh: '送达', en: 'Delivered to' },
  acknowledged: { zh: '已签收', en: 'acknowledged' },
  notAcknowledged: { zh: '未签收', en: 'not acknowledged' },
  plan: { zh: '所属方案', en: 'Plan' },
};

/** 成文日期 in Arabic numerals as GB/T 9704 asks (2026年3月5日), or "5 March 2026". */
export function documentDate(at: number, zone: string, lang: 'zh' | 'en'): string {
  const d = DateTime.fromMillis(at, { zone });
  return lang === 'zh' ? `${d.year}年${d.month}月${d.day}日` : d.setLocale('en-GB').toFormat('d LLLL yyyy');
}

export type NoticeWithAcks = Notice & { acknowledgements: Record<string, number> };

/**
 * `numberLine` is the document's 文号 as src/documents/notice-numbers.ts decided it
 * (issued, or 文号未设置); without it the notice's own number, if any. The title, the
 * text and the dates are the .docx's (src/documents/notice-docx.ts): one rendering,
 * the addressees once, dates as offices write them.
 */
export function renderNoticePage(notice: NoticeWithAcks, plan: PlanDefinition, lang: 'zh' | 'en', numberLine?: NumberLine): string {
  const zone = plan.timeZone;
  const content = noticeContent(plan, notice);
  const text = (s: string) => (lang === 'zh' ? fullWidth(s) : s);
  const number = numberLine ? numberText(numberLine, lang) : notice.number;
  const task = notice.taskId ? plan.tasks.find((t) => t.id === notice.taskId) : undefined;
  const department = task ? (plan.units.find((u) => u.id === task.leadDepartment)?.name ?? task.leadDepartment) : null;
  // Full-width punctuation in Chinese (written as escapes so no editor folds it to ASCII).
  const sep = lang === 'zh' ? '\u3001' : ', ';
  const colon = lang === 'zh' ? '\uff1a' : ': ';
  const paren = (s: string) => (lang === 'zh' ? `\uff08${s}\uff09` : ` (${s})`);
  const addressees = notice.recipients.map((r) => escapeHtml(r.name)).join(sep);
  const facts: [string, string][] = [];
  if (task)
    facts.push([T[notice.kind === 'rectification' ? 'task' : 'taskPlain'][lang], `${escapeHtml(task.title)}${paren(escapeHtml(task.id))}`]);
  if (department) facts.push([T.department[lang], escapeHtml(department)]);
  const rectification = notice.kind === 'rectification';
  const time = (ms: number) => escapeHtml(officeDateTime(ms, zone, lang));
  if (notice.deadline !== null) facts.push([T[rectification ? 'deadline' : 'deadlinePlain'][lang], time(notice.deadline)]);
  if (notice.rung !== null) facts.push([T[notice.kind === 'reviewOverdue' ? 'reviewRung' : 'rung'][lang], escapeHtml(String(notice.rung))]);
  if (notice.reviewDeadline !== undefined)
    facts.push([T.reviewDeadline[lang], `<strong class="nd-review-deadline">${time(notice.reviewDeadline)}</strong>`]);
  if (notice.requestedDeadline !== undefined) facts.push([T.requested[lang], time(notice.requestedDeadline)]);
  if (notice.approved !== undefined) facts.push([T.decision[lang], escapeHtml(T[notice.approved ? 'approved' : 'rejected'][lang])]);
  if (notice.rectificationDeadline !== null) {
    // A rung's period is for the department to rectify; past a review deadline it is the reviewer's, until the next step up.
    const what = notice.kind === 'reviewOverdue' ? T.nextStep : T.rectify;
    facts.push([what[lang], `<strong class="nd-new-deadline">${time(notice.rectificationDeadline)}</strong>`]);
  }
  if (notice.late !== undefined) facts.push([T.late[lang], `${time(notice.late)}${escapeHtml(T.lateWhy[lang])}`]);
  const delivered = notice.recipients
    .map((r) => {
      const ack = notice.acknowledgements[r.id];
      const roles = r.roles.map((role) => label(ROLE_TEXT, role, lang)).join(sep);
      const state = ack ? `${T.acknowledged[lang]} ${formatPlanTime(ack, zone)}` : T.notAcknowledged[lang];
      return `<li>${escapeHtml(r.name)}${paren(escapeHtml(roles))}${colon}${escapeHtml(state)}</li>`;
    })
    .join('');
  return `<article class="notice-doc" lang="${lang === 'zh' ? 'zh-CN' : 'en'}" data-notice="${escapeHtml(notice.id)}">
  <header class="nd-head">
    <div class="nd-issuer">${escapeHtml(notice.issuer)}</div>
    ${number ? `<div class="nd-number${numberLine?.state === 'unset' ? ' nd-unset' : ''}">${escapeHtml(number)}</div>` : ''}
    <hr class="nd-rule">
  </header>
  <h1 class="nd-title">${escapeHtml(text(content.title[lang]))}</h1>
  <p class="nd-to">${addressees}${colon}</p>
  <div class="nd-body"><p>${escapeHtml(text(content.body[lang]))}</p></div>
  ${facts.length > 0 ? `<table class="nd-facts"><tbody>${facts.map(([k, v]) => `<tr><th scope="row">${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>` : ''}
  <div class="nd-sign">
    <div class="nd-seal" aria-hidden="true"></div>
    <div class="nd-signer">${escapeHtml(notice.issuer)}</div>
    <div class="nd-date">${escapeHtml(documentDate(notice.createdAt, zone, lang))}</div>
  </div>
  <footer class="nd-foot">
    <p>${T.plan[lang]}${colon}${escapeHtml(plan.title)}</p>
    <p>${T.recipients[lang]}${colon}</p><ul>${delivered}</ul>
  </footer>
</article>`;
}
