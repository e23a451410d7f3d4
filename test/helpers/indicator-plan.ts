/**
 * Plans with indicators (指标) for the tests that read them against their paths: the
 * fixture plan (test/helpers/plan-fixture.ts) stretched over three years — its tasks due
 * in two, no reminders, a week's grace per rung — with the goals a test gives, and the
 * goal most of them start from: 智慧课堂覆盖率, from 40% two years before `year` through
 * 60% and 80% to 100% by the end of the next, reported by 基教办 to 李明.
 */
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { fixturePlan } from './plan-fixture.js';

export type GoalInput = NonNullable<PlanDefinitionInput['goals']>[number];

/** The three-year plan `id`, starting at `start`, with `goals`. */
export function indicatorPlan(id: string, start: number, goals: GoalInput[]): PlanDefinitionInput {
  const year = 365 * 86_400;
  const plan = fixturePlan({
    id,
    start,
    deadlines: { t1: 2 * year, t2: 2 * year, t3: 2 * year },
    phases: [0, year / 2, year, 2 * year, 3 * year],
    reminders: [],
    grace: 'P7D',
  });
  plan.goals = goals;
  return plan;
}

/** g1, 智慧课堂覆盖率 ≥ 100% by the end of `year + 1`: 40% in `year - 2`, 60% in `year - 1`, 80% in `year`. */
export function coverageGoal(year: number): GoalInput {
  return {
    id: 'g1',
    title: '智慧课堂覆盖率',
    target: 100,
    comparison: '>=',
    unit: '%',
    due: `${year + 1}-12-31`,
    baseline: { value: 40, year: year - 2 },
    path: [
      { year: year - 1, value: 60 },
      { year, value: 80 },
    ],
    department: 'jjb',
    leader: 'p-li',
  };
}
