/**
 * Reading the history trail as stored. A plan's entries are in its history list. A
 * task's first entry is in its own hash (field `h0`, task machine v6 on: a task that
 * never moves costs no list key) and the rest in its list; a task stored by an earlier
 * build has all of them in its list. Either way the entries come back oldest first,
 * as commit.lua chained them, so `duban audit verify` checks them as one chain.
 */
import type { RedisClient, Trail } from '../store/batch.js';
import { PLAN_ENTITY, type PlanKeys } from '../store/keys.js';

/** The task hash field holding the task's first history entry. */
export const FIRST_ENTRY = 'h0';
/** The field of a task's hash (or the plan's) counting its trail's entries (commit.lua). */
export const TRAIL_COUNT = 'hn';

/**
 * Where an entity's history entries are appended: a plan's all to its list, counted in the
 * plan's hash; a task's first to its hash (FIRST_ENTRY) and the rest to its list, counted
 * in its hash (TRAIL_COUNT). Every append goes through here, so none goes uncounted.
 */
export function trailOf(pk: PlanKeys, entity: string): Trail {
  if (entity === PLAN_ENTITY) return { list: pk.history(PLAN_ENTITY), count: pk.plan };
  const task = pk.task(entity);
  return { list: pk.history(entity), first: task, count: task };
}

/** Each entity's history entries as stored (chain fields included), oldest first: one round trip for all. */
export async function readTrails(redis: RedisClient, pk: PlanKeys, entities: string[]): Promise<string[][]> {
  if (entities.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const e of entities) {
    if (e !== PLAN_ENTITY) pipeline.hget(pk.task(e), FIRST_ENTRY);
    pipeline.lrange(pk.history(e), '0', '-1');
  }
  const replies = (await pipeline.exec()) ?? [];
  const out: string[][] = [];
  let i = 0;
  const next = (): unknown => {
    const [err, value] = replies[i++] ?? [new Error('no reply from Redis'), null];
    if (err) throw err;
    return value;
  };
  for (const e of entities) {
    const first = e === PLAN_ENTITY ? null : (next() as string | null);
    const rest = next() as string[];
    out.push(first ? [first, ...rest] : rest);
  }
  return out;
}

/** One entity's history entries as stored, oldest first. */
export async function readTrail(redis: RedisClient, pk: PlanKeys, entity: string): Promise<string[]> {
  return (await readTrails(redis, pk, [entity]))[0]!;
}

/** Each entity's trail count (TRAIL_COUNT), or null for a trail stored before it was counted. */
export async function readTrailCounts(redis: RedisClient, pk: PlanKeys, entities: string[]): Promise<(number | null)[]> {
  if (entities.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const e of entities) pipeline.hget(e === PLAN_ENTITY ? pk.plan : pk.task(e), TRAIL_COUNT);
  const replies = (await pipeline.exec()) ?? [];
  return entities.map((_, i) => {
    const [err, value] = replies[i] ?? [new Error('no reply from Redis'), null];
    if (err) throw err;
    return value === null || value === undefined ? null : Number(value);
  });
}
