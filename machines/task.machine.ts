/**
 * Task machine: what one task of a plan is doing, and how hard it is being chased.
 *
 * Two parallel regions:
 * - work: draft → assigned → acknowledged → inProgress → submitted → underReview
 *   → accepted (final). task.return sends a submitted task to rectification with a
 *   new deadline; from there it is submitted again. task.close (the plan closed)
 *   ends any open task as unfinished (final).
 * - supervision: idle → watching.onTrack → watching.dueSoon → overdue.escalating
 *   (rung 1, 2, …) → overdue.top (last rung); withReviewer once submitted (the
 *   department's clocks stop: the task is the reviewer's to act on); back to
 *   watching on a return; closed once accepted or the plan closes.
 *
 * Events (all carry `at`, epoch ms): the task commands of
 * src/domain/commands.schema.ts with their deadlines resolved to epoch ms, plus
 * task.activate and task.close from the engine.
 * Timers (delayed transitions, run by the engine as BullMQ jobs):
 * - checkpoint: the next reminder time, or the deadline when no reminder is left;
 * - rungGrace: the rectification period of the current rung.
 * Emitted actions: notice { kind: 'reminder', index } | { kind: 'rung', rung }.
 *
 * The escalation policy is copied into the context on activation, so changing a
 * plan's policy never changes a ladder that is already climbing.
 */
import { assign, not, setup, stateIn } from 'xstate';
import { shiftOffset, type CalendarName } from '../src/domain/offsets.js';
import type { TaskCommandInput } from '../src/domain/commands.schema.js';
import type { EscalationPolicyT } from '../src/domain/plan.schema.js';
import { eventTime, until, type Timed } from './clock.js';

/**
 * v2: submitted tasks leave the department's clocks (supervision.withReviewer);
 * task.close ends open tasks as unfinished when the plan closes.
 * src/engine/migrations.ts brings v1 snapshots forward.
 */
export const TASK_MACHINE_VERSION = 2;

export interface TaskContext {
  taskId: string;
  zone: string;
  calendar: CalendarName;
  deadline: number;
  policy: EscalationPolicyT;
  /** Reminder times for the current deadline, ascending. */
  reminderTimes: number[];
  /** Index into reminderTimes of the next reminder to send; length when none is left. */
  nextReminder: number;
  /** Rung reached (0 while not overdue). */
  rung: number;
  /** When the current rung's rectification period ends (the next rung's time). */
  rectificationDeadline: number | null;
  progress: { percent: number; note: string; at: number } | null;
  returns: number;
}

export interface TaskInput extends Timed {
  taskId: string;
  zone: string;
  calendar: CalendarName;
  deadline: number;
  policy: EscalationPolicyT;
}

/** A command as the machine takes it: a new deadline is resolved to epoch ms by the engine. */
type Resolved<C> = C extends { deadline: unknown } ? Omit<C, 'deadline'> & { deadline: number } : C;
export type TaskCommandEvent = Resolved<TaskCommandInput> & Timed;
/** Events only the engine sends: the plan was published, or it closed. */
export type TaskSystemEvent = ({ type: 'task.activate' } & Timed) | ({ type: 'task.close' } & Timed);
export type TaskEvent = TaskCommandEvent | TaskSystemEvent;

export type TaskNotice = { kind: 'reminder'; index: number } | { kind: 'rung'; rung: number };

/** Reminder times before `deadline`, ascending. */
function reminderTimes(ctx: Pick<TaskContext, 'deadline' | 'policy' | 'zone' | 'calendar'>): number[] {
  return ctx.policy.reminders.map((offset) => shiftOffset(ctx.deadline, offset, ctx.zone, ctx.calendar, -1)).sort((a, b) => a - b);
}

/**
 * Arms supervision for the current deadline at time `at`: reminders already past are
 * skipped but for the latest, which is sent at once (one catch-up reminder, never a
 * burst); a deadline already past gets no reminder at all.
 */
function armed(ctx: TaskContext, at: number): Partial<TaskContext> {
  const times = reminderTimes(ctx);
  let next = times.findIndex((t) => t > at);
  if (next === -1) next = times.length;
  if (ctx.deadline <= at) next = times.length;
  else if (next > 0) next -= 1;
  return { reminderTimes: times, nextReminder: next, rung: 0, rectificationDeadline: null };
}

function graceAfter(ctx: TaskContext, rung: number, at: number): number | null {
  const grace = ctx.policy.rungs[rung - 1]?.grace;
  return grace === undefined || rung >= ctx.policy.rungs.length ? null : shiftOffset(at, grace, ctx.zone, ctx.calendar);
}

export const taskMachine = setup({
  types: {} as { context: TaskContext; events: TaskEvent; input: TaskInput },
  delays: {
    checkpoint: ({ context, event }) => {
      const reminder = context.reminderTimes[context.nextReminder];
      return until(reminder ?? context.deadline, event);
    },
    rungGrace: ({ context, event }) => until(context.rectificationDeadline ?? eventTime(event), event),
  },
  guards: {
    reminderPending: ({ context }) => context.nextReminder < context.reminderTimes.length,
    nextRungIsLast: ({ context }) => context.rung + 1 >= context.policy.rungs.length,
    newDeadlineInFuture: ({ event }) =>
      (event.type === 'task.return' || event.type === 'task.deadline.change') && event.deadline > event.at,
  },
  actions: {
    notice: (_, _params: TaskNotice) => {},
    arm: assign(({ context, event }) => armed(context, eventTime(event))),
    setDeadline: assign(({ context, event }) =>
      event.type === 'task.return' || event.type === 'task.deadline.change' ? { deadline: event.deadline } : { deadline: context.deadline },
    ),
    consumeReminder: assign(({ context }) => ({ nextReminder: context.nextReminder + 1 })),
    climb: assign(({ context, event }) => {
      const rung = context.rung + 1;
      return { rung, rectificationDeadline: graceAfter(context, rung, eventTime(event)) };
    }),
    recordProgress: assign(({ event }) =>
      event.type === 'task.progress' ? { progress: { percent: event.percent, note: event.note, at: event.at } } : {},
    ),
    countReturn: assign(({ context }) => ({ returns: context.returns + 1 })),
  },
}).createMachine({
  id: 'task',
  type: 'parallel',
  on: {
    // The plan closed: open work ends unfinished and its ladder stops. An accepted task
    // is done already (both regions final) and takes no more events.
    'task.close': { guard: not(stateIn('#task.supervision.closed')), target: ['#task.work.unfinished', '#task.supervision.closed'] },
  },
  context: ({ input }) => ({
    taskId: input.taskId,
    zone: input.zone,
    calendar: input.calendar,
    deadline: input.deadline,
    policy: input.policy,
    reminderTimes: [],
    nextReminder: 0,
    rung: 0,
    rectificationDeadline: null,
    progress: null,
    returns: 0,
  }),
  states: {
    work: {
      initial: 'draft',
      states: {
        draft: { on: { 'task.activate': 'assigned' } },
        assigned: {
          on: {
            'task.acknowledge': 'acknowledged',
            'task.progress': { target: 'inProgress', actions: 'recordProgress' },
            'task.submit': 'submitted',
          },
        },
        acknowledged: {
          on: {
            'task.progress': { target: 'inProgress', actions: 'recordProgress' },
            'task.submit': 'submitted',
          },
        },
        inProgress: {
          on: {
            'task.progress': { actions: 'recordProgress' },
            'task.submit': 'submitted',
          },
        },
        submitted: {
          on: {
            'task.review': 'underReview',
            'task.accept': { target: ['#task.work.accepted', '#task.supervision.closed'] },
            'task.return': {
              guard: 'newDeadlineInFuture',
              target: ['#task.work.rectification', '#task.supervision.watching'],
              actions: ['setDeadline', 'arm', 'countReturn'],
            },
          },
        },
        underReview: {
          on: {
            'task.accept': { target: ['#task.work.accepted', '#task.supervision.closed'] },
            'task.return': {
              guard: 'newDeadlineInFuture',
              target: ['#task.work.rectification', '#task.supervision.watching'],
              actions: ['setDeadline', 'arm', 'countReturn'],
            },
          },
        },
        rectification: {
          on: {
            'task.progress': { actions: 'recordProgress' },
            'task.submit': 'submitted',
          },
        },
        accepted: { type: 'final' },
        unfinished: { type: 'final' },
      },
    },
    supervision: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            'task.activate': { target: 'watching', actions: 'arm' },
            'task.deadline.change': { guard: 'newDeadlineInFuture', actions: 'setDeadline' },
          },
        },
        watching: {
          initial: 'onTrack',
          states: { onTrack: {}, dueSoon: {} },
          after: {
            checkpoint: [
              {
                guard: 'reminderPending',
                target: '.dueSoon',
                reenter: true,
                actions: [
                  { type: 'notice', params: ({ context }) => ({ kind: 'reminder', index: context.nextReminder }) },
                  'consumeReminder',
                ],
              },
              {
                guard: 'nextRungIsLast',
                target: 'overdue.top',
                actions: ['climb', { type: 'notice', params: ({ context }) => ({ kind: 'rung', rung: context.rung }) }],
              },
              {
                target: 'overdue.escalating',
                actions: ['climb', { type: 'notice', params: ({ context }) => ({ kind: 'rung', rung: context.rung }) }],
              },
            ],
          },
          on: {
            'task.deadline.change': { guard: 'newDeadlineInFuture', target: 'watching', reenter: true, actions: ['setDeadline', 'arm'] },
            'task.submit': 'withReviewer',
          },
        },
        overdue: {
          initial: 'escalating',
          states: {
            escalating: {
              after: {
                rungGrace: [
                  {
                    guard: 'nextRungIsLast',
                    target: 'top',
                    actions: ['climb', { type: 'notice', params: ({ context }) => ({ kind: 'rung', rung: context.rung }) }],
                  },
                  {
                    target: 'escalating',
                    reenter: true,
                    actions: ['climb', { type: 'notice', params: ({ context }) => ({ kind: 'rung', rung: context.rung }) }],
                  },
                ],
              },
            },
            top: {},
          },
          on: {
            'task.deadline.change': { guard: 'newDeadlineInFuture', target: 'watching', actions: ['setDeadline', 'arm'] },
            'task.submit': 'withReviewer',
          },
        },
        // Submitted: no reminder or rung chases the department while the reviewer holds
        // the task. A return re-arms watching from its new deadline; acceptance closes.
        withReviewer: {
          on: {
            'task.deadline.change': { guard: 'newDeadlineInFuture', actions: 'setDeadline' },
          },
        },
        closed: { type: 'final' },
      },
    },
  },
});

export type TaskMachine = typeof taskMachine;
