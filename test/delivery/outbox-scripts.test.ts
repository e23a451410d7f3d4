/**
 * The outbox's Lua scripts on their own, on the test run's private Redis: commit.lua's
 * outbox argument (deliveries written with their notice, once, and a malformed one
 * refused before any write), outbox-claim (compare-and-set with a lease),
 * outbox-settle (only the holder records a retry or failure; `sent` is final) and
 * outbox-resend (only a failed delivery goes again, under its id).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Outbox, outboxKeys, outboxRecord } from '../../src/engine/outbox.js';
import type { PlannedDelivery } from '../../src/delivery/routes.js';
import { Batch } from '../../src/store/batch.js';
import { keysFor, type PlanKeys } from '../../src/store/keys.js';
import { testPrefix } from '../helpers/runtime.js';

let redis: Redis;
let keys: ReturnType<typeof keysFor>;
let pk: PlanKeys;
let outbox: Outbox;
const PLAN = 'scripts';
const T0 = 1_000_000;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
  keys = keysFor(testPrefix());
  pk = keys.plan('commit');
  outbox = new Outbox(redis, (id) => keys.plan(id));
});
afterAll(() => redis.quit());

const planned = (noticeId: string, who: string, o: Partial<PlannedDelivery> = {}): PlannedDelivery => ({
  id: `${noticeId}/email/${who}`,
  noticeId,
  channel: 'email',
  who,
  addressees: [who],
  createdAt: T0,
  notBefore: T0,
  status: 'queued',
  ...o,
});

const issue = (noticeId: string, deliveries: PlannedDelivery[]) =>
  new Batch()
    .notice(
      pk.notice(noticeId),
      JSON.stringify({ id: noticeId }),
      T0,
      noticeId,
      [pk.inbox('p1')],
      [pk.openInbox('p1')],
      outboxRecord(pk, deliveries),
    )
    .run(redis);

describe('commit.lua’s outbox argument', () => {
  it('records the deliveries with the notice, once', async () => {
    const ds = [planned('n1', 'p1'), planned('n1', 'p2', { status: 'held', notBefore: T0 + 500 })];
    expect((await issue('n1', ds)).createdNotices).toEqual(['n1']);
    const ok = outboxKeys(pk);
    expect(await redis.hgetall(ok.delivery('n1/email/p2'))).toMatchObject({ status: 'held', attempts: '0', notBefore: String(T0 + 500) });
    expect(await redis.zrange(ok.due, '0', '-1', 'WITHSCORES')).toEqual(['n1/email/p1', String(T0), 'n1/email/p2', String(T0 + 500)]);
    expect((await redis.smembers(ok.notice('n1'))).sort()).toEqual(['n1/email/p1', 'n1/email/p2']);

    // Issued again (a duplicate timer): no notice, no deliveries, nothing reset.
    await redis.hset(ok.delivery('n1/email/p1'), 'status', 'sent');
    await redis.zrem(ok.due, 'n1/email/p1');
    expect((await issue('n1', [planned('n1', 'p1'), planned('n1', 'p3')])).createdNotices).toEqual([]);
    expect(await redis.hget(ok.delivery('n1/email/p1'), 'status')).toBe('sent');
    expect(await redis.exists(ok.delivery('n1/email/p3'))).toBe(0);
    expect(await redis.zrange(ok.due, '0', '-1')).toEqual(['n1/email/p2']);
  });

  it('refuses a malformed delivery before its first write', async () => {
    const batch = new Batch().hset(pk.task('x'), { ver: 1 });
    batch.notice(pk.notice('n2'), '{"id":"n2"}', T0, 'n2', [], [], outboxRecord(pk, [planned('n2', 'p1')]));
    const ops = (batch as unknown as { ops: unknown[][] }).ops;
    ((ops[1]![7] as unknown[])[3] as unknown[][])[0]![4] = 'sending'; // only queued or held are created
    await expect(batch.run(redis)).rejects.toThrow(/op 2: notice outbox delivery malformed/);
    expect(await redis.exists(pk.task('x'))).toBe(0);
    expect(await redis.exists(pk.notice('n2'))).toBe(0);
  });
});

describe('outbox-claim, outbox-settle, outbox-resend', () => {
  beforeAll(async () => {
    pk = keys.plan(PLAN);
    await issue('n3', [planned('n3', 'p1'), planned('n3', 'p2', { status: 'held', notBefore: T0 + 1_000 })]);
  });

  it('claims a due delivery once, with a lease; a held one waits; a dead sender’s lease runs out', async () => {
    expect(await outbox.claim(PLAN, 'n3/email/p2', T0, 100, 'a')).toEqual({ kind: 'early', until: T0 + 1_000 });
    expect(await outbox.claim(PLAN, 'n3/email/p1', T0, 100, 'a')).toEqual({ kind: 'claimed', attempts: 1 });
    expect(await outbox.claim(PLAN, 'n3/email/p1', T0 + 50, 100, 'b')).toEqual({ kind: 'busy', until: T0 + 100 });
    // a died; b takes over once the lease has run out, and a's late answer is not recorded.
    expect(await outbox.claim(PLAN, 'n3/email/p1', T0 + 101, 100, 'b')).toEqual({ kind: 'claimed', attempts: 2 });
    expect(await outbox.settle(PLAN, 'n3/email/p1', 'a', T0 + 102, { outcome: 'retry', notBefore: T0 + 200 })).toBe(false);
    expect(await outbox.claim(PLAN, 'no/such/one', T0, 100, 'a')).toEqual({ kind: 'missing' });
  });

  it('records a retry only for its holder, and a sent once for good', async () => {
    expect(
      await outbox.settle(PLAN, 'n3/email/p1', 'b', T0 + 110, {
        outcome: 'retry',
        notBefore: T0 + 300,
        reason: { zh: '超时', en: 'timeout' },
      }),
    ).toBe(true);
    const queued = (await outbox.get(PLAN, 'n3/email/p1'))!;
    expect(queued).toMatchObject({
      status: 'queued',
      notBefore: T0 + 300,
      attempts: 2,
      reason: { zh: '超时', en: 'timeout' },
      lease: null,
    });
    expect(await outbox.claim(PLAN, 'n3/email/p1', T0 + 200, 100, 'c')).toEqual({ kind: 'early', until: T0 + 300 });
    expect(await outbox.claim(PLAN, 'n3/email/p1', T0 + 300, 100, 'c')).toEqual({ kind: 'claimed', attempts: 3 });
    // A 'sent' is a fact, recorded even from a sender whose lease was taken over.
    expect(await outbox.settle(PLAN, 'n3/email/p1', 'someone-else', T0 + 310, { outcome: 'sent', messageId: '<m@x>' })).toBe(true);
    expect(await outbox.settle(PLAN, 'n3/email/p1', 'c', T0 + 320, { outcome: 'sent' })).toBe(false);
    expect(await outbox.claim(PLAN, 'n3/email/p1', T0 + 400, 100, 'd')).toEqual({ kind: 'done', status: 'sent' });
    expect(await outbox.due(PLAN, T0 + 10_000)).toEqual(['n3/email/p2']);
    expect(await outbox.resend(PLAN, 'n3/email/p1', T0 + 500)).toEqual({ ok: false, status: 'sent' });
  });

  it('fails a delivery into the failed set, and resends it under the same id from its first try', async () => {
    expect(await outbox.claim(PLAN, 'n3/email/p2', T0 + 1_000, 100, 'e')).toEqual({ kind: 'claimed', attempts: 1 });
    expect(await outbox.resend(PLAN, 'n3/email/p2', T0 + 1_001)).toEqual({ ok: false, status: 'sending' });
    expect(await outbox.settle(PLAN, 'n3/email/p2', 'e', T0 + 1_010, { outcome: 'failed', answer: { httpStatus: 403 } })).toBe(true);
    expect((await outbox.list(PLAN, { status: 'failed' })).map((d) => d.id)).toEqual(['n3/email/p2']);
    expect(await outbox.due(PLAN, T0 + 10_000)).toEqual([]);

    expect(await outbox.resend(PLAN, 'n3/email/p2', T0 + 2_000)).toEqual({ ok: true });
    expect(await outbox.get(PLAN, 'n3/email/p2')).toMatchObject({ status: 'queued', attempts: 0, notBefore: T0 + 2_000, failedAt: null });
    expect(await outbox.list(PLAN, { status: 'failed' })).toEqual([]);
    expect(await outbox.due(PLAN, T0 + 2_000)).toEqual(['n3/email/p2']);
    expect(await outbox.resend(PLAN, 'n3/email/nobody', T0)).toEqual({ ok: false, status: null });
  });
});
