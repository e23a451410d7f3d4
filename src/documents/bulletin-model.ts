/**
 * What the supervision bulletin (督导结果通报) says, built once from the accountability
 * report (src/domain/report.ts): its title and addressees, the overall figures, the
 * departments commended for finishing everything on time, the tasks that were late and
 * how far up the ladder they went, and the tables. The Word document
 * (src/documents/bulletin-docx.ts) and the printable draft in the workspace
 * (src/web/report-page.ts) both lay out these blocks, so the two never say different
 * things. The printable draft is the office's full working copy; the document is the
 * part it issues (see `BulletinOptions.full`).
 */
import { DateTime } from 'luxon';
import type { Lang } from '../domain/i18n.js';
import { RUNG_ACTION_TEXT } from '../domain/notices.js';
import type { AccountabilityReport, Tally, TaskOutcome } from '../domain/report.js';
import type { Block } from './official-docx.js';

/** The blocks a bulletin is made of: headings, paragraphs and tables. */
export type BulletinBlock = Extract<Block, { kind: 'heading' | 'paragraph' | 'table' }>;

export interface BulletinContent {
  title: string;
  /** The line under the title of a bulletin not yet numbered: （草稿） / (draft). */
  draft: string;
  addressee: string;
  blocks: BulletinBlock[];
}

export interface BulletinContentOptions {
  /**
   * The office's full working copy: also the tasks done on time by name, the leaders'
   * reviews, the tables by person and by leader, and the extension counts in the
   * department table. Without it, the part the office issues.
   */
  full: boolean;
}

/** 2026年3月1日 or 1 March 2026, from a YYYY-MM-DD day. */
function day(date: string, lang: Lang): string {
  const d = DateTime.fromISO(date);
  return lang === 'zh' ? `${d.year}年${d.month}月${d.day}日` : d.setLocale('en-GB').toFormat('d LLLL yyyy');
}

/** 87.5% — or — when nothing was judged. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

/** 2.5天 / 2.5 days; under a day reads as such rather than as 0. */
export function overdueDays(days: number, lang: Lang): string {
  if (days < 1) return lang === 'zh' ? '不足1天' : 'under a day';
  return lang === 'zh' ? `${days}天` : `${days} days`;
}

function rungText(report: AccountabilityReport, rung: number, lang: Lang): string {
  const action = report.rungActions[rung - 1];
  const name = action ? RUNG_ACTION_TEXT[action][lang] : '';
  if (lang === 'zh') return `第${rung}级${name ? `（${name}）` : ''}`;
  return `rung ${rung}${name ? ` (${name})` : ''}`;
}

const W = {
  zh: { sep: '、', list: '；', end: '。' },
  en: { sep: ', ', list: '; ', end: '.' },
} as const;

function paragraphs(report: AccountabilityReport, lang: Lang, full: boolean, out: BulletinBlock[]): void {
  const zh = lang === 'zh';
  const w = W[lang];
  const t = report.totals;
  const p = (text: string) => out.push({ kind: 'paragraph', text });
  const h = (text: string) => out.push({ kind: 'heading', text });
  const unit = (id: string) => report.departments.find((d) => d.department === id)?.name ?? id;
  const person = (id: string) => report.people.find((x) => x.person === id)?.name ?? id;
  const period = zh
    ? `${day(report.period.fromDate, lang)}至${day(report.period.lastDate, lang)}`
    : `${day(report.period.fromDate, lang)} to ${day(report.period.lastDate, lang)}`;
  const notices = t.rungs.reduce((a, b) => a + b, 0);
  const rungCounts = t.rungs.flatMap((n, i) =>
    n > 0 ? [zh ? `${rungText(report, i + 1, lang)}${n}份` : `${n} at ${rungText(report, i + 1, lang)}`] : [],
  );
  const taskLine = (o: TaskOutcome) =>
    zh
      ? `「${o.title}」（${unit(o.leadDepartment)}，责任人${person(o.responsiblePerson)}）`
      : `"${o.title}" (${unit(o.leadDepartment)}, responsible: ${person(o.responsiblePerson)})`;

  if (zh) {
    p(
      `为推进《${report.title}》各项任务落实，根据督查督办工作安排，领导小组办公室对${period}期间各责任股室承担任务的完成情况进行了督导。现将有关情况通报如下。`,
    );
    h('一、总体情况');
    p(
      `本期纳入督导的任务共${t.tasks}项，已办结${t.finished}项；按时完成${t.onTime}项，逾期${t.overdue}项，按时完成率${percent(t.onTimeRate)}。` +
        `共下发督办文书${notices}份${rungCounts.length > 0 ? `，其中${rungCounts.join('、')}` : ''}；退回整改${t.returns}次；收到延期申请${t.extensionsRequested}次，批准${t.extensionsApproved}次。`,
    );
  } else {
    p(
      `To carry out the tasks of "${report.title}", the leadership group office supervised the work of every lead department from ${period}. The results are as follows.`,
    );
    h('1. Overall');
    p(
      `${t.tasks} tasks were supervised in the period and ${t.finished} finished; ${t.onTime} were done on time and ${t.overdue} were overdue, an on-time rate of ${percent(t.onTimeRate)}. ` +
        `${notices} supervision notices were issued${rungCounts.length > 0 ? ` (${rungCounts.join(', ')})` : ''}; ${t.returns} submissions were returned for rectification; ${t.extensionsRequested} extensions were requested and ${t.extensionsApproved} approved.`,
    );
  }

  const commended = report.departments.filter((d) => d.onTimeRate === 1);
  h(zh ? '二、按时完成情况' : '2. Done on time');
  if (commended.length > 0) {
    const names = commended.map((d) => d.name).join(w.sep);
    p(zh ? `${names}本期承担的任务全部按时完成，予以通报表扬。` : `${names} finished every task due from them on time and are commended.`);
  } else {
    p(zh ? '本期没有任务全部按时完成的责任股室。' : 'No lead department finished all its tasks on time in the period.');
  }
  const onTime = report.tasks.filter((o) => o.onTime);
  if (full && onTime.length > 0) p(`${zh ? '按时完成的任务：' : 'Tasks done on time: '}${onTime.map(taskLine).join(w.list)}${w.end}`);

  const overdue = report.tasks.filter((o) => o.overdue).sort((a, b) => b.highestRung - a.highestRung || b.overdueDays - a.overdueDays);
  h(zh ? '三、逾期及督办升级情况' : '3. Overdue and escalated');
  if (overdue.length === 0) {
    p(zh ? '本期没有逾期任务。' : 'No task was overdue in the period.');
  } else {
    const lines = overdue.map((o) => {
      const rung =
        o.highestRung > 0
          ? zh
            ? `，督办升至${rungText(report, o.highestRung, lang)}`
            : `, escalated to ${rungText(report, o.highestRung, lang)}`
          : '';
      // Outside the brackets, so the rung's action in brackets is never nested in another pair.
      return zh
        ? `${taskLine(o)}本期逾期${overdueDays(o.overdueDays, lang)}${rung}`
        : `${taskLine(o)}, ${overdueDays(o.overdueDays, lang)} overdue in the period${rung}`;
    });
    p(`${zh ? '以下任务在本期内逾期：' : 'These tasks were overdue in the period: '}${lines.join(w.list)}${w.end}`);
    p(
      zh
        ? '请相关责任股室按整改通知书要求限期整改到位，并将整改情况书面报领导小组办公室。'
        : 'The departments concerned are to rectify within the time the rectification notices set and report in writing to the leadership group office.',
    );
  }
  if (full) reviews(report, lang, out);
}

/** 四、验收情况: the leaders' reviews, how long they took and how many went past their deadline. */
function reviews(report: AccountabilityReport, lang: Lang, out: BulletinBlock[]): void {
  const zh = lang === 'zh';
  const count = report.leaders.reduce((a, l) => a + l.reviews, 0);
  const days = report.leaders.flatMap((l) => (l.averageReviewDays === null ? [] : [l.averageReviewDays * l.reviews]));
  const average = count === 0 ? null : Math.round((days.reduce((a, b) => a + b, 0) / count) * 10) / 10;
  const late = report.leaders.filter((l) => l.lateReviews > 0);
  const lateCount = late.reduce((a, l) => a + l.lateReviews, 0);
  const lateText = late.map((l) => (zh ? `${l.name}${l.lateReviews}次` : `${l.name} ${l.lateReviews}`)).join(W[lang].sep);
  out.push({ kind: 'heading', text: zh ? '四、验收情况' : '4. Reviews' });
  out.push({
    kind: 'paragraph',
    text: zh
      ? `责任领导本期完成验收${count}次${average === null ? '' : `，平均用时${average}天`}；` +
        (late.length > 0 ? `超过验收时限${lateCount}次（${lateText}）。` : '没有超过验收时限的验收。') +
        '按时提交、等待验收的任务不计为责任股室逾期。'
      : `Responsible leaders finished ${count} reviews in the period${average === null ? '' : `, in ${average} days on average`}; ` +
        (late.length > 0 ? `${lateCount} went past the review deadline (${lateText}). ` : 'none went past the review deadline. ') +
        'A task submitted on time and waiting for review is never counted late against its department.',
  });
}

function tables(report: AccountabilityReport, lang: Lang, full: boolean, out: BulletinBlock[]): void {
  const zh = lang === 'zh';
  const rungHeads = report.totals.rungs.map((_, i) => (zh ? `第${i + 1}级` : `Rung ${i + 1}`));
  const tallyHead = [
    ...(zh
      ? ['任务数', '已办结', '按时完成', '逾期', '按时完成率', ...rungHeads, '退回']
      : ['Tasks', 'Finished', 'On time', 'Overdue', 'On-time rate', ...rungHeads, 'Returns']),
    ...(full ? [zh ? '延期申请/批准' : 'Extensions req./appr.'] : []),
  ];
  const cells = (x: Tally) => [
    String(x.tasks),
    String(x.finished),
    String(x.onTime),
    String(x.overdue),
    percent(x.onTimeRate),
    ...x.rungs.map(String),
    String(x.returns),
    ...(full ? [`${x.extensionsRequested}/${x.extensionsApproved}`] : []),
  ];
  if (full) out.push({ kind: 'heading', text: zh ? '五、统计表' : '5. Tables' });
  out.push({
    kind: 'table',
    caption: zh ? '表1\u3000各责任股室督导结果' : 'Table 1. Results by lead department',
    head: [zh ? '责任股室' : 'Lead department', ...tallyHead],
    rows: [...report.departments.map((d) => [d.name, ...cells(d)]), [zh ? '合计' : 'Total', ...cells(report.totals)]],
  });
  if (!full) return;
  out.push({
    kind: 'table',
    caption: zh ? '表2\u3000各责任人督导结果' : 'Table 2. Results by responsible person',
    head: [zh ? '责任人' : 'Responsible person', zh ? '所在股室' : 'Department', ...tallyHead],
    rows: report.people.map((p) => [p.name, p.departmentName ?? '', ...cells(p)]),
  });
  out.push({
    kind: 'table',
    caption: zh ? '表3\u3000责任领导验收情况' : 'Table 3. Reviews by responsible leader',
    head: zh
      ? ['责任领导', '分管任务数', '验收次数', '平均验收用时（天）', '超过验收时限', '待验收']
      : ['Responsible leader', 'Tasks', 'Reviews', 'Average review (days)', 'Past review deadline', 'Awaiting review'],
    rows: report.leaders.map((l) => [
      l.name,
      String(l.tasks),
      String(l.reviews),
      l.averageReviewDays === null ? '—' : String(l.averageReviewDays),
      String(l.lateReviews),
      String(l.pending),
    ]),
  });
}

/** The bulletin's words in `lang`, as blocks for a document or a page to lay out. */
export function bulletinContent(report: AccountabilityReport, lang: Lang, o: BulletinContentOptions): BulletinContent {
  const zh = lang === 'zh';
  const blocks: BulletinBlock[] = [];
  paragraphs(report, lang, o.full, blocks);
  tables(report, lang, o.full, blocks);
  return {
    title: zh ? `关于《${report.title}》督导结果的通报` : `Bulletin on the supervision results of "${report.title}"`,
    draft: zh ? '（草稿）' : '(draft)',
    addressee: zh ? '各责任股室、各有关单位：' : 'To every lead department and unit concerned:',
    blocks,
  };
}
