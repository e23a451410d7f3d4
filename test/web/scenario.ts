/**
 * The workspace's demo and test scenario on the fixture plan (test/helpers/plan-fixture.ts):
 * phases an hour apart from now; t1 (基教办, p-zhao/p-zhang, leader p-li) due in an
 * hour and on track; t2 (人事股) due in 30 minutes with a reminder already sent, so
 * due soon; t3 (教研中心) due in 3 seconds with 1-second rectification periods, so it
 * climbs the whole ladder while the worker runs.
 */
import type { Principal } from '../../src/domain/permissions.js';
import type { Runtime } from '../../src/runtime.js';
import { fixturePlan } from '../helpers/plan-fixture.js';

export interface Scenario {
  planId: string;
  /** Bearer tokens by person id. */
  tokens: Record<string, string>;
}

/** t1's last progress report in the scenario. */
export const T1_PROGRESS_NOTE = '方案初稿已完成，正在征求意见';

export const SCENARIO_PEOPLE = ['p-zhang', 'p-zhao', 'p-li', 'p-wang', 'p-chen'] as const;

export async function seedScenario(rt: Runtime, start = Date.now()): Promise<Scenario> {
  const office: Principal = { kind: 'office', name: '陈静', org: 'default' };
  const plan = fixturePlan({ start, deadlines: { t1: 3600, t2: 1800, t3: 3 }, reminders: ['PT50M', 'PT1S'], grace: 'PT1S' });
  const planId = plan.id;
  await rt.engine.createPlan(plan, office, { publish: true });
  // t1 has been worked on: acknowledged and 40% done.
  const zhao: Principal = { kind: 'person', personId: 'p-zhao' };
  await rt.engine.taskEvent(planId, 't1', { type: 'task.acknowledge' }, zhao);
  await rt.engine.taskEvent(planId, 't1', { type: 'task.progress', percent: 40, note: T1_PROGRESS_NOTE }, zhao);
  const tokens: Record<string, string> = {};
  for (const personId of SCENARIO_PEOPLE) tokens[personId] = await rt.tokens.issue({ kind: 'person', personId });
  return { planId, tokens };
}
