/**
 * Timers batched per plan (src/engine/timers.ts): a plan holds one wake-up job for its
 * earliest due timer, however many timers it has; a wake-up fires every due timer of
 * the plan in batches, each one commit; duplicate and stale wake-ups change nothing.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { TASK_MACHINE_VERSION } from '../../machines/index.js';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { wakeJobId } from '../../src/engine/timer-queue.js';
import { WAKE_BATCH } from '../../src/engine/timers.js';
import { fixturePlan, iso } from '../helpers/plan-fixture.js';
import { eventually, testRuntime } from '../helpers/runtime.js';

const office = { kind: 'office', name: 'o', org: 'default' } as const;
type TestRuntime = Awaited<ReturnType<typeof testRuntime>>;
let rt: TestRuntime | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

/** A plan of `n` tasks like the fixture's t1, each due `dueSec` after `start` (or per task). */
function widePlan(id: string, start: number, n: number, dueSec: (i: number) => number): PlanDefinitionInput {
  const base = fixturePlan({ id, start, reminders: [], grace: 'PT1H' });
  const t1 = base.tasks[0]!;
  return { ...base, tasks: Array.from({ length: n }, (_, i) => ({ ...t1, id: `k${i}`, deadline: iso(start + dueSec(i) * 1000) })) };
}

describe('wake-ups', () => {
  it('700 tasks of one plan due at one instant: one job before, every timer fired once, in batches; repeats change nothing', async () => {
    let clock = Date.now();
    rt = await testRuntime({ now: () => clock });
    const start = clock;
    await rt.engine.createPlan(
      widePlan('burst', start, 700, () => 60),
      office,
      { publish: true },
    );
    const index = rt.engine.pk('burst').timers;
    // Each task holds two timers (its deadline checkpoint, its acknowledgement check), the plan its phase's;
    // the index holds each one's earliest only: 701 entries for 1,401 timers.
    expect(await rt.redis.zcard(index)).toBe(701);
    const earliest = Number((await rt.redis.zrange(index, '0', '0', 'WITHSCORES'))[1]);
    // 1,401 timers, one job: the plan's wake-up, at the earliest of them.
    const queue = rt.scheduler.queueOf('burst');
    const jobs = await queue.getJobs(['delayed', 'waiting']);
    expect(jobs.map((j) => j.id)).toEqual([wakeJobId('burst', earliest)]);

    clock = start + 61_000;
    const due = await rt.redis.zcount(index, '-inf', String(clock));
    expect(due).toBeGreaterThanOrEqual(700);
    // Four wake-ups at once (a duplicated job, two workers): together they fire each due timer exactly once.
    const results = await Promise.all([1, 2, 3, 4].map(() => rt!.engine.wake('burst')));
    expect(results.reduce((n, r) => n + r.fired, 0)).toBe(due);
    expect(Math.max(...results.map((r) => r.batches))).toBeGreaterThanOrEqual(Math.ceil(700 / WAKE_BATCH));
    const tasks = await Promise.all(Array.from({ length: 700 }, (_, i) => rt!.queries.task('burst', `k${i}`)));
    expect(tasks.every((t) => t.rung === 1)).toBe(true);
    expect(tasks.every((t) => t.history.filter((h) => h.event === 'timer.checkpoint').length === 1)).toBe(true);

    // A late repeat finds nothing due; what is left waits for one job again, for the earliest of it: beyond
    // the horizon, none yet; the reconciler's pass arms it once it comes within.
    expect((await rt.engine.wake('burst')).fired).toBe(0);
    const next = Number((await rt.redis.zrange(index, '0', '0', 'WITHSCORES'))[1]);
    expect(next - clock).toBeGreaterThan(rt.scheduler.horizonMs);
    expect(await queue.getJob(wakeJobId('burst', next))).toBeUndefined();
    clock = next - rt.scheduler.horizonMs + 1_000;
    await rt.engine.reconcile();
    // (The first job is still there: no worker ran it, the test woke the plan itself.)
    expect((await queue.getJobs(['delayed', 'waiting'])).map((j) => j.id).sort()).toEqual(
      [wakeJobId('burst', earliest), wakeJobId('burst', next)].sort(),
    );
  }, 120_000);

  it('far-future timers hold no job until they come within the horizon; then the reconciler arms one per plan, once', async () => {
    let clock = Date.now();
    const start = clock;
    rt = await testRuntime({ now: () => clock });
    const horizon = rt.scheduler.horizonMs;
    expect(horizon).toBe(600_000);
    await rt.engine.createPlan(
      widePlan('far', start, 50, (i) => 3600 * (i + 1)),
      office,
      { publish: true },
    );
    const queue = rt.scheduler.queueOf('far');
    const ids = async () => (await queue.getJobs(['delayed', 'waiting'])).map((j) => j.id).filter((id) => id?.startsWith('far@'));
    // Its earliest timer is an hour away: no job yet, and a reconciler pass leaves it so.
    expect(await ids()).toEqual([]);
    expect(await rt.engine.reconcile()).toBe(0);
    expect(await ids()).toEqual([]);

    // Within the horizon of its earliest timer, the pass arms the plan's one wake-up; the next pass adds nothing.
    clock = start + 3_600_000 - horizon + 1_000;
    expect(await rt.engine.reconcile()).toBe(0);
    expect(await ids()).toEqual([wakeJobId('far', start + 3_600_000)]);
    await rt.engine.reconcile();
    expect(await ids()).toEqual([wakeJobId('far', start + 3_600_000)]);

    // It fires on time: the first task's checkpoint; the next, an hour on, waits beyond the horizon with no job.
    clock = start + 3_600_000 + 10;
    expect((await rt.engine.wake('far', start + 3_600_000)).fired).toBeGreaterThanOrEqual(1);
    expect((await rt.queries.task('far', 'k0')).rung).toBe(1);
    await queue.remove(wakeJobId('far', start + 3_600_000));
    expect(await ids()).toEqual([]);
  });

  it('a commit arms a wake-up within the horizon at once, and leaves one beyond it to the reconciler', async () => {
    let clock = Date.now();
    const start = clock;
    rt = await testRuntime({ now: () => clock });
    await rt.engine.createPlan(
      widePlan('near', start, 1, () => 300),
      office,
      { publish: true },
    );
    await rt.engine.createPlan(
      widePlan('later', start, 1, () => 900),
      office,
      { publish: true },
    );
    const near = Number((await rt.redis.zrange(rt.engine.pk('near').timers, '0', '0', 'WITHSCORES'))[1]);
    const later = Number((await rt.redis.zrange(rt.engine.pk('later').timers, '0', '0', 'WITHSCORES'))[1]);
    expect(await rt.scheduler.queueOf('near').getJob(wakeJobId('near', near))).toBeDefined();
    expect(await rt.scheduler.queueOf('later').getJob(wakeJobId('later', later))).toBeUndefined();
    clock = later - 300_000;
    await rt.engine.reconcile();
    expect(await rt.scheduler.queueOf('later').getJob(wakeJobId('later', later))).toBeDefined();
  });

  it('a timer whose task moved on is stale: the wake-up takes it out of the index and changes nothing else', async () => {
    let clock = Date.now();
    rt = await testRuntime({ now: () => clock });
    const start = clock;
    await rt.engine.createPlan(
      widePlan('moved', start, 2, () => 30),
      office,
      { publish: true },
    );
    // k0 is submitted and accepted before its deadline: its checkpoint no longer stands.
    const person = { kind: 'person', personId: 'p-zhao' } as const;
    await rt.engine.taskEvent('moved', 'k0', { type: 'task.submit', evidence: ['https://e.org/1'], note: '' }, person);
    await rt.engine.taskEvent('moved', 'k0', { type: 'task.accept', note: 'ok' }, { kind: 'person', personId: 'p-li' });
    const before = await rt.queries.task('moved', 'k0');
    clock = start + 31_000;
    const r = await rt.engine.wake('moved');
    expect(r.fired).toBe(1);
    expect((await rt.queries.task('moved', 'k1')).rung).toBe(1);
    const after = await rt.queries.task('moved', 'k0');
    expect(after.history).toEqual(before.history);
    const members = await rt.redis.zrange(rt.engine.pk('moved').timers, '0', '-1');
    expect(members.some((m) => m.startsWith('k0|'))).toBe(false);
  });

  it('a task that cannot be read holds up only its own timers: the others fire, and it fires once it can be read', async () => {
    let clock = Date.now();
    rt = await testRuntime({ now: () => clock });
    const start = clock;
    await rt.engine.createPlan(
      widePlan('bad', start, 3, () => 30),
      office,
      { publish: true },
    );
    const key = rt.engine.pk('bad').task('k1');
    // Written by a newer build (a machine version this one does not know).
    await rt.redis.multi().hset(key, 'mv', '99').hincrby(key, 'ver', 1).exec();
    clock = start + 31_000;
    await expect(rt.engine.wake('bad')).rejects.toThrow(/k1/);
    expect((await rt.queries.task('bad', 'k0')).rung).toBe(1);
    expect((await rt.queries.task('bad', 'k2')).rung).toBe(1);
    const waiting = await rt.redis.zrangebyscore(rt.engine.pk('bad').timers, '-inf', String(clock));
    expect(waiting.some((m) => m.startsWith('k1|'))).toBe(true);
    // The cause fixed, the retried wake-up fires it.
    await rt.redis.hset(key, 'mv', String(TASK_MACHINE_VERSION));
    expect((await rt.engine.wake('bad')).fired).toBeGreaterThanOrEqual(1);
    expect((await rt.queries.task('bad', 'k1')).rung).toBe(1);
  });

  it('a wake-up ends once nothing is due: a timer half a second later waits for its own job, holding no worker slot', async () => {
    let clock = Date.now();
    rt = await testRuntime({ now: () => clock });
    const start = clock;
    await rt.engine.createPlan(
      widePlan('apart', start, 2, (i) => 30 + i * 0.5),
      office,
      { publish: true },
    );
    clock = start + 30_100;
    // Before, the wake-up waited in-process for k1 (due 400 ms on) and, on this frozen clock, never ended.
    const r = await rt.engine.wake('apart', start + 30_000);
    expect(r.fired).toBe(1);
    expect((await rt.queries.task('apart', 'k1')).rung).toBe(0);
    expect(await rt.scheduler.queueOf('apart').getJob(wakeJobId('apart', start + 30_500))).toBeDefined();
  });

  /**
   * Two worker processes on one prefix and one frozen clock (`clock.at`), the plan
   * `plan(start)` created and published through the first (`rt`); `body` gets the second.
   */
  async function twoWorkers(
    plan: (start: number) => PlanDefinitionInput,
    body: (other: TestRuntime, clock: { at: number }, start: number) => Promise<void>,
  ) {
    const clock = { at: Date.now() };
    const start = clock.at;
    rt = await testRuntime({ now: () => clock.at });
    const other = await testRuntime({ now: () => clock.at }, rt.prefix);
    try {
      await rt.engine.createPlan(plan(start), office, { publish: true });
      await body(other, clock, start);
    } finally {
      await other.close();
    }
  }

  it("a worker whose memory of a task is older than another worker's commit still fires the task's new timer", async () => {
    await twoWorkers(
      (start) => widePlan('two', start, 2, () => 30),
      async (other, clock, start) => {
        // This worker fires both deadlines and remembers both tasks at rung 1.
        clock.at = start + 31_000;
        await rt!.engine.wake('two');
        // Another worker fires both first rungs' graces: rung 2, with new timers this one has never seen.
        clock.at = start + 31_000 + 3_601_000;
        await other.engine.wake('two');
        // This one then commits to k1 (its acknowledgement), so it remembers k1 as it is now, and k0 as it was.
        await rt!.engine.taskEvent('two', 'k1', { type: 'task.acknowledge' }, { kind: 'person', personId: 'p-zhao' });
        clock.at += 3_601_000;
        // Before, k0's new timer looked stale against that memory and was dropped while k1's fired: k0's ladder stopped.
        await rt!.engine.wake('two');
        expect((await rt!.queries.task('two', 'k1')).rung).toBe(3);
        expect((await rt!.queries.task('two', 'k0')).rung).toBe(3);
      },
    );
  });

  it('a small wake-up (its tasks read with its timers) fires each timer once under duplicate wake-ups from two processes and a command in between', async () => {
    await twoWorkers(
      (start) => widePlan('small', start, 3, () => 30),
      async (other, clock, start) => {
        clock.at = start + 31_000;
        const r = rt!;
        const due = await r.redis.zcount(r.engine.pk('small').timers, '-inf', String(clock.at));
        expect(due).toBeGreaterThanOrEqual(3);
        const person = { kind: 'person', personId: 'p-zhao' } as const;
        // Four wake-ups and a command on k2 at once: whichever commits first, the others' reads are stale and read again.
        const wakes = [r.engine.wake('small'), other.engine.wake('small'), other.engine.wake('small'), r.engine.wake('small')];
        const command = r.engine.taskEvent('small', 'k2', { type: 'task.progress', percent: 40, note: '进行中' }, person);
        const results = await Promise.all(wakes);
        await command;
        expect(results.reduce((n, x) => n + x.fired, 0)).toBe(due);
        for (const id of ['k0', 'k1', 'k2']) {
          const t = await r.queries.task('small', id);
          expect(t.rung).toBe(1);
          expect(t.history.filter((h) => h.event === 'timer.checkpoint').length).toBe(1);
        }
        expect((await r.queries.task('small', 'k2')).progress?.percent).toBe(40);
      },
    );
  });

  // MONITOR shows the commands scripts run; on the test cluster it would watch the wrong node.
  it.skipIf(process.env.DUBAN_TEST_CLUSTER === '1')(
    'a wake-up sends the plan’s definition only to a process that does not hold it yet',
    async () => {
      await twoWorkers(
        (start) => widePlan('held', start, 2, (i) => 30 + 100 * i),
        async (other, clock, start) => {
          const defKey = other.engine.pk('held').plan;
          const mon = await new Redis(inject('redisUrl')).monitor();
          let sent = 0;
          mon.on('monitor', (_t: string, args: string[], source: string) => {
            if (source === 'lua' && args[0]?.toUpperCase() === 'HGET' && args[1] === defKey && args[2] === 'def') sent++;
          });
          try {
            // The other process has never read this plan: its first wake-up is sent the definition with the due tasks.
            clock.at = start + 31_000;
            expect((await other.engine.wake('held')).fired).toBe(1);
            await eventually(() => Promise.resolve(sent === 1), 5_000, 20);
            // Its next wake-up of the same revision is not: it holds the definition parsed.
            clock.at = start + 131_000;
            expect((await other.engine.wake('held')).fired).toBe(1);
            await new Promise((r) => setTimeout(r, 300));
            expect(sent).toBe(1);
            expect(other.engine.definitionCache().definitions).toBe(1);
            expect((await rt!.queries.task('held', 'k1')).rung).toBe(1);
          } finally {
            mon.disconnect();
          }
        },
      );
    },
  );

  it('the index holds each task’s earliest timer only; two of its timers due together both fire, once each', async () => {
    let clock = Date.now();
    rt = await testRuntime({ now: () => clock });
    const start = clock;
    const base = widePlan('pair', start, 1, () => 30);
    // 签收 within 30 s: the acknowledgement check falls due with the deadline's checkpoint.
    await rt.engine.createPlan(
      { ...base, escalation: { ...base.escalation!, acknowledge: { within: 'PT30S', chaseAfter: 'PT10S' } } },
      office,
      { publish: true },
    );
    const index = rt.engine.pk('pair').timers;
    const held = async () => {
      const t = await rt!.engine.loadTask('pair', 'k0');
      return Object.values(t.timers).sort((a, b) => a.at - b.at);
    };
    const entries = async () => (await rt!.redis.zrange(index, '0', '-1')).filter((m) => m.startsWith('k0|'));
    const before = await held();
    expect(before).toHaveLength(2);
    expect(before[0]!.at).toBe(before[1]!.at);
    expect(await entries()).toHaveLength(1);

    clock = start + 31_000;
    const r = await rt.engine.wake('pair');
    expect(r.fired).toBe(2);
    const t = await rt.queries.task('pair', 'k0');
    expect(t.rung).toBe(1);
    expect(t.acknowledgement).toBe('reminded');
    expect(t.history.filter((h) => h.event === 'timer.checkpoint')).toHaveLength(1);
    expect(t.history.filter((h) => h.event === 'timer.ackCheck')).toHaveLength(1);
    // What it holds now is indexed by its earliest, and nothing it no longer holds is.
    const after = await held();
    expect(await entries()).toEqual([`k0|${after[0]!.tok}`]);
    expect((await rt.engine.wake('pair')).fired).toBe(0);
  });
});
