/**
 * Jobs are delivered at least once and may fire late, twice, or after they stopped
 * mattering. None of that may cause a second or a wrong transition or notice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TASK_MACHINE_VERSION } from '../../machines/index.js';
import type { Principal } from '../../src/domain/permissions.js';
import { PLAN_ENTITY } from '../../src/store/keys.js';
import { fixturePlan, iso } from '../helpers/plan-fixture.js';
import { eventually, TEST_REDIS, testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: 'office', org: 'default' };
const as = (planId: string, personId: string): Principal => ({ kind: 'person', personId });
let rt: Awaited<ReturnType<typeof testRuntime>>;
afterEach(() => rt?.close());

/** Notice ids in a task's history, in order. */
async function noticesOf(planId: string, taskId: string): Promise<string[]> {
  return (await rt.queries.history(planId, taskId)).flatMap((h) => h.notices ?? []);
}

// On one server and on a Redis Cluster (a plan's keys in its slot, each queue in its own).
describe.each(TEST_REDIS)('timer jobs are safe to repeat, delay and outlive (Redis: %s)', (redis) => {
  const cluster = redis === 'cluster';

  it('a duplicated job fires once; its twin is stale', async () => {
    rt = await testRuntime({ cluster }); // no workers: the test fires jobs by hand
    const start = Date.now() - 10_000;
    await rt.engine.createPlan(fixturePlan({ id: 'dup', start, deadlines: { t1: 5 } }), office, { publish: true });
    const timer = Object.values((await rt.engine.loadTask('dup', 't1')).timers)[0]!;
    const results = await Promise.all(Array.from({ length: 8 }, () => rt.engine.fireTimer('dup', 't1', timer.tok)));
    expect(results.filter((r) => r === 'fired')).toHaveLength(1);
    expect(results.filter((r) => r === 'stale')).toHaveLength(7);
    expect(await noticesOf('dup', 't1')).toHaveLength(1);
    // And once more, after the fact:
    expect(await rt.engine.fireTimer('dup', 't1', timer.tok)).toBe('stale');
  });

  it('a job for a cancelled timer does nothing after the task is accepted', async () => {
    rt = await testRuntime({ cluster });
    await rt.engine.createPlan(fixturePlan({ id: 'acc', start: Date.now() }), office, { publish: true });
    const timers = Object.values((await rt.engine.loadTask('acc', 't1')).timers);
    await rt.engine.taskEvent('acc', 't1', { type: 'task.submit', evidence: ['https://e.org'], note: '' }, as('acc', 'p-zhao'));
    await rt.engine.taskEvent('acc', 't1', { type: 'task.accept', note: '' }, as('acc', 'p-li'));
    const version = (await rt.engine.loadTask('acc', 't1')).ver;
    const before = await noticesOf('acc', 't1');
    expect(before.map((n) => n.split('.').at(-1))).toEqual(['s']); // the reviewer was told of the submission
    for (const timer of timers) expect(await rt.engine.fireTimer('acc', 't1', timer.tok)).toBe('stale');
    expect((await rt.engine.loadTask('acc', 't1')).ver).toBe(version);
    expect(await noticesOf('acc', 't1')).toEqual(before);
  });

  it('a late job dates its rung from when it was due, not when it ran', async () => {
    rt = await testRuntime({ cluster });
    const start = Date.now() - 3_600_000; // the deadline passed an hour ago
    await rt.engine.createPlan(fixturePlan({ id: 'late', start, deadlines: { t1: 60 }, reminders: [], grace: 'PT10M' }), office, {
      publish: true,
    });
    const timer = Object.values((await rt.engine.loadTask('late', 't1')).timers)[0]!;
    await rt.engine.fireTimer('late', 't1', timer.tok);
    const [id] = await noticesOf('late', 't1');
    const notice = await rt.queries.notice('late', id!);
    expect(notice.rung).toBe(1);
    expect(notice.rectificationDeadline).toBe(notice.createdAt + 10 * 60_000);
  });

  it('a moved deadline reschedules: the old job is stale, the new one fires for the new date', async () => {
    rt = await testRuntime({ cluster, worker: true });
    const start = Date.now();
    await rt.engine.createPlan(fixturePlan({ id: 'moved', start, deadlines: { t1: 1.5 }, reminders: [], grace: 'PT60S' }), office, {
      publish: true,
    });
    const checkpoint = (t: Awaited<ReturnType<typeof rt.engine.loadTask>>) =>
      Object.entries(t.timers).find(([id]) => id.includes('.checkpoint.'))![1];
    const old = checkpoint(await rt.engine.loadTask('moved', 't1'));
    const newDeadline = start + 4_000;
    await rt.engine.taskEvent('moved', 't1', { type: 'task.deadline.change', deadline: iso(newDeadline), reason: '延期' }, office);
    const now = checkpoint(await rt.engine.loadTask('moved', 't1'));
    expect(now.at).toBe(newDeadline);
    expect(await rt.engine.fireTimer('moved', 't1', old.tok)).toBe('stale');
    await new Promise((r) => setTimeout(r, 2_000)); // past the old deadline
    expect((await rt.queries.task('moved', 't1')).supervision).toBe('onTrack');
    const t = await eventually(async () => {
      const task = await rt.queries.task('moved', 't1');
      return task.rung === 1 ? task : null;
    });
    const rung1 = t.history.find((h) => (h.notices ?? []).length > 0)!;
    expect(rung1.at).toBe(newDeadline);
    expect(rung1.notices![0]).toContain(`.${newDeadline.toString(36)}.r1`);
  });

  it('many concurrent events on one task all land, none lost', async () => {
    rt = await testRuntime({ cluster });
    await rt.engine.createPlan(fixturePlan({ id: 'busy', start: Date.now() }), office, { publish: true });
    const before = (await rt.engine.loadTask('busy', 't1')).ver;
    const reports = Array.from({ length: 40 }, (_, i) =>
      rt.engine.taskEvent('busy', 't1', { type: 'task.progress', percent: i, note: `第${i}次` }, as('busy', i % 2 ? 'p-zhao' : 'p-zhang')),
    );
    await Promise.all(reports);
    const after = await rt.engine.loadTask('busy', 't1');
    expect(after.ver).toBe(before + 40);
    const notes = (await rt.queries.history('busy', 't1')).filter((h) => h.event === 'task.progress').map((h) => h.data!.note);
    expect(new Set(notes).size).toBe(40);
  });

  it('concurrent submit and accept race: exactly one accept wins, the other gets a clear 409', async () => {
    rt = await testRuntime({ cluster });
    await rt.engine.createPlan(fixturePlan({ id: 'race', start: Date.now() }), office, { publish: true });
    await rt.engine.taskEvent('race', 't1', { type: 'task.submit', evidence: ['https://e.org'], note: '' }, as('race', 'p-zhao'));
    const outcomes = await Promise.allSettled([
      rt.engine.taskEvent('race', 't1', { type: 'task.accept', note: 'a' }, as('race', 'p-li')),
      rt.engine.taskEvent('race', 't1', { type: 'task.accept', note: 'b' }, as('race', 'p-wang')),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason.code).toBe('event_not_accepted');
    expect((await rt.queries.history('race', 't1')).filter((h) => h.event === 'task.accept')).toHaveLength(1);
  });

  it('the reconciler re-arms a timer whose job went missing', async () => {
    rt = await testRuntime({ cluster, worker: true, reconcileMs: 500 });
    const start = Date.now();
    await rt.engine.createPlan(fixturePlan({ id: 'lost', start, deadlines: { t1: 1 }, reminders: [] }), office, { publish: true });
    const timer = Object.values((await rt.engine.loadTask('lost', 't1')).timers)[0]!;
    // Lose the plan's wake-up job, as if the process had died between commit and add.
    const { wakeJobId } = await import('../../src/engine/timer-queue.js');
    expect(await rt.scheduler.queueOf('lost').remove(wakeJobId('lost', timer.at))).toBe(1);
    const task = await eventually(async () => {
      const t = await rt.queries.task('lost', 't1');
      return t.rung >= 1 ? t : null;
    }, 15_000);
    expect(task.history.filter((h) => h.event === 'timer.checkpoint')).toHaveLength(1);
  });

  it('a failed timer job is retried by the reconciler once the cause is fixed', async () => {
    rt = await testRuntime({ cluster, worker: true, reconcileMs: 500 });
    await rt.engine.createPlan(
      fixturePlan({ id: 'fail', start: Date.now(), deadlines: { t1: 0.8 }, reminders: [], grace: 'PT60S' }),
      office,
      {
        publish: true,
      },
    );
    const key = rt.engine.pk('fail').task('t1');
    // A snapshot this build cannot read, as a newer build would write it (a new version): the job fails.
    await rt.redis.multi().hset(key, 'mv', '99').hincrby(key, 'ver', 1).exec();
    const queue = rt.scheduler.queueOf('fail');
    await eventually(async () => (await queue.getFailedCount()) === 1, 10_000);
    await rt.redis.hset(key, 'mv', String(TASK_MACHINE_VERSION)); // the cause fixed: the version this build writes
    // Rung 1 stays a minute (grace PT60S): with the fixture's one-second grace a loaded machine's
    // polls could miss it between rung 1 and the top of the ladder.
    const t = await eventually(async () => {
      const task = await rt.queries.task('fail', 't1');
      return task.rung === 1 ? task : null;
      // Generous: the reconciler's pass waits on a loaded machine; the assertion is that it comes at all.
    }, 40_000);
    expect(t.history.filter((h) => h.event === 'timer.checkpoint')).toHaveLength(1);
  });

  it('phase timers are fenced too', async () => {
    rt = await testRuntime({ cluster });
    await rt.engine.createPlan(fixturePlan({ id: 'ph', start: Date.now() - 10_000, phases: [0, 1, 2, 3, 4] }), office, { publish: true });
    const timer = Object.values((await rt.engine.loadPlan('ph')).plan.timers)[0]!;
    const results = await Promise.all([1, 2, 3].map(() => rt.engine.fireTimer('ph', PLAN_ENTITY, timer.tok)));
    expect(results.filter((r) => r === 'fired')).toHaveLength(1);
    expect((await rt.queries.planSummary('ph')).stage).toBe('promotion');
  });
});
