/**
 * Units and people named in the document, with short ascii ids (u1…, p1…) in order of
 * first mention. The same name is the same entry, so "教导处" in three tasks is one
 * unit. Contacts are placeholders to fill: reminders cannot reach anyone without them.
 */
import type { PlanDefinitionInput } from '../domain/plan.schema.js';
import { TBD_PERSON, TBD_UNIT } from './report.js';
import { unitKind } from './people.js';

type UnitInput = PlanDefinitionInput['units'][number];
type PersonInput = PlanDefinitionInput['people'][number];

export class Registry {
  readonly units: UnitInput[] = [];
  readonly people: PersonInput[] = [];
  /** First source line of each id: `units[i]` / `people[i]` for the side map. */
  readonly lines = new Map<string, number>();
  private readonly unitIds = new Map<string, string>();
  private readonly personIds = new Map<string, string>();

  unit(name: string, line: number, kind = unitKind(name)): string {
    const key = name.trim();
    const known = this.unitIds.get(key);
    if (known !== undefined) return known;
    const id = `u${this.units.filter((u) => u.id !== TBD_UNIT.id).length + 1}`;
    this.units.push({ id, name: key, kind });
    this.unitIds.set(key, id);
    this.lines.set(`unit:${id}`, line);
    return id;
  }

  /** A person by name (or by post when no name is given); the title fills in if learnt later. */
  person(name: string, line: number, title?: string, unit?: string): string {
    const key = name.trim();
    const known = this.personIds.get(key);
    if (known !== undefined) {
      const p = this.people.find((x) => x.id === known);
      if (p && p.title === undefined && title !== undefined && title !== key) p.title = title;
      if (p && p.unit === undefined && unit !== undefined) p.unit = unit;
      if (p?.contacts) {
        // Keep contacts as the last key, for a tidy YAML draft.
        const contacts = p.contacts;
        delete p.contacts;
        p.contacts = contacts;
      }
      return known;
    }
    const id = `p${this.people.filter((p) => p.id !== TBD_PERSON.id).length + 1}`;
    const person: PersonInput = { id, name: key };
    if (title !== undefined && title !== key) person.title = title;
    if (unit !== undefined) person.unit = unit;
    person.contacts = { phone: '', email: '' };
    this.people.push(person);
    this.personIds.set(key, id);
    this.lines.set(`person:${id}`, line);
    return id;
  }

  /** The placeholder person "待定" (id tbd), added on first use. */
  tbdPerson(): string {
    if (!this.people.some((p) => p.id === TBD_PERSON.id)) {
      this.people.push({ id: TBD_PERSON.id, name: TBD_PERSON.name, contacts: { phone: '', email: '' } });
    }
    return TBD_PERSON.id;
  }

  /** The placeholder unit "待定单位" (id tbd), added on first use. */
  tbdUnit(): string {
    if (!this.units.some((u) => u.id === TBD_UNIT.id)) this.units.push({ id: TBD_UNIT.id, name: TBD_UNIT.name, kind: 'other' });
    return TBD_UNIT.id;
  }

  /** Moves the placeholders to the end of their lists, after the entries the document names. */
  placeholdersLast(): void {
    const last = <T extends { id: string }>(list: T[]) => {
      const moved = [...list.filter((x) => x.id !== TBD_PERSON.id), ...list.filter((x) => x.id === TBD_PERSON.id)];
      list.splice(0, list.length, ...moved);
    };
    last(this.units);
    last(this.people);
  }

  unitName(id: string): string | undefined {
    return this.units.find((u) => u.id === id)?.name;
  }
}
