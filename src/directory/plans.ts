/**
 * Plans and the directory. A plan keeps its own short ids for its people and units
 * (`p-wang`, `jcjy`); each refers to the directory by `ref`, or by the same id when it
 * has none. Matching a plan says where the two disagree — the directory's 王明 written
 * 王敏 in the plan — and which people and units the plan's organisation still has to
 * register. Adopting a plan stored before the directory existed registers its people,
 * choosing fresh directory ids where an id is taken by someone of another name.
 *
 * A plan of a bureau names the principals of its schools: a person of any
 * organisation is matched by id and name; only the people and units the directory
 * lacks are added, to the plan's organisation.
 */
import type { z } from 'zod';
import { zodProblems } from '../engine/zod-problems.js';
import { InvalidInputError, type Problem } from '../errors.js';
import { canonicalPerson, canonicalUnit, numberedId, under } from './records.js';
import { DEFAULT_ORG, PersonInput, Unit, type PersonT, type UNIT_KINDS, type UnitT } from './schema.js';
import type { Directory } from './store.js';
import { Change } from './write.js';

/** What matching needs of a plan definition; `PlanDefinition` is one. */
export interface PlanDirectoryView {
  id: string;
  people: readonly {
    id: string;
    name: string;
    title?: string | undefined;
    unit?: string | undefined;
    ref?: string | undefined;
    contacts?: { phone?: string | undefined; email?: string | undefined; wechat?: string | undefined } | undefined;
  }[];
  units: readonly {
    id: string;
    name: string;
    kind?: (typeof UNIT_KINDS)[number] | undefined;
    head?: string | undefined;
    ref?: string | undefined;
  }[];
}

export interface PlanMatch {
  planId: string;
  org: string;
  /** Plan person id → directory id, for every person of the plan. */
  people: Record<string, string>;
  /** Plan unit id → directory unit id (a unit of the plan's organisation), for every unit of the plan. */
  units: Record<string, string>;
  /** Where the plan and the directory disagree, each at its path in the plan; any makes `registerPlan` refuse. */
  problems: Problem[];
  /** What the plan writes that the directory will not keep (a landline where a mobile number goes), each at its path. */
  notCarried: Problem[];
  /** Units and people to register in the plan's organisation. */
  additions: { units: UnitT[]; people: PersonT[] };
}

export interface AdoptResult {
  /** Plan person id → directory id, for every person; where they differ, the plan's `ref`. */
  people: Record<string, string>;
  /** Plan unit id → directory unit id, for every unit; where they differ, the unit's `ref`. */
  units: Record<string, string>;
  /** What was registered by this call (nothing when it ran before). */
  registered: { units: string[]; people: string[] };
  notCarried: Problem[];
}

const dirIdOf = (x: { id: string; ref?: string | undefined }): string => x.ref ?? x.id;

/**
 * Parses `raw` with `schema`, leaving out the optional fields that fail (a title too
 * long, a malformed phone number) and saying so; undefined when it still fails.
 */
function fit<S extends z.ZodType>(schema: S, raw: Record<string, unknown>, at: string): { value?: z.infer<S>; dropped: Problem[] } {
  const first = schema.safeParse(raw);
  if (first.success) return { value: first.data, dropped: [] };
  const copy: Record<string, unknown> = structuredClone(raw);
  const dropped: Problem[] = [];
  for (const issue of first.error.issues) {
    const [top, inner] = issue.path;
    if (top === 'id' || top === 'name' || top === 'org' || typeof top !== 'string') continue;
    if (top === 'contacts' && typeof inner === 'string') delete (copy.contacts as Record<string, unknown>)[inner];
    else delete copy[top];
  }
  const second = schema.safeParse(copy);
  const problems = zodProblems(first.error).map((p) => under(at, p));
  if (!second.success) return { dropped: problems };
  for (const p of problems) dropped.push({ path: p.path, message: `${p.message}（未登记到通讯录 / not carried into the directory）` });
  return { value: second.data, dropped };
}

const personNameProblem = (path: string, id: string, inDirectory: string, inPlan: string): Problem => ({
  path,
  message:
    `${path}: 目录中 ${id} 是 ${inDirectory}，方案中写作 ${inPlan}：请改用目录中的姓名；如是另一个人，请用 ref 写明其在目录中的编号` +
    ` / in the directory ${id} is ${inDirectory}, the plan writes ${inPlan}: use the directory's name, or for someone else set ref to their directory id`,
});

const unitNameProblem = (path: string, id: string, inDirectory: string, inPlan: string): Problem => ({
  path,
  message:
    `${path}: 目录中科室 ${id} 是「${inDirectory}」，方案中写作「${inPlan}」：请改用目录中的名称；如是另一个科室，请用 ref 写明其编号` +
    ` / in the directory unit ${id} is "${inDirectory}", the plan writes "${inPlan}": use the directory's name, or for another unit set ref to its id`,
});

export async function matchPlan(dir: Directory, def: PlanDirectoryView, org: string): Promise<PlanMatch> {
  const match: PlanMatch = {
    planId: def.id,
    org,
    people: {},
    units: {},
    problems: [],
    notCarried: [],
    additions: { units: [], people: [] },
  };
  if (!(await dir.getOrg(org))) {
    match.problems.push({ path: 'organisation', message: `organisation: 没有组织 ${org} / there is no organisation ${org}` });
    return match;
  }
  const orgUnits = new Map((await dir.listUnits(org)).map((u) => [u.id, u]));
  const addedUnits = new Map<string, UnitT>();
  def.units.forEach((u, i) => {
    const id = dirIdOf(u);
    match.units[u.id] = id;
    const known = orgUnits.get(id) ?? addedUnits.get(id);
    if (known) {
      if (known.name !== u.name) match.problems.push(unitNameProblem(`units[${i}].name`, id, known.name, u.name));
      return;
    }
    const { value, dropped } = fit(Unit, { id, name: u.name, kind: u.kind ?? 'department' }, `units[${i}]`);
    if (value) addedUnits.set(id, canonicalUnit(value));
    else match.problems.push(...dropped);
  });

  const known = await dir.getPeople(def.people.map(dirIdOf));
  const addedPeople = new Map<string, PersonT>();
  def.people.forEach((p, i) => {
    const id = dirIdOf(p);
    match.people[p.id] = id;
    const existing = known.get(id) ?? addedPeople.get(id);
    if (existing) {
      if (existing.name !== p.name) match.problems.push(personNameProblem(`people[${i}].name`, id, existing.name, p.name));
      return;
    }
    const raw = {
      id,
      name: p.name,
      org,
      unit: p.unit === undefined ? undefined : match.units[p.unit],
      title: p.title,
      contacts: { ...p.contacts },
    };
    const { value, dropped } = fit(PersonInput, raw, `people[${i}]`);
    if (!value) {
      match.problems.push(...dropped);
      return;
    }
    match.notCarried.push(...dropped);
    addedPeople.set(id, canonicalPerson({ ...value, active: true }));
  });

  // A unit's head is registered only if they are (or become) a person of this organisation:
  // a bureau plan's school unit may name a school's principal, who stays in their school.
  for (const u of def.units) {
    const unit = addedUnits.get(dirIdOf(u));
    if (!unit || u.head === undefined || unit.head !== undefined) continue;
    const head = match.people[u.head];
    const person = head === undefined ? undefined : (known.get(head) ?? addedPeople.get(head));
    if (person && person.org === org && person.active) addedUnits.set(unit.id, canonicalUnit({ ...unit, head: person.id }));
  }
  match.additions = { units: [...addedUnits.values()], people: [...addedPeople.values()] };
  return match;
}

export async function registerPlan(dir: Directory, match: PlanMatch, by: string): Promise<{ units: string[]; people: string[] }> {
  if (match.problems.length > 0) throw new InvalidInputError(match.problems);
  const source = `plan:${match.planId}`;
  return dir.transact(async () => {
    await dir.requireOrg(match.org);
    const problems: Problem[] = [];
    const change = new Change();
    const done = { units: [] as string[], people: [] as string[] };
    // Another writer may have registered some of them since the match: the same name is the same one.
    const people = await dir.getPeople(match.additions.people.map((p) => p.id));
    for (const p of match.additions.people) {
      const existing = people.get(p.id);
      if (existing) {
        if (existing.name !== p.name) problems.push(personNameProblem('people', p.id, existing.name, p.name));
        continue;
      }
      await dir.writePerson(change, null, p, by, source);
      done.people.push(p.id);
    }
    for (const u of match.additions.units) {
      const existing = await dir.getUnit(match.org, u.id);
      if (existing) {
        if (existing.name !== u.name) problems.push(unitNameProblem('units', u.id, existing.name, u.name));
        continue;
      }
      change.hset(dir.keys.units(match.org), u.id, JSON.stringify(u));
      dir.log(change, match.org, by, { subject: 'unit', id: u.id, action: 'created', before: null, after: u, source });
      done.units.push(u.id);
    }
    if (problems.length > 0) throw new InvalidInputError(problems);
    return { change, result: done };
  });
}

/**
 * For the start-up migration of plans stored before the directory: registers each
 * unit and person of the plan in `org`. An id the directory has under the same name
 * is the same one; under another name, the first free `<id>-2`, `<id>-3`, … is used
 * (or the one already registered under this name), so the result is the same on
 * every run and a second run writes nothing.
 */
export async function adoptLegacyPeople(dir: Directory, planId: string, def: PlanDirectoryView, org: string): Promise<AdoptResult> {
  if (org === DEFAULT_ORG) await dir.ensureDefaultOrg();
  const by = 'system';
  const source = `migration:${planId}`;
  return dir.transact(async () => {
    await dir.requireOrg(org);
    const result: AdoptResult = { people: {}, units: {}, registered: { units: [], people: [] }, notCarried: [] };
    const orgUnits = new Map((await dir.listUnits(org)).map((u) => [u.id, u]));
    const newUnits = new Map<string, UnitT>();
    for (const [i, u] of def.units.entries()) {
      const base = dirIdOf(u);
      for (let n = 1, id = base; ; id = numberedId(base, ++n)) {
        const existing = orgUnits.get(id) ?? newUnits.get(id);
        if (existing && existing.name !== u.name) continue;
        if (!existing) {
          const { value, dropped } = fit(Unit, { id, name: u.name, kind: u.kind ?? 'department' }, `units[${i}]`);
          result.notCarried.push(...dropped);
          if (!value) break;
          newUnits.set(id, canonicalUnit(value));
        }
        result.units[u.id] = id;
        break;
      }
    }

    const newPeople = new Map<string, PersonT>();
    const inOrg = new Map<string, PersonT>();
    for (const [i, p] of def.people.entries()) {
      const base = dirIdOf(p);
      for (let n = 1, id = base; ; id = numberedId(base, ++n)) {
        const existing = newPeople.get(id) ?? (await dir.getPerson(id));
        if (existing && existing.name !== p.name) continue;
        if (existing) {
          if (existing.org === org && existing.active) inOrg.set(id, existing);
        } else {
          const raw = {
            id,
            name: p.name,
            org,
            unit: p.unit === undefined ? undefined : result.units[p.unit],
            title: p.title,
            contacts: { ...p.contacts },
          };
          const { value, dropped } = fit(PersonInput, raw, `people[${i}]`);
          result.notCarried.push(...dropped);
          if (!value) break;
          const person = canonicalPerson({ ...value, active: true });
          newPeople.set(id, person);
          inOrg.set(id, person);
        }
        result.people[p.id] = id;
        break;
      }
    }

    const change = new Change();
    for (const u of def.units) {
      const id = result.units[u.id];
      const unit = id === undefined ? undefined : newUnits.get(id);
      if (!unit || result.registered.units.includes(unit.id)) continue;
      const head = u.head === undefined ? undefined : result.people[u.head];
      const after = canonicalUnit({ ...unit, ...(head !== undefined && inOrg.has(head) ? { head } : {}) });
      change.hset(dir.keys.units(org), after.id, JSON.stringify(after));
      dir.log(change, org, by, { subject: 'unit', id: after.id, action: 'created', before: null, after, source });
      result.registered.units.push(after.id);
    }
    for (const person of newPeople.values()) {
      await dir.writePerson(change, null, person, by, source);
      result.registered.people.push(person.id);
    }
    return { change, result };
  });
}
