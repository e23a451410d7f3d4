/**
 * A task is stored without its own copy of its definition when the plan's definition of
 * the same revision makes exactly that task (src/engine/entity.ts): a million open tasks
 * do not each carry what the plan's hash holds once. It must read back the same —
 * through creation, publication, an amendment that moves a deadline or drops a part —
 * and a part the plan no longer makes keeps its own definition. The plan's definition,
 * held once, is stored compressed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { definitionIndex, partsOf } from '../../src/domain/children.js';
import type { Principal } from '../../src/domain/permissions.js';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { unpackDefinition } from '../../src/engine/definitions.js';
import { storedTaskDefinition } from '../../src/engine/entity.js';
import { parsePlanDefinition } from '../../src/engine/plans.js';
import { childrenPlan } from '../helpers/children-plan.js';
import { iso } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: 'o', org: 'default' };

describe('task definitions as stored', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  afterAll(() => rt?.close());

  it('are read from the plan’s definition when it makes them, kept whole when it no longer does', async () => {
    rt = await testRuntime();
    const start = Date.now() + 3_600_000;
    const input = childrenPlan('sd', start);
    await rt.engine.createPlan(input, office, { publish: true });
    const def = await rt.engine.currentDefinition('sd');
    const stored = (id: string) => rt.redis.hget(rt.engine.pk('sd').task(id), 'def');

    // The plan's definition itself is stored compressed, and reads back whole.
    const packed = (await rt.redis.hget(rt.engine.pk('sd').plan, 'def'))!;
    expect(packed.startsWith('br1:')).toBe(true);
    expect(packed.length).toBeLessThan(JSON.stringify(def).length / 2);
    expect(unpackDefinition(packed)).toEqual(def);

    // Tasks and parts alike: nothing stored, the plan's own definition read back.
    for (const id of ['jiance', 'peitao', 'peitao~s3', 'visit~2027-1', 'keti~m2', 'jiance~co-rsg']) {
      expect(await stored(id)).toBe('');
      expect((await rt.engine.loadTask('sd', id)).def).toEqual(definitionIndex(def).get(id));
    }
    expect((await rt.engine.loadTask('sd', 'peitao~s3')).def).toEqual(partsOf(def, def.tasks[1]!)[2]);

    // An amendment moves a deadline and drops a school from the cascade.
    const deadline = iso(start + 9_000);
    const next: PlanDefinitionInput = {
      ...input,
      tasks: input.tasks.map((t) =>
        t.id === 'jiance' ? { ...t, deadline } : t.id === 'peitao' ? { ...t, cascade: { group: '各学校', units: ['s1', 's2'] } } : t,
      ),
    };
    await rt.engine.amendPlan('sd', next, office, { reason: '调整' });
    const amended = unpackDefinition((await rt.redis.hget(rt.engine.pk('sd').plan, 'def'))!);
    expect(amended.tasks.find((t) => t.id === 'jiance')!.deadline).toBe(deadline);
    expect(await stored('jiance')).toBe('');
    const jiance = await rt.engine.loadTask('sd', 'jiance');
    expect(jiance.def.deadline).toBe(deadline);
    expect(jiance.snap.context.deadline).toBe(Date.parse(deadline));
    // The dropped school's part is no longer made by the plan: it keeps its own definition and its record.
    const dropped = await stored('peitao~s3');
    expect(JSON.parse(dropped!)).toMatchObject({ id: 'peitao~s3', parent: 'peitao', leadDepartment: 's3' });
    expect((await rt.queries.task('sd', 'peitao~s3')).responsiblePerson).toBe('p-s3');
    expect(await stored('peitao~s1')).toBe('');
  });

  it('a definition the plan does not make exactly is stored whole', () => {
    const def = parsePlanDefinition(childrenPlan('x', Date.now()));
    const index = definitionIndex(def);
    const own = index.get('jiance')!;
    expect(storedTaskDefinition(def, own)).toBe('');
    expect(storedTaskDefinition(def, { ...own })).toBe('');
    expect(JSON.parse(storedTaskDefinition(def, { ...own, title: '另一个标题' }))).toMatchObject({ title: '另一个标题' });
    expect(JSON.parse(storedTaskDefinition(def, { ...own, id: 'elsewhere' }))).toMatchObject({ id: 'elsewhere' });
  });
});
