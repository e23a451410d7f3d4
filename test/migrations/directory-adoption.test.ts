/**
 * Data stored before the directory joins it on the first start of this build: the
 * previous build's stored plan (fixture), a second plan that names someone else under
 * one of its person ids, and the credentials that build wrote — a person token and an
 * account that named a plan's person, an office token without an organisation.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { authOf } from '../../src/auth/index.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { DIRECTORY_ADOPTION } from '../../src/directory/adopt-stored.js';
import { unpackDefinition } from '../../src/engine/definitions.js';
import { marksKey } from '../../src/store/migration-marks.js';
import { TEST_REDIS, testPrefix, testRuntime } from '../helpers/runtime.js';
import { loadPlanKeys, type DumpedKey } from './stored-plan.js';

interface Fixture {
  planId: string;
  start: number;
  keys: Record<string, DumpedKey>;
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/stored-v3.json', import.meta.url), 'utf8')) as Fixture;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

/** What the previous build wrote for a token: v2, a principal without organisation or directory id. */
async function legacyToken(prefix: string, principal: object): Promise<string> {
  const token = `dbn_legacy${sha(JSON.stringify(principal)).slice(0, 20)}`;
  const stored = { v: 2, id: sha(token).slice(0, 16), principal, label: 'old', createdAt: Date.now(), expiresAt: null };
  await rt!.redis.set(`${prefix}:tok:${sha(token)}`, JSON.stringify(stored));
  return token;
}

// On one server and on a Redis Cluster, where the credentials' keys sit in many slots.
describe.each(TEST_REDIS)('on Redis: %s', (redis) => {
  const cluster = redis === 'cluster';

  it('adopts stored plans and credentials: each person keeps acting as themselves, never as a namesake', async () => {
    const prefix = testPrefix();
    // The previous build's data: its stored plan, and a second one in which p-wang is someone else.
    rt = await testRuntime({ cluster }, prefix);
    // That build kept no done-marker: this start's own is not there either.
    await rt.redis.hdel(marksKey(prefix), DIRECTORY_ADOPTION);
    await loadPlanKeys(rt.redis, prefix, fx.planId, fx.keys, fx.start);
    const first = unpackDefinition((await rt.redis.hget(rt.engine.pk(fx.planId).plan, 'def'))!);
    expect('organisation' in first).toBe(false);
    const otherId = 'old-school';
    const other = { ...first, id: otherId, people: first.people.map((p) => (p.id === 'p-wang' ? { ...p, name: '王小二' } : p)) };
    await rt.redis.hset(rt.engine.pk(otherId).plan, {
      ...(await rt.redis.hgetall(rt.engine.pk(fx.planId).plan)),
      def: JSON.stringify(other),
    });
    await rt.redis.zadd(rt.engine.keys.plans, Date.now(), otherId);
    const wangToken = await legacyToken(prefix, { kind: 'person', planId: fx.planId, personId: 'p-wang' });
    const otherWangToken = await legacyToken(prefix, { kind: 'person', planId: otherId, personId: 'p-wang' });
    const officeToken = await legacyToken(prefix, { kind: 'office', name: '老办公室' });
    // p-zhao's account as the previous build kept it: under "<plan>:<person>".
    const a = `${prefix}:auth`;
    await rt.redis.hset(`${a}:acct:${fx.planId}:p-zhao`, {
      planId: fx.planId,
      personId: 'p-zhao',
      logins: JSON.stringify(['13800000009']),
      passwordHash: await hashPassword('zhao-password-1'),
      passwordSetAt: new Date().toISOString(),
      linkHash: '',
      createdAt: new Date().toISOString(),
      createdBy: 'office:x',
    });
    await rt.redis.set(`${a}:login:13800000009`, `${fx.planId}:p-zhao`);
    await rt.redis.sadd(`${a}:plan-accts:${fx.planId}`, `${fx.planId}:p-zhao`);
    await rt.close();

    // This build starts on that data.
    rt = await testRuntime({ cluster }, prefix);
    const adopted = unpackDefinition((await rt.redis.hget(rt.engine.pk(fx.planId).plan, 'def'))!);
    expect(adopted.organisation).toBe('default');
    const second = await rt.engine.currentDefinition(otherId);
    const otherWang = second.people.find((p) => p.id === 'p-wang')!;
    expect(otherWang.ref).toBe('p-wang-2');
    expect((await rt.directory.getPerson('p-wang'))?.name).toBe(first.people.find((p) => p.id === 'p-wang')!.name);
    expect((await rt.directory.getPerson('p-wang-2'))?.name).toBe('王小二');

    // Each old token acts as the directory person it named, and reads only their plans.
    expect(await rt.tokens.resolve(wangToken)).toEqual({ kind: 'person', personId: 'p-wang' });
    expect(await rt.tokens.resolve(otherWangToken)).toEqual({ kind: 'person', personId: 'p-wang-2' });
    expect((await rt.queries.listPlans({ kind: 'person', personId: 'p-wang-2' })).map((p) => p.id)).toEqual([otherId]);
    expect((await rt.queries.listPlans({ kind: 'person', personId: 'p-wang' })).map((p) => p.id)).toEqual([fx.planId]);
    // The old office token runs the organisation that was: default.
    expect(await rt.tokens.resolve(officeToken)).toEqual({ kind: 'office', name: '老办公室', org: 'default' });
    expect((await rt.queries.listPlans({ kind: 'office', name: '老办公室', org: 'default' })).map((p) => p.id).sort()).toEqual(
      [fx.planId, otherId].sort(),
    );

    // The old account signs in with its old password, as the directory person.
    const { account } = await authOf(rt.tokens).accounts.verify('138-0000-0009', 'zhao-password-1');
    expect(account?.principal).toEqual({ kind: 'person', personId: 'p-zhao' });
    expect(await rt.redis.exists(`${a}:acct:${fx.planId}:p-zhao`)).toBe(0);

    // A second start finds nothing to do.
    const before = await rt.directory.history('default');
    await rt.close();
    rt = await testRuntime({ cluster }, prefix);
    expect(await rt.directory.history('default')).toEqual(before);
    expect(await rt.tokens.resolve(otherWangToken)).toEqual({ kind: 'person', personId: 'p-wang-2' });
  });

  it('a start after the adoption has finished reads no plan; a run cut short before its marker runs again', async () => {
    const prefix = testPrefix();
    rt = await testRuntime({ cluster }, prefix);
    expect(await rt.redis.hexists(marksKey(prefix), DIRECTORY_ADOPTION)).toBe(1);
    // A plan stored without organisation after the adoption ran: only a run that reads the plans would adopt it.
    await loadPlanKeys(rt.redis, prefix, fx.planId, fx.keys, fx.start);
    await rt.close();
    rt = await testRuntime({ cluster }, prefix);
    const skipped = unpackDefinition((await rt.redis.hget(rt.engine.pk(fx.planId).plan, 'def'))!);
    expect('organisation' in skipped).toBe(false);
    // Interrupted before the marker was written: the next start adopts, then marks.
    await rt.redis.hdel(marksKey(prefix), DIRECTORY_ADOPTION);
    await rt.close();
    rt = await testRuntime({ cluster }, prefix);
    const adopted = unpackDefinition((await rt.redis.hget(rt.engine.pk(fx.planId).plan, 'def'))!);
    expect(adopted.organisation).toBe('default');
    expect(await rt.redis.hexists(marksKey(prefix), DIRECTORY_ADOPTION)).toBe(1);
  });
});
