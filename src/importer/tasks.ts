/**
 * Tasks from task slots: title, duties, the responsibility chain and the deadline.
 *
 * Required references the document leaves blank get the placeholder person or unit
 * "tbd" (待定) and a report item, so the draft loads and the blanks are easy to find;
 * a deadline the document does not give stays "" (not a date), because a made-up date
 * would start reminders and escalation on a guess.
 */
import type { PlanDefinitionInput } from '../domain/plan.schema.js';
import type { YearContext } from './dates.js';
import type { FieldHit } from './fields.js';
import type { Heading } from './outline.js';
import { parsePerson, splitList } from './people.js';
import type { Registry } from './registry.js';
import { FIELD_WORDS as WORDS, type Report } from './report.js';
import { lineOf, type SourceText } from './source-text.js';
import { deadlineFor } from './task-deadlines.js';
import type { TaskSlot } from './task-layout.js';

type TaskInput = PlanDefinitionInput['tasks'][number];
type AreaInput = NonNullable<PlanDefinitionInput['areas']>[number];

export interface TaskContext {
  src: SourceText;
  registry: Registry;
  report: Report;
  years: YearContext;
  /** First day of the plan, for recurring duties and "五年内". */
  planStart?: string;
  /** Last day of the implementation phase, for "计划实施末期". */
  implementationEnd?: { date: string; defective: boolean; line: number | null };
  /** Stream ranges that belong to other parts (the leadership passage). */
  consumed: ReadonlyArray<[number, number]>;
}

export interface TasksResult {
  areas: AreaInput[];
  tasks: TaskInput[];
  /** Source line of each area / task / field, keyed by draft path. */
  lines: Map<string, number>;
}

function cleanText(src: SourceText, from: number, to: number, cut: ReadonlyArray<[number, number]>): string {
  let out = '';
  let at = from;
  for (const [a, b] of [...cut].filter(([a, b]) => b > from && a < to).sort((x, y) => x[0] - y[0])) {
    if (a > at) out += src.orig.slice(at, a);
    at = Math.max(at, b);
  }
  if (at < to) out += src.orig.slice(at, to);
  return out
    .replace(/[ \t]+/g, (m, i: number, all: string) =>
      /[A-Za-z0-9]/.test(all[i - 1] ?? '') && /[A-Za-z0-9]/.test(all[i + m.length] ?? '') ? ' ' : '',
    )
    .replace(/\n{2,}/g, '\n')
    .replace(/^[\s。.;\uFF1B,\uFF0C、]+/, '')
    .trim();
}

/** Clauses from the start of `text` until the title is long enough to mean something. */
function firstClauses(text: string): string {
  const sentence = text.split(/[。!?;\uFF01\uFF1F\uFF1B\n]/)[0] ?? '';
  if (sentence.length <= 30) return sentence;
  let title = '';
  for (const clause of sentence.split(/[,\uFF0C]/)) {
    title = title === '' ? clause : `${title},${clause}`;
    if (title.length >= 8) break;
  }
  return title.length > 40 ? `${title.slice(0, 40)}…` : title;
}

export function buildTasks(slots: readonly TaskSlot[], ctx: TaskContext): TasksResult {
  const { src, registry, report } = ctx;
  const s = src.norm;
  const areas: AreaInput[] = [];
  const areaIds = new Map<Heading, string>();
  const tasks: TaskInput[] = [];
  const lines = new Map<string, number>();

  slots.forEach((slot, i) => {
    const p = (field: string) => `tasks[${i}].${field}`;
    const fields = slot.block?.fields ?? [];
    const field = (kind: FieldHit['kind']) => fields.find((f) => f.kind === kind);
    const cut: Array<[number, number]> = [...ctx.consumed];
    if (slot.block) cut.push([slot.block.start, slot.block.end]);
    // Parenthetical blocks sit inside a measure's text; keep them out of the duties.
    const body = cleanText(src, slot.textStart, slot.textEnd, cut);
    const line = lineOf(src, slot.heading?.index ?? (body === '' ? (slot.block?.start ?? slot.textStart) : skipSpace(s, slot.textStart)));

    let title: string;
    let duties: string;
    if (slot.dutyTitle !== undefined) {
      title = slot.dutyTitle;
      duties = body;
    } else if (slot.heading) {
      title = slot.heading.title;
      duties = body;
    } else if (slot.titleFrom) {
      title = slot.titleFrom.title;
      duties = body;
    } else {
      title = firstClauses(body) || slot.block?.fields[0]?.value || '';
      duties = body;
    }
    if (title === '') {
      title = `任务 ${i + 1}`;
      report.add(
        'missing',
        p('title'),
        line,
        `${p('title')}：原文第 ${line} 行的任务没有标题，草稿暂填「${title}」`,
        `${p('title')}: the task at line ${line} has no title; the draft uses "${title}"`,
      );
    }

    const task: TaskInput = {
      id: `t${i + 1}`,
      title,
      duties,
      responsibleLeader: '',
      leadDepartment: '',
      responsiblePerson: '',
      deadline: '',
    };
    lines.set(`tasks[${i}]`, line);
    if (slot.area) {
      let id = areaIds.get(slot.area);
      if (id === undefined) {
        id = `a${areas.length + 1}`;
        areaIds.set(slot.area, id);
        lines.set(`areas[${areas.length}]`, slot.area.line);
        areas.push({ id, title: slot.area.title || id });
      }
      task.area = id;
    }
    if (slot.orphan === 'no-fields') {
      report.add(
        'missing',
        `tasks[${i}]`,
        line,
        `tasks[${i}]「${title}」（第 ${line} 行）在原文中没有任何责任字段（责任领导、负责部门、完成时限等）`,
        `tasks[${i}] "${title}" (line ${line}) has no responsibility fields in the document (leader, department, deadline)`,
      );
    }
    if (slot.orphan === 'recurring-duty') {
      report.add(
        'found',
        `tasks[${i}]`,
        line,
        `第 ${line} 行的周期性工作「${title}」不在编号举措中，已作为单独任务导入`,
        `the recurring duty "${title}" (line ${line}) is outside the numbered measures; imported as a task of its own`,
      );
    }
    if (slot.orphan === 'after-last-block') {
      report.add(
        'missing',
        `tasks[${i}]`,
        line,
        `原文第 ${line} 行的段落在最后一组责任字段之后，没有自己的责任领导、责任股室等字段，已作为单独任务导入，请核实`,
        `the paragraph at line ${line} follows the last responsibility block and has no fields of its own; imported as a separate task: check it`,
      );
    }

    // Responsibility chain.
    const leader = field('leader');
    task.responsibleLeader = personRef(leader, p('responsibleLeader'), WORDS.responsibleLeader, line, undefined, ctx);
    const dept = field('department');
    const deptItems = dept ? splitList(dept.value) : [];
    if (dept === undefined || deptItems.length === 0) {
      task.leadDepartment = registry.tbdUnit();
      if (dept) report.blank(p('leadDepartment'), dept.line, WORDS.leadDepartment, 'tbd');
      else report.missing(p('leadDepartment'), line, WORDS.leadDepartment, 'tbd');
    } else {
      task.leadDepartment = registry.unit(deptItems[0]!, dept.line);
      lines.set(p('leadDepartment'), dept.line);
    }
    const coop: string[] = [];
    if (deptItems.length > 1 && dept) {
      coop.push(...deptItems.slice(1).map((u) => registry.unit(u, dept.line)));
      report.add(
        'assumed',
        p('leadDepartment'),
        dept.line,
        `${p('leadDepartment')}：第 ${dept.line} 行列出多个单位（「${dept.value}」），首个「${deptItems[0]}」作为责任股室，其余作为配合单位`,
        `${p('leadDepartment')}: line ${dept.line} names several units ("${dept.value}"); the first, "${deptItems[0]}", leads and the others cooperate`,
      );
    }
    const coopField = field('cooperating');
    if (coopField) {
      const items = splitList(coopField.value);
      if (items.length === 0) report.blank(p('cooperatingUnits'), coopField.line, { zh: '配合单位', en: 'cooperating units' });
      for (const u of items) coop.push(registry.unit(u, coopField.line));
      lines.set(p('cooperatingUnits'), coopField.line);
    }
    const uniqueCoop = [...new Set(coop)].filter((u) => u !== task.leadDepartment);
    if (uniqueCoop.length > 0) task.cooperatingUnits = uniqueCoop;
    // "责任单位:各学校": one task per school when cascaded (分解下达); the schools are listed later.
    const leadName = registry.unitName(task.leadDepartment) ?? '';
    if (/^各(?!级)[\u4e00-\u9fa5()（）、]{0,12}(?:学校|中小学|中学|小学|幼儿园|园所|中心学校|中心校|学区|校)$/.test(leadName)) {
      task.cascade = { group: leadName, units: [] };
      report.add(
        'found',
        p('cascade'),
        lines.get(p('leadDepartment')) ?? line,
        `${p('cascade')}：任务由「${leadName}」承担，可分解下达到每所学校；草稿未列出具体学校，请在 cascade.units 中补充`,
        `${p('cascade')}: the task falls to "${leadName}" and can be cascaded to each school; list them in cascade.units`,
      );
    }
    const unit = task.leadDepartment === 'tbd' ? undefined : task.leadDepartment;
    task.responsiblePerson = personRef(field('person'), p('responsiblePerson'), WORDS.responsiblePerson, line, unit, ctx);

    // Deadline.
    const dl = field('deadline');
    if (dl && dl.value !== '') {
      task.duties = [task.duties, `${dl.label}:${dl.value}`].filter((x) => x !== '').join('\n');
      lines.set(p('deadline'), dl.line);
    }
    deadlineFor(task, i, dl, slot, line, ctx);
    tasks.push(task);
  });
  return { areas, tasks, lines };
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && /[\s。;,]/.test(s[i] ?? '')) i++;
  return i;
}

function personRef(
  f: FieldHit | undefined,
  path: string,
  words: { zh: string; en: string },
  line: number,
  unit: string | undefined,
  ctx: TaskContext,
): string {
  const { registry, report } = ctx;
  if (f === undefined) {
    report.missing(path, line, words, 'tbd');
    return registry.tbdPerson();
  }
  const items = splitList(f.value);
  const first = items[0] ? parsePerson(items[0]) : null;
  if (first === null || first.redacted) {
    report.blank(path, f.line, words, 'tbd');
    return registry.tbdPerson();
  }
  if (items.length > 1) {
    report.add(
      'assumed',
      path,
      f.line,
      `${path}：第 ${f.line} 行列出多人（「${f.value}」），草稿取第一位`,
      `${path}: line ${f.line} names several people ("${f.value}"); the draft takes the first`,
    );
  }
  if (first.collective || first.name === undefined) {
    report.add(
      'assumed',
      path,
      f.line,
      `${path}：第 ${f.line} 行只写了「${first.text}」，未写姓名，已按此建人员条目，请补姓名`,
      `${path}: line ${f.line} gives "${first.text}", not a name; a person is created under that post: add the name`,
    );
  }
  return registry.person(first.name ?? first.text, f.line, first.title, unit);
}
