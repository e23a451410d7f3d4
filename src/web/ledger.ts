/**
 * The plan's ledger (台账): one row per task with its chain, deadline, state, rung,
 * last progress and dates — the sheet a group office files and prints. Times are
 * written as text in the plan's zone, so nobody's spreadsheet shifts them.
 */
import ExcelJS from 'exceljs';
import type { Queries } from '../engine/queries.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { formatPlanTime } from '../domain/time.js';
import { DEADLINE_PHASE_TEXT, label, SUPERVISION_TEXT, WORK_TEXT } from '../domain/labels.js';
import { lightOf, phaseOfDeadline, phaseWindows } from './overview.js';

export type LedgerTask = Awaited<ReturnType<Queries['task']>>;

interface Column {
  key: string;
  zh: string;
  en: string;
  width: number;
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
  { key: 'deadline', zh: '完成时限', en: 'Deadline', width: 17 },
  { key: 'phase', zh: '时限所在阶段', en: 'Phase of deadline', width: 14 },
  { key: 'work', zh: '工作状态', en: 'Work state', width: 12 },
  { key: 'supervision', zh: '督办状态', en: 'Supervision', width: 10 },
  { key: 'rung', zh: '督办级别', en: 'Rung', width: 8 },
  { key: 'rectification', zh: '整改时限', en: 'Rectification deadline', width: 17 },
  { key: 'percent', zh: '最新进展（%）', en: 'Last progress (%)', width: 10 },
  { key: 'note', zh: '进展说明', en: 'Progress note', width: 30 },
  { key: 'progressAt', zh: '进展报告时间', en: 'Progress reported', width: 17 },
  { key: 'submittedAt', zh: '提交验收时间', en: 'Submitted', width: 17 },
  { key: 'acceptedAt', zh: '验收时间', en: 'Accepted', width: 17 },
  { key: 'returns', zh: '退回次数', en: 'Returns', width: 8 },
  { key: 'evidence', zh: '佐证材料', en: 'Evidence', width: 40 },
];

const FILL: Record<string, string> = { red: 'FFF8D7DA', yellow: 'FFFFF3CD', green: 'FFD1E7DD', done: 'FFE2E3E5', idle: 'FFFFFFFF' };

function lastOf(task: LedgerTask, event: string) {
  return [...task.history].reverse().find((h) => h.event === event);
}

/** One ledger row, keyed as LEDGER_COLUMNS. */
export function ledgerRow(plan: PlanDefinition, task: LedgerTask, no: number, lang: 'zh' | 'en'): Record<string, string | number> {
  const zone = plan.timeZone;
  const at = (ms: number | undefined | null) => (ms ? formatPlanTime(ms, zone) : '');
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
    deadline: at(task.deadlineMs),
    phase: label(DEADLINE_PHASE_TEXT, phase, lang),
    work: label(WORK_TEXT, task.work, lang),
    supervision: label(SUPERVISION_TEXT, task.supervision, lang),
    rung: task.rung,
    rectification: task.rectificationDeadline ? at(Date.parse(task.rectificationDeadline)) : '',
    percent: task.progress?.percent ?? '',
    note: task.progress?.note ?? '',
    progressAt: at(task.progress?.at),
    submittedAt: at(submitted?.at),
    acceptedAt: at(accepted?.at),
    returns: task.returns,
    evidence: evidence.join('\n'),
  };
}

export async function buildLedger(plan: PlanDefinition, tasks: LedgerTask[], lang: 'zh' | 'en', exportedAt: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Duban 督办';
  wb.created = new Date(exportedAt);
  const ws = wb.addWorksheet(lang === 'zh' ? '任务台账' : 'Ledger', {
    views: [{ state: 'frozen', ySplit: 2, xSplit: 4 }],
    pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = LEDGER_COLUMNS.map((c) => ({ key: c.key, width: c.width }));

  const title = lang === 'zh'
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

  tasks.forEach((task, i) => {
    const row = ws.addRow(ledgerRow(plan, task, i + 1, lang));
    row.alignment = { vertical: 'top', wrapText: true };
    const fill = FILL[lightOf(task.supervision)];
    if (fill) row.getCell('supervision').fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
