/**
 * The directory of organisations, units and people, in Redis. Every change is one
 * atomic write (see write.ts) that also appends who changed what, when, before and
 * after, to the organisation's change log. People are never deleted: a person who
 * left is deactivated, because plans' records refer to them.
 *
 * Address-book imports live in import.ts and plan matching in plans.ts; they are
 * methods here so callers hold one object.
 */
import { AlreadyExistsError, InvalidInputError, NotFoundError, RefusedError, type Problem } from '../errors.js';
import type { RedisClient } from '../store/batch.js';
import type { Keys } from '../store/keys.js';
import { bulkPut, type ImportResult } from './import.js';
import { directoryKeys, type DirectoryKeys } from './keys.js';
import { adoptLegacyPeople, matchPlan, registerPlan, type AdoptResult, type PlanDirectoryView, type PlanMatch } from './plans.js';
import { byId, canonicalOrg, canonicalPerson, canonicalUnit, ORG_KIND_LABELS, same, validate } from './records.js';
import {
  ChangeEntry,
  DEFAULT_ORG,
  Organisation,
  OrganisationInput,
  OrganisationPatch,
  Person,
  PersonInput,
  Unit,
  type ChangeEntryT,
  type OrganisationInputT,
  type OrganisationPatchT,
  type OrganisationT,
  type PersonInputT,
  type PersonT,
  type UnitInputT,
  type UnitT,
} from './schema.js';
import { Change, changeDirectory } from './write.js';

/** One holder of a unit's head role, from the change log. */
export interface HeadTerm {
  /** Directory id of the head, or null while the unit had none. */
  head: string | null;
  from: string;
  /** When the next holder took over; null for the current one. */
  until: string | null;
  by: string;
}

export interface PutPersonOptions {
  /** The id belongs to another organisation and is meant to move here (调动). */
  transfer?: boolean;
  /** Recorded with the change (an import, a plan). */
  source?: string;
}

const noOrg = (id: string) => new NotFoundError({ zh: `没有组织 ${id}`, en: `No organisation ${id}` });

export class Directory {
  readonly keys: DirectoryKeys;

  constructor(
    readonly redis: RedisClient,
    keys: Keys,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = directoryKeys(keys);
  }

  /** @internal The current time as the change log writes it. */
  iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** @internal Computes a change from fresh reads and applies it atomically, recomputing if another change landed first. */
  transact<T>(compute: () => Promise<{ change: Change; result: T }>): Promise<T> {
    return changeDirectory(this.redis, this.keys.version, compute);
  }

  /** @internal Appends an entry to `org`'s change log within `change`. */
  log(change: Change, org: string, by: string, entry: Omit<ChangeEntryT, 'at' | 'by'>): void {
    change.rpush(this.keys.history(org), JSON.stringify({ at: this.iso(), by, ...entry }));
  }

  // ---- organisations

  /** Makes sure the organisation plans belong to by default exists (本单位); safe to call on every start. */
  async ensureDefaultOrg(): Promise<OrganisationT> {
    const existing = await this.getOrg(DEFAULT_ORG);
    if (existing) return existing;
    try {
      return await this.createOrg({ id: DEFAULT_ORG, name: '本单位', kind: 'other' }, 'system');
    } catch (err) {
      // Another process started at the same moment and created it.
      if (err instanceof AlreadyExistsError) return (await this.getOrg(DEFAULT_ORG))!;
      throw err;
    }
  }

  async listOrgs(): Promise<OrganisationT[]> {
    const all = await this.redis.hvals(this.keys.orgs);
    return all.map((raw) => Organisation.parse(JSON.parse(raw))).sort(byId);
  }

  async getOrg(id: string): Promise<OrganisationT | null> {
    const raw = await this.redis.hget(this.keys.orgs, id);
    return raw ? Organisation.parse(JSON.parse(raw)) : null;
  }

  /** The organisation, or a 404 naming it. */
  async requireOrg(id: string): Promise<OrganisationT> {
    const org = await this.getOrg(id);
    if (!org) throw noOrg(id);
    return org;
  }

  /** The organisations whose parent is `id` (a bureau's schools). */
  async childOrgs(id: string): Promise<OrganisationT[]> {
    return (await this.listOrgs()).filter((o) => o.parent === id);
  }

  /**
   * Creates an organisation. Its id must be free (409), its parent must be a bureau,
   * and its leaders people of it — so a new organisation names its leaders later.
   */
  async createOrg(input: OrganisationInputT, by: string): Promise<OrganisationT> {
    const parsed = validate(OrganisationInput, input);
    return this.transact(async () => {
      if (await this.getOrg(parsed.id)) {
        throw new AlreadyExistsError({ zh: `组织编号 ${parsed.id} 已被使用`, en: `The organisation id ${parsed.id} is taken` });
      }
      const problems: Problem[] = [];
      if (parsed.parent !== undefined) {
        const parent = await this.getOrg(parsed.parent);
        if (!parent) {
          problems.push({ path: 'parent', message: `没有组织 ${parsed.parent} / there is no organisation ${parsed.parent}` });
        } else if (parent.kind !== 'bureau') {
          const kind = ORG_KIND_LABELS[parent.kind];
          problems.push({
            path: 'parent',
            message: `上级组织须为教育局：${parent.name}（${parent.id}）是${kind.zh} / the parent must be a bureau; ${parent.id} is a ${kind.en}`,
          });
        }
      }
      problems.push(...(await this.leaderProblems(parsed.id, parsed.leaders)));
      if (problems.length > 0) throw new InvalidInputError(problems);
      const org = canonicalOrg({ ...parsed, createdAt: this.iso(), createdBy: by });
      const change = new Change().hset(this.keys.orgs, org.id, JSON.stringify(org));
      this.log(change, org.id, by, { subject: 'organisation', id: org.id, action: 'created', before: null, after: org });
      return { change, result: org };
    });
  }

  /** Renames an organisation or replaces its leaders (active people of it). */
  async updateOrg(id: string, patch: OrganisationPatchT, by: string): Promise<OrganisationT> {
    const parsed = validate(OrganisationPatch, patch);
    return this.transact(async () => {
      const before = await this.requireOrg(id);
      if (parsed.leaders) {
        const problems = await this.leaderProblems(id, parsed.leaders);
        if (problems.length > 0) throw new InvalidInputError(problems);
      }
      const after = canonicalOrg({
        ...before,
        ...(parsed.name !== undefined ? { name: parsed.name } : {}),
        leaders: parsed.leaders ?? before.leaders,
      });
      const change = new Change();
      if (!same(before, after)) {
        change.hset(this.keys.orgs, id, JSON.stringify(after));
        this.log(change, id, by, { subject: 'organisation', id, action: 'updated', before, after });
      }
      return { change, result: after };
    });
  }

  private async leaderProblems(org: string, leaders: string[]): Promise<Problem[]> {
    const people = await this.getPeople(leaders);
    return leaders.flatMap((id, i): Problem[] => {
      const path = `leaders[${i}]`;
      const p = people.get(id);
      if (!p) return [{ path, message: `${path}: 通讯录中没有人员 ${id} / there is no person ${id} in the directory` }];
      if (p.org !== org)
        return [{ path, message: `${path}: ${p.name}（${id}）不是本组织的人员 / ${id} is not a person of this organisation` }];
      if (!p.active) return [{ path, message: `${path}: ${p.name}（${id}）已停用 / ${id} has been deactivated` }];
      return [];
    });
  }

  // ---- units

  async listUnits(org: string): Promise<UnitT[]> {
    await this.requireOrg(org);
    const all = await this.redis.hvals(this.keys.units(org));
    return all.map((raw) => Unit.parse(JSON.parse(raw))).sort(byId);
  }

  async getUnit(org: string, id: string): Promise<UnitT | null> {
    const raw = await this.redis.hget(this.keys.units(org), id);
    return raw ? Unit.parse(JSON.parse(raw)) : null;
  }

  /**
   * Creates or replaces a unit of `org`. Its head must be an active person of the
   * same organisation; a change of head is on the change log, so `unitHeads` can say
   * who held the role when.
   */
  async putUnit(org: string, unit: UnitInputT, by: string, source?: string): Promise<UnitT> {
    const parsed = validate(Unit, unit);
    return this.transact(async () => {
      await this.requireOrg(org);
      if (parsed.head !== undefined) {
        const problem = await this.memberProblem(org, parsed.head, 'head');
        if (problem) throw new InvalidInputError([problem]);
      }
      const before = await this.getUnit(org, parsed.id);
      const after = canonicalUnit(parsed);
      const change = new Change();
      if (!before || !same(before, after)) {
        change.hset(this.keys.units(org), after.id, JSON.stringify(after));
        this.log(change, org, by, {
          subject: 'unit',
          id: after.id,
          action: before ? 'updated' : 'created',
          before,
          after,
          ...(source ? { source } : {}),
        });
      }
      return { change, result: after };
    });
  }

  /** The problem with `personId` holding a role in `org` (missing, elsewhere, deactivated), or null. */
  private async memberProblem(org: string, personId: string, path: string): Promise<Problem | null> {
    const p = await this.getPerson(personId);
    if (!p) return { path, message: `${path}: 通讯录中没有人员 ${personId} / there is no person ${personId} in the directory` };
    if (p.org !== org)
      return { path, message: `${path}: ${p.name}（${personId}）不是本组织的人员 / ${personId} is not a person of this organisation` };
    if (!p.active) return { path, message: `${path}: ${p.name}（${personId}）已停用 / ${personId} has been deactivated` };
    return null;
  }

  /** Who headed the unit when: one term per change of head, oldest first. */
  async unitHeads(org: string, unitId: string): Promise<HeadTerm[]> {
    const terms: HeadTerm[] = [];
    for (const entry of await this.history(org)) {
      if (entry.subject !== 'unit' || entry.id !== unitId || !entry.after) continue;
      const head = typeof entry.after.head === 'string' ? entry.after.head : null;
      const last = terms.at(-1);
      if (last && last.head === head) continue;
      if (last) last.until = entry.at;
      terms.push({ head, from: entry.at, until: null, by: entry.by });
    }
    return terms;
  }

  // ---- people

  /** Everyone of `org`, active or not, by id. */
  async listPeople(org: string): Promise<PersonT[]> {
    await this.requireOrg(org);
    const ids = await this.redis.smembers(this.keys.orgPeople(org));
    return [...(await this.getPeople(ids)).values()].sort(byId);
  }

  async getPerson(id: string): Promise<PersonT | null> {
    const raw = await this.redis.hget(this.keys.people, id);
    return raw ? Person.parse(JSON.parse(raw)) : null;
  }

  /** The people of `ids` found in the directory, by id; ids not found are absent. */
  async getPeople(ids: readonly string[]): Promise<Map<string, PersonT>> {
    const unique = [...new Set(ids)];
    const out = new Map<string, PersonT>();
    if (unique.length === 0) return out;
    const raws = await this.redis.hmget(this.keys.people, ...unique);
    raws.forEach((raw, i) => {
      if (raw) out.set(unique[i]!, Person.parse(JSON.parse(raw)));
    });
    return out;
  }

  /**
   * Creates or replaces a person (their name, unit, title and contacts as given).
   * An id of another organisation moves here only with `transfer`; a person who
   * heads a unit or leads their organisation is neither moved nor deactivated until
   * the role has a new holder.
   */
  async putPerson(input: PersonInputT, by: string, o: PutPersonOptions = {}): Promise<PersonT> {
    const parsed = validate(PersonInput, input);
    return this.transact(async () => {
      const problems: Problem[] = [];
      const org = await this.getOrg(parsed.org);
      if (!org) problems.push({ path: 'org', message: `org: 没有组织 ${parsed.org} / there is no organisation ${parsed.org}` });
      if (org && parsed.unit !== undefined && !(await this.getUnit(parsed.org, parsed.unit))) {
        problems.push({
          path: 'unit',
          message: `unit: ${org.name}没有科室 ${parsed.unit}：请先添加 / ${parsed.org} has no unit ${parsed.unit}: add it first`,
        });
      }
      if (problems.length > 0) throw new InvalidInputError(problems);
      const before = await this.getPerson(parsed.id);
      if (before && before.org !== parsed.org && !o.transfer) {
        const from = (await this.getOrg(before.org))?.name ?? before.org;
        throw new RefusedError({
          zh: `人员编号 ${parsed.id} 已属于${from}：如是调动到本组织，请注明调动（transfer）；如是另一个人，请换一个编号`,
          en: `The person id ${parsed.id} belongs to ${before.org}: to move them here say transfer; for someone else use another id`,
        });
      }
      const after = canonicalPerson({ ...parsed, active: parsed.active ?? before?.active ?? true });
      const change = new Change();
      if (!before || !same(before, after)) await this.writePerson(change, before, after, by, o.source);
      return { change, result: after };
    });
  }

  /** Marks a person as having left (they stay in every record). Deactivating twice changes nothing. */
  async deactivatePerson(id: string, by: string): Promise<PersonT> {
    return this.transact(async () => {
      const before = await this.getPerson(id);
      if (!before) throw new NotFoundError({ zh: `通讯录中没有人员 ${id}`, en: `There is no person ${id} in the directory` });
      const after = canonicalPerson({ ...before, active: false });
      const change = new Change();
      if (before.active) await this.writePerson(change, before, after, by);
      return { change, result: after };
    });
  }

  /**
   * @internal Adds the ops of one person's change to `change`: the record, the
   * organisation's member set and the change log of each organisation concerned.
   * Refuses to take a person away from a role they still hold.
   */
  async writePerson(change: Change, before: PersonT | null, after: PersonT, by: string, source?: string): Promise<void> {
    const leaving = before !== null && before.active && (before.org !== after.org || !after.active);
    if (leaving) await this.refuseWhileHoldingRoles(before);
    change.hset(this.keys.people, after.id, JSON.stringify(after));
    const extra = source ? { source } : {};
    if (before && before.org !== after.org) {
      change.srem(this.keys.orgPeople(before.org), after.id);
      this.log(change, before.org, by, { subject: 'person', id: after.id, action: 'transferred-out', before, after, ...extra });
      change.sadd(this.keys.orgPeople(after.org), after.id);
      this.log(change, after.org, by, { subject: 'person', id: after.id, action: 'transferred-in', before, after, ...extra });
      return;
    }
    change.sadd(this.keys.orgPeople(after.org), after.id);
    const action = !before
      ? 'created'
      : before.active && !after.active
        ? 'deactivated'
        : !before.active && after.active
          ? 'reactivated'
          : 'updated';
    this.log(change, after.org, by, { subject: 'person', id: after.id, action, before, after, ...extra });
  }

  private async refuseWhileHoldingRoles(p: PersonT): Promise<void> {
    const roles: { zh: string; en: string }[] = [];
    const org = await this.getOrg(p.org);
    if (org?.leaders.includes(p.id)) roles.push({ zh: `${org.name}的领导`, en: `a leader of ${org.id}` });
    const units = Object.values(await this.redis.hgetall(this.keys.units(p.org))).map((raw) => Unit.parse(JSON.parse(raw)));
    for (const u of units.filter((u) => u.head === p.id).sort(byId)) roles.push({ zh: `${u.name}的负责人`, en: `the head of ${u.id}` });
    if (roles.length === 0) return;
    throw new RefusedError({
      zh: `${p.name}（${p.id}）仍是${roles.map((r) => r.zh).join('、')}：请先把这些职务交给新的人员，再停用或调出`,
      en: `${p.id} is still ${roles.map((r) => r.en).join(', ')}: hand these roles to someone else before deactivating or moving them`,
    });
  }

  // ---- the change log

  /** Every change to `org`, its units and its people, oldest first. */
  async history(org: string): Promise<ChangeEntryT[]> {
    await this.requireOrg(org);
    const raws = await this.redis.lrange(this.keys.history(org), 0, -1);
    return raws.map((raw) => ChangeEntry.parse(JSON.parse(raw)));
  }

  // ---- imports and plans (import.ts, plans.ts)

  /** Imports an address book (通讯录) into `org`: rows shaped as `ImportRow`, every one checked first, none written if any is wrong. */
  bulkPut(org: string, rows: readonly unknown[], by: string): Promise<ImportResult> {
    return bulkPut(this, org, rows, by);
  }

  /** Matches a plan's people and units against the directory: the problems, and what to register in the plan's organisation. */
  matchPlan(def: PlanDirectoryView, org: string): Promise<PlanMatch> {
    return matchPlan(this, def, org);
  }

  /** Registers a match's additions (none if it found problems). */
  registerPlan(match: PlanMatch, by: string): Promise<{ units: string[]; people: string[] }> {
    return registerPlan(this, match, by);
  }

  /** Registers the people and units of a plan stored before the directory existed; see plans.ts. */
  adoptLegacyPeople(planId: string, def: PlanDirectoryView, org: string): Promise<AdoptResult> {
    return adoptLegacyPeople(this, planId, def, org);
  }
}
