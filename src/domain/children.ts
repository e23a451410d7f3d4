/**
 * The parts of a task (分项): what "每学期开展1次", "7月底前拿出方案,计划实施末期拿出成果",
 * "各学校完成配套方案" and "配合单位:…" make of one task of a plan. Each part is a task of
 * its own — its own deadline, reminders, ladder and record, run by the same task
 * machine — named `<task>~<part>` and naming its `parent`:
 *
 * | part | id | holder | deadline |
 * |---|---|---|---|
 * | occurrence of a recurring duty | `t~2027-1` (spring 2027), `t~2027-2` (autumn) | the task's | the end of its window |
 * | milestone | `t~m1` | the task's | the milestone's |
 * | cascade, one per unit (分解下达) | `t~<unit>` | the unit's head | the task's, or `cascade.leadTime` before |
 * | contribution of a cooperating unit (协办) | `t~co-<unit>` | the unit's head; the lead department's head accepts it | `cooperation.leadTime` before the task's |
 *
 * Why whole tasks and not sub-states of one task: whoever holds a part is the one
 * chased, so every part needs the whole of supervision (签收, reminders, rungs with
 * their 文号, 延期, the reviewer's clock, the record). Reusing the task machine gives
 * each part all of it, and every list, count, ledger row and report line counts parts
 * with no code of its own.
 *
 * The parent is one of two kinds:
 * - a **container** (a recurring duty, a task with milestones, a cascade closed when
 *   every unit is done): nobody holds it, so it is never issued and no clock of its own
 *   runs; it is accepted when its last part is (task.complete), and ends unfinished
 *   with the plan otherwise;
 * - a task of its **own** (a cascade closed by the lead department's summary, a task
 *   with contributions): issued and chased like any task, its parts beside it.
 *
 * Everything here is pure and derived from the plan's definition, so a part's title,
 * chain and deadline can be worked out from its id alone (notices, pages).
 */
import { DateTime } from 'luxon';
import { shiftOffset } from './offsets.js';
import type { PlanDefinition, TaskDefinition } from './plan.schema.js';
import { resolvePlanDate } from './time.js';

export type PartKind = 'occurrence' | 'milestone' | 'unit' | 'contribution';

export interface PartInfo {
  kind: PartKind;
  /** The unit holding a cascade part or contribution. */
  unit?: string;
  /** An occurrence's window, epoch ms [start, end): it is issued at start, due at end. */
  window?: { key: string; start: number; end: number; label: string };
}

/** A part's definition as stored with its task entity. */
export type PartDefinition = TaskDefinition & {
  parent: string;
  part: PartInfo;
  /** When the engine issues it (an occurrence: its window's start); earlier parts are issued with the plan. */
  issueAt: number;
};

export const PART_SEPARATOR = '~';
/** A plan may not make more parts of one task than this (a weekly duty over seven years). */
export const MAX_PARTS = 400;

export const isPart = (def: TaskDefinition): def is PartDefinition => 'parent' in def && typeof (def as PartDefinition).parent === 'string';

/** `container`: closed by its parts; `own`: chased and closed like any task, its parts beside it; null: no parts. */
export type ParentKind = 'container' | 'own' | null;

export function parentKind(plan: PlanDefinition, task: TaskDefinition): ParentKind {
  if (isPart(task)) return null;
  if (task.recurrence || task.milestones.length > 0) return 'container';
  if (task.cascade && task.cascade.units.length > 0) return task.cascade.closeWhen === 'summary' ? 'own' : 'container';
  if (plan.cooperation && task.cooperatingUnits.length > 0) return 'own';
  return null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const unitName = (plan: PlanDefinition, id: string) => plan.units.find((u) => u.id === id)?.name ?? id;
const unitHead = (plan: PlanDefinition, id: string) => plan.units.find((u) => u.id === id)?.head;

/** The plan's span, epoch ms: from its launch to the end of its evaluation phase. */
function span(plan: PlanDefinition): { start: number; end: number } | null {
  const start = resolvePlanDate(plan.phases[0]?.start ?? '', plan.timeZone, 'start');
  const end = resolvePlanDate(plan.phases.at(-1)?.end ?? '', plan.timeZone, 'end');
  return start === null || end === null ? null : { start, end };
}

type Window = { key: string; start: number; end: number; label: string };

/**
 * The windows a duty recurring `every` falls in, in the plan's zone, that end within
 * the plan (a window that began before the plan started is kept: its duty is still
 * owed). Semesters follow the plan's school calendar.
 */
export function recurrenceWindows(plan: PlanDefinition, every: NonNullable<TaskDefinition['recurrence']>['every']): Window[] {
  const s = span(plan);
  if (!s) return [];
  const zone = plan.timeZone;
  const at = (date: string) => resolvePlanDate(date, zone, 'start');
  const out: Window[] = [];
  const push = (key: string, start: number | null, end: number | null, label: string) => {
    if (start !== null && end !== null && end > start && end > s.start && end <= s.end) out.push({ key, start, end, label });
  };
  if (every === 'semester' && plan.semesters?.terms) {
    for (const t of plan.semesters.terms)
      push(t.id, at(t.start) ?? resolvePlanDate(t.start, zone, 'start'), resolvePlanDate(t.end, zone, 'end'), t.name ?? t.id);
    return out.sort((a, b) => a.start - b.start);
  }
  const first = DateTime.fromMillis(s.start, { zone }).year - 1;
  const last = DateTime.fromMillis(s.end, { zone }).year;
  const spring = plan.semesters?.spring ?? '03-01';
  const autumn = plan.semesters?.autumn ?? '09-01';
  const pad = (n: number) => String(n).padStart(2, '0');
  for (let y = first; y <= last; y++) {
    switch (every) {
      case 'semester':
        push(`${y}-1`, at(`${y}-${spring}`), at(`${y}-${autumn}`), `${y}年春季学期`);
        push(`${y}-2`, at(`${y}-${autumn}`), at(`${y + 1}-${spring}`), `${y}年秋季学期`);
        break;
      case 'schoolYear':
        push(`sy${y}`, at(`${y}-${autumn}`), at(`${y + 1}-${autumn}`), `${y}—${y + 1}学年`);
        break;
      case 'year':
        push(`${y}`, at(`${y}-01-01`), at(`${y + 1}-01-01`), `${y}年`);
        break;
      case 'quarter':
        for (let q = 0; q < 4; q++)
          push(
            `${y}-q${q + 1}`,
            at(`${y}-${pad(q * 3 + 1)}-01`),
            q === 3 ? at(`${y + 1}-01-01`) : at(`${y}-${pad(q * 3 + 4)}-01`),
            `${y}年第${q + 1}季度`,
          );
        break;
      case 'month':
        for (let m = 1; m <= 12; m++)
          push(`${y}-${pad(m)}`, at(`${y}-${pad(m)}-01`), m === 12 ? at(`${y + 1}-01-01`) : at(`${y}-${pad(m + 1)}-01`), `${y}年${m}月`);
        break;
      case 'week':
        break;
    }
  }
  if (every === 'week') {
    const week = 7 * 86_400_000;
    for (let i = 0, start = s.start; start + week <= s.end && i < MAX_PARTS + 1; i++, start += week)
      push(`w${i + 1}`, start, start + week, `第${i + 1}周`);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Every part the plan makes of `task`, in order (none for a task without parts). */
export function partsOf(plan: PlanDefinition, task: TaskDefinition): PartDefinition[] {
  const kind = parentKind(plan, task);
  if (kind === null) return [];
  const zone = plan.timeZone;
  const deadline = resolvePlanDate(task.deadline, zone, 'end');
  const base = {
    area: task.area,
    duties: task.duties,
    responsibleLeader: task.responsibleLeader,
    leadDepartment: task.leadDepartment,
    responsiblePerson: task.responsiblePerson,
    cooperatingUnits: [],
    milestones: [],
    parent: task.id,
    issueAt: 0,
  };
  const id = (suffix: string) => `${task.id}${PART_SEPARATOR}${suffix}`;
  const parts: PartDefinition[] = [];
  if (task.recurrence) {
    const times = task.recurrence.times;
    for (const w of recurrenceWindows(plan, task.recurrence.every)) {
      for (let k = 1; k <= times; k++) {
        const start = w.start + Math.round(((w.end - w.start) * (k - 1)) / times);
        const end = w.start + Math.round(((w.end - w.start) * k) / times);
        const label = times > 1 ? `${w.label}第${k}次` : w.label;
        parts.push({
          ...base,
          id: id(times > 1 ? `${w.key}.${k}` : w.key),
          title: `${task.title}（${label}）`,
          deadline: iso(end),
          issueAt: start,
          part: { kind: 'occurrence', window: { key: w.key, start, end, label } },
        });
      }
    }
  } else if (task.milestones.length > 0) {
    task.milestones.forEach((m, j) => {
      parts.push({ ...base, id: id(`m${j + 1}`), title: `${task.title}：${m.title}`, deadline: m.due, part: { kind: 'milestone' } });
    });
  } else if (task.cascade && task.cascade.units.length > 0 && deadline !== null) {
    const lead = task.cascade.leadTime;
    const due = lead === undefined ? deadline : shiftOffset(deadline, lead, zone, plan.calendar, -1);
    for (const unit of task.cascade.units) {
      parts.push({
        ...base,
        id: id(unit),
        title: `${task.title}（${unitName(plan, unit)}）`,
        leadDepartment: unit,
        responsiblePerson: unitHead(plan, unit) ?? task.responsiblePerson,
        deadline: iso(due),
        part: { kind: 'unit', unit },
      });
    }
  }
  // Contributions go to a task its lead department holds; a container's parts are held by others.
  if (kind === 'own' && plan.cooperation && deadline !== null) {
    const due = shiftOffset(deadline, plan.cooperation.leadTime, zone, plan.calendar, -1);
    // The lead department receives each contribution: its head accepts or returns it.
    const receiver = unitHead(plan, task.leadDepartment) ?? task.responsiblePerson;
    for (const unit of task.cooperatingUnits) {
      parts.push({
        ...base,
        id: id(`co-${unit}`),
        title: `${task.title}（${unitName(plan, unit)}协办）`,
        leadDepartment: unit,
        responsiblePerson: unitHead(plan, unit) ?? task.responsiblePerson,
        responsibleLeader: receiver,
        deadline: iso(due),
        part: { kind: 'contribution', unit },
      });
    }
  }
  return parts;
}

/** A role on a task's chain passing from one person (or unit) to another. */
export interface ChainHandover {
  task: string;
  role: 'responsiblePerson' | 'responsibleLeader' | 'leadDepartment' | 'departmentHead';
  from: string;
  to: string;
}

const CHAIN_ROLES = ['responsiblePerson', 'responsibleLeader', 'leadDepartment'] as const;

/**
 * The parts whose chain changes between two definitions of a plan. A part's holders are
 * derived: it follows its parent's people, and a unit's part is its head's. So a new
 * head of a school takes over that school's part of every cascade, and a task's new
 * responsible person takes over its milestones and occurrences, with no part named in
 * the amendment. Parts that only one of the two definitions makes are not handed over.
 */
export function partHandovers(old: PlanDefinition, next: PlanDefinition): ChainHandover[] {
  const out: ChainHandover[] = [];
  const oldById = new Map(old.tasks.map((t) => [t.id, t]));
  for (const task of next.tasks) {
    const was = oldById.get(task.id);
    if (!was) continue;
    const before = new Map(partsOf(old, was).map((p) => [p.id, p]));
    if (before.size === 0) continue;
    for (const part of partsOf(next, task)) {
      const b = before.get(part.id);
      if (!b) continue;
      for (const role of CHAIN_ROLES) if (b[role] !== part[role]) out.push({ task: part.id, role, from: b[role], to: part[role] });
      const headBefore = unitHead(old, b.leadDepartment);
      const headNow = unitHead(next, part.leadDepartment);
      if (b.leadDepartment === part.leadDepartment && headBefore && headNow && headBefore !== headNow)
        out.push({ task: part.id, role: 'departmentHead', from: headBefore, to: headNow });
    }
  }
  return out;
}

/** The definition of task or part `id` of the plan, or undefined. */
export function taskDefinitionOf(plan: PlanDefinition, id: string): TaskDefinition | undefined {
  const own = plan.tasks.find((t) => t.id === id);
  if (own) return own;
  const cut = id.indexOf(PART_SEPARATOR);
  if (cut < 0) return undefined;
  const parent = plan.tasks.find((t) => t.id === id.slice(0, cut));
  return parent ? partsOf(plan, parent).find((p) => p.id === id) : undefined;
}

const definitionIndexes = new WeakMap<PlanDefinition, Map<string, TaskDefinition>>();

/**
 * Every task and part of a plan's definition by id, made once per definition object
 * (definitions are cached and never changed in place: src/engine/definitions.ts). What a
 * task stored without its own definition is read back from (src/engine/entity.ts).
 */
export function definitionIndex(plan: PlanDefinition): ReadonlyMap<string, TaskDefinition> {
  let index = definitionIndexes.get(plan);
  if (!index) {
    index = new Map();
    for (const t of plan.tasks) {
      index.set(t.id, t);
      for (const part of partsOf(plan, t)) index.set(part.id, part);
    }
    definitionIndexes.set(plan, index);
  }
  return index;
}

/** A task's or part's title, for notices and pages; the id when the plan has neither. */
export const taskTitleOf = (plan: PlanDefinition, id: string): string => taskDefinitionOf(plan, id)?.title ?? id;

/** Whether a parent's parts, in their current work states, make it done: every part accepted or cancelled, at least one accepted. */
export function partsDone(works: readonly string[]): boolean {
  return works.length > 0 && works.every((w) => w === 'accepted' || w === 'cancelled') && works.includes('accepted');
}

type Issue = { path: (string | number)[]; message: string };

/** Problems with the parts a plan makes, each with its path (called by checkPlanReferences). */
export function checkChildren(plan: PlanDefinition): Issue[] {
  const issues: Issue[] = [];
  const units = new Map(plan.units.map((u) => [u.id, u]));
  plan.tasks.forEach((t, i) => {
    if (t.id.includes(PART_SEPARATOR)) issues.push({ path: ['tasks', i, 'id'], message: `"${PART_SEPARATOR}" names a task's parts` });
    const kinds = [
      t.recurrence ? 'recurrence' : null,
      t.milestones.length > 0 ? 'milestones' : null,
      t.cascade?.units.length ? 'cascade' : null,
    ];
    const given = kinds.filter((k) => k !== null);
    if (given.length > 1)
      issues.push({
        path: ['tasks', i],
        message: `周期、节点、分解下达只能选其一，请拆成几项任务 / a task recurs, has milestones or cascades to units, one of them: ${given.join(', ')}`,
      });
    const headless = (path: (string | number)[], unit: string) => {
      const u = units.get(unit);
      if (u && !u.head)
        issues.push({ path, message: `单位「${u.name}」没有负责人，无人承办其分项 / unit "${unit}" has no head to hold its part` });
    };
    t.cascade?.units.forEach((u, j) => {
      if (!units.has(u)) issues.push({ path: ['tasks', i, 'cascade', 'units', j], message: `no unit "${u}"` });
      else headless(['tasks', i, 'cascade', 'units', j], u);
    });
    if (plan.cooperation && parentKind(plan, t) === 'own')
      t.cooperatingUnits.forEach((u, j) => headless(['tasks', i, 'cooperatingUnits', j], u));
    if (given.length > 1) return;
    const parts = partsOf(plan, t);
    if (t.recurrence && parts.length === 0)
      issues.push({
        path: ['tasks', i, 'recurrence'],
        message: `方案期内没有一个完整的周期 / no whole ${t.recurrence.every} falls within the plan's phases`,
      });
    if (parts.length > MAX_PARTS)
      issues.push({
        path: ['tasks', i],
        message: `分项过多（${parts.length} 项，上限 ${MAX_PARTS}）/ ${parts.length} parts, more than ${MAX_PARTS}`,
      });
    const seen = new Set<string>();
    for (const p of parts) {
      if (seen.has(p.id)) issues.push({ path: ['tasks', i], message: `两个分项同名 ${p.id} / two parts named ${p.id}` });
      seen.add(p.id);
    }
  });
  return issues;
}
