/**
 * Upgrading to per-plan wake-ups mid-plan: the build before queued one BullMQ job per
 * timer in its `timers` queue, and stored no wake time. On its first pass the reconciler
 * of this build arms each plan's wake-up for its earliest timer (once it is within the
 * horizon) and removes the old queue, and the stored timers fire, each once.
 */
import { Queue } from 'bullmq';
import { afterEach, expect, it } from 'vitest';
import { LEGACY_TIMER_QUEUE, queuePrefix, wakeJobId } from '../../src/engine/timer-queue.js';
import { testRuntime } from '../helpers/runtime.js';
import { loadPlanKeys, storedFixtures } from './stored-plan.js';

// The last build with one BullMQ job per timer stored task machine v3 (stored-v3.json); later fixtures hold wake-ups already.
const newest = storedFixtures().find((f) => f.file === 'stored-v3.json')!.data;

let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

it("arms one wake-up per plan in place of the build before's per-timer jobs, removes them, and the stored timers fire once", async () => {
  let clock = Date.now();
  rt = await testRuntime({ now: () => clock });
  const fx = newest;
  await loadPlanKeys(rt.redis, rt.prefix, fx.planId, fx.keys, fx.start);
  const index = rt.engine.pk(fx.planId).timers;
  const flat = await rt.redis.zrange(index, '0', '-1', 'WITHSCORES');
  const stored: [string, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) stored.push([flat[i]!, Number(flat[i + 1])]);
  expect(stored.length).toBeGreaterThan(3);
  expect(await rt.redis.exists(rt.engine.pk(fx.planId).wake)).toBe(0);

  // What the build before had queued: one job per timer, its id the fencing token.
  const legacy = new Queue(LEGACY_TIMER_QUEUE, { connection: { url: rt.url }, prefix: queuePrefix(rt.prefix) });
  await legacy.addBulk(
    stored.map(([m, at]) => {
      const [e, tok] = m.split('|');
      return { name: 't', data: { p: fx.planId, e }, opts: { jobId: tok!, delay: Math.max(0, at - Date.now()) } };
    }),
  );
  expect(await legacy.count()).toBe(stored.length);
  await legacy.close();

  await rt.engine.reconcile();
  // The old queue is gone; the plan's wake-up waits for its earliest timer.
  expect(await rt.redis.keys(`${queuePrefix(rt.prefix)}:${LEGACY_TIMER_QUEUE}:*`)).toEqual([]);
  const earliest = Math.min(...stored.map(([, at]) => at));
  // Beyond the horizon, it holds no job yet; the pass arms it once it comes within.
  expect(earliest - clock).toBeGreaterThan(rt.scheduler.horizonMs);
  expect(await rt.scheduler.queueOf(fx.planId).getJob(wakeJobId(fx.planId, earliest))).toBeUndefined();
  clock = earliest - rt.scheduler.horizonMs + 1_000;
  await rt.engine.reconcile();
  expect(await rt.scheduler.queueOf(fx.planId).getJob(wakeJobId(fx.planId, earliest))).toBeDefined();
  // A second pass (another start) finds the upgrade done and keeps going.
  await rt.engine.reconcile();

  // Once the earliest are due, one wake-up fires every due timer, each once.
  clock = earliest + 1_000;
  const before = clock;
  const due = stored.filter(([, at]) => at <= before).length;
  expect(due).toBeGreaterThan(0);
  const woken = await rt.engine.wake(fx.planId);
  expect(woken.fired + woken.stale).toBeGreaterThanOrEqual(due);
  expect(await rt.redis.zcount(index, '-inf', String(before))).toBe(0);
  // Repeats of the wake-up (the old jobs' twins, a second worker) change nothing.
  const records = async () => Promise.all(['on-track', 'due-soon', 'rung-1', 'rung-2', 'top'].map((id) => rt!.queries.task(fx.planId, id)));
  const after = await records();
  const again = await Promise.all([rt.engine.wake(fx.planId), rt.engine.wake(fx.planId)]);
  expect(again.map((r) => r.fired)).toEqual([0, 0]);
  expect(await records()).toEqual(after);
});
