/**
 * Plan definitions as a commit routes its notices by (src/engine/definitions.ts `recent`):
 * a revision read less than `maxAgeMs` ago is believed without asking Redis again, an
 * older one is read afresh, and this process's own amendment is never routed by the
 * revision before it.
 */
import { afterEach, expect, it } from 'vitest';
import { Definitions, packDefinition } from '../../src/engine/definitions.js';
import type { PlanDefinition } from '../../src/domain/plan.schema.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(() => rt?.close());

it('believes a revision read within maxAgeMs, reads again after it, and forgets it when this process amends the plan', async () => {
  rt = await testRuntime();
  await rt.engine.createPlan(fixturePlan({ id: 'defs', start: Date.now() }), { kind: 'office', name: '陈静', org: 'default' });
  const key = rt.engine.pk('defs').plan;
  const defs = new Definitions(rt.redis, (id) => rt!.engine.pk(id));
  const first = await defs.current('defs');

  // Another process amends the plan: a new revision with another title.
  const rev = Number(await rt.redis.hget(key, 'rev'));
  await rt.redis.hset(key, 'def', JSON.stringify({ ...first, title: '修订后的方案' }), 'rev', String(rev + 1));

  expect((await defs.recent('defs', 60_000)).title).toBe(first.title);
  await new Promise((r) => setTimeout(r, 20));
  expect((await defs.recent('defs', 10)).title).toBe('修订后的方案');

  // This process amends it: what it saw before is forgotten at once, however recent.
  await rt.redis.hset(key, 'def', JSON.stringify({ ...first, title: '再次修订' }), 'rev', String(rev + 2));
  expect((await defs.recent('defs', 60_000)).title).toBe('修订后的方案');
  defs.changed('defs');
  expect((await defs.recent('defs', 60_000)).title).toBe('再次修订');
});

/** Stores a definition in its plan's hash as createPlan would (packed), at revision `rev`. */
async function storeDef(def: PlanDefinition, rev: number): Promise<void> {
  await rt!.redis.hset(rt!.engine.pk(def.id).plan, 'def', packDefinition(def), 'rev', String(rev));
}

it('holds every definition a worker of many plans wakes, up to its budget in bytes, not a fixed count', async () => {
  rt = await testRuntime();
  await rt.engine.createPlan(fixturePlan({ id: 'many', start: Date.now() }), { kind: 'office', name: '陈静', org: 'default' });
  const base = await new Definitions(rt.redis, (id) => rt!.engine.pk(id)).current('many');
  const ids = Array.from({ length: 300 }, (_, i) => `m${i}`);
  for (const id of ids) await storeDef({ ...base, id, title: `方案 ${id}` }, 1);
  const defs = new Definitions(rt.redis, (id) => rt!.engine.pk(id));
  for (const id of ids) expect((await defs.get(id, 1)).title).toBe(`方案 ${id}`);
  // Each read once: all 300 are still held (the cache used to keep 256 and unpack the rest again).
  for (const id of ids) await storeDef({ ...base, id, title: '又读了一次' }, 1);
  for (const id of ids) expect((await defs.get(id, 1)).title).toBe(`方案 ${id}`);
  expect(defs.usage().definitions).toBe(300);
});

it('lets the least recently used definition leave when the budget is full, and keeps the one just read', async () => {
  rt = await testRuntime();
  await rt.engine.createPlan(fixturePlan({ id: 'lru', start: Date.now() }), { kind: 'office', name: '陈静', org: 'default' });
  const base = await new Definitions(rt.redis, (id) => rt!.engine.pk(id)).current('lru');
  const one = JSON.stringify({ ...base, id: 'a', title: '方案 a' }).length;
  for (const id of ['a', 'b', 'c']) await storeDef({ ...base, id, title: `方案 ${id}` }, 1);
  // Room for two definitions, not three.
  const defs = new Definitions(rt.redis, (id) => rt!.engine.pk(id), Math.floor(one * 2.5));
  await defs.get('a', 1);
  await defs.get('b', 1);
  await defs.get('a', 1); // a is now the more recently used
  await defs.get('c', 1); // b leaves
  expect(defs.usage().definitions).toBe(2);
  expect(defs.usage().bytes).toBeLessThanOrEqual(Math.floor(one * 2.5));
  for (const id of ['a', 'b', 'c']) await storeDef({ ...base, id, title: `改过的 ${id}` }, 1);
  expect((await defs.get('a', 1)).title).toBe('方案 a');
  expect((await defs.get('c', 1)).title).toBe('方案 c');
  expect((await defs.get('b', 1)).title).toBe('改过的 b');

  // A definition larger than the whole budget is still held once read (else every wake-up unpacks it again).
  const tiny = new Definitions(rt.redis, (id) => rt!.engine.pk(id), 10);
  await tiny.get('a', 1);
  expect(tiny.usage().definitions).toBe(1);
  await tiny.get('b', 1);
  expect(tiny.usage().definitions).toBe(1);
  await storeDef({ ...base, id: 'b', title: '第三次' }, 1);
  expect((await tiny.get('b', 1)).title).toBe('改过的 b');
});

it('keeps to its budget when definitions finish loading in another order than they were asked for', async () => {
  rt = await testRuntime();
  await rt.engine.createPlan(fixturePlan({ id: 'order', start: Date.now() }), { kind: 'office', name: '陈静', org: 'default' });
  const base = await new Definitions(rt.redis, (id) => rt!.engine.pk(id)).current('order');
  const one = JSON.stringify({ ...base, id: 'x', title: '方案 x' }).length;
  for (const id of ['x', 'y']) await storeDef({ ...base, id, title: `方案 ${id}` }, 1);
  // Room for one. x is asked for, then y, then x again while both load: y is now the least
  // recently used, and it is the one that arrives last (Redis answers in the order asked).
  const defs = new Definitions(rt.redis, (id) => rt!.engine.pk(id), Math.floor(one * 1.5));
  await Promise.all([defs.get('x', 1), defs.get('y', 1), defs.get('x', 1)]);
  // y, just loaded, stays; x, loaded before it, leaves (the cache used to stop at y and keep both).
  expect(defs.usage().definitions).toBe(1);
  expect(defs.usage().bytes).toBeLessThanOrEqual(Math.floor(one * 1.5));
  await storeDef({ ...base, id: 'y', title: '改过的 y' }, 1);
  expect((await defs.get('y', 1)).title).toBe('方案 y');
});
