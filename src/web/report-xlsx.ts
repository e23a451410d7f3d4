/**
 * The accountability report (督导结果) as .xlsx: one sheet per table — departments,
 * responsible persons, responsible leaders — with counts as number cells and the
 * on-time rate as a percent cell, so offices can sort, sum and chart them.
 */
import ExcelJS from 'exceljs';
import type { AccountabilityReport, LeaderRow, Tally } from '../domain/report.js';
import { RUNG_ACTION_TEXT } from '../domain/notices.js';
import { formatPlanTime } from '../domain/time.js';

type Lang = 'zh' | 'en';
type Cell = string | number | null;

interface Column {
  zh: string;
  en: string;
  width: number;
  /** Excel number format of the column's cells. */
  numFmt?: string;
}

const TALLY_COLUMNS: (Column & { value: (t: Tally) => Cell })[] = [
  { zh: '任务数', en: 'Tasks', width: 8, numFmt: '0', value: (t) => t.tasks },
  { zh: '已办结', en: 'Finished', width: 8, numFmt: '0', value: (t) => t.finished },
  { zh: '按时完成', en: 'On time', width: 9, numFmt: '0', value: (t) => t.onTime },
  { zh: '逾期', en: 'Overdue', width: 7, numFmt: '0', value: (t) => t.overdue },
  { zh: '按时完成率', en: 'On-time rate', width: 11, numFmt: '0.0%', value: (t) => t.onTimeRate },
  { zh: '被督办任务', en: 'Escalated tasks', width: 10, numFmt: '0', value: (t) => t.escalated },
];

const TAIL_COLUMNS: (Column & { value: (t: Tally) => Cell })[] = [
  { zh: '退回整改', en: 'Returns', width: 9, numFmt: '0', value: (t) => t.returns },
  { zh: '延期申请', en: 'Extensions requested', width: 9, numFmt: '0', value: (t) => t.extensionsRequested },
  { zh: '延期批准', en: 'Extensions approved', width: 9, numFmt: '0', value: (t) => t.extensionsApproved },
];

const LEADER_COLUMNS: (Column & { value: (r: LeaderRow) => Cell })[] = [
  { zh: '分管任务数', en: 'Tasks', width: 10, numFmt: '0', value: (r) => r.tasks },
  { zh: '验收次数', en: 'Reviews', width: 9, numFmt: '0', value: (r) => r.reviews },
  { zh: '验收通过', en: 'Accepted', width: 9, numFmt: '0', value: (r) => r.accepted },
  { zh: '退回整改', en: 'Returned', width: 9, numFmt: '0', value: (r) => r.returned },
  { zh: '平均验收用时（天）', en: 'Average review (days)', width: 12, numFmt: '0.0', value: (r) => r.averageReviewDays },
  { zh: '超过验收时限', en: 'Reviews past deadline', width: 12, numFmt: '0', value: (r) => r.lateReviews },
  { zh: '待验收', en: 'Awaiting review', width: 9, numFmt: '0', value: (r) => r.pending },
];

/** The rung columns: 第1级（下发整改意见）… from the plan's own ladder. */
function rungColumns(report: AccountabilityReport): (Column & { value: (t: Tally) => Cell })[] {
  return report.totals.rungs.map((_, i) => {
    const action = report.rungActions[i];
    const text = action ? RUNG_ACTION_TEXT[action] : null;
    return {
      zh: `第${i + 1}级${text ? `（${text.zh}）` : ''}`,
      en: `Rung ${i + 1}${text ? ` (${text.en})` : ''}`,
      width: 12,
      numFmt: '0',
      value: (t: Tally) => t.rungs[i] ?? 0,
    };
  });
}

/** The period as people read it: 2026-03-01 至 2026-08-31 (the last day inclusive). */
export function periodText(report: Pick<AccountabilityReport, 'period'>, lang: Lang): string {
  return lang === 'zh'
    ? `${report.period.fromDate} 至 ${report.period.lastDate}`
    : `${report.period.fromDate} to ${report.period.lastDate}`;
}

function addSheet(wb: ExcelJS.Workbook, name: string, title: string, columns: Column[], rows: Cell[][], lang: Lang): void {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', ySplit: 2, xSplit: 2 }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = columns.map((c) => ({ width: c.width }));
  ws.mergeCells(1, 1, 1, columns.length);
  const titleCell = ws.getCell(1, 1);
  titleCell.value = title;
  titleCell.font = { bold: true, size: 14 };
  titleCell.alignment = { horizontal: 'center' };
  const header = ws.getRow(2);
  columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c[lang];
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE3EA' } };
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  });
  for (const values of rows) {
    const row = ws.addRow(values);
    columns.forEach((c, i) => {
      if (c.numFmt) row.getCell(i + 1).numFmt = c.numFmt;
    });
  }
}

/** The three tables of `report` as an .xlsx workbook. */
export async function buildReportXlsx(report: AccountabilityReport, lang: Lang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Duban 督办';
  wb.created = new Date(report.generatedAt);
  const rungs = rungColumns(report);
  const tallyColumns = [...TALLY_COLUMNS, ...rungs, ...TAIL_COLUMNS];
  const tallyCells = (t: Tally) => tallyColumns.map((c) => c.value(t));
  const when = formatPlanTime(report.generatedAt, report.timeZone);
  const title = (zh: string, en: string) =>
    lang === 'zh'
      ? `${report.title} 督导结果·${zh}（${periodText(report, 'zh')}，生成于 ${when}）`
      : `${report.title} — supervision results: ${en} (${periodText(report, 'en')}, generated ${when})`;
  const no: Column = { zh: '序号', en: 'No.', width: 6, numFmt: '0' };

  addSheet(
    wb,
    lang === 'zh' ? '责任股室' : 'Departments',
    title('按责任股室', 'by lead department'),
    [no, { zh: '责任股室', en: 'Lead department', width: 18 }, { zh: '负责人', en: 'Head', width: 10 }, ...tallyColumns],
    [
      ...report.departments.map((d, i) => [i + 1, d.name, d.headName ?? '', ...tallyCells(d)]),
      [null, lang === 'zh' ? '合计' : 'Total', null, ...tallyCells(report.totals)],
    ],
    lang,
  );
  addSheet(
    wb,
    lang === 'zh' ? '责任人' : 'People',
    title('按责任人', 'by responsible person'),
    [no, { zh: '责任人', en: 'Responsible person', width: 12 }, { zh: '所在股室', en: 'Department', width: 18 }, ...tallyColumns],
    report.people.map((p, i) => [i + 1, p.name, p.departmentName ?? '', ...tallyCells(p)]),
    lang,
  );
  addSheet(
    wb,
    lang === 'zh' ? '责任领导' : 'Leaders',
    title('责任领导验收情况', 'reviews by responsible leader'),
    [no, { zh: '责任领导', en: 'Responsible leader', width: 12 }, ...LEADER_COLUMNS],
    report.leaders.map((l, i) => [i + 1, l.name, ...LEADER_COLUMNS.map((c) => c.value(l))]),
    lang,
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}
