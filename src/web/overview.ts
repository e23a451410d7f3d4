/**
 * The leadership view's arithmetic: the plan's phase windows as instants, and the
 * department × phase matrix of lights.
 *
 * A task's phase here is the plan phase its deadline falls in — not `task.stage`,
 * which only renames the task's work state. Leaders ask "what falls due in the
 * promotion phase, and is it on time?"; the deadline answers that, and it stays put
 * while the work state moves. Deadlines outside every phase go to `before`/`after`.
 *
 * A phase's last day belongs to it to the end of that day in the plan's zone: a
 * task due 8月31日 (which resolves to 9月1日 00:00, the same instant the next phase
 * starts) is due in the phase that ends on 8月31日, not the next.
 */
import { DateTime } from 'luxon';
import { resolvePlanDate } from '../domain/time.js';
import type { PlanDefinition } from '../domain/plan.schema.js';

export type Light = 'red' | 'yellow' | 'green' | 'done' | 'idle';

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

const emptyCell = (): Cell => ({ red: 0, yellow: 0, green: 0, done: 0, idle: 0, tasks: [] });

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
      return { department: d, name: plan.units.find((u) => u.id === d)?.name ?? d, cells: Object.fromEntries(columns.map((c) => [c, cells[c] ?? emptyCell()])) };
    });
  return { columns, rows };
}
