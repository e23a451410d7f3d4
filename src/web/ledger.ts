/**
 * The plan's ledger (台账): one row per task in plan order (area, then task; 序号
 * "1.2" is the second task of the first area), with its chain, deadlines, state,
 * rungs and its record — original deadline, days overdue, highest rung, the numbers
 * of every notice it drew, how it was signed for, extensions and returns — the
 * sheet a group office files and prints. Times are real Excel dates showing the
 * plan zone's wall clock (a spreadsheet has no zones, so nobody's shifts them); a
 * deadline that ends a day (8月31日 24:00) is the date 2026-08-31 alone.
 *
 * A plan with goals gets a second sheet, 指标: one row per indicator with its target,
 * what its path expects at the export, its latest value and its status — the word
 * beside the colour, so a black-and-white print still says it.
 */
import { PART_SEPARATOR, partsOf } from '../domain/children.js';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { Queries } from '../engine/queries.js';
import { REASON_TEXT, type IndicatorView } from '../domain/indicators.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import type { TaskRecord } from '../domain/record.js';
import { formatPlanTime } from '../domain/time.js';
import { DEADLINE_PHASE_TEXT, indicatorStatusText, label, SUPERVISION_TEXT, WORK_TEXT } from '../domain/labels.js';
import { lightOf, phaseOfDeadline, phaseWindows } from './overview.js';

export type LedgerTask = Awaited<ReturnType<Queries['task']>>;

interface Column {
  key: string;
  zh: string;
  en: string;
  width: number;
  /** `deadline`: a date that may end a day (shown as the date alone); `time`: an instant. */
  type?: 'deadline' | 'time';
}

export const LEDGER_COLUMNS: Column[] = [
  { key: 'no', zh: '序号', en: 'No.', width: 6 },
  { key: 'id', zh: '任务编号', en: 'Task ID', width: 10 },
  { key: 'area', zh: '任务领域', en: 'Area', width: 16 },
  { key: 'title', zh: '任务名称', en: 'Task', width: 32 },
  { key: 'leader', zh: '责任领导', en: 'Responsible leader', width: 12 },
  { key: 'department', zh: '责任股室', en: 'Lead department', width: 16 },
  { key: 'head', zh: '股室负责人', en: 'Department head', width: 12 },
  { key: 'person', zh: '责任人', en: 'Responsible person', width: 12 },
  { key: 'cooperating', zh: '配合单位', en: 'Cooperating units', width: 18 },
  { key: 'originalDeadline', zh: '原定时限', en: 'Original deadline', width: 17, type: 'deadline' },
  { key: 'deadline', zh: '完成时限', en: 'Deadline', width: 17, type: 'deadline' },
  { key: 'phase', zh: '时限所在阶段', en: 'Phase of deadline', width: 14 },
  { key: 'stage', zh: '任务所处阶段', en: 'Stage of the task', width: 14 },
  { key: 'work', zh: '工作状态', en: 'Work state', width: 12 },
  { key: 'supervision', zh: '督办状态', en: 'Supervision', width: 10 },
  { key: 'rung', zh: '督办级别', en: 'Rung', width: 8 },
  { key: 'highestRung', zh: '最高督办级别', en: 'Highest rung', width: 8 },
  { key: 'rectification', zh: '整改时限', en: 'Rectification deadline', width: 17, type: 'time' },
  { key: 'overdueDays', zh: '逾期天数', en: 'Days overdue', width: 8 },
  { key: 'noticeNumbers', zh: '通知书编号', en: 'Notice numbers', width: 24 },
  { key: 'acknowledgement', zh: '签收情况', en: 'Acknowledgement', width: 22 },
  { key: 'extensions', zh: '延期次数', en: 'Extensions', width: 8 },
  { key: 'returns', zh: '退回次数', en: 'Returns', width: 8 },
  { key: 'percent', zh: '最新进展（%）', en: 'Last progress (%)', width: 10 },
  { key: 'note', zh: '进展说明', en: 'Progress note', width: 30 },
  { key: 'progressAt', zh: '进展报告时间', en: 'Progress reported', width: 17, type: 'time' },
  { key: 'submittedAt', zh: '提交验收时间', en: 'Submitted', width: 17, type: 'time' },
  { key: 'acceptedAt', zh: '验收时间', en: 'Accepted', width: 17, type: 'time' },
  { key: 'evidence', zh: '佐证材料', en: 'Evidence', width: 40 },
];

const FILL: Record<string, string> = {
  red: 'FFF8D7DA',
  yellow: 'FFFFF3CD',
  green: 'FFD1E7DD',
  awaiting: 'FFDDE8FB',
  done: 'FFE2E3E5',
  idle: 'FFFFFFFF',
};

const DATE_FORMAT = 'yyyy-mm-dd';
const TIME_FORMAT = 'yyyy-mm-dd hh:mm';

export type LedgerValue = string | number | Date;

/**
 * An instant as an Excel date: the wall clock in the plan's zone, written as if it
 * were UTC (exceljs writes a Date's UTC fields). A deadline at midnight ends the day
 * before, and is that date alone.
 */
export function excelDate(ms: number, zone: string, type: 'deadline' | 'time'): Date {
  let wall = DateTime.fromMillis(ms, { zone });
  if (type === 'deadline' && wall.equals(wall.startOf('day'))) wall = wall.minus({ days: 1 });
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
}

/**
 * The format of a date cell: a deadline that ends a day (written by excelDate as
 * that date at 00:00, and no other deadline reads 00:00) shows the date alone.
 */
export function dateFormat(value: Date, type: 'deadline' | 'time'): string {
  const midnight = value.getUTCHours() === 0 && value.getUTCMinutes() === 0 && value.getUTCSeconds() === 0;
  return type === 'deadline' && midnight ? DATE_FORMAT : TIME_FORMAT;
}

/**
 * Plan order with 序号: areas as the plan lists them, tasks in plan order within
 * each ("1.2"); tasks of no listed area come last as one more group, and a plan
 * without areas is numbered 1, 2, ….
 */
export function planOrder<T extends { id: string }>(plan: PlanDefinition, tasks: T[]): { no: string; task: T }[] {
  // A task's parts (occurrences, milestones, units' and cooperating units' parts) follow it, numbered under it ("1.2-3").
  const partsBy = new Map<string, T[]>();
  for (const t of tasks) {
    const cut = t.id.indexOf(PART_SEPARATOR);
    if (cut > 0 && plan.tasks.some((p) => p.id === t.id.slice(0, cut)))
      partsBy.set(t.id.slice(0, cut), [...(partsBy.get(t.id.slice(0, cut)) ?? []), t]);
  }
  if (partsBy.size > 0) {
    for (const [parent, list] of partsBy) {
      const order = partsOf(
        plan,
        plan.tasks.find((p) => p.id === parent)!,
      ).map((p) => p.id);
      list.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
    }
    const parts = new Set([...partsBy.values()].flat());
    return planOrder(
      plan,
      tasks.filter((t) => !parts.has(t)),
    ).flatMap((row) => [row, ...(partsBy.get(row.task.id) ?? []).map((task, k) => ({ no: `${row.no}-${k + 1}`, task }))]);
  }
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const known = new Set(plan.tasks.map((t) => t.id));
  // Tasks the definition does not list (there should be none) keep their place at the end.
  const defs = [
    ...plan.tasks.filter((t) => byId.has(t.id)),
    ...tasks.filter((t) => !known.has(t.id)).map((t) => ({ id: t.id, area: undefined })),
  ];
  if (plan.areas.length === 0) return defs.map((d, i) => ({ no: String(i + 1), task: byId.get(d.id)! }));
  const groups = [
    ...plan.areas.map((a) => defs.filter((d) => d.area === a.id)),
    defs.filter((d) => !plan.areas.some((a) => a.id === d.area)),
  ];
  return groups.flatMap((group, g) => group.map((d, i) => ({ no: `${g + 1}.${i + 1}`, task: byId.get(d.id)! })));
}

function lastOf(task: LedgerTask, event: string) {
  return [...task.history].reverse().find((h) => h.event === event);
}

const ACK_TEXT = {
  onTime: { zh: '按时签收', en: 'on time' },
  late: { zh: '逾期签收', en: 'late' },
  missing: { zh: '超过签收时限未签收', en: 'not acknowledged, past the deadline' },
  pending: { zh: '待签收', en: 'not yet acknowledged' },
  notIssued: { zh: '未下达', en: 'not issued' },
  reminded: { zh: '已提醒', en: 'reminded' },
  chased: { zh: '已催办', en: 'chased' },
};

/** 按时签收 2026-03-05 10:00 / 逾期签收 …（已提醒、已催办）. */
export function acknowledgementText(ack: TaskRecord['acknowledgement'], zone: string, lang: 'zh' | 'en'): string {
  const state =
    ack.issuedAt === null
      ? 'notIssued'
      : ack.at !== null
        ? ack.onTime === false
          ? 'late'
          : 'onTime'
        : ack.onTime === false
          ? 'missing'
          : 'pending';
  const when = ack.at !== null ? ` ${formatPlanTime(ack.at, zone, 'startOfDay')}` : '';
  const chased = [ack.reminded ? ACK_TEXT.reminded[lang] : null, ack.chased ? ACK_TEXT.chased[lang] : null].filter((x) => x !== null);
  const aside = chased.length === 0 ? '' : lang === 'zh' ? `\uff08${chased.join('\u3001')}\uff09` : ` (${chased.join(', ')})`;
  return `${ACK_TEXT[state][lang]}${when}${aside}`;
}

/** One ledger row, keyed as LEDGER_COLUMNS. */
export function ledgerRow(plan: PlanDefinition, task: LedgerTask, no: string | number, lang: 'zh' | 'en'): Record<string, LedgerValue> {
  const zone = plan.timeZone;
  const record = task.record;
  const date = (ms: number | undefined | null, type: 'deadline' | 'time' = 'time') => (ms ? excelDate(ms, zone, type) : '');
  const submitted = lastOf(task, 'task.submit');
  const accepted = lastOf(task, 'task.accept');
  const evidence = (submitted?.data?.evidence as string[] | undefined) ?? [];
  const phase = phaseOfDeadline(phaseWindows(plan), task.deadlineMs, zone);
  return {
    no,
    id: task.id,
    area: plan.areas.find((a) => a.id === task.area)?.title ?? task.area ?? '',
    title: task.title,
    leader: task.chain.responsibleLeader?.name ?? '',
    department: task.chain.leadDepartment.name,
    head: task.chain.departmentHead?.name ?? '',
    person: task.chain.responsiblePerson?.name ?? '',
    cooperating: task.chain.cooperatingUnits.map((u) => u.name).join(lang === 'zh' ? '\u3001' : ', '),
    originalDeadline: date(record.originalDeadline, 'deadline'),
    deadline: date(task.deadlineMs, 'deadline'),
    phase: label(DEADLINE_PHASE_TEXT, phase, lang),
    stage: label(DEADLINE_PHASE_TEXT, task.stage, lang),
    work: label(WORK_TEXT, task.work, lang),
    supervision: label(SUPERVISION_TEXT, task.supervision, lang),
    rung: task.rung,
    highestRung: record.highestRung,
    rectification: task.rectificationDeadline ? date(Date.parse(task.rectificationDeadline)) : '',
    overdueDays: record.overdueDays,
    noticeNumbers: record.rungs
      .map((r) => r.number ?? (lang === 'zh' ? `第${r.rung}级（未编号）` : `rung ${r.rung} (unnumbered)`))
      .join('\n'),
    acknowledgement: acknowledgementText(record.acknowledgement, zone, lang),
    extensions: record.extensions.filter((x) => x.outcome === 'approved').length,
    returns: task.returns,
    percent: task.progress?.percent ?? '',
    note: task.progress?.note ?? '',
    progressAt: date(task.progress?.at),
    submittedAt: date(submitted?.at),
    acceptedAt: date(accepted?.at),
    evidence: evidence.join('\n'),
  };
}

export const INDICATOR_COLUMNS: Column[] = [
  { key: 'no', zh: '序号', en: 'No.', width: 6 },
  { key: 'id', zh: '指标编号', en: 'Indicator ID', width: 10 },
  { key: 'title', zh: '指标名称', en: 'Indicator', width: 32 },
  { key: 'department', zh: '报送部门', en: 'Reporting department', width: 16 },
  { key: 'leader', zh: '责任领导', en: 'Responsible leader', width: 12 },
  { key: 'target', zh: '目标', en: 'Target', width: 14 },
  { key: 'due', zh: '完成时限', en: 'Due', width: 12, type: 'deadline' },
  { key: 'expected', zh: '当前应达', en: 'Expected now', width: 10 },
  { key: 'latest', zh: '最新实际值', en: 'Latest value', width: 10 },
  { key: 'asOf', zh: '截至日期', en: 'As of', width: 12, type: 'deadline' },
  { key: 'status', zh: '状态', en: 'Status', width: 10 },
  { key: 'reasons', zh: '原因', en: 'Why', width: 30 },
];

const COMPARISON: Record<IndicatorView['comparison'], string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '=' };

/** 78.43 → 78.4: as precise as a reading needs (the cell keeps a number). */
const reading = (n: number) => Number(n.toFixed(Math.abs(n) >= 100 ? 1 : Math.abs(n) >= 1 ? 2 : 3));

/** One row of the 指标 sheet, keyed as INDICATOR_COLUMNS. */
export function indicatorRow(plan: PlanDefinition, ind: IndicatorView, no: number, lang: 'zh' | 'en'): Record<string, LedgerValue> {
  const zone = plan.timeZone;
  const def = plan.goals.find((g) => g.id === ind.id);
  const unit = ind.unit ?? '';
  const target = def?.range ? `${def.range.min}–${def.range.max}${unit}` : `${COMPARISON[ind.comparison]} ${ind.target}${unit}`;
  const shown = ind.reasons.filter((r) => r !== 'onPath' && r !== 'notYet');
  return {
    no,
    id: ind.id,
    title: ind.title,
    department: ind.department.name,
    leader: ind.leader.name,
    target,
    due: ind.due !== null ? excelDate(ind.due, zone, 'deadline') : '',
    expected: ind.expectedNow !== null ? reading(ind.expectedNow) : '',
    latest: ind.latest ? ind.latest.value : '',
    // An as-of date starts its day: its wall clock is that date at 00:00, shown as the date alone.
    asOf: ind.latest ? excelDate(ind.latest.asOf, zone, 'time') : '',
    status: indicatorStatusText(ind.status, lang),
    reasons: shown.map((r) => REASON_TEXT[r][lang]).join(lang === 'zh' ? '\uff1b' : '; '),
  };
}

function addIndicatorSheet(wb: ExcelJS.Workbook, plan: PlanDefinition, indicators: IndicatorView[], lang: 'zh' | 'en', exportedAt: number) {
  const ws = wb.addWorksheet(lang === 'zh' ? '指标' : 'Indicators', {
    views: [{ state: 'frozen', ySplit: 2, xSplit: 3 }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = INDICATOR_COLUMNS.map((c) => ({ key: c.key, width: c.width }));
  ws.mergeCells(1, 1, 1, INDICATOR_COLUMNS.length);
  const titleCell = ws.getCell(1, 1);
  titleCell.value =
    lang === 'zh'
      ? `${plan.title} 指标进度（截至 ${formatPlanTime(exportedAt, plan.timeZone)}）`
      : `${plan.title} — indicators (as of ${formatPlanTime(exportedAt, plan.timeZone)})`;
  titleCell.font = { bold: true, size: 14 };
  titleCell.alignment = { horizontal: 'center' };
  const header = ws.getRow(2);
  INDICATOR_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c[lang];
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE3EA' } };
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  });
  indicators.forEach((ind, i) => {
    const row = ws.addRow(indicatorRow(plan, ind, i + 1, lang));
    row.alignment = { vertical: 'top', wrapText: true };
    for (const c of INDICATOR_COLUMNS) {
      const cell = row.getCell(c.key);
      if (c.type && cell.value instanceof Date) cell.numFmt = dateFormat(cell.value, c.type);
    }
    row.getCell('status').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[ind.status]! } };
  });
}

/** The ledger workbook: the tasks, and the indicators when the plan has any (`indicators` as the engine reads them at the export). */
export async function buildLedger(
  plan: PlanDefinition,
  tasks: LedgerTask[],
  lang: 'zh' | 'en',
  exportedAt: number,
  indicators: IndicatorView[] = [],
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Duban 督办';
  wb.created = new Date(exportedAt);
  const ws = wb.addWorksheet(lang === 'zh' ? '任务台账' : 'Ledger', {
    views: [{ state: 'frozen', ySplit: 2, xSplit: 4 }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = LEDGER_COLUMNS.map((c) => ({ key: c.key, width: c.width }));

  const title =
    lang === 'zh'
      ? `${plan.title} 任务台账（导出于 ${formatPlanTime(exportedAt, plan.timeZone)}）`
      : `${plan.title} — task ledger (exported ${formatPlanTime(exportedAt, plan.timeZone)})`;
  ws.mergeCells(1, 1, 1, LEDGER_COLUMNS.length);
  const titleCell = ws.getCell(1, 1);
  titleCell.value = title;
  titleCell.font = { bold: true, size: 14 };
  titleCell.alignment = { horizontal: 'center' };

  const header = ws.getRow(2);
  LEDGER_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c[lang];
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE3EA' } };
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  });
  ws.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: LEDGER_COLUMNS.length } };

  for (const { no, task } of planOrder(plan, tasks)) {
    const row = ws.addRow(ledgerRow(plan, task, no, lang));
    row.alignment = { vertical: 'top', wrapText: true };
    for (const c of LEDGER_COLUMNS) {
      const cell = row.getCell(c.key);
      if (c.type && cell.value instanceof Date) cell.numFmt = dateFormat(cell.value, c.type);
    }
    const fill = FILL[lightOf(task.supervision)];
    if (fill) row.getCell('supervision').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
  }
  if (indicators.length > 0) addIndicatorSheet(wb, plan, indicators, lang, exportedAt);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
