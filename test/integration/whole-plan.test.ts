/**
 * A whole plan on second-scale time through the real engine, BullMQ and Redis:
 * phases change on their dates, reminders come before the deadline, an overdue task
 * climbs rungs 1→4 in order to the right people, and acceptance stops a ladder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { PLAN_ENTITY } from '../../src/store/keys.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually, TEST_REDIS, testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: '陈静', org: 'default' };
const as = (personId: string): Principal => ({ kind: 'person', personId });

// On one server and on a Redis Cluster: a plan's keys share its slot, every other key is used alone.
describe.each(TEST_REDIS)('a whole plan on second-scale time (Redis: %s)', (redis) => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;

  beforeAll(async () => {
    rt = await testRuntime({ worker: true, cluster: redis === 'cluster' });
    // Timed from when this run begins, not when the file was read (each Redis kind runs in turn).
    const start = Date.now() + 500;
    const plan = fixturePlan({ start, phases: [0, 2, 4, 6, 8], deadlines: { t1: 3, t2: 3, t3: 3 } });
    await rt.engine.createPlan(plan, office, { publish: true });
  });
  afterAll(() => rt.close());

  it('runs phases, reminders and the full ladder, and acceptance stops it', async () => {
    expect(rt.redis.isCluster).toBe(redis === 'cluster');
    // t2 is done on time: submitted and accepted before its deadline.
    await rt.engine.taskEvent('qx-2026', 't2', { type: 'task.acknowledge' }, as('p-zhou'));
    await rt.engine.taskEvent(
      'qx-2026',
      't2',
      { type: 'task.submit', evidence: ['https://example.org/t2.pdf'], note: '已完成' },
      as('p-liu'),
    );
    await rt.engine.taskEvent('qx-2026', 't2', { type: 'task.accept', note: '同意' }, as('p-li'));

    // t3 climbs to rung 2, then is submitted and accepted: its ladder must stop there.
    await eventually(async () => (await rt.queries.task('qx-2026', 't3')).rung >= 2);
    await rt.engine.taskEvent('qx-2026', 't3', { type: 'task.submit', evidence: ['https://example.org/t3'], note: '' }, as('p-sun'));
    await rt.engine.taskEvent('qx-2026', 't3', { type: 'task.accept', note: '' }, as('p-wang'));

    // t1 is never done: it reaches the top rung.
    const t1 = await eventually(async () => {
      const t = await rt.queries.task('qx-2026', 't1');
      return t.rung === 4 ? t : null;
    });
    expect(t1.supervision).toBe('overdue');
    // The ladder is at its top; only the 签收 chase of a task never signed for may remain.
    expect(t1.pendingTimers.filter((p) => !p.timer.startsWith('ack'))).toEqual([]);

    const plan = await eventually(async () => {
      const p = await rt.queries.planSummary('qx-2026');
      return p.stage === 'closed' ? p : null;
    });
    const phases = (await rt.queries.history('qx-2026', PLAN_ENTITY)).map((h) => h.to);
    expect(phases).toEqual(['draft', 'launch', 'promotion', 'implementation', 'evaluation', 'closed']);
    expect(plan.counts.accepted).toBe(2);

    // t1: two reminders, then rungs 1..4 in order, each notice once, to the right people.
    const t1History = (await rt.queries.task('qx-2026', 't1')).history;
    const t1Notices = t1History.flatMap((h) => h.notices ?? []);
    expect(t1Notices.map((id) => id.split('.').pop())).toEqual(['m1', 'm2', 'r1', 'r2', 'r3', 'r4']);
    const recipientsOf = async (suffix: string) => {
      const id = t1Notices.find((n) => n.endsWith(suffix))!;
      return (await rt.queries.notice('qx-2026', id)).recipients.map((r) => r.id).sort();
    };
    expect(await recipientsOf('m1')).toEqual(['p-zhao']);
    expect(await recipientsOf('r1')).toEqual(['p-zhang', 'p-zhao']);
    expect(await recipientsOf('r2')).toEqual(['p-li', 'p-zhang', 'p-zhao']);
    expect(await recipientsOf('r3')).toEqual(['p-li', 'p-wang', 'p-zhang', 'p-zhao']);
    expect(await recipientsOf('r4')).toEqual(['p-li', 'p-sun', 'p-wang', 'p-zhang', 'p-zhao']);

    // Each rung's notice names the next rung's time as its rectification deadline.
    const r1 = await rt.queries.notice(
      'qx-2026',
      t1Notices.find((n) => n.endsWith('r1'))!,
    );
    const r2 = await rt.queries.notice(
      'qx-2026',
      t1Notices.find((n) => n.endsWith('r2'))!,
    );
    expect(r1.rectificationDeadline).toBe(r1.createdAt + 1000);
    expect(r2.createdAt).toBe(r1.rectificationDeadline);
    expect(r1.title.zh).toContain('第一次整改通知书');

    // t3 stopped at rung 2; t2 never went overdue.
    const t3 = await rt.queries.task('qx-2026', 't3');
    expect(t3.work).toBe('accepted');
    expect(t3.supervision).toBe('closed');
    expect(t3.history.flatMap((h) => h.notices ?? []).filter((n) => /\.r\d$/.test(n)).length).toBe(2);
    const t2 = await rt.queries.task('qx-2026', 't2');
    expect(t2.history.some((h) => (h.notices ?? []).some((n) => /\.r\d$/.test(n)))).toBe(false);

    // The inbox of the group leader holds the rung-3 and rung-4 notices of t1.
    const inbox = await rt.queries.inbox('qx-2026', 'p-wang');
    expect(
      inbox
        .filter((n) => n.taskId === 't1')
        .map((n) => n.rung)
        .sort(),
    ).toEqual([3, 4]);
  });
});
