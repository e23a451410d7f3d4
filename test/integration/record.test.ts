/**
 * The record is never erased: a task that climbed to rung 2, had its deadline moved,
 * was returned and given an extension keeps every one of those facts, and the
 * reviewer — not the department — is chased while a submission waits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { fixturePlan, iso } from '../helpers/plan-fixture.js';
import { NoticeNumbers } from '../../src/documents/notice-numbers.js';
import { testRuntime } from '../helpers/runtime.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const office: Principal = { kind: 'office', name: 'office', org: 'default' };
const as = (personId: string): Principal => ({ kind: 'person', personId });
let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

/** A runtime whose clock the test moves; timers are fired by hand at their due time. */
async function clocked(start: number) {
  let now = start;
  rt = await testRuntime({ now: () => now });
  const fireNext = async (taskId: string, name?: string) => {
    const t = await rt!.engine.loadTask('rec', taskId);
    const [, timer] = Object.entries(t.timers)
      .filter(([id]) => !name || id.includes(`.${name}.`))
      .sort((a, b) => a[1].at - b[1].at)[0]!;
    now = Math.max(now, timer.at);
    expect(await rt!.engine.fireTimer('rec', taskId, timer.tok)).toBe('fired');
  };
  return { rt, fireNext, setNow: (at: number) => (now = at) };
}

describe('the record of a task', () => {
  it('keeps the highest rung, the moved deadline, the return and the extension', async () => {
    const start = Date.now() + DAY;
    const { rt: r, fireNext, setNow } = await clocked(start);
    const plan = fixturePlan({ id: 'rec', start, deadlines: { t1: 10 * 24 * 3600 }, reminders: [], grace: 'P2D' });
    await r.engine.createPlan(plan, office, { publish: true });
    const deadline = start + 10 * DAY;
    await fireNext('t1', 'checkpoint'); // rung 1 at the deadline
    await fireNext('t1', 'rungGrace'); // rung 2
    expect((await r.queries.task('rec', 't1')).rung).toBe(2);
    // The office prints rung 1's notice in its series: the record shows that 文号, no other.
    const numbers = new NoticeNumbers(r.redis, r.engine.keys);
    await numbers.series.set('default', '青教督', 'office:office', Date.parse('2026-03-01T00:00:00+08:00'));
    const rung1 = await r.queries.notice(
      'rec',
      (await r.queries.history('rec', 't1')).flatMap((h) => h.notices ?? []).find((id) => id.endsWith('.r1'))!,
    );
    await numbers.forNotice(await r.engine.currentDefinition('rec'), { ...rung1, createdAt: Date.parse('2026-06-01T00:00:00+08:00') });
    // The office moves the deadline at rung 2: a new clock, the record stays.
    setNow(deadline + 5 * DAY);
    const moved = deadline + 20 * DAY;
    await r.engine.taskEvent('rec', 't1', { type: 'task.deadline.change', deadline: iso(moved), reason: '上级文件推迟' }, office);
    // An extension, requested and approved.
    setNow(deadline + 6 * DAY);
    await r.engine.taskEvent(
      'rec',
      't1',
      { type: 'task.extension.request', deadline: iso(moved + 5 * DAY), reason: '等待数据' },
      as('p-zhao'),
    );
    setNow(deadline + 7 * DAY);
    await r.engine.taskEvent('rec', 't1', { type: 'task.extension.approve', note: '同意' }, as('p-li'));
    // Submitted on time, returned with a reason, resubmitted and accepted.
    setNow(moved);
    await r.engine.taskEvent('rec', 't1', { type: 'task.submit', evidence: ['https://e.org/1'], note: '' }, as('p-zhao'));
    setNow(moved + DAY);
    await r.engine.taskEvent('rec', 't1', { type: 'task.return', reason: '缺少附件', deadline: iso(moved + 15 * DAY) }, as('p-li'));
    setNow(moved + 3 * DAY);
    await r.engine.taskEvent('rec', 't1', { type: 'task.submit', evidence: ['https://e.org/2'], note: '' }, as('p-zhao'));
    setNow(moved + 4 * DAY);
    await r.engine.taskEvent('rec', 't1', { type: 'task.accept', note: '' }, as('p-li'));

    const task = await r.queries.task('rec', 't1');
    expect(task.rung).toBe(0); // the ladder of the current deadline
    const rec = task.record;
    expect(rec.originalDeadline).toBe(deadline);
    expect(rec.highestRung).toBe(2);
    // Rung 1's notice was issued as a document (numbered in the office's series); rung 2's not yet.
    expect(rec.rungs.map((x) => [x.rung, x.number, x.deadline])).toEqual([
      [1, '青教督〔2026〕1号', deadline],
      [2, null, deadline],
    ]);
    expect(rec.overdueDays).toBe(5);
    expect(rec.deadlineChanges.map((c) => [c.kind, c.from, c.to, c.reason])).toEqual([
      ['office', deadline, moved, '上级文件推迟'],
      ['extension', moved, moved + 5 * DAY, '等待数据'],
      ['return', moved + 5 * DAY, moved + 15 * DAY, '缺少附件'],
    ]);
    expect(rec.deadlineChanges[1]).toMatchObject({ by: 'p-zhao', approvedBy: 'p-li' });
    expect(rec.extensions).toMatchObject([{ outcome: 'approved', decidedBy: 'p-li', note: '同意' }]);
    expect(rec.returns).toMatchObject([{ by: 'p-li', reason: '缺少附件' }]);
    expect(rec.submissions.map((s) => [s.onTime, s.outcome, s.reviewDays])).toEqual([
      [true, 'returned', 1],
      [true, 'accepted', 1],
    ]);
    expect(rec.finishedOnTime).toBe(true);
    // Never acknowledged by hand, but the progress of work counts; here the first submission did.
    expect(rec.acknowledgement.at).toBe(moved);
    expect(rec.acknowledgement.onTime).toBe(false);
  });

  it('a task submitted on time and never reviewed: the reviewer is chased, the department never counted late', async () => {
    const start = Date.now() + DAY;
    const { rt: r, fireNext, setNow } = await clocked(start);
    await r.engine.createPlan(fixturePlan({ id: 'rec', start, deadlines: { t1: 10 * 24 * 3600 }, reminders: [] }), office, {
      publish: true,
    });
    setNow(start + 2 * HOUR);
    await r.engine.taskEvent('rec', 't1', { type: 'task.acknowledge' }, as('p-zhao'));
    setNow(start + 5 * DAY);
    await r.engine.taskEvent('rec', 't1', { type: 'task.submit', evidence: ['https://e.org'], note: '' }, as('p-zhao'));
    const leaderInbox = await r.queries.inbox('rec', 'p-li');
    expect(leaderInbox.map((n) => n.kind)).toContain('submitted');
    await fireNext('t1', 'reviewCheck'); // reminder to the reviewer
    await fireNext('t1', 'reviewCheck'); // past the review deadline: to the group leader
    await fireNext('t1', 'reviewGrace'); // then the whole leadership group
    const task = await r.queries.task('rec', 't1');
    expect(task).toMatchObject({ supervision: 'withReviewer', rung: 0, reviewRung: 2 });
    expect(task.record.highestRung).toBe(0);
    expect(task.record.overdueDays).toBe(0);
    expect(task.record.submissions[0]).toMatchObject({ onTime: true, outcome: 'pending', reviewEscalations: 2 });
    expect(task.record.acknowledgement.onTime).toBe(true);
    // The department got no notice after submitting; the group leader did.
    const zhao = await r.queries.inbox('rec', 'p-zhao');
    expect(zhao.filter((n) => n.createdAt > start + 5 * DAY)).toEqual([]);
    const wang = await r.queries.inbox('rec', 'p-wang');
    expect(wang.filter((n) => n.kind !== 'phase').map((n) => n.kind)).toEqual(['reviewOverdue', 'reviewOverdue']);
  });

  it('refuses an extension asked after the deadline, saying so, and one past the cap', async () => {
    const start = Date.now() + DAY;
    const { rt: r, setNow } = await clocked(start);
    const plan = { ...fixturePlan({ id: 'rec', start, deadlines: { t1: 10 * 24 * 3600 }, reminders: [] }) };
    plan.escalation = { ...plan.escalation!, maxExtensions: 1 };
    await r.engine.createPlan(plan, office, { publish: true });
    const ask = (days: number) =>
      r.engine.taskEvent(
        'rec',
        't1',
        { type: 'task.extension.request', deadline: iso(start + days * DAY), reason: '需要时间' },
        as('p-zhao'),
      );
    setNow(start + DAY);
    await ask(15);
    await r.engine.taskEvent('rec', 't1', { type: 'task.extension.approve', note: '' }, as('p-li'));
    await expect(ask(20)).rejects.toMatchObject({ code: 'refused', text: { zh: expect.stringContaining('上限') } });
    setNow(start + 16 * DAY);
    await expect(ask(30)).rejects.toMatchObject({ code: 'refused', text: { zh: expect.stringContaining('已过') } });
  });
});
