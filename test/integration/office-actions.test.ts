/**
 * The office's hand on a running task, through the engine: 撤销 keeps the record and
 * stops the ladder; 挂起 across a deadline sends nothing and moves the deadline by the
 * time suspended; 一键催办 reaches whoever holds the task; only the office may do these.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const DAY = 86_400_000;
const office: Principal = { kind: 'office', name: 'office', org: 'default' };
const as = (personId: string): Principal => ({ kind: 'person', personId });
let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

async function clocked(start: number) {
  let now = start;
  rt = await testRuntime({ now: () => now });
  await rt.engine.createPlan(fixturePlan({ id: 'ofc', start, deadlines: { t1: 10 * 86_400, t2: 10 * 86_400 }, reminders: [] }), office, {
    publish: true,
  });
  return { r: rt, setNow: (at: number) => (now = at) };
}

describe('the office on a running task', () => {
  it('cancels with a reason: the ladder stops, the record stays, people cannot', async () => {
    const start = Date.now() + DAY;
    const { r, setNow } = await clocked(start);
    await expect(r.engine.taskEvent('ofc', 't1', { type: 'task.cancel', reason: '合并到 t2' }, as('p-zhao'))).rejects.toMatchObject({
      code: 'forbidden',
    });
    setNow(start + 2 * DAY);
    await r.engine.taskEvent('ofc', 't1', { type: 'task.cancel', reason: '合并到 t2' }, office);
    const t = await r.queries.task('ofc', 't1');
    expect(t).toMatchObject({ work: 'cancelled', supervision: 'closed' });
    expect(t.pendingTimers).toEqual([]);
    expect(t.record.cancelled).toMatchObject({ by: 'office:office', reason: '合并到 t2' });
    expect((await r.queries.inbox('ofc', 'p-zhao')).map((n) => n.kind)).toContain('cancelled');
    expect((await r.queries.planSummary('ofc')).counts.cancelled).toBe(1);
  });

  it('suspends across the deadline: nothing is sent, and resuming moves the deadline by the time away', async () => {
    const start = Date.now() + DAY;
    const { r, setNow } = await clocked(start);
    const deadline = start + 10 * DAY;
    setNow(start + 5 * DAY);
    await r.engine.taskEvent('ofc', 't1', { type: 'task.suspend', reason: '学校停课一个月' }, office);
    expect((await r.queries.task('ofc', 't1')).pendingTimers).toEqual([]);
    setNow(start + 35 * DAY);
    await r.engine.taskEvent('ofc', 't1', { type: 'task.resume', note: '复课' }, office);
    const t = await r.queries.task('ofc', 't1');
    expect(t.deadlineMs).toBe(deadline + 30 * DAY);
    expect(t.supervision).toBe('onTrack');
    expect(t.record.suspensions).toMatchObject([{ from: start + 5 * DAY, to: start + 35 * DAY, reason: '学校停课一个月' }]);
    expect(t.record.deadlineChanges).toMatchObject([{ kind: 'suspension', from: deadline, to: deadline + 30 * DAY }]);
    expect(t.record.overdueDays).toBe(0);
  });

  it('urges the holder now: the department, or the reviewer once submitted', async () => {
    const start = Date.now() + DAY;
    const { r, setNow } = await clocked(start);
    setNow(start + DAY);
    await r.engine.taskEvent('ofc', 't1', { type: 'task.urge', note: '' }, office);
    expect((await r.queries.inbox('ofc', 'p-zhao')).filter((n) => n.kind === 'urge')).toHaveLength(1);
    await r.engine.taskEvent('ofc', 't2', { type: 'task.submit', evidence: ['https://e.org'], note: '' }, as('p-zhou'));
    setNow(start + 2 * DAY);
    await r.engine.taskEvent('ofc', 't2', { type: 'task.urge', note: '请尽快验收' }, office);
    const li = (await r.queries.inbox('ofc', 'p-li')).filter((n) => n.kind === 'urge');
    expect(li).toHaveLength(1);
    expect(li[0]!.title.zh).toContain('请尽快验收');
    expect((await r.queries.task('ofc', 't2')).record.urged).toMatchObject([{ holder: 'reviewer', by: 'office:office' }]);
  });

  it('suspends the whole plan: every task the department holds is parked and moved on resumption, a submitted one is not', async () => {
    const start = Date.now() + DAY;
    const { r, setNow } = await clocked(start);
    await r.engine.taskEvent('ofc', 't2', { type: 'task.submit', evidence: ['https://e.org'], note: '' }, as('p-zhou'));
    setNow(start + 3 * DAY);
    await expect(r.engine.planEvent('ofc', { type: 'plan.suspend', reason: '疫情停课' }, as('p-zhao'))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await r.engine.planEvent('ofc', { type: 'plan.suspend', reason: '疫情停课' }, office);
    expect((await r.queries.task('ofc', 't1')).supervision).toBe('suspended');
    expect((await r.queries.task('ofc', 't2')).supervision).toBe('withReviewer');
    expect((await r.queries.inbox('ofc', 'p-zhao')).map((n) => n.kind)).toContain('suspended');
    setNow(start + 13 * DAY);
    await r.engine.planEvent('ofc', { type: 'plan.resume', note: '复课' }, office);
    const t1 = await r.queries.task('ofc', 't1');
    expect(t1.supervision).toBe('onTrack');
    expect(t1.deadlineMs).toBe(start + 20 * DAY);
    expect((await r.queries.task('ofc', 't2')).deadlineMs).toBe(start + 10 * DAY);
    const history = await r.queries.history('ofc');
    expect(history.slice(-2).map((h) => [h.event, h.by])).toEqual([
      ['plan.suspend', 'office:office'],
      ['plan.resume', 'office:office'],
    ]);
  });
});
