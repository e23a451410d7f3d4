/**
 * A task's record (督办台账记录): everything that happened to its deadlines, its
 * ladder, its acknowledgement and its reviews, folded from its append-only history.
 * Returns and moved deadlines start a new clock, but nothing here is ever reset: the
 * record of a task that was once overdue says so for good. Pure, so the task page,
 * the API, the ledger and the accountability report read the same facts.
 */
import type { TaskContext } from '../../machines/index.js';
import type { PlanDefinition, TaskDefinition } from './plan.schema.js';

const DAY = 86_400_000;

/** A history entry as stored (see src/engine/commit.ts). */
export interface RecordEntry {
  at: number;
  by: string;
  event: string;
  from: unknown;
  to: unknown;
  data?: Record<string, unknown>;
  notices?: string[];
}

export interface DeadlineChange {
  at: number;
  /** office: moved by the office; extension: an approved request; return: set by the reviewer on a return; suspension: moved by the time suspended. */
  kind: 'office' | 'extension' | 'return' | 'suspension';
  from: number;
  to: number;
  reason: string;
  /** Who asked (the office, the department, the reviewer). */
  by: string;
  /** For extensions: who approved it. */
  approvedBy?: string;
}

export interface RungReached {
  rung: number;
  at: number;
  noticeId: string;
  /**
   * The notice's document number (文号) in its organisation's series, or null until the
   * notice is first printed or downloaded as a document (which allocates it).
   */
  number: string | null;
  /** The deadline the task had missed. */
  deadline: number;
  /** When the notice was due, if issued late after an outage. */
  late?: number;
}

export interface ExtensionRecord {
  requestedAt: number;
  by: string;
  deadline: number;
  reason: string;
  outcome: 'pending' | 'approved' | 'rejected';
  decidedAt?: number;
  decidedBy?: string;
  note?: string;
}

export interface SubmissionRecord {
  at: number;
  by: string;
  /** The deadline in force when it was submitted. */
  deadline: number;
  onTime: boolean;
  outcome: 'pending' | 'accepted' | 'returned' | 'unfinished';
  reviewedAt?: number;
  reviewedBy?: string;
  /** Days the reviewer held it (to the review, or to now while pending). */
  reviewDays: number;
  reviewDeadline?: number;
  /** Steps the review went past its deadline (notices above the reviewer). */
  reviewEscalations: number;
}

export interface TaskRecord {
  taskId: string;
  originalDeadline: number;
  deadline: number;
  deadlineChanges: DeadlineChange[];
  rungs: RungReached[];
  highestRung: number;
  /** Days spent overdue, across every deadline the task had (to now while still overdue). */
  overdueDays: number;
  overdueNow: boolean;
  returns: { at: number; by: string; reason: string; deadline: number }[];
  extensions: ExtensionRecord[];
  acknowledgement: {
    issuedAt: number | null;
    deadline: number | null;
    at: number | null;
    /** null while not yet acknowledged and not yet late. */
    onTime: boolean | null;
    reminded: boolean;
    chased: boolean;
  };
  submissions: SubmissionRecord[];
  acceptedAt: number | null;
  /** Closed with the plan before it was accepted. */
  unfinished: boolean;
  /** Cancelled (撤销) by the leadership group, with when, by whom and why. */
  cancelled: { at: number; by: string; reason: string } | null;
  /** Periods suspended (挂起), with reasons; `to` null while still suspended. */
  suspensions: { from: number; to: number | null; by: string; reason: string }[];
  /** Times the office urged the holder (一键催办). */
  urged: { at: number; by: string; holder: 'department' | 'reviewer' }[];
  /** Accepted, and its accepted submission came in on time. */
  finishedOnTime: boolean | null;
}

const supervisionOf = (state: unknown): string => (state as { supervision?: string } | null)?.supervision ?? '';
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `numbers`: the 文号 issued so far, by notice id (src/documents/notice-numbers.ts). */
export function taskRecord(
  plan: PlanDefinition,
  task: TaskDefinition,
  ctx: TaskContext,
  history: RecordEntry[],
  now: number,
  numbers: ReadonlyMap<string, string> = new Map(),
): TaskRecord {
  const original = ctx.originalDeadline ?? ctx.deadline;
  const rec: TaskRecord = {
    taskId: task.id,
    originalDeadline: original,
    deadline: ctx.deadline,
    deadlineChanges: [],
    rungs: [],
    highestRung: 0,
    overdueDays: 0,
    overdueNow: false,
    returns: [],
    extensions: [],
    acknowledgement: {
      issuedAt: ctx.issuedAt ?? null,
      deadline: ctx.ackDeadline ?? null,
      at: ctx.acknowledgedAt ?? null,
      onTime: null,
      reminded: false,
      chased: false,
    },
    submissions: [],
    acceptedAt: null,
    unfinished: false,
    cancelled: null,
    suspensions: [],
    urged: [],
    finishedOnTime: null,
  };
  let deadline = original;
  let overdueSince: number | null = null;
  let overdueMs = 0;
  const pending = (): SubmissionRecord | undefined => rec.submissions.findLast((s) => s.outcome === 'pending');
  const endOverdue = (at: number) => {
    if (overdueSince !== null) overdueMs += Math.max(0, at - overdueSince);
    overdueSince = null;
  };

  /** A suspension ends: the deadline moves by the time spent suspended, as the machine moved it. */
  const endSuspension = (h: RecordEntry) => {
    const open = rec.suspensions.findLast((x) => x.to === null);
    if (!open) return;
    open.to = h.at;
    const to = deadline + (h.at - open.from);
    rec.deadlineChanges.push({ at: h.at, kind: 'suspension', from: deadline, to, reason: open.reason, by: h.by });
    deadline = to;
  };

  for (const h of history) {
    const d = h.data ?? {};
    const wasOverdue = supervisionOf(h.from) === 'overdue';
    const isOverdue = supervisionOf(h.to) === 'overdue';
    // Resumed into overdue, the clock was stopped meanwhile: overdue again from the resumption.
    if (!wasOverdue && isOverdue) overdueSince = supervisionOf(h.from) === 'suspended' ? h.at : deadline;
    if (wasOverdue && !isOverdue) endOverdue(h.at);
    for (const id of h.notices ?? []) {
      const m = /\.r(\d+)$/.exec(id);
      if (m) {
        const rung = Number(m[1]);
        const late = num(d.dueAt);
        rec.rungs.push({
          rung,
          at: h.at,
          noticeId: id,
          number: numbers.get(id) ?? null,
          deadline,
          ...(late !== undefined ? { late } : {}),
        });
        rec.highestRung = Math.max(rec.highestRung, rung);
      }
      const e = /\.e(\d+)$/.exec(id);
      const sub = pending();
      if (e && sub) sub.reviewEscalations = Math.max(sub.reviewEscalations, Number(e[1]));
      if (/\.a1$/.test(id)) rec.acknowledgement.reminded = true;
      if (/\.a2$/.test(id)) rec.acknowledgement.chased = true;
    }
    switch (h.event) {
      case 'task.activate':
        rec.acknowledgement.issuedAt ??= h.at;
        break;
      case 'task.acknowledge':
        rec.acknowledgement.at ??= h.at;
        break;
      case 'task.deadline.change': {
        const to = num(d.deadline);
        if (to !== undefined) {
          rec.deadlineChanges.push({ at: h.at, kind: 'office', from: deadline, to, reason: str(d.reason), by: h.by });
          deadline = to;
        }
        break;
      }
      case 'task.extension.request': {
        const to = num(d.deadline);
        if (to !== undefined) rec.extensions.push({ requestedAt: h.at, by: h.by, deadline: to, reason: str(d.reason), outcome: 'pending' });
        break;
      }
      case 'task.extension.approve':
      case 'task.extension.reject': {
        const x = rec.extensions.findLast((e) => e.outcome === 'pending');
        if (!x) break;
        x.outcome = h.event === 'task.extension.approve' ? 'approved' : 'rejected';
        x.decidedAt = h.at;
        x.decidedBy = h.by;
        x.note = str(d.note);
        if (x.outcome === 'approved') {
          rec.deadlineChanges.push({
            at: h.at,
            kind: 'extension',
            from: deadline,
            to: x.deadline,
            reason: x.reason,
            by: x.by,
            approvedBy: h.by,
          });
          deadline = x.deadline;
        }
        break;
      }
      case 'task.resume':
        endSuspension(h);
        break;
      case 'task.submit':
        if (supervisionOf(h.from) === 'suspended') endSuspension(h);
        rec.submissions.push({
          at: h.at,
          by: h.by,
          deadline,
          onTime: h.at <= deadline,
          outcome: 'pending',
          reviewDays: 0,
          reviewEscalations: 0,
        });
        rec.acknowledgement.at ??= h.at;
        break;
      case 'task.progress':
        rec.acknowledgement.at ??= h.at;
        break;
      case 'task.accept':
      case 'task.return': {
        const sub = pending();
        if (sub) {
          sub.outcome = h.event === 'task.accept' ? 'accepted' : 'returned';
          sub.reviewedAt = h.at;
          sub.reviewedBy = h.by;
        }
        if (h.event === 'task.accept') {
          rec.acceptedAt = h.at;
          rec.finishedOnTime = sub?.onTime ?? null;
        } else {
          const to = num(d.deadline) ?? deadline;
          rec.returns.push({ at: h.at, by: h.by, reason: str(d.reason), deadline: to });
          rec.deadlineChanges.push({ at: h.at, kind: 'return', from: deadline, to, reason: str(d.reason), by: h.by });
          deadline = to;
        }
        break;
      }
      case 'task.suspend':
        rec.suspensions.push({ from: h.at, to: null, by: h.by, reason: str(d.reason) });
        break;
      case 'task.urge':
        rec.urged.push({ at: h.at, by: h.by, holder: supervisionOf(h.from) === 'withReviewer' ? 'reviewer' : 'department' });
        break;
      case 'task.cancel':
        rec.cancelled = { at: h.at, by: h.by, reason: str(d.reason) };
        endOverdue(h.at);
        break;
      case 'task.complete':
        // A parent accepted with its parts (src/engine/children.ts): the parts carry whether they were on time.
        rec.acceptedAt = h.at;
        break;
      case 'task.close': {
        rec.unfinished = true;
        const sub = pending();
        if (sub) sub.outcome = 'unfinished';
        endOverdue(h.at);
        break;
      }
      default:
        break;
    }
  }
  rec.overdueNow = overdueSince !== null;
  if (overdueSince !== null) overdueMs += Math.max(0, now - overdueSince);
  rec.overdueDays = Math.round((overdueMs / DAY) * 10) / 10;
  for (const s of rec.submissions) {
    const end = s.reviewedAt ?? (s.outcome === 'pending' ? now : s.at);
    s.reviewDays = Math.round(((end - s.at) / DAY) * 10) / 10;
  }
  const last = rec.submissions.at(-1);
  if (last && ctx.reviewDeadline !== null && ctx.reviewDeadline !== undefined && last.outcome === 'pending')
    last.reviewDeadline = ctx.reviewDeadline;
  const ack = rec.acknowledgement;
  if (ack.at !== null && ack.deadline !== null) ack.onTime = ack.at <= ack.deadline;
  else if (ack.at === null && ack.deadline !== null && now > ack.deadline) ack.onTime = false;
  return rec;
}
