/**
 * Feeds xstate/graph every event a state takes — user events and the delayed
 * (`xstate.after.*`) ones the engine would fire as jobs — so traversals cover the
 * timed transitions too.
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { PlanContext, TaskContext, TaskEvent } from '../../machines/index.js';
import { DEFAULT_ESCALATION } from '../../src/domain/policy.js';
import { acceptedEvents } from '../../src/engine/step.js';

/** Every event the snapshot's active states listen for, timers included. */
export function ownEventTypes(snapshot: AnyMachineSnapshot): string[] {
  const types = new Set<string>(acceptedEvents(snapshot));
  for (const node of snapshot._nodes) for (const e of node.ownEvents) if (e.startsWith('xstate.after.')) types.add(e);
  return [...types].sort();
}

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 0, 1);
export const DEADLINE = T0 + 30 * 24 * HOUR;
/** The task every traversal starts from: due in 30 days, the default ladder. */
export const input = {
  at: T0,
  taskId: 't1',
  zone: 'Asia/Shanghai',
  calendar: 'cn-mainland' as const,
  deadline: DEADLINE,
  policy: DEFAULT_ESCALATION,
};

/** Events for the traversal: user events at fixed times, timers at their due time. */
export function eventsFor(snapshot: AnyMachineSnapshot): TaskEvent[] {
  const ctx = snapshot.context as TaskContext;
  const at = T0 + HOUR;
  return ownEventTypes(snapshot).map((type) => {
    switch (type) {
      case 'task.progress':
        // Half-way first, then delivered in full.
        return { type, at, percent: ctx.progress?.percent === 50 ? 100 : 50, note: '' };
      case 'task.submit':
        return { type, at, evidence: ['https://e.org/x'], note: '' };
      case 'task.accept':
        return { type, at, note: '' };
      case 'task.return':
        return { type, at, reason: 'r', deadline: DEADLINE + 10 * 24 * HOUR };
      case 'task.deadline.change':
        return { type, at, reason: 'r', deadline: DEADLINE + 5 * 24 * HOUR };
      case 'task.extension.request':
        return { type, at, reason: 'r', deadline: DEADLINE + 3 * 24 * HOUR };
      case 'task.extension.approve':
        return { type, at, note: '' };
      case 'task.extension.reject':
        return { type, at, note: 'no' };
      case 'task.urge':
      case 'task.resume':
        return { type, at: at + HOUR, note: '' };
      case 'task.cancel':
      case 'task.suspend':
        return { type, at, reason: 'r' };
      default:
        if (type.includes('checkpoint')) return { type, at: ctx.reminderTimes[ctx.nextReminder] ?? ctx.deadline } as never;
        if (type.includes('rungGrace')) return { type, at: ctx.rectificationDeadline ?? ctx.deadline } as never;
        if (type.includes('reviewCheck'))
          return { type, at: ctx.reviewReminderTimes[ctx.nextReviewReminder] ?? ctx.reviewDeadline } as never;
        if (type.includes('reviewGrace')) return { type, at: ctx.reviewRectificationDeadline ?? ctx.reviewDeadline } as never;
        if (type.includes('ackCheck')) return { type, at: ctx.ackDeadline } as never;
        if (type.includes('ackChase')) return { type, at: ctx.ackChaseAt } as never;
        return { type, at } as never;
    }
  });
}

/** One traversal node per state value and the counters the machine branches on. */
export const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as TaskContext;
  return JSON.stringify([s.value, c.rung, c.nextReminder, c.reviewRung, c.nextReviewReminder, c.extensions, c.progress?.percent ?? null]);
};

/** The plan every traversal starts from: phase boundaries a second apart. */
export const planInput = {
  at: 0,
  boundaries: { promotion: 1_000, implementation: 2_000, evaluation: 3_000, closed: 4_000 },
  approvals: {},
};

/** Events for a plan traversal: an amendment that moves the close, timers at their boundary, the rest at a fixed time. */
export function planEvents(s: AnyMachineSnapshot): { type: string; at: number | null }[] {
  const c = s.context as PlanContext;
  return ownEventTypes(s).map((type) => {
    if (type === 'plan.amend')
      return { type, at: 5, boundaries: { ...c.boundaries, closed: c.boundaries.closed + 1_000 }, approvals: c.approvals } as never;
    if (type.startsWith('xstate.after.')) return { type, at: c.boundaries[type.split('.')[2] as keyof PlanContext['boundaries']] } as never;
    return { type, at: 5, reason: 'r' } as never;
  });
}
