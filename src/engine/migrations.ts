/**
 * Stored snapshots of every earlier machine version, brought forward on load. A plan
 * runs for three years and Duban is upgraded under it: an entity written by machine
 * vN is migrated step by step (vN → vN+1 → …) to the version this build runs, and is
 * written back in the new version by its next commit.
 *
 * A migration gets the persisted snapshot (as JSON) and the pending timers, and
 * returns both. Timers it drops are stale from then on: their jobs fire as no-ops and
 * the engine removes them from the plan's timer index (see timers.ts).
 *
 * When a machine changes: bump its version in machines/, add the step here, capture
 * the previous build's stored data first (test/migrations/capture.ts) and keep the
 * test that loads it (test/migrations/stored-data.test.ts).
 */
import { PLAN_MACHINE_VERSION, TASK_MACHINE_VERSION } from '../../machines/index.js';
import type { Timers } from './step.js';

export interface PersistedSnapshot {
  value: unknown;
  context: Record<string, unknown>;
  [field: string]: unknown;
}

export interface Stored {
  snap: PersistedSnapshot;
  timers: Timers;
}

/** Migrates one version forward: the key is the version it reads. */
export type Migrations = Record<number, (stored: Stored) => Stored>;

/** Timer ids armed by the department's clocks: reminders, the deadline and rung grace periods. */
const DEPARTMENT_CLOCKS = /^xstate\.after\.(checkpoint|rungGrace)\.task\.supervision\./;

export const TASK_MIGRATIONS: Migrations = {
  /**
   * v1 → v2: a submitted task is the reviewer's; its department is no longer chased.
   * v1 kept reminders and rungs running under review; v2 parks supervision in
   * withReviewer and drops those timers. The rung already reached stays in context.
   */
  1: ({ snap, timers }) => {
    const value = snap.value as { work: string; supervision: unknown };
    const underReview = value.work === 'submitted' || value.work === 'underReview';
    if (!underReview || value.supervision === 'closed' || value.supervision === 'idle') return { snap, timers };
    const kept = Object.fromEntries(Object.entries(timers).filter(([id]) => !DEPARTMENT_CLOCKS.test(id)));
    return { snap: { ...snap, value: { ...value, supervision: 'withReviewer' } }, timers: kept };
  },
};

/** v2's flat work states, by the phase state that holds them in v3. */
const WORK_V3: Record<string, unknown> = {
  assigned: { launch: 'assigned' },
  acknowledged: { launch: 'acknowledged' },
  inProgress: { promotion: 'inProgress' },
  rectification: { implementation: 'rectification' },
  submitted: { evaluation: 'submitted' },
  underReview: { evaluation: 'underReview' },
};

TASK_MIGRATIONS[2] = ({ snap, timers }) => {
  /**
   * v2 → v3: work states grouped under the phases a task lives through; the
   * reviewer's clock, 签收时限 and extension requests appear. A task submitted under
   * v2 waits for review with no review deadline (v2 never set one, and a migration
   * does not invent a date); a task issued under v2 is taken as signed for (v2 did
   * not ask); the record's original deadline is the one it had then.
   */
  const value = snap.value as { work: string; supervision: unknown };
  const ctx = snap.context;
  const finished = value.work === 'accepted' || value.work === 'unfinished';
  return {
    snap: {
      ...snap,
      value: {
        work: WORK_V3[value.work] ?? value.work,
        supervision: value.supervision === 'withReviewer' ? { review: 'waiting' } : value.supervision,
        acknowledgement: value.work === 'draft' ? 'idle' : 'done',
        extension: finished ? 'closed' : 'idle',
      },
      context: {
        ...ctx,
        originalDeadline: ctx.deadline,
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
      },
    },
    timers,
  };
};

/**
 * v3 → v4: the machine only gained task.complete (a parent accepted with its parts);
 * no state or context changed, so a v3 snapshot is a v4 snapshot as it stands.
 */
TASK_MIGRATIONS[3] = (stored) => stored;

/**
 * v4 → v5: the machine is unchanged; v5 marks tasks stored in the compact form
 * (src/engine/stored-form.ts). A v4 snapshot is stored in full and reads as it stands.
 */
TASK_MIGRATIONS[4] = (stored) => stored;

/**
 * v5 → v6: the machine is unchanged; v6 marks the layout around it (one timer-index
 * entry per task, compact history entries, no `all` index set). The next commit of a
 * v5 task takes its other timers out of the index and the task out of `all`.
 */
TASK_MIGRATIONS[5] = (stored) => stored;

export const PLAN_MIGRATIONS: Migrations = {
  /** v1 → v2: phases may need the group leader's approval (plans stored before asked for none); a plan may be suspended. */
  1: ({ snap, timers }) => ({
    snap: {
      ...snap,
      context: {
        ...snap.context,
        approvals: { promotion: false, implementation: false, evaluation: false, closed: false },
        proposal: null,
        suspension: null,
      },
    },
    timers,
  }),
};

/** v2 → v3: unchanged machine; v3 marks plans stored in the compact form, as task v5 does. */
PLAN_MIGRATIONS[2] = (stored) => stored;

/** v3 → v4: unchanged machine; v4 marks one timer-index entry per plan and compact history entries, as task v6 does. */
PLAN_MIGRATIONS[3] = (stored) => stored;

export class UnknownMachineVersionError extends Error {}

/**
 * Brings a stored entity from machine version `from` to `to`. Data written by a newer
 * build than this one is refused rather than misread.
 */
export function migrate(
  kind: 'plan' | 'task',
  from: number,
  stored: Stored,
  to = kind === 'plan' ? PLAN_MACHINE_VERSION : TASK_MACHINE_VERSION,
): Stored {
  if (!Number.isInteger(from) || from < 1)
    throw new UnknownMachineVersionError(`${kind} snapshot has no valid machine version (mv=${String(from)})`);
  if (from > to) {
    throw new UnknownMachineVersionError(
      `${kind} snapshot was written by machine v${from}, newer than this build's v${to}: upgrade Duban before running this plan`,
    );
  }
  const steps = kind === 'plan' ? PLAN_MIGRATIONS : TASK_MIGRATIONS;
  let out = stored;
  for (let v = from; v < to; v++) {
    const next = steps[v];
    if (!next) throw new UnknownMachineVersionError(`no migration for ${kind} snapshots from machine v${v} to v${v + 1}`);
    out = next(out);
  }
  return out;
}
