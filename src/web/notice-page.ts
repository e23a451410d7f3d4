/**
 * A notice as an official document (公文), after the layout of GB/T 9704: the
 * issuing body in red over a red rule, the document number, the title, the
 * addressees, the body, the facts of the overdue task, then the issuer's signature
 * and the date. Rendered on the server as an HTML fragment — the one page whose
 * layout must be the same wherever it is printed — and escaped here, once.
 */
import { DateTime } from 'luxon';
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
  rectify: { zh: '整改时限', en: 'Rectify by' },
  measure: { zh: '督办措施', en: 'Measure' },
  rung: { zh: '督办级别', en: 'Rung' },
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

export function renderNoticePage(notice: NoticeWithAcks, plan: PlanDefinition, lang: 'zh' | 'en'): string {
  const zone = plan.timeZone;
  const task = notice.taskId ? plan.tasks.find((t) => t.id === notice.taskId) : undefined;
  const department = task ? (plan.units.find((u) => u.id === task.leadDepartment)?.name ?? task.leadDepartment) : null;
  // Full-width punctuation in Chinese (written as escapes so no editor folds it to ASCII).
  const sep = lang === 'zh' ? '\u3001' : ', ';
  const colon = lang === 'zh' ? '\uff1a' : ': ';
  const paren = (s: string) => (lang === 'zh' ? `\uff08${s}\uff09` : ` (${s})`);
  const addressees = notice.recipients.map((r) => escapeHtml(r.name)).join(sep);
  const facts: [string, string][] = [];
  if (task) facts.push([T[notice.kind === 'rectification' ? 'task' : 'taskPlain'][lang], `${escapeHtml(task.title)}${paren(escapeHtml(task.id))}`]);
  if (department) facts.push([T.department[lang], escapeHtml(department)]);
  if (notice.deadline !== null) facts.push([T.deadline[lang], escapeHtml(formatPlanTime(notice.deadline, zone))]);
  if (notice.rung !== null) facts.push([T.rung[lang], escapeHtml(String(notice.rung))]);
  if (notice.rectificationDeadline !== null) {
    facts.push([T.rectify[lang], `<strong class="nd-new-deadline">${escapeHtml(formatPlanTime(notice.rectificationDeadline, zone))}</strong>`]);
  }
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
    ${notice.number ? `<div class="nd-number">${escapeHtml(notice.number)}</div>` : ''}
    <hr class="nd-rule">
  </header>
  <h1 class="nd-title">${escapeHtml(notice.title[lang])}</h1>
  <p class="nd-to">${addressees}${colon}</p>
  <div class="nd-body"><p>${escapeHtml(notice.body[lang])}</p></div>
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
