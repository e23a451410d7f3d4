/**
 * The start-up migration into the directory, for data stored before it existed.
 *
 * Plans: a definition stored without `organisation` belongs to `default`; its people
 * and units are registered in the directory (`adoptLegacyPeople`). Where the
 * directory already had an id under another name, the plan's person gets `ref` to the
 * directory id they were given, written into the current definition together with
 * `organisation` — which also marks the plan as adopted.
 *
 * Credentials: a token or session of before named a plan's person (plan + person id);
 * `legacyPeople` maps each to their directory id, so they keep working as that person
 * (and only that person). An account of a plan's person moves to the directory
 * person's account, logins, pending link, sessions and attempts with it; where the
 * person already had one (they were in two plans), the logins join it and its
 * password stays. Token lists move to their owner's new name. Each step is
 * idempotent: a run cut short is simply run again at the next start.
 *
 * Once a run has finished, a done-marker (`directory-adoption` in `<prefix>:migrations`,
 * src/store/migration-marks.ts) makes every later start skip it without reading a
 * plan. Under Redis Cluster every command here touches one key (or keys of one slot);
 * what moves between keys is written to the new key first and removed from the old
 * one after, so a run cut short in between only repeats work.
 */
import { z } from 'zod';
import type { AuthKeys } from '../auth/auth-keys.js';
import { directoryIdOf, organisationOf, type PlanDefinition } from '../domain/plan.schema.js';
import type { Engine } from '../engine/engine.js';
import { packDefinition, unpackDefinition } from '../engine/definitions.js';
import type { RedisClient } from '../store/batch.js';
import { isDone, markDone } from '../store/migration-marks.js';
import { scanKeys } from '../store/scan.js';
import type { Directory } from './store.js';

const LegacyAccount = z.object({
  planId: z.string(),
  personId: z.string(),
  logins: z.string(),
  passwordHash: z.string(),
  passwordSetAt: z.string(),
  linkHash: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});

/** The done-marker's name in `<prefix>:migrations`. */
export const DIRECTORY_ADOPTION = 'directory-adoption';

/** Adopts every stored plan not adopted yet, unless a finished run left its marker; returns how many were. */
export async function adoptStoredPlans(
  engine: Engine,
  dir: Directory,
  auth: AuthKeys,
  log?: (line: string) => void,
  /** Called with each plan's adopted definition once it is written (the plan indexes: src/engine/plan-index.ts). */
  onAdopted?: (def: PlanDefinition) => Promise<void>,
): Promise<number> {
  const redis = engine.redis;
  await dir.ensureDefaultOrg();
  const prefix = engine.keys.adminToken.slice(0, -':admin'.length);
  if (await isDone(redis, prefix, DIRECTORY_ADOPTION)) return 0;
  await moveOfficeTokenLists(redis, auth);
  let adopted = 0;
  for (const planId of await redis.zrange(engine.keys.plans, '0', '-1')) {
    const raw = await redis.hget(engine.pk(planId).plan, 'def');
    if (!raw) continue;
    const stored = unpackDefinition(raw) as PlanDefinition & { organisation?: string };
    if (stored.organisation !== undefined) continue;
    const org = organisationOf(stored);
    const result = await dir.adoptLegacyPeople(planId, stored, org);
    const def: PlanDefinition = {
      ...stored,
      organisation: org,
      people: stored.people.map((p) => (result.people[p.id] && result.people[p.id] !== p.id ? { ...p, ref: result.people[p.id] } : p)),
      units: stored.units.map((u) => (result.units[u.id] && result.units[u.id] !== u.id ? { ...u, ref: result.units[u.id] } : u)),
    };
    const links: Record<string, string> = {};
    for (const p of def.people) links[`${planId}:${p.id}`] = directoryIdOf(p);
    await redis.hset(auth.legacyPeople, links);
    await moveAccounts(redis, auth, planId, def);
    // Written last: a run cut short before this line starts the plan over, harmlessly.
    await redis.hset(engine.pk(planId).plan, 'def', packDefinition(def));
    await onAdopted?.(def);
    adopted += 1;
  }
  await markDone(redis, prefix, DIRECTORY_ADOPTION);
  if (adopted > 0) log?.(`通讯录：已纳入 ${adopted} 个旧方案的人员 / directory: adopted the people of ${adopted} stored plan(s)`);
  return adopted;
}

async function moveAccounts(redis: RedisClient, auth: AuthKeys, planId: string, def: PlanDefinition): Promise<void> {
  const dirIds = new Map(def.people.map((p) => [p.id, directoryIdOf(p)]));
  for (const oldId of await redis.smembers(auth.planAccounts(planId))) {
    const parsed = LegacyAccount.safeParse(await redis.hgetall(auth.account(oldId)));
    const target = parsed.success ? dirIds.get(parsed.data.personId) : undefined;
    if (!parsed.success || target === undefined) {
      await redis.srem(auth.planAccounts(planId), oldId);
      continue;
    }
    const old = parsed.data;
    const logins = z.array(z.string()).parse(JSON.parse(old.logins));
    const existing = await redis.hgetall(auth.account(target));
    // Each key on its own (they are in different Cluster slots): the new ones first.
    if (existing.principal) {
      const merged = [...new Set([...(JSON.parse(existing.logins ?? '[]') as string[]), ...logins])];
      await redis.hset(auth.account(target), 'logins', JSON.stringify(merged));
    } else {
      await redis.hset(auth.account(target), {
        principal: JSON.stringify({ kind: 'person', personId: target }),
        logins: old.logins,
        passwordHash: old.passwordHash,
        passwordSetAt: old.passwordSetAt,
        linkHash: old.linkHash,
        createdAt: old.createdAt,
        createdBy: old.createdBy,
      });
      if (old.linkHash) {
        const link = await redis.get(auth.link(old.linkHash));
        const ttl = await redis.pttl(auth.link(old.linkHash));
        if (link && ttl > 0)
          await redis.set(auth.link(old.linkHash), JSON.stringify({ ...JSON.parse(link), accountId: target }), 'PX', ttl);
      }
    }
    await Promise.all(logins.map((login) => redis.set(auth.login(login), target)));
    const sessions = await redis.smembers(auth.accountSessions(oldId));
    if (sessions.length > 0) await redis.sadd(auth.accountSessions(target), ...sessions);
    await moveHash(redis, auth.ownerTokens(`person:${planId}:${old.personId}`), auth.ownerTokens(`person:${target}`));
    // The attempt record moves whole (RENAME cannot cross slots): copied in order, then dropped.
    if ((await redis.exists(auth.accountAttempts(target))) === 0) {
      const attempts = await redis.lrange(auth.accountAttempts(oldId), 0, -1);
      if (attempts.length > 0) await redis.rpush(auth.accountAttempts(target), ...attempts);
    }
    await redis.del(auth.accountAttempts(oldId));
    await redis.del(auth.accountSessions(oldId));
    await redis.del(auth.account(oldId));
    await redis.srem(auth.planAccounts(planId), oldId);
  }
  // Token lists of people who had tokens but no account.
  for (const [personId, target] of dirIds) {
    await moveHash(redis, auth.ownerTokens(`person:${planId}:${personId}`), auth.ownerTokens(`person:${target}`));
  }
}

/** Office token lists were `office:<name>`: the office of `default` now. */
async function moveOfficeTokenLists(redis: RedisClient, auth: AuthKeys): Promise<void> {
  const prefix = auth.ownerTokens('office:');
  for (const key of await scanKeys(redis, `${prefix}*`)) {
    const name = key.slice(prefix.length);
    // A key of today names its organisation: `office:<org>:<name>`, the org an id without ":".
    if (/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}:/.test(name)) continue;
    await moveHash(redis, key, auth.ownerTokens(`office:default:${name}`));
  }
}

/** Moves a hash to another key: written there first, then removed here (two slots under Cluster). */
async function moveHash(redis: RedisClient, from: string, to: string): Promise<void> {
  const entries = await redis.hgetall(from);
  if (Object.keys(entries).length === 0) return;
  await redis.hset(to, entries);
  await redis.del(from);
}
