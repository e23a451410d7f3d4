/**
 * Importing an address book (通讯录) into one organisation: all or nothing. Every row
 * is checked — its shape, its unit, its id — and if any is wrong nothing is written
 * and every problem is answered with its row (`people[3].contacts.phone`).
 *
 * A row updates what it gives: an empty cell keeps what the directory has, so an
 * address book with only names and phone numbers does not wipe titles and units. A
 * row without an id is the one active person of the organisation with that name, or
 * a new person with a fresh id; two people of that name need the id column.
 */
import { z } from 'zod';
import { InvalidInputError, type Problem } from '../errors.js';
import { zodProblems } from '../engine/zod-problems.js';
import { canonicalPerson, numberedId, same, under, validate } from './records.js';
import { ImportRow, type PersonT, type UnitT } from './schema.js';
import type { Directory } from './store.js';
import { Change } from './write.js';

/** At most this many rows in one import: a district's schools together stay well below. */
export const MAX_IMPORT_ROWS = 5000;

const ImportRows = z.object({ people: z.array(z.unknown()).min(1, '没有任何人员 / there are no rows').max(MAX_IMPORT_ROWS) });

export interface ImportResult {
  /** One entry per row, in order: the directory id the row landed on and what happened. */
  rows: { id: string; outcome: 'created' | 'updated' | 'unchanged' }[];
}

/** The unit a row names, by id or by name; a problem when none or several match. */
function resolveUnit(units: UnitT[], text: string, path: string): { unit?: string; problem?: Problem } {
  const byId = units.find((u) => u.id === text);
  if (byId) return { unit: byId.id };
  const byName = units.filter((u) => u.name === text);
  if (byName.length === 1) return { unit: byName[0]!.id };
  if (byName.length > 1) {
    const ids = byName.map((u) => u.id).join('、');
    return {
      problem: {
        path,
        message: `${path}: 有 ${byName.length} 个科室名为「${text}」（${ids}）：请写科室编号 / several units are named "${text}": write the unit's id`,
      },
    };
  }
  return {
    problem: { path, message: `${path}: 本组织没有科室「${text}」：请先添加该科室 / the organisation has no unit "${text}": add it first` },
  };
}

/** Imports `rows` (each shaped as `ImportRow`, checked here) into `org`; see the file's header. */
export async function bulkPut(dir: Directory, org: string, rows: readonly unknown[], by: string): Promise<ImportResult> {
  validate(ImportRows, { people: rows });
  const shapeProblems: Problem[][] = [];
  const parsed = rows.map((row, i) => {
    const result = ImportRow.safeParse(row);
    shapeProblems.push(result.success ? [] : zodProblems(result.error).map((p) => under(`people[${i}]`, p)));
    if (result.success) return result.data;
    // The row's other fields are still checked against the directory (its unit, its id),
    // so one answer names every problem; a row with any problem is never written.
    if (typeof row !== 'object' || row === null) return null;
    const rest: Record<string, unknown> = { ...row };
    for (const issue of result.error.issues) if (typeof issue.path[0] === 'string') delete rest[issue.path[0]];
    const lenient = ImportRow.safeParse(rest);
    return lenient.success ? lenient.data : null;
  });
  return dir.transact(async () => {
    await dir.requireOrg(org);
    const units = await dir.listUnits(org);
    const members = await dir.listPeople(org);
    const named = await dir.getPeople(parsed.flatMap((r) => (r?.id ? [r.id] : [])));
    // Every row's problems, its shape's first: the office fixes the whole address book in one go.
    const problems = shapeProblems.map((p) => [...p]);
    const targets: (PersonT | null)[] = [];
    const unitOfRow: (string | undefined)[] = [];
    const rowOfId = new Map<string, number>();

    parsed.forEach((row, i) => {
      const out = problems[i]!;
      if (!row) {
        targets.push(null);
        unitOfRow.push(undefined);
        return;
      }
      const at = `people[${i}]`;
      let unit: string | undefined;
      if (row.unit !== undefined) {
        const resolved = resolveUnit(units, row.unit, `${at}.unit`);
        if (resolved.problem) out.push(resolved.problem);
        unit = resolved.unit;
      }
      unitOfRow.push(unit);
      let existing: PersonT | null;
      if (row.id !== undefined) {
        existing = named.get(row.id) ?? null;
        if (existing && existing.org !== org) {
          out.push({
            path: `${at}.id`,
            message: `${at}.id: 编号 ${row.id} 已属于其他组织（${existing.org}）：导入不调动人员，请换一个编号或单独办理调动 / the id ${row.id} belongs to another organisation (${existing.org}); an import moves no one`,
          });
        }
        const earlier = rowOfId.get(row.id);
        if (earlier !== undefined) {
          out.push({
            path: `${at}.id`,
            message: `${at}.id: 编号 ${row.id} 与 people[${earlier}] 重复 / the id ${row.id} repeats people[${earlier}]`,
          });
        }
        rowOfId.set(row.id, i);
      } else {
        const namesakes = members.filter((p) => p.active && p.name === row.name);
        if (namesakes.length > 1) {
          out.push({
            path: `${at}.name`,
            message: `${at}.name: 本组织有 ${namesakes.length} 位「${row.name}」（${namesakes.map((p) => p.id).join('、')}）：请填写编号以区分 / ${namesakes.length} people of the organisation are named ${row.name}: give the id`,
          });
        }
        existing = namesakes.length === 1 ? namesakes[0]! : null;
        if (existing) {
          const earlier = rowOfId.get(existing.id);
          if (earlier !== undefined) {
            out.push({
              path: `${at}.name`,
              message: `${at}.name: 「${row.name}」与 people[${earlier}] 是同一人（${existing.id}） / ${row.name} is the same person as people[${earlier}] (${existing.id})`,
            });
          }
          rowOfId.set(existing.id, i);
        }
      }
      targets.push(
        existing
          ? canonicalPerson({
              ...existing,
              name: row.name,
              unit: unit ?? existing.unit,
              title: row.title ?? existing.title,
              contacts: { ...existing.contacts, ...definedOnly(row.contacts) },
              active: true,
            })
          : row.id !== undefined
            ? canonicalPerson({ id: row.id, name: row.name, org, unit, title: row.title, contacts: row.contacts, active: true })
            : null,
      );
    });
    const all = problems.flat();
    if (all.length > 0) {
      throw new InvalidInputError(all, {
        zh: `通讯录有 ${all.length} 处问题，未导入任何人员`,
        en: `The address book has ${all.length} problem(s); no one was imported`,
      });
    }

    // Rows without an id and no namesake get fresh ids: the organisation's id and a number, the lowest free.
    const taken = new Set(await dir.redis.hkeys(dir.keys.people));
    let n = 0;
    const freshId = () => {
      let id: string;
      do id = numberedId(org, ++n);
      while (taken.has(id));
      taken.add(id);
      return id;
    };

    const change = new Change();
    const result: ImportResult = { rows: [] };
    for (const [i, row] of parsed.entries()) {
      if (!row) continue;
      const after =
        targets[i] ??
        canonicalPerson({
          id: freshId(),
          name: row.name,
          org,
          unit: unitOfRow[i],
          title: row.title,
          contacts: row.contacts,
          active: true,
        });
      const before = members.find((p) => p.id === after.id) ?? null;
      if (before && same(before, after)) {
        result.rows.push({ id: after.id, outcome: 'unchanged' });
        continue;
      }
      await dir.writePerson(change, before, after, by, 'import');
      result.rows.push({ id: after.id, outcome: before ? 'updated' : 'created' });
    }
    return { change, result };
  });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
