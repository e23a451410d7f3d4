/**
 * The supervision bulletin (督导结果通报) as a Word document, from the accountability
 * report (src/domain/report.ts): the overall figures, the departments commended for
 * finishing everything on time, the tasks that were late and how far up the ladder
 * they went, and the table by department — the part of the printable draft
 * (src/web/report-page.ts) an office issues, in the same words. Two texts of one
 * bulletin drift: the page should come to render from `bulletinDocument`'s blocks.
 */
import type { Lang } from '../domain/i18n.js';
import { RUNG_ACTION_TEXT } from '../domain/notices.js';
import type { AccountabilityReport, Tally, TaskOutcome } from '../domain/report.js';
import { DateTime } from 'luxon';
import { officeDate } from './office-text.js';
import { officialDocx, type Block, type OfficialDocument } from './official-docx.js';

const day = (date: string, lang: Lang) => {
  const d = DateTime.fromISO(date);
  return lang === 'zh' ? `${d.year}年${d.month}月${d.day}日` : d.setLocale('en-GB').toFormat('d LLLL yyyy');
};
const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`);
const days = (n: number, lang: Lang) => (n < 1 ? (lang === 'zh' ? '不足1天' : 'under a day') : lang === 'zh' ? `${n}天` : `${n} days`);

function rungText(report: AccountabilityReport, rung: number, lang: Lang): string {
  const action = report.rungActions[rung - 1];
  const name = action ? RUNG_ACTION_TEXT[action][lang] : '';
  return lang === 'zh' ? `第${rung}级${name ? `（${name}）` : ''}` : `rung ${rung}${name ? ` (${name})` : ''}`;
}

function blocks(report: AccountabilityReport, lang: Lang): Block[] {
  const zh = lang === 'zh';
  const t = report.totals;
  const out: Block[] = [];
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
    const names = commended.map((d) => d.name).join(zh ? '、' : ', ');
    p(zh ? `${names}本期承担的任务全部按时完成，予以通报表扬。` : `${names} finished every task due from them on time and are commended.`);
  } else {
    p(zh ? '本期没有任务全部按时完成的责任股室。' : 'No lead department finished all its tasks on time in the period.');
  }

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
      return zh
        ? `${taskLine(o)}本期逾期${days(o.overdueDays, lang)}${rung}`
        : `${taskLine(o)}, ${days(o.overdueDays, lang)} overdue in the period${rung}`;
    });
    p(`${zh ? '以下任务在本期内逾期：' : 'These tasks were overdue in the period: '}${lines.join(zh ? '；' : '; ')}${zh ? '。' : '.'}`);
    p(
      zh
        ? '请相关责任股室按整改通知书要求限期整改到位，并将整改情况书面报领导小组办公室。'
        : 'The departments concerned are to rectify within the time the rectification notices set and report in writing to the leadership group office.',
    );
  }

  const rungHeads = t.rungs.map((_, i) => (zh ? `第${i + 1}级` : `Rung ${i + 1}`));
  const cells = (x: Tally) => [
    String(x.tasks),
    String(x.finished),
    String(x.onTime),
    String(x.overdue),
    percent(x.onTimeRate),
    ...x.rungs.map(String),
    String(x.returns),
  ];
  out.push({
    kind: 'table',
    caption: zh ? '表1　各责任股室督导结果' : 'Table 1. Results by lead department',
    head: zh
      ? ['责任股室', '任务数', '已办结', '按时完成', '逾期', '按时完成率', ...rungHeads, '退回']
      : ['Lead department', 'Tasks', 'Finished', 'On time', 'Overdue', 'On-time rate', ...rungHeads, 'Returns'],
    rows: [...report.departments.map((d) => [d.name, ...cells(d)]), [zh ? '合计' : 'Total', ...cells(t)]],
  });
  return out;
}

export interface BulletinOptions {
  /** 文号 from the series, or null for a draft (the number line is left for the office). */
  number: string | null;
  lang?: Lang;
}

export function bulletinDocument(report: AccountabilityReport, o: BulletinOptions): OfficialDocument {
  const lang = o.lang ?? 'zh';
  const zh = lang === 'zh';
  return {
    lang,
    issuer: report.issuer,
    number: o.number,
    title: zh ? `关于《${report.title}》督导结果的通报` : `Bulletin on the supervision results of "${report.title}"`,
    ...(o.number === null ? { subtitle: zh ? '（草稿）' : '(draft)' } : {}),
    addressee: zh ? '各责任股室、各有关单位：' : 'To every lead department and unit concerned:',
    blocks: blocks(report, lang),
    signer: report.issuer,
    date: officeDate(report.generatedAt, report.timeZone, lang),
  };
}

export function bulletinDocx(report: AccountabilityReport, o: BulletinOptions): Promise<Buffer> {
  return officialDocx(bulletinDocument(report, o));
}
