/**
 * Task machine: what one task of a plan is doing, who holds it, and how hard they
 * are being chased. Whoever holds the task is the one chased: the department until
 * it submits, the reviewer from then until they accept or return it.
 *
 * Four parallel regions:
 * - work, through the plan's phases as the task lives them:
 *   draft → launch (assigned → acknowledged: issued, signed for, planned)
 *   → promotion (inProgress) → implementation (delivered in full, or rectification
 *   after a return) → evaluation (submitted → underReview) → accepted (final).
 *   task.close (the plan closed) ends any open task as unfinished (final).
 * - supervision, the clock of whoever holds the task:
 *   idle → watching.onTrack/dueSoon → overdue.escalating (rung 1, 2, …) → overdue.top;
 *   on submission review.waiting → review.escalating → review.top (the reviewer's
 *   clock: 验收时限, reminders to the reviewer, then notices above the reviewer);
 *   a return re-arms watching from the new deadline; suspended (挂起) from watching or
 *   overdue, no clock running, and on resumption every date moved by the time spent
 *   suspended; closed once accepted, cancelled (撤销) or the plan closes.
 * - acknowledgement (签收时限): idle → waiting → reminded (the responsible person)
 *   → chased (the department head) → done on acknowledgement, progress or submission;
 *   paused while the task is suspended.
 * - extension (延期申请): idle → pending → idle on approval or rejection; a pending
 *   request does not stop the clock; approval moves the deadline and re-arms.
 *
 * The office may also cancel a task (task.cancel → work.cancelled, final) or urge its
 * holder now (task.urge: a notice to the department, or to the reviewer under review).
 *
 * Events (all carry `at`, epoch ms): the task commands of
 * src/domain/commands.schema.ts with their deadlines resolved to epoch ms, plus
 * task.activate and task.close from the engine. Timer events carry the time they
 * were due (`at`) and the time they ran (`firedAt`): one that runs late — after an
 * outage — issues its step now, with periods counted from now, and says so.
 * Timers: checkpoint (next reminder or the deadline), rungGrace, reviewCheck (next
 * review reminder or the review deadline), reviewGrace, ackCheck (签收时限), ackChase.
 * Emitted actions: notice { kind, … } (see TaskNotice).
 *
 * The escalation policy is copied into the context on activation, so changing a
 * plan's policy never changes a ladder that is already climbing.
 */
import { and, assign, not, setup, stateIn } from 'xstate';
import type { TaskCommandInput } from '../src/domain/commands.schema.js';
import { shiftOffset, type CalendarName } from '../src/domain/offsets.js';
import type { EscalationPolicyT } from '../src/domain/plan.schema.js';
import { eventTime, until, type Timed } from './clock.js';

/**
 * v2: submitted tasks leave the department's clocks; task.close ends open tasks.
 * v3: the reviewer's clock, 签收时限, extension requests, work states grouped by
 * phase, late timers issue their step now.
 * v4: task.complete — a parent (a recurring duty, a task with milestones, a cascade
 * closed when every unit is done) is accepted when its parts are (src/engine/children.ts).
 * v5: no change to states or context: tasks are stored in the compact form
 * (src/engine/stored-form.ts), which earlier builds would misread, so the version tells
 * them to refuse it.
 * v6: no change to states or context: the stored layout around the snapshot changed (one
 * timer-index entry per task, compact history entries, no `all` index set), which
 * earlier builds would mishandle, so the version tells them to refuse it.
 * src/engine/migrations.ts brings older snapshots forward.
 */
export const TASK_MACHINE_VERSION = 6;

/**
 * A timer run well after it was due (held up by an outage) carries `firedAt`: the
 * engine sets it only past its lateness threshold (DUBAN_LATE_AFTER_MS, a minute by
 * default), so ordinary jitter never moves a date.
 */
export const LATE_AFTER_MS = 60_000;

export interface TaskContext {
  taskId: string;
  zone: string;
  calendar: CalendarName;
  deadline: number;
  /** The deadline the task was issued with; every later one is in its history. */
  originalDeadline: number;
  policy: EscalationPolicyT;
  /** Reminder times for the current deadline, ascending. */
  reminderTimes: number[];
  /** Index into reminderTimes of the next reminder to send; length when none is left. */
  nextReminder: number;
  /** Rung reached on the current deadline (0 while not overdue). */
  rung: number;
  /** When the current rung's rectification period ends (the next rung's time). */
  rectificationDeadline: number | null;
  progress: { percent: number; note: string; at: number } | null;
  returns: number;
  issuedAt: number | null;
  /** 签收时限 of the current issue. */
  ackDeadline: number | null;
  /** When the department head is told, if the task is still not signed for after its reminder. */
  ackChaseAt: number | null;
  /** When the 签收 clock was paused by a suspension. */
  ackPausedAt: number | null;
  acknowledgedAt: number | null;
  submittedAt: number | null;
  /** 验收时限 of the current submission. */
  reviewDeadline: number | null;
  reviewReminderTimes: number[];
  nextReviewReminder: number;
  /** Steps taken past the review deadline (0 while on time). */
  reviewRung: number;
  reviewRectificationDeadline: number | null;
  extensionRequest: { deadline: number; reason: string; at: number } | null;
  /** Extensions approved so far. */
  extensions: number;
  /** While suspended (挂起): since when, and which clock state it left. */
  suspension: { at: number; from: 'watching' | 'overdue' | 'top' } | null;
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
/**
 * Events only the engine sends: the plan was published, or it closed; or (task.complete)
 * every part of a parent task was accepted, which accepts the parent.
 */
export type TaskSystemEvent = ({ type: 'task.activate' } & Timed) | ({ type: 'task.close' } & Timed) | ({ type: 'task.complete' } & Timed);
export type TaskEvent = TaskCommandEvent | TaskSystemEvent;

/** `late`: the time the notice was due, when it is issued late (after an outage). */
export type TaskNotice =
  | { kind: 'reminder'; index: number; late?: number }
  | { kind: 'rung'; rung: number; late?: number }
  | { kind: 'submitted' }
  | { kind: 'reviewReminder'; index: number; late?: number }
  | { kind: 'reviewRung'; rung: number; late?: number }
  | { kind: 'ackReminder'; late?: number }
  | { kind: 'ackChase'; late?: number }
  | { kind: 'extensionRequested' }
  | { kind: 'extensionDecided'; approved: boolean; deadline: number; requestedAt: number }
  | { kind: 'urge'; holder: 'department' | 'reviewer' }
  | { kind: 'cancelled' }
  | { kind: 'suspended' }
  | { kind: 'resumed'; deadline: number };

type Ctx = TaskContext;

/**
 * When a step is issued: its due time, or now when its timer ran late. Dates that
 * follow (the next rung) count from here, so no notice carries a period already past.
 */
export function issueTime(event: unknown): number {
  const e = event as { at?: number; firedAt?: number };
  const at = eventTime(event);
  return typeof e.firedAt === 'number' && e.firedAt > at ? e.firedAt : at;
}

/** `{ late: when the step was due }` if it is issued late; a rung skipped past missed reminders was due at the deadline. */
function lateness(event: unknown, dueAt = eventTime(event)): { late?: number } {
  return issueTime(event) !== eventTime(event) ? { late: Math.max(dueAt, eventTime(event)) } : {};
}

const shift = (ctx: Ctx, at: number, offset: EscalationPolicyT['reminders'][number], sign: 1 | -1 = 1) =>
  shiftOffset(at, offset, ctx.zone, ctx.calendar, sign);

/** Reminder times before `deadline`, ascending. */
function reminderTimes(ctx: Ctx): number[] {
  return ctx.policy.reminders.map((offset) => shift(ctx, ctx.deadline, offset, -1)).sort((a, b) => a - b);
}

/**
 * Arms the department's clock for the current deadline at time `at`: reminders
 * already past are skipped but for the latest, which is sent at once (one catch-up
 * reminder, never a burst); a deadline already past gets no reminder at all.
 */
function armed(ctx: Ctx, at: number): Partial<Ctx> {
  const times = reminderTimes(ctx);
  let next = times.findIndex((t) => t > at);
  if (next === -1) next = times.length;
  if (ctx.deadline <= at) next = times.length;
  else if (next > 0) next -= 1;
  return { reminderTimes: times, nextReminder: next, rung: 0, rectificationDeadline: null };
}

function graceAfter(ctx: Ctx, rung: number, at: number): number | null {
  const grace = ctx.policy.rungs[rung - 1]?.grace;
  return grace === undefined || rung >= ctx.policy.rungs.length ? null : shift(ctx, at, grace);
}

/** The reviewer's clock from a submission at `at`. */
function reviewArmed(ctx: Ctx, at: number): Partial<Ctx> {
  const review = ctx.policy.review;
  const reviewDeadline = shift(ctx, at, review.within);
  const times = review.reminders
    .map((o) => shift(ctx, reviewDeadline, o, -1))
    .filter((t) => t > at)
    .sort((a, b) => a - b);
  return {
    submittedAt: at,
    reviewDeadline,
    reviewReminderTimes: times,
    nextReviewReminder: 0,
    reviewRung: 0,
    reviewRectificationDeadline: null,
  };
}

const reviewCleared: Partial<Ctx> = {
  reviewDeadline: null,
  reviewReminderTimes: [],
  nextReviewReminder: 0,
  reviewRung: 0,
  reviewRectificationDeadline: null,
};

const noticeOf =
  (make: (ctx: Ctx, event: unknown) => TaskNotice) =>
  ({ context, event }: { context: Ctx; event: unknown }) =>
    make(context, event);

/** The index after `sent` and every later reminder already due at `now`: one notice, never a burst. */
function pastDue(times: number[], sent: number, now: number): number {
  let next = sent + 1;
  while (next < times.length && times[next]! <= now) next++;
  return next;
}

/** The notice of a decided extension request, to the department. */
const decided = (approved: boolean) => ({
  type: 'notice' as const,
  params: noticeOf((c) => ({
    kind: 'extensionDecided',
    approved,
    deadline: c.extensionRequest?.deadline ?? c.deadline,
    requestedAt: c.extensionRequest?.at ?? 0,
  })),
});

/** Events that show the task was received: any of them ends the 签收 clock. */
const received = {
  'task.acknowledge': { target: 'done', actions: 'received' },
  'task.progress': { target: 'done', actions: 'received' },
  'task.submit': { target: 'done', actions: 'received' },
} as const;

export const taskMachine = setup({
  types: { context: {} as TaskContext, events: {} as TaskEvent, input: {} as TaskInput },
  delays: {
    checkpoint: ({ context, event }) => until(context.reminderTimes[context.nextReminder] ?? context.deadline, event),
    rungGrace: ({ context, event }) => until(context.rectificationDeadline ?? eventTime(event), event),
    reviewCheck: ({ context, event }) =>
      until(context.reviewReminderTimes[context.nextReviewReminder] ?? context.reviewDeadline ?? eventTime(event), event),
    reviewGrace: ({ context, event }) => until(context.reviewRectificationDeadline ?? eventTime(event), event),
    ackCheck: ({ context, event }) => until(context.ackDeadline ?? eventTime(event), event),
    ackChase: ({ context, event }) => until(context.ackChaseAt ?? eventTime(event), event),
  },
  guards: {
    /** A reminder is due before the deadline as of when this step is issued. */
    reminderPending: ({ context, event }) => context.nextReminder < context.reminderTimes.length && issueTime(event) < context.deadline,
    nextRungIsLast: ({ context }) => context.rung + 1 >= context.policy.rungs.length,
    reviewReminderPending: ({ context, event }) =>
      context.nextReviewReminder < context.reviewReminderTimes.length && issueTime(event) < (context.reviewDeadline ?? 0),
    nextReviewRungIsLast: ({ context }) => context.reviewRung + 1 >= context.policy.review.escalateTo.length,
    newDeadlineInFuture: ({ event }) =>
      (event.type === 'task.return' || event.type === 'task.deadline.change') && event.deadline > event.at,
    fullyDelivered: ({ event }) => event.type === 'task.progress' && event.percent === 100,
    extensionAllowed: ({ context, event }) =>
      event.type === 'task.extension.request' &&
      context.issuedAt !== null &&
      event.at < context.deadline &&
      event.deadline > context.deadline &&
      context.extensions < context.policy.maxExtensions,
    extensionPending: ({ context }) => context.extensionRequest !== null,
    suspendedFrom: ({ context }, params: { from: 'watching' | 'overdue' | 'top' }) => context.suspension?.from === params.from,
  },
  actions: {
    notice: (_, _params: TaskNotice) => {},
    issue: assign(({ context, event }) => {
      const at = eventTime(event);
      return { issuedAt: at, ackDeadline: shift(context, at, context.policy.acknowledge.within) };
    }),
    chaseAck: assign(({ context, event }) => ({ ackChaseAt: shift(context, issueTime(event), context.policy.acknowledge.chaseAfter) })),
    received: assign(({ context, event }) => (context.acknowledgedAt === null ? { acknowledgedAt: eventTime(event) } : {})),
    arm: assign(({ context, event }) => armed(context, eventTime(event))),
    setDeadline: assign(({ context, event }) =>
      event.type === 'task.return' || event.type === 'task.deadline.change' ? { deadline: event.deadline } : { deadline: context.deadline },
    ),
    /** Consumes every reminder whose time has come as of this step: one notice, never a burst. */
    consumeReminder: assign(({ context, event }) => ({
      nextReminder: pastDue(context.reminderTimes, context.nextReminder, issueTime(event)),
    })),
    climb: assign(({ context, event }) => {
      const rung = context.rung + 1;
      return { rung, rectificationDeadline: graceAfter(context, rung, issueTime(event)) };
    }),
    recordProgress: assign(({ event }) =>
      event.type === 'task.progress' ? { progress: { percent: event.percent, note: event.note, at: event.at } } : {},
    ),
    countReturn: assign(({ context }) => ({ returns: context.returns + 1 })),
    startReview: assign(({ context, event }) => reviewArmed(context, eventTime(event))),
    clearReview: assign(() => reviewCleared),
    consumeReviewReminder: assign(({ context, event }) => ({
      nextReviewReminder: pastDue(context.reviewReminderTimes, context.nextReviewReminder, issueTime(event)),
    })),
    climbReview: assign(({ context, event }) => {
      const reviewRung = context.reviewRung + 1;
      const last = reviewRung >= context.policy.review.escalateTo.length;
      return { reviewRung, reviewRectificationDeadline: last ? null : shift(context, issueTime(event), context.policy.review.grace) };
    }),
    recordRequest: assign(({ event }) =>
      event.type === 'task.extension.request' ? { extensionRequest: { deadline: event.deadline, reason: event.reason, at: event.at } } : {},
    ),
    approveExtension: assign(({ context }) => ({
      deadline: context.extensionRequest?.deadline ?? context.deadline,
      extensions: context.extensions + 1,
    })),
    clearRequest: assign(() => ({ extensionRequest: null })),
    clearSuspension: assign(() => ({ suspension: null })),
    suspend: assign(({ event }, params: { from: 'watching' | 'overdue' | 'top' }) => ({
      suspension: { at: eventTime(event), from: params.from },
    })),
    /** The 签收 clock remembers when it was paused, and moves its dates by the time it waited. */
    pauseAck: assign(({ event }) => ({ ackPausedAt: eventTime(event) })),
    resumeAck: assign(({ context, event }) => {
      const away = context.ackPausedAt === null ? 0 : Math.max(0, eventTime(event) - context.ackPausedAt);
      return {
        ackDeadline: context.ackDeadline === null ? null : context.ackDeadline + away,
        ackChaseAt: context.ackChaseAt === null ? null : context.ackChaseAt + away,
        ackPausedAt: null,
      };
    }),
    /** Resuming moves every date of the department's clock by the time spent suspended. */
    resume: assign(({ context, event }) => {
      const away = context.suspension ? Math.max(0, eventTime(event) - context.suspension.at) : 0;
      const later = (t: number | null) => (t === null ? null : t + away);
      return {
        deadline: context.deadline + away,
        rectificationDeadline: later(context.rectificationDeadline),
        suspension: null,
      };
    }),
  },
}).createMachine({
  id: 'task',
  type: 'parallel',
  context: ({ input }) => ({
    taskId: input.taskId,
    zone: input.zone,
    calendar: input.calendar,
    deadline: input.deadline,
    originalDeadline: input.deadline,
    policy: input.policy,
    reminderTimes: [],
    nextReminder: 0,
    rung: 0,
    rectificationDeadline: null,
    progress: null,
    returns: 0,
    issuedAt: null,
    ackDeadline: null,
    ackChaseAt: null,
    ackPausedAt: null,
    acknowledgedAt: null,
    submittedAt: null,
    reviewDeadline: null,
    reviewReminderTimes: [],
    nextReviewReminder: 0,
    reviewRung: 0,
    reviewRectificationDeadline: null,
    extensionRequest: null,
    extensions: 0,
    suspension: null,
  }),
  on: {
    // The plan closed: open work ends unfinished and every clock stops. A task already
    // accepted or ended is final in every region and takes no more events.
    'task.close': {
      guard: not(stateIn('#task.supervision.closed')),
      target: ['#task.work.unfinished', '#task.supervision.closed', '#task.acknowledgement.done', '#task.extension.closed'],
      actions: ['clearRequest', 'clearSuspension'],
    },
    // A parent whose parts are all accepted is accepted with them (src/engine/children.ts).
    // A parent is never issued itself — nobody holds it, so no clock of its runs — and
    // it is closed, like any task, when the plan closes with a part still open.
    'task.complete': {
      guard: not(stateIn('#task.supervision.closed')),
      target: ['#task.work.accepted', '#task.supervision.closed', '#task.acknowledgement.done', '#task.extension.closed'],
      actions: ['clearRequest', 'clearSuspension'],
    },
    // 撤销: the leadership group (through its office) withdraws the task; every clock stops, the record stays.
    'task.cancel': {
      guard: and([not(stateIn('#task.supervision.closed')), not(stateIn('#task.supervision.idle'))]),
      target: ['#task.work.cancelled', '#task.supervision.closed', '#task.acknowledgement.done', '#task.extension.closed'],
      actions: ['clearRequest', 'clearSuspension', { type: 'notice', params: { kind: 'cancelled' } }],
    },
    // 一键催办: the office chases whoever holds the task now, on the record.
    'task.urge': [
      { guard: stateIn('#task.supervision.review'), actions: { type: 'notice', params: { kind: 'urge', holder: 'reviewer' } } },
      {
        guard: and([not(stateIn('#task.supervision.closed')), not(stateIn('#task.supervision.idle'))]),
        actions: { type: 'notice', params: { kind: 'urge', holder: 'department' } },
      },
    ],
  },
  states: {
    work: {
      initial: 'draft',
      states: {
        draft: { on: { 'task.activate': 'launch' } },
        launch: {
          initial: 'assigned',
          states: {
            assigned: { on: { 'task.acknowledge': 'acknowledged' } },
            acknowledged: {},
          },
          on: {
            'task.progress': [
              { guard: 'fullyDelivered', target: 'implementation.delivered', actions: 'recordProgress' },
              { target: 'promotion', actions: 'recordProgress' },
            ],
            'task.submit': 'evaluation',
          },
        },
        promotion: {
          initial: 'inProgress',
          states: { inProgress: {} },
          on: {
            'task.progress': [
              { guard: 'fullyDelivered', target: 'implementation.delivered', actions: 'recordProgress' },
              { actions: 'recordProgress' },
            ],
            'task.submit': 'evaluation',
          },
        },
        implementation: {
          initial: 'delivered',
          states: { delivered: {}, rectification: {} },
          on: {
            'task.progress': { actions: 'recordProgress' },
            'task.submit': 'evaluation',
          },
        },
        evaluation: {
          initial: 'submitted',
          states: {
            submitted: { on: { 'task.review': 'underReview' } },
            underReview: {},
          },
          on: {
            'task.accept': {
              target: ['#task.work.accepted', '#task.supervision.closed', '#task.acknowledgement.done', '#task.extension.closed'],
              actions: ['clearReview', 'clearRequest'],
            },
            'task.return': {
              guard: 'newDeadlineInFuture',
              target: ['#task.work.implementation.rectification', '#task.supervision.watching'],
              actions: ['setDeadline', 'arm', 'countReturn', 'clearReview'],
            },
          },
        },
        accepted: { type: 'final' },
        unfinished: { type: 'final' },
        cancelled: { type: 'final' },
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
                  { type: 'notice', params: noticeOf((c, e) => ({ kind: 'reminder', index: c.nextReminder, ...lateness(e) })) },
                  'consumeReminder',
                ],
              },
              {
                guard: 'nextRungIsLast',
                target: 'overdue.top',
                actions: [
                  'climb',
                  { type: 'notice', params: noticeOf((c, e) => ({ kind: 'rung', rung: c.rung, ...lateness(e, c.deadline) })) },
                ],
              },
              {
                target: 'overdue.escalating',
                actions: [
                  'climb',
                  { type: 'notice', params: noticeOf((c, e) => ({ kind: 'rung', rung: c.rung, ...lateness(e, c.deadline) })) },
                ],
              },
            ],
          },
          on: {
            'task.deadline.change': { guard: 'newDeadlineInFuture', target: 'watching', reenter: true, actions: ['setDeadline', 'arm'] },
            'task.extension.approve': {
              guard: 'extensionPending',
              target: 'watching',
              reenter: true,
              actions: ['approveExtension', 'arm'],
            },
            'task.submit': 'review',
            'task.suspend': {
              target: 'suspended',
              actions: [
                { type: 'suspend', params: { from: 'watching' } },
                { type: 'notice', params: { kind: 'suspended' } },
              ],
            },
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
                    actions: ['climb', { type: 'notice', params: noticeOf((c, e) => ({ kind: 'rung', rung: c.rung, ...lateness(e) })) }],
                  },
                  {
                    target: 'escalating',
                    reenter: true,
                    actions: ['climb', { type: 'notice', params: noticeOf((c, e) => ({ kind: 'rung', rung: c.rung, ...lateness(e) })) }],
                  },
                ],
              },
            },
            top: {},
          },
          on: {
            'task.deadline.change': { guard: 'newDeadlineInFuture', target: 'watching', actions: ['setDeadline', 'arm'] },
            'task.extension.approve': { guard: 'extensionPending', target: 'watching', actions: ['approveExtension', 'arm'] },
            'task.submit': 'review',
            'task.suspend': [
              {
                guard: stateIn('#task.supervision.overdue.top'),
                target: 'suspended',
                actions: [
                  { type: 'suspend', params: { from: 'top' } },
                  { type: 'notice', params: { kind: 'suspended' } },
                ],
              },
              {
                target: 'suspended',
                actions: [
                  { type: 'suspend', params: { from: 'overdue' } },
                  { type: 'notice', params: { kind: 'suspended' } },
                ],
              },
            ],
          },
        },
        // 挂起: officially parked with a reason. No reminder or rung runs; resuming moves
        // the deadline (and a running rectification period) by the time spent here.
        suspended: {
          on: {
            'task.resume': [
              {
                guard: { type: 'suspendedFrom', params: { from: 'top' } },
                target: 'overdue.top',
                actions: ['resume', { type: 'notice', params: noticeOf((c) => ({ kind: 'resumed', deadline: c.deadline })) }],
              },
              {
                guard: { type: 'suspendedFrom', params: { from: 'overdue' } },
                target: 'overdue.escalating',
                actions: ['resume', { type: 'notice', params: noticeOf((c) => ({ kind: 'resumed', deadline: c.deadline })) }],
              },
              {
                target: 'watching',
                actions: ['resume', 'arm', { type: 'notice', params: noticeOf((c) => ({ kind: 'resumed', deadline: c.deadline })) }],
              },
            ],
            // Submitting ends the suspension: the reviewer's clock starts.
            'task.submit': { target: 'review', actions: 'resume' },
            // Dates may still be decided while parked; resuming moves them by the time spent.
            'task.deadline.change': { guard: 'newDeadlineInFuture', actions: 'setDeadline' },
            'task.extension.approve': { guard: 'extensionPending', actions: 'approveExtension' },
          },
        },
        // Submitted: the reviewer holds the task. No clock of the department runs; the
        // reviewer is told, reminded before the review deadline, and past it the
        // notices go up the chain above them.
        review: {
          initial: 'waiting',
          entry: ['startReview', { type: 'notice', params: { kind: 'submitted' } }],
          states: {
            waiting: {
              after: {
                reviewCheck: [
                  {
                    guard: 'reviewReminderPending',
                    target: 'waiting',
                    reenter: true,
                    actions: [
                      {
                        type: 'notice',
                        params: noticeOf((c, e) => ({ kind: 'reviewReminder', index: c.nextReviewReminder, ...lateness(e) })),
                      },
                      'consumeReviewReminder',
                    ],
                  },
                  {
                    guard: 'nextReviewRungIsLast',
                    target: 'top',
                    actions: [
                      'climbReview',
                      {
                        type: 'notice',
                        params: noticeOf((c, e) => ({
                          kind: 'reviewRung',
                          rung: c.reviewRung,
                          ...lateness(e, c.reviewDeadline ?? undefined),
                        })),
                      },
                    ],
                  },
                  {
                    target: 'escalating',
                    actions: [
                      'climbReview',
                      {
                        type: 'notice',
                        params: noticeOf((c, e) => ({
                          kind: 'reviewRung',
                          rung: c.reviewRung,
                          ...lateness(e, c.reviewDeadline ?? undefined),
                        })),
                      },
                    ],
                  },
                ],
              },
            },
            escalating: {
              after: {
                reviewGrace: [
                  {
                    guard: 'nextReviewRungIsLast',
                    target: 'top',
                    actions: [
                      'climbReview',
                      { type: 'notice', params: noticeOf((c, e) => ({ kind: 'reviewRung', rung: c.reviewRung, ...lateness(e) })) },
                    ],
                  },
                  {
                    target: 'escalating',
                    reenter: true,
                    actions: [
                      'climbReview',
                      { type: 'notice', params: noticeOf((c, e) => ({ kind: 'reviewRung', rung: c.reviewRung, ...lateness(e) })) },
                    ],
                  },
                ],
              },
            },
            top: {},
          },
          on: {
            'task.deadline.change': { guard: 'newDeadlineInFuture', actions: 'setDeadline' },
            'task.extension.approve': { guard: 'extensionPending', actions: 'approveExtension' },
          },
        },
        closed: { type: 'final' },
      },
    },
    acknowledgement: {
      initial: 'idle',
      states: {
        idle: { on: { 'task.activate': { target: 'waiting', actions: 'issue' } } },
        waiting: {
          after: {
            ackCheck: {
              target: 'reminded',
              actions: [{ type: 'notice', params: noticeOf((_c, e) => ({ kind: 'ackReminder', ...lateness(e) })) }, 'chaseAck'],
            },
          },
          on: { ...received, 'task.suspend': { target: 'paused', actions: 'pauseAck' } },
        },
        reminded: {
          after: {
            ackChase: {
              target: 'chased',
              actions: { type: 'notice', params: noticeOf((_c, e) => ({ kind: 'ackChase', ...lateness(e) })) },
            },
          },
          on: { ...received, 'task.suspend': { target: 'pausedReminded', actions: 'pauseAck' } },
        },
        chased: { on: received },
        // Suspended before it was signed for: the 签收 clock waits too.
        paused: { on: { ...received, 'task.resume': { target: 'waiting', actions: 'resumeAck' } } },
        pausedReminded: { on: { ...received, 'task.resume': { target: 'reminded', actions: 'resumeAck' } } },
        done: { type: 'final' },
      },
    },
    extension: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            'task.extension.request': {
              // Not while the reviewer holds it: the department's deadline is not running then.
              guard: and(['extensionAllowed', not(stateIn('#task.supervision.review'))]),
              target: 'pending',
              actions: ['recordRequest', { type: 'notice', params: { kind: 'extensionRequested' } }],
            },
          },
        },
        pending: {
          on: {
            'task.extension.approve': { target: 'idle', actions: [decided(true), 'clearRequest'] },
            'task.extension.reject': { target: 'idle', actions: [decided(false), 'clearRequest'] },
          },
        },
        closed: { type: 'final' },
      },
    },
  },
});

export type TaskMachine = typeof taskMachine;
