/**
 * Plan definitions as a commit routes its notices by (src/engine/definitions.ts `recent`):
 * a revision read less than `maxAgeMs` ago is believed without asking Redis again, an
 * older one is read afresh, and this process's own amendment is never routed by the
 * revision before it.
 */
import { afterEach, expect, it } from 'vitest';
import { Definitions } from '../../src/engine/definitions.js';
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
