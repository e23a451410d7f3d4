/**
 * The engine steps machines through `pureTransition` (src/engine/step.ts), which reuses
 * one inert scope per machine instead of building an actor per call as xstate's own
 * `transition` does. It must give exactly what xstate gives: the same next snapshot and
 * the same actions, in order, for every reachable state of both machines and every
 * event each state takes — timers included — and the same first snapshot.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import { DEFAULT_ESCALATION } from '../../src/domain/policy.js';
import { planMachine, taskMachine, type PlanContext, type TaskContext } from '../../machines/index.js';
import { persist, pureInitial, pureTransition } from '../../src/engine/step.js';
import { ownEventTypes } from './graph-helpers.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const DEADLINE = T0 + 30 * 24 * HOUR;
const taskInput = {
  at: T0,
  taskId: 't1',
  zone: 'Asia/Shanghai',
  calendar: 'cn-mainland' as const,
  deadline: DEADLINE,
  policy: DEFAULT_ESCALATION,
};
const planInput = { at: 0, boundaries: { promotion: 1_000, implementation: 2_000, evaluation: 3_000, closed: 4_000 }, approvals: {} };

/** Every event a state takes, with the fields the machines read; timers at their due time. */
function taskEvents(s: AnyMachineSnapshot): { type: string; at: number | null }[] {
  const c = s.context as TaskContext;
  const at = T0 + HOUR;
  const extra: Record<string, object> = {
    'task.progress': { percent: c.progress?.percent === 50 ? 100 : 50, note: '' },
    'task.submit': { evidence: ['https://e.org/x'], note: '' },
    'task.return': { reason: 'r', deadline: DEADLINE + 10 * 24 * HOUR },
    'task.deadline.change': { reason: 'r', deadline: DEADLINE + 5 * 24 * HOUR },
    'task.extension.request': { reason: 'r', deadline: DEADLINE + 3 * 24 * HOUR },
    'task.cancel': { reason: 'r' },
    'task.suspend': { reason: 'r' },
  };
  return ownEventTypes(s).map((type) => {
    if (type.includes('checkpoint')) return { type, at: c.reminderTimes[c.nextReminder] ?? c.deadline };
    if (type.includes('rungGrace')) return { type, at: c.rectificationDeadline ?? c.deadline };
    if (type.includes('reviewCheck')) return { type, at: c.reviewReminderTimes[c.nextReviewReminder] ?? c.reviewDeadline };
    if (type.includes('reviewGrace')) return { type, at: c.reviewRectificationDeadline ?? c.reviewDeadline };
    if (type.includes('ackCheck')) return { type, at: c.ackDeadline };
    if (type.includes('ackChase')) return { type, at: c.ackChaseAt };
    return { type, at, note: '', ...extra[type] } as never;
  });
}

function planEvents(s: AnyMachineSnapshot): { type: string; at: number | null }[] {
  const c = s.context as PlanContext;
  return ownEventTypes(s).map((type) => {
    if (type === 'plan.amend')
      return { type, at: 5, boundaries: { ...c.boundaries, closed: c.boundaries.closed + 1_000 }, approvals: c.approvals } as never;
    if (type.startsWith('xstate.after.')) return { type, at: c.boundaries[type.split('.')[2] as keyof PlanContext['boundaries']] } as never;
    return { type, at: 5, reason: 'r' } as never;
  });
}

/** What a caller can observe of a step: the stored snapshot and each action's type and params. */
const observed = ([snap, actions]: [AnyMachineSnapshot, readonly { type: string; params?: unknown }[]], m: AnyStateMachine) => ({
  snap: persist(m, snap),
  actions: actions.map((a) => ({ type: a.type, params: a.params })),
});

/** One traversal node per state value and the counters the machines branch on, as the machine tests do. */
const taskKey = (s: AnyMachineSnapshot) => {
  const c = s.context as TaskContext;
  return JSON.stringify([s.value, c.rung, c.nextReminder, c.reviewRung, c.nextReviewReminder, c.extensions, c.progress?.percent ?? null]);
};
const planKey = (s: AnyMachineSnapshot) => JSON.stringify(s.value);

describe.each([
  { name: 'task', machine: taskMachine as AnyStateMachine, input: taskInput, events: taskEvents, key: taskKey },
  { name: 'plan', machine: planMachine as AnyStateMachine, input: planInput, events: planEvents, key: planKey },
])('pureTransition on the $name machine', ({ machine, input, events, key }) => {
  it('starts where xstate starts', () => {
    expect(observed(pureInitial(machine, input), machine)).toEqual(observed(initialTransition(machine, input as never), machine));
  });

  it('gives the snapshot and actions xstate gives, for every reachable state and event, repeatedly', () => {
    const map = getAdjacencyMap(machine, { input, events, serializeState: key } as never);
    let compared = 0;
    let changed = 0;
    for (const { state } of Object.values(map)) {
      for (const event of events(state as AnyMachineSnapshot)) {
        const ours = pureTransition(machine, state as AnyMachineSnapshot, event);
        const theirs = transition(machine, state as AnyMachineSnapshot, event as never);
        // An event the state ignores comes back as the very same object from both.
        expect(ours[0] === state).toBe(theirs[0] === state);
        expect(observed(ours, machine)).toEqual(observed(theirs, machine));
        // The scope is reused: a second call must not see the first one's actions.
        expect(observed(pureTransition(machine, state as AnyMachineSnapshot, event), machine)).toEqual(observed(theirs, machine));
        compared++;
        if (theirs[1].length > 0) changed++;
      }
    }
    expect(compared).toBeGreaterThan(machine === taskMachine ? 100 : 10);
    expect(changed).toBeGreaterThan(0);
  });
});
