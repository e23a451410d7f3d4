/**
 * The directory's write script called directly, and what it guarantees the office:
 * a change computed from a stale read never lands, a malformed change writes nothing,
 * and two offices registering the same id at once leave one person, not two.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryKeys } from '../../src/directory/keys.js';
import { Directory } from '../../src/directory/store.js';
import { Change } from '../../src/directory/write.js';
import { RefusedError } from '../../src/errors.js';
import { keysFor } from '../../src/store/keys.js';
import { testPrefix, testRuntime } from '../helpers/runtime.js';

describe('directory writes', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;

  beforeAll(async () => {
    rt = await testRuntime();
  });
  afterAll(() => rt?.close());

  it('applies a change only at the version it was computed from', async () => {
    const keys = directoryKeys(keysFor(testPrefix()));
    const first = new Change().hset(keys.orgs, 'a', '{"n":1}').sadd(keys.orgPeople('a'), 'p1');
    expect(await first.apply(rt.redis, keys.version, '0')).toBe(true);
    expect(await rt.redis.get(keys.version)).toBe('1');
    // Computed from version 0 again: someone else's change landed since, so nothing is written.
    const stale = new Change().hset(keys.orgs, 'a', '{"n":2}').rpush(keys.history('a'), 'stale');
    expect(await stale.apply(rt.redis, keys.version, '0')).toBe(false);
    expect(await rt.redis.hget(keys.orgs, 'a')).toBe('{"n":1}');
    expect(await rt.redis.llen(keys.history('a'))).toBe(0);
    expect(await rt.redis.smembers(keys.orgPeople('a'))).toEqual(['p1']);
  });

  it('refuses a malformed change before writing any of it', async () => {
    const keys = directoryKeys(keysFor(testPrefix()));
    const lua = readFileSync(new URL('../../src/directory/write.lua', import.meta.url), 'utf8');
    const script = (...args: string[]) => rt.redis.eval(lua, Number(args[0]), ...args.slice(1));
    // A good hset, then an op the script does not know.
    await expect(script('2', keys.version, keys.orgs, '0', 'hset', '2', '2', 'a', 'x', 'del', '2', '1', 'a')).rejects.toThrow(
      /unknown op del/,
    );
    await expect(script('2', keys.version, keys.orgs, '0', 'hset', '2', '2', 'a')).rejects.toThrow(/bad argument count/);
    await expect(script('2', keys.version, keys.orgs, '0', 'sadd', '1', '1', 'a')).rejects.toThrow(/bad key index/);
    expect(await rt.redis.exists(keys.orgs, keys.version)).toBe(0);
  });

  it('keeps one person per id when two offices register it at the same moment', async () => {
    const dir = new Directory(rt.redis, keysFor(testPrefix()));
    await dir.createOrg({ id: 'qx-no1', name: '青溪一中', kind: 'school' }, 'admin');
    await dir.createOrg({ id: 'qx-no2', name: '青溪二中', kind: 'school' }, 'admin');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        dir.putPerson({ id: 'wang-wei', name: '王伟', org: i % 2 ? 'qx-no1' : 'qx-no2', title: `第 ${i} 次` }, `office:${i}`),
      ),
    );
    const landed = await dir.getPerson('wang-wei');
    const other = landed!.org === 'qx-no1' ? 'qx-no2' : 'qx-no1';
    expect((await dir.listPeople(landed!.org)).map((p) => p.id)).toEqual(['wang-wei']);
    expect(await dir.listPeople(other)).toEqual([]);
    // The office whose organisation lost the race is told the id is taken, never silently moved.
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RefusedError);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(5);
    expect((await dir.history(other)).filter((e) => e.subject === 'person')).toEqual([]);
  });
});
