/**
 * The simulator is the engine's oracle: the real engine, on real Redis and BullMQ at
 * second scale, must produce for every entity the same sequence of transitions and
 * notices as the simulator given the same plan and the same people's actions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskCommandInput } from '../../src/domain/commands.schema.js';
import type { Principal } from '../../src/domain/permissions.js';
import { parsePlanDefinition } from '../../src/engine/engine.js';
import { simulate, type ScheduledAction } from '../../src/simulate/simulate.js';
import { PLAN_ENTITY } from '../../src/store/keys.js';
import { fixturePlan, iso } from '../helpers/plan-fixture.js';
import { eventually, testRuntime } from '../helpers/runtime.js';

describe('engine versus simulator', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  afterAll(() => rt?.close());

  it('produce the same transitions and notices', async () => {
    rt = await testRuntime({ worker: true });
    const start = Date.now() + 300;
    const input = fixturePlan({ id: 'oracle', start, phases: [0, 2, 4, 5, 6], deadlines: { t1: 2.5, t2: 3, t3: 2 }, grace: 'PT0.7S' });
    const def = parsePlanDefinition(input);
    await rt.engine.createPlan(input, { kind: 'office', name: 'o', org: 'default' }, { publish: true });

    const performed: ScheduledAction[] = [];
    const act = async (task: string, by: string, command: TaskCommandInput) => {
      await rt.engine.taskEvent('oracle', task, command, { kind: 'person', personId: by } satisfies Principal);
      const last = (await rt.queries.history('oracle', task)).at(-1)!;
      performed.push({ at: last.at, task, by, command });
    };
    await act('t1', 'p-zhao', { type: 'task.acknowledge' });
    await act('t2', 'p-zhou', { type: 'task.progress', percent: 30, note: '' });
    await eventually(async () => (await rt.queries.task('oracle', 't3')).rung >= 2);
    await act('t3', 'p-sun', { type: 'task.submit', evidence: ['https://e.org/1'], note: '' });
    await act('t3', 'p-wang', { type: 'task.return', reason: '不完整', deadline: iso(Date.now() + 1_500) });
    await eventually(async () => (await rt.queries.planSummary('oracle')).stage === 'closed', 20_000);
    // The plan closing ends every task still open as unfinished, wherever its ladder stood.
    await eventually(async () => {
      const tasks = await rt.queries.listTasks('oracle');
      return tasks.every((t) => t.work === 'unfinished');
    }, 20_000);

    const publishAt = (await rt.queries.history('oracle', PLAN_ENTITY)).find((h) => h.event === 'plan.publish')!.at;
    const expected = simulate(def, { publishAt, actions: performed });
    for (const entity of [PLAN_ENTITY, 't1', 't2', 't3']) {
      const engine = (await rt.queries.history('oracle', entity))
        .filter((h) => h.event !== 'plan.created')
        .map((h) => ({ at: h.at, event: h.event, to: h.to, notices: h.notices ?? [] }));
      const oracle = expected
        .filter((e) => e.entity === entity)
        .map((e) => ({ at: e.at, event: e.event, to: e.to, notices: e.notices.map((n) => n.id) }));
      expect(engine, entity).toEqual(oracle);
    }
    const closing = expected.find((e) => e.entity === PLAN_ENTITY && e.to === 'closed')!.notices[0]!;
    expect(closing.body.zh).toContain('3 项任务未完成');
  });
});
