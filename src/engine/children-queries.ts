/**
 * A parent task's roll-up for its page and the API: each part with its state and
 * whether it was late, counts, and — where a part was late — who held it. Leaders see
 * which schools lag; a task late for want of a cooperating unit's part shows that
 * unit (blame per cooperating unit). Late means what the part's own record says: a
 * rung reached, days overdue, or accepted from a late submission — nothing else.
 */
import { isPart, parentKind, partsOf, type PartDefinition, type PartKind } from '../domain/children.js';
import { taskRecord } from '../domain/record.js';
import { unpackHistoryEntry } from './stored-form.js';
import { readTrails } from './trail.js';
import type { PlanDefinition, TaskDefinition } from '../domain/plan.schema.js';
import { isoInZone } from '../domain/time.js';
import type { Engine } from './engine.js';
import { taskState, type StoredTask } from './entity.js';

export interface PartRow {
  id: string;
  title: string;
  kind: PartKind;
  unit: { id: string; name: string } | null;
  holder: { id: string; name: string };
  deadline: string;
  deadlineMs: number;
  work: string;
  supervision: string;
  rung: number;
  highestRung: number;
  overdueDays: number;
  /** Overdue now, or ever on its current record (a rung, days overdue, or accepted from a late submission). */
  late: boolean;
}

export interface PartsRollup {
  /** container: closed with its last part; own: the lead department's own task, its parts beside it. */
  closes: 'withParts' | 'own';
  total: number;
  accepted: number;
  open: number;
  late: number;
  /** Not yet issued (occurrences whose window has not opened). */
  upcoming: number;
  parts: PartRow[];
  /** Cooperating units whose contribution was late, for the parent's record. */
  lateContributions: { unit: string; name: string; part: string; highestRung: number; overdueDays: number }[];
}

/** What a part is, for the task list: its parent and kind. */
export function partOf(def: TaskDefinition): { parent: string; kind: PartKind; unit: string | null; window: string | null } | null {
  if (!isPart(def)) return null;
  return { parent: def.parent, kind: def.part.kind, unit: def.part.unit ?? null, window: def.part.window?.label ?? null };
}

export async function partsRollup(engine: Engine, plan: PlanDefinition, task: StoredTask, now: number): Promise<PartsRollup | null> {
  const kind = parentKind(plan, task.def);
  if (kind === null) return null;
  const planned = partsOf(plan, task.def);
  const stored = await engine.loadTasks(
    plan.id,
    planned.map((p) => p.id),
  );
  const trails = await readTrails(
    engine.redis,
    engine.pk(plan.id),
    stored.map((p) => p.def.id),
  );
  const histories = trails.map((raw) => raw.map(unpackHistoryEntry));
  const person = (id: string) => ({ id, name: plan.people.find((p) => p.id === id)?.name ?? id });
  const parts: PartRow[] = stored.map((p, i) => {
    const def = p.def as PartDefinition;
    const state = taskState(p.snap);
    const rec = taskRecord(plan, def, p.snap.context, histories[i] ?? [], now);
    const unit = def.part.unit ? { id: def.part.unit, name: plan.units.find((u) => u.id === def.part.unit)?.name ?? def.part.unit } : null;
    return {
      id: def.id,
      title: def.title,
      kind: def.part.kind,
      unit,
      holder: person(def.responsiblePerson),
      deadline: isoInZone(p.snap.context.deadline, plan.timeZone),
      deadlineMs: p.snap.context.deadline,
      work: state.work,
      supervision: state.supervision,
      rung: state.rung,
      highestRung: rec.highestRung,
      overdueDays: rec.overdueDays,
      late: rec.overdueNow || rec.highestRung > 0 || rec.overdueDays > 0 || rec.finishedOnTime === false,
    };
  });
  return {
    closes: kind === 'container' ? 'withParts' : 'own',
    total: parts.length,
    accepted: parts.filter((p) => p.work === 'accepted').length,
    open: parts.filter((p) => !['accepted', 'unfinished', 'cancelled', 'draft'].includes(p.work)).length,
    late: parts.filter((p) => p.late).length,
    upcoming: parts.filter((p) => p.work === 'draft').length,
    parts,
    lateContributions: parts
      .filter((p) => p.kind === 'contribution' && p.late && p.unit)
      .map((p) => ({ unit: p.unit!.id, name: p.unit!.name, part: p.id, highestRung: p.highestRung, overdueDays: p.overdueDays })),
  };
}
