/**
 * One rendering of a notice for every channel. `outboundMessage` turns the domain's
 * notice (src/domain/notices.ts) into what a reader needs — title, the addressees
 * once, the text with its dates as offices write them (2026年12月2日17时), the facts,
 * the 文号, a link — and the functions below lay that one message out as each
 * channel's format asks: plain text and HTML for mail, the markdown DingTalk and WeCom
 * robots take, Feishu's rich text (`post`, Chinese and English side by side, the client
 * shows the reader's) and card. Chinese first, English after it, everywhere.
 */
import type { Lang, Text } from '../domain/i18n.js';
import { RUNG_ACTION_TEXT, type Notice } from '../domain/notices.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { isoInZone } from '../domain/time.js';
import { officeDate, officeDateTime, officeDatesIn, withoutSalutation } from '../documents/office-text.js';
import type { Addressee, MessageFact, NoticeData, OutboundMessage } from './types.js';

export interface ContentOptions {
  /** 文号, when one was allocated (src/documents/doc-numbers.ts); else the notice's own number. */
  number?: string | null;
  /** The notice's page in the workspace. */
  link?: string | null;
  /** A person's mobile for @-mentions, from the directory. */
  mobileOf?: (personId: string) => string | undefined;
}

export interface RenderOptions extends ContentOptions {
  deliveryId: string;
}

/** What a notice says to its readers, whichever way it leaves: a message without its delivery, or a document. */
export type NoticeContent = Omit<OutboundMessage, 'deliveryId'>;

const DAY = 86_400_000;

const L = {
  task: { zh: '任务', en: 'Task' },
  department: { zh: '责任股室', en: 'Lead department' },
  deadline: { zh: '原完成时限', en: 'Original deadline' },
  deadlinePlain: { zh: '完成时限', en: 'Deadline' },
  overdue: { zh: '逾期天数', en: 'Days overdue' },
  rung: { zh: '督办级别', en: 'Rung' },
  measure: { zh: '督办措施', en: 'Measure' },
  rectify: { zh: '整改时限', en: 'Rectify by' },
  nextStep: { zh: '下一次督办', en: 'Next step up' },
  reviewDeadline: { zh: '验收时限', en: 'Review by' },
  requested: { zh: '申请延至', en: 'Extension asked to' },
  late: { zh: '原定发出时间', en: 'Was due' },
  number: { zh: '文号', en: 'Ref.' },
  view: { zh: '查看通知', en: 'View the notice' },
} satisfies Record<string, Text>;

/** Whole days a deadline had passed when the notice was issued; a part day counts as one, as offices count. */
export function daysOverdue(deadline: number, at: number): number {
  return at <= deadline ? 0 : Math.ceil((at - deadline) / DAY);
}

/** A moment as offices write it (2026年12月2日17时 / 2 December 2026, 17:00) in both languages; blank for none. */
export function officeDateTimeText(at: number | null, zone: string): Text {
  return at === null ? { zh: '', en: '' } : { zh: officeDateTime(at, zone, 'zh'), en: officeDateTime(at, zone, 'en') };
}

function facts(plan: PlanDefinition, notice: Notice): MessageFact[] {
  const zone = plan.timeZone;
  const task = notice.taskId ? plan.tasks.find((t) => t.id === notice.taskId) : undefined;
  const out: MessageFact[] = [];
  if (task) {
    out.push({ label: L.task, value: { zh: task.title, en: task.title } });
    const unit = plan.units.find((u) => u.id === task.leadDepartment)?.name ?? task.leadDepartment;
    out.push({ label: L.department, value: { zh: unit, en: unit } });
  }
  const rectification = notice.kind === 'rectification';
  if (notice.deadline !== null)
    out.push({ label: rectification ? L.deadline : L.deadlinePlain, value: officeDateTimeText(notice.deadline, zone) });
  if (rectification && notice.deadline !== null) {
    const n = daysOverdue(notice.deadline, notice.createdAt);
    out.push({ label: L.overdue, value: { zh: `${n}天`, en: `${n}` } });
  }
  if (notice.rung !== null) out.push({ label: L.rung, value: { zh: `第${notice.rung}级`, en: `${notice.rung}` } });
  if (notice.action) out.push({ label: L.measure, value: RUNG_ACTION_TEXT[notice.action] });
  if (notice.reviewDeadline !== undefined)
    out.push({ label: L.reviewDeadline, value: officeDateTimeText(notice.reviewDeadline, zone), emphasis: true });
  if (notice.requestedDeadline !== undefined) out.push({ label: L.requested, value: officeDateTimeText(notice.requestedDeadline, zone) });
  if (notice.rectificationDeadline !== null) {
    out.push({
      label: notice.kind === 'reviewOverdue' ? L.nextStep : L.rectify,
      value: officeDateTimeText(notice.rectificationDeadline, zone),
      emphasis: true,
    });
  }
  if (notice.late !== undefined) out.push({ label: L.late, value: officeDateTimeText(notice.late, zone) });
  return out;
}

function data(plan: PlanDefinition, notice: Notice, number: string | null): NoticeData {
  const zone = plan.timeZone;
  const iso = (at: number | null | undefined) => (at === null || at === undefined ? null : isoInZone(at, zone));
  return {
    id: notice.id,
    planId: notice.planId,
    taskId: notice.taskId,
    kind: notice.kind,
    rung: notice.rung,
    number,
    issuer: notice.issuer,
    title: notice.title,
    body: notice.body,
    recipients: notice.recipients.map((r) => ({ id: r.id, name: r.name, roles: [...r.roles] })),
    createdAt: isoInZone(notice.createdAt, zone),
    deadline: iso(notice.deadline),
    rectificationDeadline: iso(notice.rectificationDeadline),
    reviewDeadline: iso(notice.reviewDeadline),
  };
}

/** The one rendering of `notice` for delivery `o.deliveryId`. */
export function outboundMessage(plan: PlanDefinition, notice: Notice, o: RenderOptions): OutboundMessage {
  return { deliveryId: o.deliveryId, ...noticeContent(plan, notice, o) };
}

/** The notice for its readers: the addressees once, its dates as offices write them, its facts, its number. */
export function noticeContent(plan: PlanDefinition, notice: Notice, o: ContentOptions = {}): NoticeContent {
  const zone = plan.timeZone;
  const moments = [
    notice.deadline,
    notice.rectificationDeadline,
    notice.reviewDeadline,
    notice.requestedDeadline,
    notice.late,
    notice.createdAt,
  ];
  const names = notice.recipients.map((r) => r.name);
  const text = (lang: Lang, t: string) => officeDatesIn(withoutSalutation(t, names, lang), moments, zone, lang);
  const addressees: Addressee[] = notice.recipients.map((r) => {
    const mobile = o.mobileOf?.(r.id);
    return { id: r.id, name: r.name, ...(mobile ? { mobile } : {}) };
  });
  const number = o.number !== undefined ? o.number : notice.number;
  return {
    noticeId: notice.id,
    planId: notice.planId,
    taskId: notice.taskId,
    kind: notice.kind,
    rung: notice.rung,
    number,
    issuer: notice.issuer,
    title: { zh: text('zh', notice.title.zh), en: text('en', notice.title.en) },
    addressees,
    body: { zh: text('zh', notice.body.zh), en: text('en', notice.body.en) },
    facts: facts(plan, notice),
    link: o.link ?? null,
    issuedAt: notice.createdAt,
    zone,
    data: data(plan, notice, number),
  };
}

// ---- layouts ---------------------------------------------------------------------

const SEP = { zh: '、', en: ', ' } as const;
const COLON = { zh: '：', en: ': ' } as const;

export function salutation(m: NoticeContent, lang: Lang): string {
  if (m.addressees.length === 0) return '';
  const names = m.addressees.map((a) => a.name).join(SEP[lang]);
  return lang === 'zh' ? `${names}：` : `To ${names}:`;
}

/** The mobiles to @, once each. */
export function mentionMobiles(m: NoticeContent): string[] {
  return [...new Set(m.addressees.flatMap((a) => (a.mobile ? [a.mobile] : [])))];
}

function factLine(f: MessageFact, lang: Lang): string {
  return `${f.label[lang]}${COLON[lang]}${f.value[lang]}`;
}

function signature(m: NoticeContent, lang: Lang): string {
  return `${m.issuer}${lang === 'zh' ? '　' : ', '}${officeDate(m.issuedAt, m.zone, lang)}`;
}

/** Plain text: the Chinese notice, then the English one. For mail's text part and for robots without formatting. */
export function plainText(m: NoticeContent): string {
  const part = (lang: Lang) =>
    [
      m.title[lang],
      ...(m.number ? [`${L.number[lang]}${COLON[lang]}${m.number}`] : []),
      '',
      salutation(m, lang),
      m.body[lang],
      '',
      ...m.facts.map((f) => factLine(f, lang)),
      '',
      signature(m, lang),
      ...(m.link ? [`${L.view[lang]}${COLON[lang]}${m.link}`] : []),
    ]
      .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
      .join('\n');
  return `${part('zh')}\n\n——— English ———\n\n${part('en')}`;
}

/** Markdown's own characters in user text, escaped so a task titled "*试点*" reads as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]#>])/g, '\\$1');
}

/**
 * Markdown in the subset DingTalk's and WeCom's robots render (headings, bold, links,
 * quotes, lists). DingTalk @-mentions only work when the mobile is also written in the
 * text (`@138…`), so `mentions` appends them.
 */
export function markdown(m: NoticeContent, o: { mentions?: readonly string[] } = {}): string {
  const e = escapeMarkdown;
  const part = (lang: Lang) =>
    [
      `### ${e(m.title[lang])}`,
      ...(m.number ? [`${L.number[lang]}${COLON[lang]}${e(m.number)}`, ''] : []),
      `**${e(salutation(m, lang))}**`,
      '',
      e(m.body[lang]),
      '',
      ...m.facts.map((f) => `- ${f.emphasis ? `**${e(factLine(f, lang))}**` : e(factLine(f, lang))}`),
      '',
      `> ${e(signature(m, lang))}`,
      ...(m.link ? ['', `[${L.view[lang]}](${m.link})`] : []),
    ].join('\n');
  const mentions = o.mentions && o.mentions.length > 0 ? `\n\n${o.mentions.map((mobile) => `@${mobile}`).join(' ')}` : '';
  return `${part('zh')}${mentions}\n\n---\n\n${part('en')}`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const h = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** HTML for mail: the Chinese notice, a rule, the English one; inline styles only (mail clients drop <style>). */
export function html(m: NoticeContent): string {
  const part = (lang: Lang) => `<div lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<p style="color:#c00000;font-weight:700;margin:0">${h(m.issuer)}</p>
${m.number ? `<p style="margin:4px 0">${h(m.number)}</p>` : ''}
<h2 style="font-size:18px;margin:12px 0">${h(m.title[lang])}</h2>
<p style="margin:0">${h(salutation(m, lang))}</p>
<p style="text-indent:2em;margin:4px 0 12px">${h(m.body[lang])}</p>
<table style="border-collapse:collapse">${m.facts
    .map(
      (f) =>
        `<tr><th style="text-align:left;padding:2px 12px 2px 0;font-weight:400;color:#555">${h(f.label[lang])}</th><td>${
          f.emphasis ? `<strong>${h(f.value[lang])}</strong>` : h(f.value[lang])
        }</td></tr>`,
    )
    .join('')}</table>
<p style="text-align:right;margin:16px 0 0">${h(m.issuer)}<br>${h(officeDate(m.issuedAt, m.zone, lang))}</p>
${m.link ? `<p><a href="${h(m.link)}">${h(L.view[lang])}</a></p>` : ''}
</div>`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${h(m.title.zh)}</title></head><body style="font-family:sans-serif;line-height:1.6">
${part('zh')}
<hr style="margin:24px 0">
${part('en')}
</body></html>`;
}

type PostElement = { tag: 'text'; text: string; style?: string[] } | { tag: 'a'; text: string; href: string };

/**
 * Feishu rich text (`msg_type: post`), zh_cn and en_us: the client shows the one in its
 * user's language. A custom bot can @ only by open_id or user_id, which Duban does not
 * hold, so the addressees are written by name.
 */
export function feishuPost(m: NoticeContent): Record<'zh_cn' | 'en_us', { title: string; content: PostElement[][] }> {
  const part = (lang: Lang) => ({
    title: m.title[lang],
    content: [
      ...(m.number ? [[{ tag: 'text' as const, text: m.number }]] : []),
      [{ tag: 'text' as const, text: salutation(m, lang), style: ['bold'] }],
      [{ tag: 'text' as const, text: m.body[lang] }],
      ...m.facts.map((f) => [
        { tag: 'text' as const, text: `${f.label[lang]}${COLON[lang]}` },
        { tag: 'text' as const, text: f.value[lang], ...(f.emphasis ? { style: ['bold'] } : {}) },
      ]),
      [{ tag: 'text' as const, text: signature(m, lang) }],
      ...(m.link ? [[{ tag: 'a' as const, text: L.view[lang], href: m.link }]] : []),
    ],
  });
  return { zh_cn: part('zh'), en_us: part('en') };
}

/** A Feishu message card: red header for escalations, the facts as fields, English in a note, a button to the notice. */
export function feishuCard(m: NoticeContent): Record<string, unknown> {
  const md = (t: string) => t.replace(/([*_~`[\]<>])/g, '\\$1');
  return {
    config: { wide_screen_mode: true },
    header: { title: { tag: 'plain_text', content: m.title.zh }, template: m.kind === 'rectification' ? 'red' : 'blue' },
    elements: [
      ...(m.number ? [{ tag: 'div', text: { tag: 'plain_text', content: m.number } }] : []),
      { tag: 'div', text: { tag: 'lark_md', content: `**${md(salutation(m, 'zh'))}**\n${md(m.body.zh)}` } },
      {
        tag: 'div',
        fields: m.facts.map((f) => ({
          is_short: true,
          text: { tag: 'lark_md', content: `**${md(f.label.zh)}**\n${md(f.value.zh)}` },
        })),
      },
      { tag: 'div', text: { tag: 'plain_text', content: signature(m, 'zh') } },
      ...(m.link
        ? [{ tag: 'action', actions: [{ tag: 'button', text: { tag: 'plain_text', content: L.view.zh }, url: m.link, type: 'primary' }] }]
        : []),
      { tag: 'hr' },
      { tag: 'note', elements: [{ tag: 'plain_text', content: `${m.title.en}. ${m.body.en}` }] },
    ],
  };
}
