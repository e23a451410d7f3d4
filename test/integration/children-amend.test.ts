/**
 * Amending a running plan whose tasks have parts (修订): the parts move to the new
 * revision with their parent (a school's new head holds its part from then on), and a
 * task added with parts gets them at once — its units' parts issued, the container
 * itself never issued, so nobody is chased for it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { childrenPlan } from '../helpers/children-plan.js';
import { iso } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: 'o', org: 'default' };

describe('amending a plan whose tasks have parts', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  afterAll(() => rt?.close());

  it('moves parts to the new revision and gives a new task its parts', async () => {
    rt = await testRuntime();
    // Far enough ahead that no clock fires while the test runs.
    const start = Date.now() + 3_600_000;
    const input = childrenPlan('am-parts', start);
    await rt.engine.createPlan(input, office, { publish: true });
    const before = await rt.queries.task('am-parts', 'peitao~s1');
    expect(before.responsiblePerson).toBe('p-s1');

    const next: PlanDefinitionInput = {
      ...input,
      // 青溪第一小学 has a new head; a new task asks every school for a summary.
      units: input.units.map((u) => (u.id === 's1' ? { ...u, head: 'p-s2' } : u)),
      tasks: [
        ...input.tasks,
        {
          id: 'zongjie',
          title: '报送年度总结',
          responsibleLeader: 'p-li',
          leadDepartment: 'jjb',
          responsiblePerson: 'p-zhao',
          deadline: iso(start + 8_000),
          cascade: { group: '各学校', units: ['s1', 's3'] },
        },
      ],
    };
    const out = await rt.engine.amendPlan('am-parts', next, office, { reason: '中期调整' });
    expect(out.diff.tasksAdded).toEqual(['zongjie']);

    // The school's part follows its new head.
    const after = await rt.queries.task('am-parts', 'peitao~s1');
    expect(after.responsiblePerson).toBe('p-s2');
    expect(after.work).toBe('assigned');

    // The new task's parts are issued to the schools' heads; the container waits for them.
    const added = await rt.queries.task('am-parts', 'zongjie');
    expect(added.work).toBe('draft');
    expect(added.pendingTimers).toEqual([]);
    expect(added.parts).toMatchObject({ closes: 'withParts', total: 2, open: 2 });
    const s3 = await rt.queries.task('am-parts', 'zongjie~s3');
    expect(s3).toMatchObject({ responsiblePerson: 'p-s3', work: 'assigned' });
    expect(s3.pendingTimers.length).toBeGreaterThan(0);
  });
});
