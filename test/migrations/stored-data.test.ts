/**
 * Running plans survive upgrades: what earlier builds stored (fixtures captured by
 * test/migrations/capture.ts with those builds) loads in this one, reads answer, its
 * pending timers fire, people's commands work, and the next commit writes it in this
 * build's machine version.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PLAN_MACHINE_VERSION, TASK_MACHINE_VERSION } from '../../machines/index.js';
import type { Principal } from '../../src/domain/permissions.js';
import { migrate, UnknownMachineVersionError } from '../../src/engine/migrations.js';
import { PLAN_ENTITY } from '../../src/store/keys.js';
import { testRuntime } from '../helpers/runtime.js';
import { loadPlanKeys, STORED_TASKS, storedFixtures, type StoredFixture } from './stored-plan.js';

const fixtures = storedFixtures();

const as = (personId: string): Principal => ({ kind: 'person', personId });
let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

async function loaded(fx: StoredFixture) {
  rt = await testRuntime();
  await loadPlanKeys(rt.redis, rt.prefix, fx.planId, fx.keys, fx.start);
  return rt;
}

it('keeps a fixture of the build before this one', () => {
  // capture.ts writes stored-v<N>.json; the newest fixture must be older than this build's machine.
  const versions = fixtures.map((f) => f.data.machines.task);
  expect(versions.length).toBeGreaterThan(0);
  expect(Math.max(...versions)).toBeLessThanOrEqual(TASK_MACHINE_VERSION);
});

for (const { file, data: fx } of fixtures) {
  describe(`stored by machine v${fx.machines.task} (${file})`, () => {
    it('loads every task and the plan, and the reads answer', async () => {
      const r = await loaded(fx);
      const { plan } = await r.engine.loadPlan(fx.planId);
      expect(plan.snap.value).toBe('launch');
      for (const id of STORED_TASKS) {
        const t = await r.queries.task(fx.planId, id);
        expect(t.id).toBe(id);
      }
      const summary = await r.queries.planSummary(fx.planId);
      expect(summary.counts.tasks).toBe(STORED_TASKS.length);
    });

    it('the upgrade pass refiles migrated tasks, once, with a history entry', async () => {
      const r = await loaded(fx);
      const before = await r.queries.planSummary(fx.planId);
      const older = fx.machines.task < TASK_MACHINE_VERSION || fx.machines.plan < PLAN_MACHINE_VERSION;
      expect((await r.engine.upgradePlan(fx.planId)) > 0).toBe(older);
      expect(await r.engine.upgradePlan(fx.planId)).toBe(0);
      const after = await r.queries.planSummary(fx.planId);
      expect(after.counts.tasks).toBe(before.counts.tasks);
      // Tasks under review are filed as awaiting acceptance, not overdue.
      const reviewing = await r.queries.listTasks(fx.planId, { state: 'withReviewer' });
      expect(reviewing.map((t) => t.id).sort()).toEqual(['submitted-overdue', 'under-review']);
      expect(after.counts.byRung[1]).toBe(1); // rung-1 only; submitted-overdue left the open ladder
      const h = (await r.queries.task(fx.planId, 'submitted-overdue')).history;
      if (fx.machines.task < TASK_MACHINE_VERSION) expect(h.at(-1)?.event).toBe('system.upgraded');
      // This build's layout: each task's earliest timer alone in the timer index, no `all` set,
      // history entries written compact, read back whole, and the trail still verifies.
      const pk = r.engine.pk(fx.planId);
      const members = await r.redis.zrange(pk.timers, '0', '-1');
      for (const id of STORED_TASKS) {
        const t = await r.engine.loadTask(fx.planId, id);
        const toks = members.filter((m) => m.startsWith(`${id}|`)).map((m) => m.split('|')[1]);
        const timers = Object.values(t.timers);
        expect(toks, id).toHaveLength(timers.length > 0 ? 1 : 0);
        if (timers.length > 0) expect(timers.find((x) => x.tok === toks[0])?.at, id).toBe(Math.min(...timers.map((x) => x.at)));
      }
      expect(await r.redis.exists(pk.index('all'))).toBe(0);
      const last = (await r.redis.lrange(pk.history('submitted-overdue'), '-1', '-1'))[0]!;
      expect(last).toMatch(/"f":\[/);
      expect(h.at(-1)?.from).toMatchObject({ work: expect.any(String), supervision: 'withReviewer' });
      expect((await r.engine.verifyTrail(fx.planId)).ok).toBe(true);
    });

    it('fires its pending timers: a climbing ladder climbs on, a reminder leads to the deadline', async () => {
      const r = await loaded(fx);
      const named = (t: { timers: Record<string, { at: number; tok: string }> }, name: string) =>
        Object.entries(t.timers).find(([id]) => id.includes(`.${name}.`))![1];
      const rung2 = await r.engine.loadTask(fx.planId, 'rung-2');
      const grace = named(rung2, 'rungGrace');
      expect(await r.engine.fireTimer(fx.planId, 'rung-2', grace.tok)).toBe('fired');
      const after = await r.queries.task(fx.planId, 'rung-2');
      expect(after.rung).toBe(3);
      const notices = after.history.flatMap((h) => h.notices ?? []);
      expect(notices.filter((n) => /\.r3$/.test(n))).toHaveLength(1);

      const dueSoon = await r.engine.loadTask(fx.planId, 'due-soon');
      const checkpoint = named(dueSoon, 'checkpoint');
      expect(await r.engine.fireTimer(fx.planId, 'due-soon', checkpoint.tok)).toBe('fired');
      expect((await r.queries.task(fx.planId, 'due-soon')).rung).toBe(1);
      // The next commit writes this build's machine version.
      expect(Number(await r.redis.hget(r.engine.pk(fx.planId).task('due-soon'), 'mv'))).toBe(TASK_MACHINE_VERSION);
    });

    it("a task submitted while overdue is the reviewer's: its old rung timer is stale and leaves the timer index", async () => {
      const r = await loaded(fx);
      const raw = (fx.keys[`:{${fx.planId}}:t:submitted-overdue`] as { value: Record<string, string> }).value;
      // The department's clocks it had (v1 kept them running under review) are stale now.
      const oldTimers = Object.entries(JSON.parse(raw.timers!) as Record<string, { tok: string }>)
        .filter(([id]) => /\.(checkpoint|rungGrace)\./.test(id))
        .map(([, t]) => t);
      const t = await r.queries.task(fx.planId, 'submitted-overdue');
      expect(t.supervision).toBe('withReviewer');
      expect(t.rung).toBe(1);
      for (const old of oldTimers) {
        expect(await r.engine.fireTimer(fx.planId, 'submitted-overdue', old.tok)).toBe('stale');
        expect(await r.redis.zscore(r.engine.pk(fx.planId).timers, `submitted-overdue|${old.tok}`)).toBeNull();
      }
      const noticesBefore = t.history.flatMap((h) => h.notices ?? []);
      expect(noticesBefore.filter((n) => /\.r1$/.test(n))).toHaveLength(1);
      expect((await r.queries.task(fx.planId, 'submitted-overdue')).history.flatMap((h) => h.notices ?? [])).toEqual(noticesBefore);
      // Its reviewer can still accept it.
      await r.engine.taskEvent(fx.planId, 'submitted-overdue', { type: 'task.accept', note: '' }, as('p-li'));
      expect((await r.queries.task(fx.planId, 'submitted-overdue')).work).toBe('accepted');
    });

    it('takes people’s commands on every open task', async () => {
      const r = await loaded(fx);
      const evidence = ['https://example.org/after-upgrade'];
      await r.engine.taskEvent(fx.planId, 'under-review', { type: 'task.accept', note: '' }, as('p-li'));
      await r.engine.taskEvent(fx.planId, 'returned', { type: 'task.submit', evidence, note: '' }, as('p-zhao'));
      await r.engine.taskEvent(fx.planId, 'on-track', { type: 'task.progress', percent: 80, note: '' }, as('p-zhao'));
      await r.engine.taskEvent(fx.planId, 'top', { type: 'task.submit', evidence, note: '' }, as('p-zhao'));
      expect((await r.queries.task(fx.planId, 'under-review')).work).toBe('accepted');
      expect((await r.queries.task(fx.planId, 'returned')).supervision).toBe('withReviewer');
      expect((await r.queries.task(fx.planId, 'top')).supervision).toBe('withReviewer');
      // The accepted task's old checkpoint left the timer index with its commit.
      const members = await r.redis.zrange(r.engine.pk(fx.planId).timers, '0', '-1');
      expect(members.filter((m) => m.startsWith('under-review|'))).toEqual([]);
    });

    it('counts a trail stored before trails were counted from its next entry on, so a later removal shows', async () => {
      const r = await loaded(fx);
      const pk = r.engine.pk(fx.planId);
      expect(await r.redis.hget(pk.task('on-track'), 'hn')).toBeNull();
      expect((await r.engine.verifyTrail(fx.planId)).ok).toBe(true);
      await r.engine.taskEvent(fx.planId, 'on-track', { type: 'task.progress', percent: 80, note: '升级后' }, as('p-zhao'));
      const entries = (await r.queries.history(fx.planId, 'on-track')).length;
      expect(Number(await r.redis.hget(pk.task('on-track'), 'hn'))).toBe(entries);
      expect((await r.engine.verifyTrail(fx.planId)).ok).toBe(true);
      await r.redis.rpop(pk.history('on-track'));
      const report = await r.engine.verifyTrail(fx.planId);
      expect(report.broken).toEqual([expect.objectContaining({ entity: 'on-track', index: entries - 1 })]);
    });

    it("fires the plan's phase timer", async () => {
      const r = await loaded(fx);
      const { plan } = await r.engine.loadPlan(fx.planId);
      const phase = Object.values(plan.timers).sort((a, b) => a.at - b.at)[0]!;
      expect(await r.engine.fireTimer(fx.planId, PLAN_ENTITY, phase.tok)).toBe('fired');
      expect((await r.engine.loadPlan(fx.planId)).plan.snap.value).toBe('promotion');
    });
  });
}

describe('migrate', () => {
  const snap = { value: { work: 'assigned', supervision: { watching: 'onTrack' } }, context: {} };
  it('refuses data written by a newer build, saying so', () => {
    expect(() => migrate('task', TASK_MACHINE_VERSION + 1, { snap, timers: {} })).toThrow(UnknownMachineVersionError);
    expect(() => migrate('task', TASK_MACHINE_VERSION + 1, { snap, timers: {} })).toThrow(/newer than this build/);
  });
  it('refuses a snapshot without a machine version', () => {
    expect(() => migrate('task', Number.NaN, { snap, timers: {} })).toThrow(/no valid machine version/);
  });
  it('leaves the current version as it is', () => {
    const stored = { snap, timers: { a: { at: 1, tok: 'x' } } };
    expect(migrate('task', TASK_MACHINE_VERSION, stored)).toBe(stored);
  });
});
