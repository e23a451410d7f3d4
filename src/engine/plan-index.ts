/**
 * Who is in which plan, so that a person's plans, an office's plans and a bureau's
 * roll-up are read from an index instead of every plan's definition.
 *
 *   <prefix>:pix:person:<directory id>  sorted set: plan ids naming that person
 *   <prefix>:pix:org:<organisation>     sorted set: plan ids of that organisation
 *   <prefix>:{plan}:pix                 set: which of those index keys hold the plan
 *
 * Scores are the plan's creation time (its score in the plan list), so lists read
 * newest first. The global keys are one per person and per organisation and are
 * only ever written with single-key commands: under Redis Cluster they sit in other
 * slots than the plan, so they cannot be written in the plan's Lua commit. They are
 * written right after it instead (create, replace, amend — personnel changes are
 * amendments — and adoption of stored plans), idempotently: the plan's own set is
 * written first, so a sync cut short is finished by the next one, and readers check
 * each listed plan's definition, so an entry left behind only costs a read.
 */
import { directoryIdOf, organisationOf, type PlanDefinition } from '../domain/plan.schema.js';
import type { RedisClient } from '../store/batch.js';
import { isDone, markDone } from '../store/migration-marks.js';

export const PLAN_INDEX_MIGRATION = 'plan-indexes';

export interface PlanIndexKeys {
  person(personId: string): string;
  org(org: string): string;
  /** The plan's own record of the index entries it has (inside its hash tag). */
  ofPlan(planId: string): string;
}

export function planIndexKeys(prefix: string): PlanIndexKeys {
  return {
    person: (id) => `${prefix}:pix:person:${id}`,
    org: (org) => `${prefix}:pix:org:${org}`,
    ofPlan: (planId) => `${prefix}:{${planId}}:pix`,
  };
}

/** The key prefix, from the plan list's key (`<prefix>:plans`). */
export function prefixOf(plansKey: string): string {
  if (!plansKey.endsWith(':plans')) throw new Error(`unexpected plan list key "${plansKey}"`);
  return plansKey.slice(0, -':plans'.length);
}

/** The index entries `def` belongs in, as `person:<id>` / `org:<id>`. */
export function indexMembers(def: Pick<PlanDefinition, 'people' | 'organisation'>): string[] {
  return [`org:${organisationOf(def)}`, ...new Set(def.people.map((p) => `person:${directoryIdOf(p)}`))];
}

function keyOf(keys: PlanIndexKeys, member: string): string {
  const at = member.indexOf(':');
  const kind = member.slice(0, at);
  const id = member.slice(at + 1);
  return kind === 'org' ? keys.org(id) : keys.person(id);
}

export class PlanIndex {
  readonly keys: PlanIndexKeys;

  constructor(
    private readonly redis: RedisClient,
    private readonly plansKey: string,
  ) {
    this.keys = planIndexKeys(prefixOf(plansKey));
  }

  /** Brings the indexes in line with `def`, the plan's current definition. Safe to repeat. */
  async sync(def: PlanDefinition): Promise<void> {
    const want = indexMembers(def);
    const score = (await this.redis.zscore(this.plansKey, def.id)) ?? String(Date.now());
    const own = this.keys.ofPlan(def.id);
    const had = await this.redis.smembers(own);
    await this.redis.sadd(own, ...want);
    await Promise.all(want.map((m) => this.redis.zadd(keyOf(this.keys, m), score, def.id)));
    const gone = had.filter((m) => !want.includes(m));
    if (gone.length === 0) return;
    await Promise.all(gone.map((m) => this.redis.zrem(keyOf(this.keys, m), def.id)));
    await this.redis.srem(own, ...gone);
  }

  /** Takes the plan out of every index (archiving); `def` names entries its own record may lack. */
  async remove(planId: string, def?: PlanDefinition): Promise<void> {
    const own = this.keys.ofPlan(planId);
    const members = new Set([...(await this.redis.smembers(own)), ...(def ? indexMembers(def) : [])]);
    await Promise.all([...members].map((m) => this.redis.zrem(keyOf(this.keys, m), planId)));
    await this.redis.del(own);
  }
}

/**
 * The start-up migration: plans stored before the indexes existed are indexed from
 * their current definitions, once (a done-marker); returns how many plans it indexed.
 */
export async function buildPlanIndexes(
  redis: RedisClient,
  plansKey: string,
  currentDefinition: (planId: string) => Promise<PlanDefinition | null>,
  log?: (line: string) => void,
): Promise<number> {
  const prefix = prefixOf(plansKey);
  if (await isDone(redis, prefix, PLAN_INDEX_MIGRATION)) return 0;
  const index = new PlanIndex(redis, plansKey);
  let n = 0;
  for (const planId of await redis.zrange(plansKey, '0', '-1')) {
    const def = await currentDefinition(planId);
    if (!def) continue;
    await index.sync(def);
    n++;
  }
  await markDone(redis, prefix, PLAN_INDEX_MIGRATION);
  if (n > 0) log?.(`索引：已为 ${n} 个方案建立人员和单位索引 / indexes: indexed ${n} stored plan(s) by person and organisation`);
  return n;
}

/**
 * The hook the engine calls right after a commit that may change who is in a plan.
 * The commit stands whatever happens here: a failure is logged and the done-marker
 * cleared, so the next start rebuilds the indexes.
 */
export async function afterPlanCommit(
  core: { redis: RedisClient; keys: { plans: string }; log?: ((line: string) => void) | undefined },
  def: PlanDefinition,
): Promise<void> {
  try {
    await new PlanIndex(core.redis, core.keys.plans).sync(def);
  } catch (err) {
    core.log?.(`plan ${def.id}: indexes not written (${(err as Error).message}); they are rebuilt at the next start`);
    await core.redis.hdel(`${prefixOf(core.keys.plans)}:migrations`, PLAN_INDEX_MIGRATION).catch(() => undefined);
  }
}
