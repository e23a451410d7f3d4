/**
 * A draft 督导结果通报 (supervision results bulletin) for a period, laid out like the
 * printable notices (src/web/notice-page.ts): the issuing body over a red rule, a
 * document number left for the office to fill in, the title, the addressees, then
 * paragraphs drawn from the report — the overall figures, the departments commended
 * for finishing everything on time, the tasks that were late and how far up the
 * ladder they went, the leaders' reviews — and the three tables, in the words of the
 * one bulletin model the .docx is made from too (src/documents/bulletin-model.ts).
 * Chinese with full-width punctuation, or English. Every value is escaped here, once.
 */
import { DateTime } from 'luxon';
import { bulletinContent, type BulletinBlock } from '../documents/bulletin-model.js';
import type { AccountabilityReport } from '../domain/report.js';
import { documentDate, escapeHtml } from './notice-page.js';

type Lang = 'zh' | 'en';

/** The bulletin's own rules; the workspace's CSP allows this block by its hash (src/web/index.ts). */
export const REPORT_CSS = `
.report-doc { font-family: "FangSong", "STFangsong", "Noto Serif CJK SC", serif; font-size: 14pt; line-height: 1.75; color: #000; }
.report-doc .rd-head { text-align: center; }
.report-doc .rd-issuer { color: #c00000; font-family: "STZhongsong", "SimSun", "Noto Serif CJK SC", serif; font-weight: 700; font-size: 22pt; line-height: 1.3; }
.report-doc .rd-number { margin-top: .6rem; font-size: 16pt; }
.report-doc .rd-rule { border: none; border-top: 2px solid #c00000; margin: .4rem 0 1.2rem; }
.report-doc .rd-title { font-family: "STZhongsong", "SimSun", "Noto Serif CJK SC", serif; font-size: 20pt; text-align: center; font-weight: 700; margin: 0; line-height: 1.45; }
.report-doc .rd-draft { text-align: center; color: #666; margin: 0 0 1rem; font-size: 12pt; }
.report-doc .rd-to { margin: 0; }
.report-doc .rd-body p { text-indent: 2em; margin: 0; }
.report-doc .rd-body h2 { font-family: "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 14pt; font-weight: 700; margin: .4rem 0 0; text-indent: 2em; }
.report-doc table { border-collapse: collapse; width: 100%; margin: .4rem 0 .8rem; font-size: 10.5pt; line-height: 1.4; font-family: "SimSun", "Noto Serif CJK SC", serif; }
.report-doc th, .report-doc td { border: 1px solid #000; padding: .15rem .3rem; text-align: center; }
.report-doc td.rd-name { text-align: left; }
.report-doc caption { font-weight: 700; font-size: 12pt; padding: .4rem 0 .2rem; }
.report-doc .rd-sign { margin-top: 2.5rem; text-align: right; padding-right: 2em; }
@media print { .report-doc table { page-break-inside: auto; } .report-doc tr { page-break-inside: avoid; } }
`;

const STYLE = `<style>${REPORT_CSS}</style>`;

/** The 文号 line, left for the office to fill in. */
const NUMBER = {
  zh: (year: number) => `督办〔${year}〕\u3000号`,
  en: (year: number) => `Ref. Duban [${year}] No. ___`,
} as const;

function table(caption: string, head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? ' class="rd-name"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

function block(b: BulletinBlock): string {
  switch (b.kind) {
    case 'heading':
      return `<h2>${escapeHtml(b.text)}</h2>`;
    case 'paragraph':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'table':
      return table(b.caption, b.head, b.rows);
  }
}

/** The bulletin as an HTML fragment (with its own print styles), for the workspace to show and print. */
export function renderReportPage(report: AccountabilityReport, lang: Lang): string {
  const content = bulletinContent(report, lang, { full: true });
  const year = DateTime.fromMillis(report.generatedAt, { zone: report.timeZone }).year;
  return `<article class="report-doc" lang="${lang === 'zh' ? 'zh-CN' : 'en'}" data-from="${escapeHtml(report.period.fromDate)}" data-to="${escapeHtml(report.period.toDate)}">
${STYLE}
  <header class="rd-head">
    <div class="rd-issuer">${escapeHtml(report.issuer)}</div>
    <div class="rd-number" title="${lang === 'zh' ? '文号由办公室登记后填写' : 'The office fills in the number when it registers the document'}">${escapeHtml(NUMBER[lang](year))}</div>
    <hr class="rd-rule">
  </header>
  <h1 class="rd-title">${escapeHtml(content.title)}</h1>
  <p class="rd-draft">${escapeHtml(content.draft)}</p>
  <p class="rd-to">${escapeHtml(content.addressee)}</p>
  <div class="rd-body">
    ${content.blocks.map(block).join('\n    ')}
  </div>
  <div class="rd-sign">
    <div class="rd-signer">${escapeHtml(report.issuer)}</div>
    <div class="rd-date">${escapeHtml(documentDate(report.generatedAt, report.timeZone, lang))}</div>
  </div>
</article>`;
}
