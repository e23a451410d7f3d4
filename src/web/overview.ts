/**
 * The leadership view's arithmetic: the plan's phase windows as instants, the
 * department × phase matrix of lights and the phase roll-up — both by the phase a
 * task's deadline falls in ("what falls due in the promotion phase, and is it on
 * time?") — and the department × stage matrix, by the stage the task itself is in
 * (its machine's state: launch … evaluation), against the plan's current phase.
 * Deadlines outside every phase go to `before`/`after`.
 *
 * A phase's last day belongs to it to the end of that day in the plan's zone: a
 * task due 8月31日 (which resolves to 9月1日 00:00, the same instant the next phase
 * starts) is due in the phase that ends on 8月31日, not the next.
 */
import { DateTime } from 'luxon';
import { resolvePlanDate } from '../domain/time.js';
import type { PlanDefinition } from '../domain/plan.schema.js';

/** A task's supervision as a light; `awaiting` while its reviewer holds it (the department's clock has stopped). */
export type Light = 'red' | 'yellow' | 'green' | 'awaiting' | 'done' | 'idle';

export interface PhaseWindow {
  key: string;
  name: string;
  startMs: number;
  endMs: number;
}

export interface MatrixTask {
  id: string;
  leadDepartment: string;
  deadlineMs: number;
  supervision: string;
}

export type Cell = Record<Light, number> & { tasks: string[] };

export interface Matrix {
  /** Column keys: `before`?, the four phases, `after`?; empty outer columns are left out. */
  columns: string[];
  rows: { department: string; name: string; cells: Record<string, Cell> }[];
}

export function lightOf(supervision: string): Light {
  switch (supervision) {
    case 'overdue':
      return 'red';
    case 'dueSoon':
      return 'yellow';
    case 'onTrack':
      return 'green';
    case 'withReviewer':
      return 'awaiting';
    case 'closed':
      return 'done';
    default:
      return 'idle';
  }
}

/** The phases' date windows resolved in the plan's zone (a bare end date ends at the next midnight, 24:00 of that day). */
export function phaseWindows(plan: PlanDefinition): PhaseWindow[] {
  return plan.phases.map((p) => ({
    key: p.key,
    name: p.name ?? p.key,
    startMs: resolvePlanDate(p.start, plan.timeZone, 'start') ?? Number.NaN,
    endMs: resolvePlanDate(p.end, plan.timeZone, 'end') ?? Number.NaN,
  }));
}

/**
 * The phase a deadline falls in. A deadline at midnight in the plan's zone is the
 * end of the day before (8月31日 resolves to 9月1日 00:00 and reads 8月31日 24:00), so
 * it is filed by its last millisecond; a window holds both its start and its end,
 * and ties go to the earlier phase. A deadline between two phases goes to the
 * earlier one, which the plan is still in until the next starts; `before` and
 * `after` lie outside all of them.
 */
export function phaseOfDeadline(windows: PhaseWindow[], deadline: number, zone: string): string {
  const at = DateTime.fromMillis(deadline, { zone }).startOf('day').toMillis() === deadline ? deadline - 1 : deadline;
  const within = windows.find((w) => at >= w.startMs && at <= w.endMs);
  if (within) return within.key;
  const first = windows[0];
  const last = windows.at(-1);
  if (!first || !last || at < first.startMs) return 'before';
  if (at > last.endMs) return 'after';
  return windows.filter((w) => w.startMs <= at).at(-1)!.key;
}

const emptyCell = (): Cell => ({ red: 0, yellow: 0, green: 0, awaiting: 0, done: 0, idle: 0, tasks: [] });

export function departmentPhaseMatrix(plan: PlanDefinition, tasks: MatrixTask[]): Matrix {
  const windows = phaseWindows(plan);
  const used = new Set<string>();
  const byDept = new Map<string, Record<string, Cell>>();
  for (const t of tasks) {
    const phase = phaseOfDeadline(windows, t.deadlineMs, plan.timeZone);
    used.add(phase);
    const cells = byDept.get(t.leadDepartment) ?? {};
    byDept.set(t.leadDepartment, cells);
    const cell = (cells[phase] ??= emptyCell());
    cell[lightOf(t.supervision)] += 1;
    cell.tasks.push(t.id);
  }
  const columns = [...(used.has('before') ? ['before'] : []), ...windows.map((w) => w.key), ...(used.has('after') ? ['after'] : [])];
  // Departments in the plan's unit order, then any unknown ids the tasks name.
  const order = [...plan.units.map((u) => u.id), ...[...byDept.keys()].filter((d) => !plan.units.some((u) => u.id === d))];
  const rows = order
    .filter((d) => byDept.has(d))
    .map((d) => {
      const cells = byDept.get(d)!;
      return {
        department: d,
        name: plan.units.find((u) => u.id === d)?.name ?? d,
        cells: Object.fromEntries(columns.map((c) => [c, cells[c] ?? emptyCell()])),
      };
    });
  return { columns, rows };
}

// Where each task stands: its own stage against the plan's current phase.

/** The stages a task lives through (its work region's parent states), in order. */
export const TASK_STAGES = ['launch', 'promotion', 'implementation', 'evaluation'] as const;

export interface StageTask {
  id: string;
  title: string;
  leadDepartment: string;
  deadlineMs: number;
  /** The task's own stage: draft, launch … evaluation, or closed once accepted or ended unfinished. */
  stage: string;
  work: string;
  supervision: string;
}

export interface StageEntry {
  id: string;
  title: string;
  light: Light;
  work: string;
  /** Still open in a stage before the plan's current phase. */
  behind: boolean;
}

export interface StageMatrix {
  /** The plan's current stage (draft, a phase, or closed). */
  current: string;
  /** `draft`? (only when a task is still a draft), the four stages, `closed`. */
  columns: string[];
  rows: { department: string; name: string; cells: Record<string, StageEntry[]> }[];
  /** Open tasks behind the plan's current phase. */
  behind: number;
}

const stageIndex = (stage: string): number => TASK_STAGES.indexOf(stage as (typeof TASK_STAGES)[number]);

/**
 * A task is behind when it is still open in a stage before the one the plan is in:
 * the plan is in its implementation phase and the task is still only in progress.
 * Once the plan has closed, nothing is open any more (the plan closed them unfinished).
 */
export function isBehind(taskStage: string, planStage: string): boolean {
  const task = stageIndex(taskStage);
  const plan = stageIndex(planStage);
  return task !== -1 && plan !== -1 && task < plan;
}

/** Each department's tasks filed by their own stage, the ones behind the plan's phase marked. */
export function stageMatrix(plan: PlanDefinition, tasks: StageTask[], planStage: string): StageMatrix {
  const columns = [...(tasks.some((t) => t.stage === 'draft') ? ['draft'] : []), ...TASK_STAGES, 'closed'];
  const byDept = new Map<string, Record<string, StageEntry[]>>();
  let behind = 0;
  for (const t of tasks) {
    const cells = byDept.get(t.leadDepartment) ?? Object.fromEntries(columns.map((c) => [c, [] as StageEntry[]]));
    byDept.set(t.leadDepartment, cells);
    const entry = { id: t.id, title: t.title, light: lightOf(t.supervision), work: t.work, behind: isBehind(t.stage, planStage) };
    if (entry.behind) behind += 1;
    (cells[columns.includes(t.stage) ? t.stage : 'closed'] ??= []).push(entry);
  }
  const order = [...plan.units.map((u) => u.id), ...[...byDept.keys()].filter((d) => !plan.units.some((u) => u.id === d))];
  const planOrder = new Map(plan.tasks.map((t, i) => [t.id, i]));
  const rows = order
    .filter((d) => byDept.has(d))
    .map((d) => {
      const cells = byDept.get(d)!;
      for (const list of Object.values(cells)) list.sort((a, b) => (planOrder.get(a.id) ?? 0) - (planOrder.get(b.id) ?? 0));
      return { department: d, name: plan.units.find((u) => u.id === d)?.name ?? d, cells };
    });
  return { current: planStage, columns, rows, behind };
}

// The roll-up of each phase: the tasks due in it and how they ended.

export interface RollupTask {
  id: string;
  deadlineMs: number;
  work: string;
  supervision: string;
  /** For an accepted task: whether the accepted submission came after its deadline. */
  finishedLate: boolean;
}

export type RollupOutcome = 'done' | 'late' | 'open' | 'unfinished';

export interface PhaseRollup {
  phase: string;
  due: number;
  counts: Record<RollupOutcome, number>;
  tasks: Record<RollupOutcome, string[]>;
}

/**
 * One outcome per task: unfinished (the plan closed on it), late (overdue now, or
 * accepted on a submission that came after its deadline), done (accepted on time),
 * open (anything else: on track, due soon, with the reviewer).
 */
export function rollupOutcome(t: RollupTask): RollupOutcome {
  if (t.work === 'unfinished') return 'unfinished';
  if (t.supervision === 'overdue' || (t.work === 'accepted' && t.finishedLate)) return 'late';
  if (t.work === 'accepted') return 'done';
  return 'open';
}

/** Per phase of the plan (and before/after when used), the tasks due in it by outcome. */
export function phaseRollup(plan: PlanDefinition, tasks: RollupTask[]): PhaseRollup[] {
  const windows = phaseWindows(plan);
  const empty = (phase: string): PhaseRollup => ({
    phase,
    due: 0,
    counts: { done: 0, late: 0, open: 0, unfinished: 0 },
    tasks: { done: [], late: [], open: [], unfinished: [] },
  });
  const out = new Map<string, PhaseRollup>([
    ['before', empty('before')],
    ...windows.map((w) => [w.key, empty(w.key)] as const),
    ['after', empty('after')],
  ]);
  for (const t of tasks) {
    const r = out.get(phaseOfDeadline(windows, t.deadlineMs, plan.timeZone))!;
    const outcome = rollupOutcome(t);
    r.due += 1;
    r.counts[outcome] += 1;
    r.tasks[outcome].push(t.id);
  }
  return [...out.values()].filter((r) => r.due > 0 || (r.phase !== 'before' && r.phase !== 'after'));
}
