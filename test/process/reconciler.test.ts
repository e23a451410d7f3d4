/**
 * The reconciler keeps no state in Redis that it cannot do without: if the queues'
 * keys are lost (FLUSHed, a failover to a stale replica), it carries on by itself
 * and re-arms every due timer, without a worker restart. One runs at a time.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { queuePrefix, shardPrefix } from '../../src/engine/timer-queue.js';
import type { RedisClient } from '../../src/store/batch.js';
import { startReconciler } from '../../workers/reconciler.worker.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually, testPrefix, testRuntime } from '../helpers/runtime.js';

/** Deletes every key of the prefix's BullMQ queues (deliveries and every wake-up shard): jobs, schedulers, markers, locks. */
async function flushQueueKeys(redis: RedisClient, prefix: string): Promise<number> {
  const keys = [...(await redis.keys(`${queuePrefix(prefix)}:*`)), ...(await redis.keys(`${shardPrefix(prefix, 0).slice(0, -2)}*`))];
  if (keys.length > 0) await redis.del(...keys);
  return keys.length;
}

describe('the reconciler', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('comes back by itself when its queue keys are flushed, and re-arms the lost timers', async () => {
    const rt = await testRuntime({ worker: true, reconcileMs: 300 });
    closers.push(() => rt.close());
    await new Promise((r) => setTimeout(r, 1_000)); // the reconciler is running
    const office = { kind: 'office', name: 'o', org: 'default' } as const;
    await rt.engine.createPlan(fixturePlan({ id: 'lost', start: Date.now(), deadlines: { t1: 2, t2: 2, t3: 2 }, reminders: [] }), office, {
      publish: true,
    });
    // Every job and every scheduler gone: the three deadline timers live on only in the plan's timer index.
    expect(await flushQueueKeys(rt.redis, rt.prefix)).toBeGreaterThan(0);

    await eventually(async () => {
      const rungs = await Promise.all(['t1', 't2', 't3'].map(async (t) => (await rt.queries.task('lost', t)).rung));
      return rungs.every((r) => r >= 1);
    }, 10_000);
    // And it keeps going: flush again, and a new plan's timers are re-armed as well.
    await rt.engine.createPlan(fixturePlan({ id: 'again', start: Date.now(), deadlines: { t1: 1 }, reminders: [] }), office, {
      publish: true,
    });
    await flushQueueKeys(rt.redis, rt.prefix);
    await eventually(async () => (await rt.queries.task('again', 't1')).rung >= 1, 10_000);
  }, 30_000);

  it('runs on one worker process at a time, about once per period across them all', async () => {
    const prefix = testPrefix();
    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    closers.push(() => Promise.resolve(redis.disconnect()));
    let running = 0;
    let overlaps = 0;
    let runs = 0;
    const engine = {
      redis,
      async reconcile() {
        running++;
        runs++;
        if (running > 1) overlaps++;
        await new Promise((r) => setTimeout(r, 150));
        running--;
        return 0;
      },
    } as unknown as Engine;
    const reconcilers = [1, 2, 3].map(() => startReconciler({ engine, connection: redis, prefix, everyMs: 300 }));
    for (const r of reconcilers) closers.push(() => r.close());

    await new Promise((r) => setTimeout(r, 3_000));
    expect(overlaps).toBe(0);
    // Three processes, one period of 300 ms: about ten runs in three seconds, not thirty.
    expect(runs).toBeGreaterThanOrEqual(4);
    expect(runs).toBeLessThanOrEqual(14);

    // Flushing the queue keys (its lease among them) does not stop it.
    await flushQueueKeys(redis, prefix);
    const before = runs;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(runs - before).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
