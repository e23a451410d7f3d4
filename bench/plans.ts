/**
 * Plan definitions for the benchmarks: the test fixture's plan (units, people,
 * phases, escalation ladder) with as many tasks as a scenario needs.
 *
 * Three kinds of task, chosen by their reminder offsets and deadline:
 * - `due`: deadline in 1 h, reminders PT2H and PT90M both already past, so
 *   `task.activate` arms the checkpoint timer for the catch-up reminder *now*; when it
 *   fires, the task moves watching.onTrack → watching.dueSoon, a reminder notice is
 *   filed and the next checkpoint (the deadline, 1 h ahead) is armed: one transition.
 * - `at`: the checkpoint (the single reminder, PT1H before the deadline) is due at
 *   a given epoch ms a few seconds ahead, for timer lateness; once it fires, the next
 *   checkpoint is the deadline, an hour later, so nothing cascades during the run.
 * - `idle`: deadline 30 days ahead, reminders far off: an open task whose timer is
 *   pending but never fires during the run.
 */
import { fixturePlan, iso } from '../test/helpers/plan-fixture.js';
import type { PlanDefinitionInput } from '../src/domain/plan.schema.js';

export type TaskKind = { kind: 'due' } | { kind: 'idle' } | { kind: 'at'; dueAt: (i: number, plan: number) => number };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `plan` is the plan's index among those a scenario creates (for `at` tasks' due times). */
export function benchPlan(id: string, tasks: number, what: TaskKind, start = Date.now(), plan = 0): PlanDefinitionInput {
  // Phases a day apart so no phase timer fires during a run.
  const base = fixturePlan({ id, start, phases: [0, (2 * DAY) / 1000, (3 * DAY) / 1000, (4 * DAY) / 1000, (60 * DAY) / 1000] });
  const people = ['p-zhao', 'p-zhou', 'p-sun'];
  const depts = ['jjb', 'rsg', 'jyzx'];
  const leaders = ['p-li', 'p-li', 'p-wang'];
  const deadlineOf = (i: number): number => {
    if (what.kind === 'due') return start + HOUR;
    if (what.kind === 'idle') return start + 30 * DAY;
    return what.dueAt(i, plan) + HOUR; // the reminder PT1H before the deadline is the timer
  };
  const reminders = what.kind === 'due' ? ['PT2H', 'PT90M'] : what.kind === 'at' ? ['PT1H'] : ['P7D', 'P1D'];
  return {
    ...base,
    tasks: Array.from({ length: tasks }, (_, i) => ({
      id: `t${i}`,
      area: 'a1',
      title: `任务 ${i}`,
      responsibleLeader: leaders[i % 3]!,
      leadDepartment: depts[i % 3]!,
      responsiblePerson: people[i % 3]!,
      deadline: iso(deadlineOf(i)),
    })),
    escalation: { ...base.escalation!, reminders },
  };
}
