/**
 * A draft 督导结果通报 (supervision results bulletin) for a period, laid out like the
 * printable notices (src/web/notice-page.ts): the issuing body over a red rule, a
 * document number left for the office to fill in, the title, the addressees, then
 * paragraphs drawn from the report — the overall figures, the departments commended
 * for finishing everything on time, the tasks that were late and how far up the
 * ladder they went, the leaders' reviews — and the three tables. Chinese with
 * full-width punctuation, or English. Every value is escaped here, once.
 */
import { DateTime } from 'luxon';
import { RUNG_ACTION_TEXT } from '../domain/notices.js';
import type { AccountabilityReport, TaskOutcome } from '../domain/report.js';
import { documentDate, escapeHtml } from './notice-page.js';

type Lang = 'zh' | 'en';

/** 2026年3月1日 or 1 March 2026, from a YYYY-MM-DD day. */
function day(date: string, lang: Lang): string {
  const d = DateTime.fromISO(date);
  return lang === 'zh' ? `${d.year}年${d.month}月${d.day}日` : d.setLocale('en-GB').toFormat('d LLLL yyyy');
}

/** 2.5天 / 2.5 days; under a day reads as such rather than as 0. */
export function overdueDays(days: number, lang: Lang): string {
  if (days < 1) return lang === 'zh' ? '不足1天' : 'under a day';
  return lang === 'zh' ? `${days}天` : `${days} days`;
}

/** 87.5% — or — when nothing was judged. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

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

const W = {
  zh: {
    number: (year: number) => `督办〔${year}〕\u3000号`,
    draft: '（草稿）',
    title: (plan: string) => `关于《${plan}》督导结果的通报`,
    to: '各责任股室、各有关单位：',
    sep: '、',
    list: '；',
    end: '。',
    period: (from: string, last: string) => `${day(from, 'zh')}至${day(last, 'zh')}`,
  },
  en: {
    number: (year: number) => `Ref. Duban [${year}] No. ___`,
    draft: '(draft)',
    title: (plan: string) => `Bulletin on the supervision results of "${plan}"`,
    to: 'To every lead department and unit concerned:',
    sep: ', ',
    list: '; ',
    end: '.',
    period: (from: string, last: string) => `${day(from, 'en')} to ${day(last, 'en')}`,
  },
} as const;

function rungText(report: AccountabilityReport, rung: number, lang: Lang): string {
  const action = report.rungActions[rung - 1];
  const name = action ? RUNG_ACTION_TEXT[action][lang] : '';
  if (lang === 'zh') return `第${rung}级${name ? `（${name}）` : ''}`;
  return `rung ${rung}${name ? ` (${name})` : ''}`;
}

function paragraphs(report: AccountabilityReport, lang: Lang): string[] {
  const w = W[lang];
  const t = report.totals;
  const unit = (id: string) => report.departments.find((d) => d.department === id)?.name ?? id;
  const person = (id: string) => report.people.find((p) => p.person === id)?.name ?? id;
  const period = w.period(report.period.fromDate, report.period.lastDate);
  const rungCounts = t.rungs.flatMap((n, i) =>
    n > 0 ? [lang === 'zh' ? `${rungText(report, i + 1, lang)}${n}份` : `${n} at ${rungText(report, i + 1, lang)}`] : [],
  );
  const notices = t.rungs.reduce((a, b) => a + b, 0);
  const out: string[] = [];
  const p = (text: string) => out.push(`<p>${escapeHtml(text)}</p>`);
  const h2 = (text: string) => out.push(`<h2>${escapeHtml(text)}</h2>`);
  const taskLine = (o: TaskOutcome, more = '') =>
    lang === 'zh'
      ? `「${o.title}」（${unit(o.leadDepartment)}，责任人${person(o.responsiblePerson)}${more ? `，${more}` : ''}）`
      : `"${o.title}" (${unit(o.leadDepartment)}, responsible: ${person(o.responsiblePerson)}${more ? `, ${more}` : ''})`;

  if (lang === 'zh') {
    p(
      `为推进《${report.title}》各项任务落实，根据督查督办工作安排，领导小组办公室对${period}期间各责任股室承担任务的完成情况进行了督导。现将有关情况通报如下。`,
    );
    h2('一、总体情况');
    p(
      `本期纳入督导的任务共${t.tasks}项，已办结${t.finished}项；按时完成${t.onTime}项，逾期${t.overdue}项，按时完成率${percent(t.onTimeRate)}。` +
        `共下发督办文书${notices}份${rungCounts.length > 0 ? `，其中${rungCounts.join('、')}` : ''}；退回整改${t.returns}次；收到延期申请${t.extensionsRequested}次，批准${t.extensionsApproved}次。`,
    );
  } else {
    p(
      `To carry out the tasks of "${report.title}", the leadership group office supervised the work of every lead department from ${period}. The results are as follows.`,
    );
    h2('1. Overall');
    p(
      `${t.tasks} tasks were supervised in the period and ${t.finished} finished; ${t.onTime} were done on time and ${t.overdue} were overdue, an on-time rate of ${percent(t.onTimeRate)}. ` +
        `${notices} supervision notices were issued${rungCounts.length > 0 ? ` (${rungCounts.join(', ')})` : ''}; ${t.returns} submissions were returned for rectification; ${t.extensionsRequested} extensions were requested and ${t.extensionsApproved} approved.`,
    );
  }

  const commended = report.departments.filter((d) => d.onTimeRate === 1);
  const onTime = report.tasks.filter((o) => o.onTime);
  h2(lang === 'zh' ? '二、按时完成情况' : '2. Done on time');
  if (commended.length > 0) {
    const names = commended.map((d) => d.name).join(w.sep);
    p(
      lang === 'zh'
        ? `${names}本期承担的任务全部按时完成，予以通报表扬。`
        : `${names} finished every task due from them on time and are commended.`,
    );
  } else {
    p(lang === 'zh' ? '本期没有任务全部按时完成的责任股室。' : 'No lead department finished all its tasks on time in the period.');
  }
  if (onTime.length > 0)
    p(`${lang === 'zh' ? '按时完成的任务：' : 'Tasks done on time: '}${onTime.map((o) => taskLine(o)).join(w.list)}${w.end}`);

  const overdue = report.tasks.filter((o) => o.overdue).sort((a, b) => b.highestRung - a.highestRung || b.overdueDays - a.overdueDays);
  h2(lang === 'zh' ? '三、逾期及督办升级情况' : '3. Overdue and escalated');
  if (overdue.length === 0) {
    p(lang === 'zh' ? '本期没有逾期任务。' : 'No task was overdue in the period.');
  } else {
    const lines = overdue.map((o) => {
      const rung =
        o.highestRung > 0
          ? lang === 'zh'
            ? `，督办升至${rungText(report, o.highestRung, lang)}`
            : `, escalated to ${rungText(report, o.highestRung, lang)}`
          : '';
      // Outside the brackets, so the rung's action in brackets is never nested in another pair.
      return lang === 'zh'
        ? `${taskLine(o)}本期逾期${overdueDays(o.overdueDays, lang)}${rung}`
        : `${taskLine(o)}, ${overdueDays(o.overdueDays, lang)} overdue in the period${rung}`;
    });
    p(`${lang === 'zh' ? '以下任务在本期内逾期：' : 'These tasks were overdue in the period: '}${lines.join(w.list)}${w.end}`);
    p(
      lang === 'zh'
        ? '请相关责任股室按整改通知书要求限期整改到位，并将整改情况书面报领导小组办公室。'
        : 'The departments concerned are to rectify within the time the rectification notices set and report in writing to the leadership group office.',
    );
  }

  const reviews = report.leaders.reduce((a, l) => a + l.reviews, 0);
  const days = report.leaders.flatMap((l) => (l.averageReviewDays === null ? [] : [l.averageReviewDays * l.reviews]));
  const average = reviews === 0 ? null : Math.round((days.reduce((a, b) => a + b, 0) / reviews) * 10) / 10;
  const late = report.leaders.filter((l) => l.lateReviews > 0);
  h2(lang === 'zh' ? '四、验收情况' : '4. Reviews');
  const lateText = late.map((l) => (lang === 'zh' ? `${l.name}${l.lateReviews}次` : `${l.name} ${l.lateReviews}`)).join(w.sep);
  if (lang === 'zh') {
    p(
      `责任领导本期完成验收${reviews}次${average === null ? '' : `，平均用时${average}天`}；` +
        (late.length > 0 ? `超过验收时限${late.reduce((a, l) => a + l.lateReviews, 0)}次（${lateText}）。` : '没有超过验收时限的验收。') +
        '按时提交、等待验收的任务不计为责任股室逾期。',
    );
  } else {
    p(
      `Responsible leaders finished ${reviews} reviews in the period${average === null ? '' : `, in ${average} days on average`}; ` +
        (late.length > 0
          ? `${late.reduce((a, l) => a + l.lateReviews, 0)} went past the review deadline (${lateText}). `
          : 'none went past the review deadline. ') +
        'A task submitted on time and waiting for review is never counted late against its department.',
    );
  }
  return out;
}

function table(caption: string, head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? ' class="rd-name"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

function tables(report: AccountabilityReport, lang: Lang): string {
  const zh = lang === 'zh';
  const rungHeads = report.totals.rungs.map((_, i) => (zh ? `第${i + 1}级` : `Rung ${i + 1}`));
  const tallyHead = zh
    ? ['任务数', '已办结', '按时完成', '逾期', '按时完成率', ...rungHeads, '退回', '延期申请/批准']
    : ['Tasks', 'Finished', 'On time', 'Overdue', 'On-time rate', ...rungHeads, 'Returns', 'Extensions req./appr.'];
  const tallyCells = (t: AccountabilityReport['totals']) => [
    String(t.tasks),
    String(t.finished),
    String(t.onTime),
    String(t.overdue),
    percent(t.onTimeRate),
    ...t.rungs.map(String),
    String(t.returns),
    `${t.extensionsRequested}/${t.extensionsApproved}`,
  ];
  return [
    table(
      zh ? '表1\u3000各责任股室督导结果' : 'Table 1. Results by lead department',
      [zh ? '责任股室' : 'Lead department', ...tallyHead],
      [...report.departments.map((d) => [d.name, ...tallyCells(d)]), [zh ? '合计' : 'Total', ...tallyCells(report.totals)]],
    ),
    table(
      zh ? '表2\u3000各责任人督导结果' : 'Table 2. Results by responsible person',
      [zh ? '责任人' : 'Responsible person', zh ? '所在股室' : 'Department', ...tallyHead],
      report.people.map((p) => [p.name, p.departmentName ?? '', ...tallyCells(p)]),
    ),
    table(
      zh ? '表3\u3000责任领导验收情况' : 'Table 3. Reviews by responsible leader',
      zh
        ? ['责任领导', '分管任务数', '验收次数', '平均验收用时（天）', '超过验收时限', '待验收']
        : ['Responsible leader', 'Tasks', 'Reviews', 'Average review (days)', 'Past review deadline', 'Awaiting review'],
      report.leaders.map((l) => [
        l.name,
        String(l.tasks),
        String(l.reviews),
        l.averageReviewDays === null ? '—' : String(l.averageReviewDays),
        String(l.lateReviews),
        String(l.pending),
      ]),
    ),
  ].join('\n');
}

/** The bulletin as an HTML fragment (with its own print styles), for the workspace to show and print. */
export function renderReportPage(report: AccountabilityReport, lang: Lang): string {
  const w = W[lang];
  const year = DateTime.fromMillis(report.generatedAt, { zone: report.timeZone }).year;
  return `<article class="report-doc" lang="${lang === 'zh' ? 'zh-CN' : 'en'}" data-from="${escapeHtml(report.period.fromDate)}" data-to="${escapeHtml(report.period.toDate)}">
${STYLE}
  <header class="rd-head">
    <div class="rd-issuer">${escapeHtml(report.issuer)}</div>
    <div class="rd-number" title="${lang === 'zh' ? '文号由办公室登记后填写' : 'The office fills in the number when it registers the document'}">${escapeHtml(w.number(year))}</div>
    <hr class="rd-rule">
  </header>
  <h1 class="rd-title">${escapeHtml(w.title(report.title))}</h1>
  <p class="rd-draft">${escapeHtml(w.draft)}</p>
  <p class="rd-to">${escapeHtml(w.to)}</p>
  <div class="rd-body">
    ${paragraphs(report, lang).join('\n    ')}
    <h2>${lang === 'zh' ? '五、统计表' : '5. Tables'}</h2>
    ${tables(report, lang)}
  </div>
  <div class="rd-sign">
    <div class="rd-signer">${escapeHtml(report.issuer)}</div>
    <div class="rd-date">${escapeHtml(documentDate(report.generatedAt, report.timeZone, lang))}</div>
  </div>
</article>`;
}
