/**
 * The trail is tamper-evident: every history entry is chained to the one before it,
 * acknowledgements of notices are in it, and verifying names the first entry edited,
 * inserted or deleted by hand.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chainHash, verifyList } from '../../src/engine/audit.js';
import type { Principal } from '../../src/domain/permissions.js';
import { FIRST_ENTRY, readTrail } from '../../src/engine/trail.js';
import { PLAN_ENTITY } from '../../src/store/keys.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: 'office', org: 'default' };
const as = (personId: string): Principal => ({ kind: 'person', personId });
let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

async function planWithTrail() {
  rt = await testRuntime();
  const start = Date.now() - 7_200_000; // deadlines an hour ago: the rung notice is due
  await rt.engine.createPlan(fixturePlan({ id: 'trail', start, reminders: [] }), office, { publish: true });
  await rt.engine.taskEvent('trail', 't1', { type: 'task.acknowledge' }, as('p-zhao'));
  await rt.engine.taskEvent('trail', 't1', { type: 'task.progress', percent: 50, note: '过半' }, as('p-zhao'));
  const timer = Object.values((await rt.engine.loadTask('trail', 't1')).timers)[0]!;
  await rt.engine.fireTimer('trail', 't1', timer.tok);
  return rt;
}

describe('the trail', () => {
  it('is intact after ordinary work, and each entry names the hash of the one before', async () => {
    const r = await planWithTrail();
    const report = await r.engine.verifyTrail('trail');
    expect(report).toMatchObject({ ok: true, broken: [], unchained: 0 });
    expect(report.entries).toBeGreaterThanOrEqual(6);
    const pk = r.engine.pk('trail');
    const raw = await readTrail(r.redis, pk, 't1');
    // The task's first entry is kept in its hash, the rest in its list.
    expect(await r.redis.hget(pk.task('t1'), FIRST_ENTRY)).toBe(raw[0]);
    expect(await r.redis.lrange(pk.history('t1'), '0', '-1')).toEqual(raw.slice(1));
    const parsed = raw.map((x) => JSON.parse(x) as { prev: string; hash: string });
    expect(parsed[0]!.prev).toBe('');
    for (let i = 1; i < parsed.length; i++) expect(parsed[i]!.prev).toBe(parsed[i - 1]!.hash);
  });

  it('names the first entry edited in Redis by hand', async () => {
    const r = await planWithTrail();
    const key = r.engine.pk('trail').history('t1');
    // Entry 2 of the trail: the list holds entries 1 on.
    const second = (await r.redis.lindex(key, 1))!;
    expect(second).toContain('过半');
    await r.redis.lset(key, 1, second.replace('过半', '全部完成'));
    const report = await r.engine.verifyTrail('trail');
    expect(report.ok).toBe(false);
    expect(report.broken).toHaveLength(1);
    expect(report.broken[0]).toMatchObject({ entity: 't1', index: 2 });
    expect(report.broken[0]!.reason.zh).toContain('改动');
  });

  it('names where an entry was deleted', async () => {
    const r = await planWithTrail();
    const key = r.engine.pk('trail').history('t1');
    const first = (await r.redis.lindex(key, 0))!;
    await r.redis.lrem(key, 1, first);
    const report = await r.engine.verifyTrail('trail');
    expect(report.broken[0]).toMatchObject({ entity: 't1', index: 1 });
  });

  it('names a first entry edited or deleted in the task’s hash', async () => {
    const r = await planWithTrail();
    const task = r.engine.pk('trail').task('t1');
    const first = (await r.redis.hget(task, FIRST_ENTRY))!;
    await r.redis.hset(task, FIRST_ENTRY, first.replace('task.activate', 'task.cancel'));
    expect((await r.engine.verifyTrail('trail')).broken[0]).toMatchObject({ entity: 't1', index: 0 });
    await r.redis.hdel(task, FIRST_ENTRY);
    const report = await r.engine.verifyTrail('trail');
    expect(report.broken[0]).toMatchObject({ entity: 't1', index: 0 });
    expect(report.broken[0]!.reason.en).toContain('does not follow');
  });

  it('records a notice acknowledgement once, in the trail of its task', async () => {
    const r = await planWithTrail();
    const [notice] = await r.queries.inbox('trail', 'p-zhao');
    expect(notice).toBeDefined();
    await r.queries.acknowledge('trail', 'p-zhao', notice!.id);
    await r.queries.acknowledge('trail', 'p-zhao', notice!.id);
    const acks = (await r.queries.history('trail', 't1')).filter((h) => h.event === 'notice.acknowledge');
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatchObject({ by: 'p-zhao', data: { notice: notice!.id } });
    expect((await r.engine.verifyTrail('trail')).ok).toBe(true);
    expect((await r.queries.history('trail', PLAN_ENTITY)).length).toBeGreaterThan(0);
  });
});

describe('verifyList', () => {
  it('counts entries written before the chain existed and judges the rest', () => {
    const e1 = '{"at":1,"event":"a"}';
    const h1 = chainHash('', e1);
    const chained = `{"at":1,"event":"a","prev":"","hash":"${h1}"}`;
    expect(verifyList('x', ['{"legacy":true}', chained])).toEqual({ broken: null, unchained: 1 });
    expect(verifyList('x', [chained, '{"legacy":true}']).broken?.index).toBe(1);
  });
});
