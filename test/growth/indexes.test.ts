/**
 * The person and organisation indexes follow the plans: a plan appears in its
 * people's and office's lists when created, a person an amendment adds finds it at
 * once, and lists never read plans the index does not name for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { planIndexKeys } from '../../src/engine/plan-index.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: '陈静', org: 'default' };
const person = (personId: string): Principal => ({ kind: 'person', personId });

describe('plan indexes', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  beforeAll(async () => {
    rt = await testRuntime();
  });
  afterAll(async () => {
    await rt?.close();
  });

  it('lists a new plan for its people and office, and a person an amendment adds at once', async () => {
    const plan = fixturePlan({ id: 'ix-2026', start: Date.now() });
    await rt.engine.createPlan(plan, office, { publish: true });
    const ix = planIndexKeys(rt.prefix);
    expect(await rt.redis.zscore(ix.org('default'), 'ix-2026')).not.toBeNull();
    expect((await rt.queries.listPlans(person('p-zhao'))).map((p) => p.id)).toEqual(['ix-2026']);
    expect(await rt.queries.listPlans(person('p-xu'))).toEqual([]);

    const amended = structuredClone(plan);
    amended.people.push({ id: 'p-xu', name: '许文', title: '干事', unit: 'jjb' });
    amended.tasks[0]!.responsiblePerson = 'p-xu';
    await rt.engine.amendPlan('ix-2026', amended, office, { reason: '人员调整：许文接任' });
    expect((await rt.queries.listPlans(person('p-xu'))).map((p) => p.id)).toEqual(['ix-2026']);
    expect(await rt.redis.zscore(ix.person('p-xu'), 'ix-2026')).not.toBeNull();
  });

  it('reads only the plans the index names for the caller, and checks each against its definition', async () => {
    await rt.engine.createPlan(fixturePlan({ id: 'ix-other', start: Date.now() }), office);
    const ix = planIndexKeys(rt.prefix);
    // An entry the plan does not back (left by a cut-short sync) is skipped, not shown.
    await rt.redis.zadd(ix.person('p-stray'), Date.now(), 'ix-other');
    expect(await rt.queries.listPlans(person('p-stray'))).toEqual([]);
    // A plan missing from the person's index is not read for them, even though it names them.
    await rt.redis.zrem(ix.person('p-zhao'), 'ix-other');
    expect((await rt.queries.listPlans(person('p-zhao'))).map((p) => p.id)).toEqual(['ix-2026']);
  });
});
