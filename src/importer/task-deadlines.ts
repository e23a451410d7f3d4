/**
 * A task's deadline from its 完成时限 field or, failing that, its text: dated phrases
 * (the latest is the deadline, the others milestones), "计划实施末期", "五年内", and
 * recurring duties (the first round is dated; the schema has no recurrence, so the
 * report and the duties say the task recurs). A task with no date keeps "" and a
 * report item: a made-up date would start reminders on a guess.
 */
import type { PlanDefinitionInput } from '../domain/plan.schema.js';
import { addDays, findDeadlines, isRealDate } from './dates.js';
import type { FieldHit } from './fields.js';
import { findRecurrences, firstOccurrence, RECURRENCE_WORDS } from './recurrence.js';
import { lineOf, textOf, type SourceText } from './source-text.js';
import type { TaskSlot } from './task-layout.js';
import { FIELD_WORDS as WORDS } from './report.js';
import type { TaskContext } from './tasks.js';

type TaskInput = PlanDefinitionInput['tasks'][number];

const YEAR_FROM_ZH = { passage: '同段前文', option: '导入参数 year', plan: '方案第一阶段', document: '文中首个年份' } as const;
const YEAR_FROM_EN = {
  passage: 'the same passage',
  option: 'the year option',
  plan: "the plan's first phase",
  document: 'the first year in the document',
} as const;

function milestoneTitle(src: SourceText, start: number, end: number, limit: number): string {
  const after = src.orig.slice(end, limit).replace(/^[\s,\uFF0C:\uFF1A]+/, '');
  const clause = after.split(/[,\uFF0C。;\uFF1B\n]/)[0]?.trim() ?? '';
  if (clause !== '' && !/^\d/.test(clause)) return clause.length > 40 ? `${clause.slice(0, 40)}…` : clause;
  return textOf(src, start, end);
}

interface Dated {
  date: string;
  at: number;
  end: number;
}

/** Dated deadline phrases in [from, to), reporting the ones that need a year or a phase. */
function collectDates(path: string, from: number, to: number, strict: boolean, ctx: TaskContext): { dated: Dated[]; unresolved: number } {
  const { src, report } = ctx;
  const dated: Dated[] = [];
  let unresolved = 0;
  for (const ph of findDeadlines(src.norm.slice(from, to), ctx.years, strict)) {
    const at = from + ph.index;
    const phLine = lineOf(src, at);
    let date: string | undefined;
    if (ph.kind === 'date') {
      date = ph.date;
      if (date === undefined) {
        report.add(
          'missing',
          path,
          phLine,
          `${path}：「${ph.text}」（第 ${phLine} 行）没有年份，也无法从上下文推定`,
          `${path}: "${ph.text}" (line ${phLine}) has no year and none can be inferred`,
        );
      } else if (ph.beforeMonth) {
        report.add(
          'assumed',
          path,
          phLine,
          `${path}：「${ph.text}」按该月开始之前理解，即 ${date}（第 ${phLine} 行）；如指该月底，请改为月末`,
          `${path}: "${ph.text}" (line ${phLine}) read as before that month begins, ${date}; change it if the end of the month is meant`,
        );
      }
      if (date !== undefined && ph.yearFrom !== undefined && ph.yearFrom !== 'text') {
        report.add(
          'assumed',
          path,
          phLine,
          `${path}：「${ph.text}」（第 ${phLine} 行）未写年份，按${YEAR_FROM_ZH[ph.yearFrom]}取 ${date.slice(0, 4)} 年，即 ${date}`,
          `${path}: "${ph.text}" (line ${phLine}) has no year; ${date.slice(0, 4)} taken from ${YEAR_FROM_EN[ph.yearFrom]}, so ${date}`,
        );
      }
    } else if (ph.kind === 'implementation-end') {
      const impl = ctx.implementationEnd;
      if (impl === undefined) {
        report.add(
          'missing',
          path,
          phLine,
          `${path}：「${ph.text}」（第 ${phLine} 行）指全面实施阶段结束，但原文没有该阶段的日期`,
          `${path}: "${ph.text}" (line ${phLine}) means the end of the implementation phase, which the document does not date`,
        );
      } else {
        date = impl.date;
        const warn = impl.defective
          ? {
              zh: `；注意该阶段日期有误（第 ${impl.line} 行），此期限随之待核`,
              en: `; that phase's dates are defective (line ${impl.line}), so check this deadline too`,
            }
          : { zh: '', en: '' };
        report.add(
          'assumed',
          path,
          phLine,
          `${path}：「${ph.text}」（第 ${phLine} 行）取全面实施阶段结束日 ${date}${warn.zh}`,
          `${path}: "${ph.text}" (line ${phLine}) is the end of the implementation phase, ${date}${warn.en}`,
        );
      }
    } else if (ph.kind === 'within-years' && ph.years !== undefined) {
      if (ctx.planStart === undefined) {
        report.add(
          'missing',
          path,
          phLine,
          `${path}：「${ph.text}」（第 ${phLine} 行）需要方案开始日期，原文未给出`,
          `${path}: "${ph.text}" (line ${phLine}) needs the plan's start, which the document does not give`,
        );
      } else {
        const y = Number(ctx.planStart.slice(0, 4)) + ph.years;
        date = addDays(`${y}${ctx.planStart.slice(4)}`, -1);
        report.add(
          'assumed',
          path,
          phLine,
          `${path}：「${ph.text}」（第 ${phLine} 行）自方案开始日 ${ctx.planStart} 起算，为 ${date}`,
          `${path}: "${ph.text}" (line ${phLine}) counted from the plan's start ${ctx.planStart}: ${date}`,
        );
      }
    }
    if (date !== undefined) dated.push({ date, at, end: from + ph.end });
    else unresolved += 1;
  }
  return { dated, unresolved };
}

export function deadlineFor(task: TaskInput, i: number, dl: FieldHit | undefined, slot: TaskSlot, line: number, ctx: TaskContext): void {
  const { src, report } = ctx;
  const s = src.norm;
  const path = `tasks[${i}].deadline`;
  const hasField = dl !== undefined && dl.value !== '';
  // A deadline field is read in full; free text (with a numbered measure's title
  // sentence) only for dates with a deadline cue.
  const text: [number, number] = [slot.heading ? slot.heading.titleStart : slot.textStart, slot.textEnd];
  let range: [number, number] = hasField ? [dl.valueStart, dl.valueEnd] : text;
  let found = collectDates(path, range[0], range[1], !hasField, ctx);
  let recurrences = findRecurrences(s.slice(range[0], range[1])).map((r) => ({ ...r, index: range[0] + r.index }));
  if (hasField && found.dated.length === 0 && found.unresolved === 0 && recurrences.length === 0) {
    range = text;
    found = collectDates(path, range[0], range[1], true, ctx);
  }
  if (recurrences.length === 0) {
    // "每季度开展一次排查" in the text recurs even when the field gives a final date.
    recurrences = findRecurrences(s.slice(text[0], text[1])).map((r) => ({ ...r, index: text[0] + r.index }));
  }
  const start = ctx.planStart;
  // Several recurring duties in one task: the first deadline is the earliest first round.
  const firsts = start === undefined ? [] : recurrences.map((r) => firstOccurrence(r, start)).sort();
  const recurrence = recurrences[0] ?? null;
  const where = hasField ? dl.line : line;
  const { dated } = found;
  if (dated.length > 0) {
    const last = dated.reduce((a, b) => (b.date > a.date ? b : a));
    task.deadline = last.date;
    const milestones = dated.filter((d) => d !== last).map((d) => ({ title: milestoneTitle(src, d.at, d.end, range[1]), due: d.date }));
    if (milestones.length > 0) task.milestones = milestones;
  } else if (firsts[0] !== undefined) {
    task.deadline = firsts[0];
  } else if (recurrence) {
    report.add(
      'missing',
      path,
      where,
      `${path}：周期性任务（${RECURRENCE_WORDS[recurrence.unit].zh}）需要方案开始日期才能排定首次期限`,
      `${path}: a recurring duty (${RECURRENCE_WORDS[recurrence.unit].en}) needs the plan's start to date its first round`,
    );
  } else if (found.unresolved === 0) {
    if (dl && dl.value === '') report.blank(path, dl.line, WORDS.deadline);
    else if (dl)
      report.add(
        'missing',
        path,
        dl.line,
        `${path}：「${dl.label}」（第 ${dl.line} 行）没有写出日期：「${dl.value}」`,
        `${path}: the "${dl.label}" field (line ${dl.line}) gives no date: "${dl.value}"`,
      );
    else report.missing(path, line, WORDS.deadline);
  }
  if (recurrence) {
    task.recurrence = { every: recurrence.unit, times: recurrence.times, text: recurrence.text };
    const rLine = lineOf(src, recurrence.index);
    const w = RECURRENCE_WORDS[recurrence.unit];
    const first =
      dated.length === 0 && task.deadline !== ''
        ? {
            zh: `，草稿以首次期限 ${task.deadline} 为完成时限（推定）`,
            en: `; the draft's deadline is the first round, ${task.deadline} (derived)`,
          }
        : { zh: '', en: '' };
    const times = recurrence.times > 1 ? { zh: `${recurrence.times} 次`, en: ` ${recurrence.times} times` } : { zh: '', en: '' };
    report.add(
      'recurring',
      `tasks[${i}].recurrence`,
      rLine,
      `tasks[${i}] 为周期性任务：「${recurrence.text}」（第 ${rLine} 行，${w.zh}${times.zh}）${first.zh}`,
      `tasks[${i}] recurs ${w.en}${times.en}: "${recurrence.text}" (line ${rLine})${first.en}`,
    );
    // The schema keeps one recurrence per task; a second duty of the task is reported, not dropped.
    for (const other of recurrences.slice(1)) {
      const oLine = lineOf(src, other.index);
      const ow = RECURRENCE_WORDS[other.unit];
      report.add(
        'recurring',
        `tasks[${i}].recurrence`,
        oLine,
        `tasks[${i}] 另有周期性工作：「${other.text}」（第 ${oLine} 行，${ow.zh}）；草稿的 recurrence 只记第一项，如需分别督办请拆为单独任务`,
        `tasks[${i}] has another recurring duty: "${other.text}" (line ${oLine}, ${ow.en}); the draft's recurrence holds only the first — split it into a task of its own to supervise it separately`,
      );
    }
  }
  if (task.deadline !== '' && !isRealDate(task.deadline)) {
    report.add(
      'defect',
      path,
      where,
      `${path}：「${task.deadline}」不是真实日期（第 ${where} 行）`,
      `${path}: "${task.deadline}" is not a real date (line ${where})`,
    );
  }
}
