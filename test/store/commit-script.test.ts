/**
 * commit.lua on its own, through Batch on the test run's private Redis: the
 * compare-and-set (version and stamp), notices created once, and a malformed batch
 * refused before its first write.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Batch, CommitRefusedError } from '../../src/store/batch.js';
import { testPrefix } from '../helpers/runtime.js';

let redis: Redis;
let p: string;
beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
});
afterAll(() => redis.quit());

const key = (name: string) => `${p}:{plan}:${name}`;

describe('commit.lua', () => {
  beforeAll(() => {
    p = testPrefix();
  });

  it('writes everything when every entity is as read, and nothing on a conflict', async () => {
    const first = await new Batch().expectVersion(key('e1'), 0).hset(key('e1'), { ver: 1, cas: 'a' }).sadd(key('ix'), 'e1').run(redis);
    expect(first.ok).toBe(true);
    const stale = await new Batch().expectVersion(key('e1'), 0).hset(key('e1'), { ver: 1, cas: 'b' }).sadd(key('ix'), 'other').run(redis);
    expect(stale).toMatchObject({ ok: false, conflictKey: key('e1') });
    expect(await redis.hget(key('e1'), 'cas')).toBe('a');
    expect(await redis.smembers(key('ix'))).toEqual(['e1']);
  });

  it('refuses a state with the right version but another stamp: what a Redis rollback leaves', async () => {
    await new Batch().expectVersion(key('e2'), 0).hset(key('e2'), { ver: 1, cas: 'mine' }).run(redis);
    // Redis lost that write and another writer committed version 1 again, with other content.
    await redis.hset(key('e2'), { ver: 1, cas: 'theirs', snap: 'other content' });
    const r = await new Batch().expectVersion(key('e2'), 1, 'mine').hset(key('e2'), { ver: 2, cas: 'next' }).run(redis);
    expect(r.ok).toBe(false);
    expect(await redis.hget(key('e2'), 'snap')).toBe('other content');
    // An entity stored before stamps existed is checked against an empty stamp.
    await redis.hset(key('e3'), { ver: 4 });
    expect((await new Batch().expectVersion(key('e3'), 4, '').hset(key('e3'), { ver: 5, cas: 'x' }).run(redis)).ok).toBe(true);
  });

  it('creates a notice once and files it in its inboxes once', async () => {
    const notice = () => new Batch().notice(key('n:1'), '{"id":"1"}', 1000, 'n1', [key('in:a'), key('in:b')], [key('open:a')]).run(redis);
    expect((await notice()).createdNotices).toEqual(['n1']);
    await redis.zrem(key('in:b'), 'n1'); // even if an inbox lost it, a repeat does not file it again
    expect((await notice()).createdNotices).toEqual([]);
    expect(await redis.zrange(key('in:a'), '0', '-1')).toEqual(['n1']);
    expect(await redis.zrange(key('in:b'), '0', '-1')).toEqual([]);
    expect(await redis.smembers(key('open:a'))).toEqual(['n1']);
  });

  it('refuses an unknown op before writing anything', async () => {
    const batch = new Batch().hset(key('e4'), { ver: 1 });
    (batch as unknown as { ops: unknown[][] }).ops.push(['explode', 1]);
    await expect(batch.run(redis)).rejects.toThrow(/op 2: unknown op explode/);
    expect(await redis.exists(key('e4'))).toBe(0);
  });

  it('refuses a score that is not a finite number before writing anything', async () => {
    expect(() => new Batch().zadd(key('z'), Number.NaN, 'm')).toThrow(CommitRefusedError);
    // The script checks too, for a caller that got past Batch: NaN travels as JSON null.
    const batch = new Batch().hset(key('e5'), { ver: 1 }).zadd(key('z'), 1, 'ok');
    (batch as unknown as { ops: unknown[][] }).ops.push(['zadd', 2, null, 'bad']);
    await expect(batch.run(redis)).rejects.toThrow(/op 3: zadd score is not a finite number/);
    expect(await redis.exists(key('e5'))).toBe(0);
    expect(await redis.exists(key('z'))).toBe(0);
  });
});
