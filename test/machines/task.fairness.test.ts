/**
 * Fair supervision on the task machine alone: whoever holds the task is chased, the
 * 签收 clock, extension requests, and a timer held up by an outage issuing its step
 * now with periods counted from now.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import { LATE_AFTER_MS, taskMachine, type TaskContext, type TaskNotice } from '../../machines/index.js';
import { DEFAULT_ESCALATION } from '../../src/domain/policy.js';
import { taskState } from '../../src/engine/entity.js';
import { step, type Timers } from '../../src/engine/step.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Monday 2 March 2026, 09:00 in Shanghai: working days are plain weekdays for a while.
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const DEADLINE = Date.parse('2026-04-30T00:00:00+08:00');
const policy = {
  ...DEFAULT_ESCALATION,
  review: { within: 'P5D', reminders: ['P1D'], grace: 'P2D', escalateTo: DEFAULT_ESCALATION.review.escalateTo },
  acknowledge: { within: 'P2D', chaseAfter: 'P1D' },
  maxExtensions: 1,
};
const input = { at: T0, taskId: 't1', zone: 'Asia/Shanghai', calendar: 'cn-mainland' as const, deadline: DEADLINE, policy };

type S = { snap: AnyMachineSnapshot; timers: Timers; notices: TaskNotice[]; handled: boolean };
let n = 0;
const tok = () => `k${++n}`;

function start(): S {
  const [snap] = initialTransition(taskMachine, input);
  return send({ snap: snap as AnyMachineSnapshot, timers: {}, notices: [], handled: true }, { type: 'task.activate', at: T0 });
}
function send(s: S, event: { type: string; at: number } & Record<string, unknown>): S {
  const r = step(taskMachine, s.snap, event, s.timers, tok);
  return { snap: r.snapshot, timers: r.timers, notices: r.emitted.map((e) => e.params as TaskNotice), handled: r.handled };
}
/** Fires the pending timer named `name`, at its due time or `firedAt` when it ran late. */
function fire(s: S, name: string, firedAt?: number): S {
  const [id, t] = Object.entries(s.timers).find(([k]) => k.includes(`.${name}.`)) ?? [];
  if (!id || !t) throw new Error(`no ${name} timer in ${JSON.stringify(s.snap.value)}`);
  return send(s, { type: id, at: t.at, ...(firedAt !== undefined ? { firedAt } : {}) });
}
const timerNames = (s: S) =>
  Object.keys(s.timers)
    .map((k) => k.split('.')[2])
    .sort();
const ctx = (s: S) => s.snap.context as TaskContext;
const submit = (s: S, at: number) => send(s, { type: 'task.submit', at, evidence: ['https://e.org'], note: '' });

describe('whoever holds the task is chased', () => {
  it('a submission stops the department’s clock and starts the reviewer’s, with a notice to the reviewer', () => {
    let s = send(start(), { type: 'task.acknowledge', at: T0 + HOUR });
    s = submit(s, DEADLINE - 3 * DAY);
    expect(s.notices).toEqual([{ kind: 'submitted' }]);
    expect(timerNames(s)).toEqual(['reviewCheck']);
    expect(ctx(s).reviewDeadline).toBe(DEADLINE - 3 * DAY + 5 * DAY);
  });

  it('a review never done: reminder to the reviewer, then notices above them, and the department never counted late', () => {
    let s = send(start(), { type: 'task.acknowledge', at: T0 + HOUR });
    s = submit(s, DEADLINE - 3 * DAY);
    const notices: TaskNotice[] = [];
    for (const name of ['reviewCheck', 'reviewCheck', 'reviewGrace']) {
      s = fire(s, name);
      notices.push(...s.notices);
    }
    expect(notices).toEqual([
      { kind: 'reviewReminder', index: 0 },
      { kind: 'reviewRung', rung: 1 },
      { kind: 'reviewRung', rung: 2 },
    ]);
    expect(timerNames(s)).toEqual([]);
    expect(ctx(s).rung).toBe(0);
    expect(taskState(s.snap as never)).toMatchObject({ supervision: 'withReviewer', reviewRung: 2, rung: 0 });
  });

  it('a return hands the clock back to the department with the new deadline; acceptance closes it', () => {
    let s = submit(start(), DEADLINE - 3 * DAY);
    s = send(s, { type: 'task.return', at: DEADLINE - 2 * DAY, reason: '材料不全', deadline: DEADLINE + 10 * DAY });
    expect(timerNames(s)).toEqual(['checkpoint']);
    expect(ctx(s)).toMatchObject({ deadline: DEADLINE + 10 * DAY, reviewDeadline: null, returns: 1 });
    s = submit(s, DEADLINE + 5 * DAY);
    s = send(s, { type: 'task.accept', at: DEADLINE + 6 * DAY, note: '' });
    expect(s.snap.status).toBe('done');
    expect(s.timers).toEqual({});
  });
});

describe('签收时限', () => {
  it('a task not acknowledged: a reminder to the person, then a notice to the department head', () => {
    let s = start();
    expect(ctx(s).ackDeadline).toBe(T0 + 2 * DAY);
    s = fire(s, 'ackCheck');
    expect(s.notices).toEqual([{ kind: 'ackReminder' }]);
    s = fire(s, 'ackChase');
    expect(s.notices).toEqual([{ kind: 'ackChase' }]);
    expect(timerNames(s)).toEqual(['checkpoint']);
    s = send(s, { type: 'task.acknowledge', at: T0 + 4 * DAY });
    expect(ctx(s).acknowledgedAt).toBe(T0 + 4 * DAY);
    expect(taskState(s.snap as never).acknowledgement).toBe('done');
  });

  it('progress counts as signing for it; on time nothing is sent', () => {
    let s = send(start(), { type: 'task.progress', at: T0 + HOUR, percent: 10, note: '' });
    expect(ctx(s).acknowledgedAt).toBe(T0 + HOUR);
    expect(timerNames(s)).toEqual(['checkpoint']);
    s = send(s, { type: 'task.progress', at: T0 + 2 * HOUR, percent: 100, note: '' });
    expect(taskState(s.snap as never)).toMatchObject({ stage: 'implementation', work: 'delivered' });
  });
});

describe('延期申请', () => {
  it('a pending request does not stop the clock; approval moves the deadline and re-arms; the cap holds', () => {
    let s = send(start(), { type: 'task.acknowledge', at: T0 + HOUR });
    s = send(s, { type: 'task.extension.request', at: T0 + DAY, deadline: DEADLINE + 14 * DAY, reason: '等待上级文件' });
    expect(s.notices).toEqual([{ kind: 'extensionRequested' }]);
    expect(timerNames(s)).toEqual(['checkpoint']);
    const before = Object.values(s.timers)[0]!;
    s = send(s, { type: 'task.extension.approve', at: T0 + 2 * DAY, note: '同意' });
    expect(s.notices).toEqual([{ kind: 'extensionDecided', approved: true, deadline: DEADLINE + 14 * DAY, requestedAt: T0 + DAY }]);
    expect(ctx(s)).toMatchObject({ deadline: DEADLINE + 14 * DAY, extensions: 1, extensionRequest: null, originalDeadline: DEADLINE });
    expect(Object.values(s.timers)[0]!.tok).not.toBe(before.tok);
    // The plan allows one extension: a second request is not taken.
    expect(send(s, { type: 'task.extension.request', at: T0 + 3 * DAY, deadline: DEADLINE + 30 * DAY, reason: 'x' }).handled).toBe(false);
  });

  it('a rejected request leaves the deadline as it was', () => {
    let s = send(start(), { type: 'task.extension.request', at: T0 + DAY, deadline: DEADLINE + 14 * DAY, reason: 'r' });
    s = send(s, { type: 'task.extension.reject', at: T0 + 2 * DAY, note: '理由不充分' });
    expect(s.notices[0]).toMatchObject({ kind: 'extensionDecided', approved: false });
    expect(ctx(s)).toMatchObject({ deadline: DEADLINE, extensions: 0, extensionRequest: null });
  });

  it('a request after the deadline is not taken', () => {
    const s = start();
    expect(send(s, { type: 'task.extension.request', at: DEADLINE + HOUR, deadline: DEADLINE + 14 * DAY, reason: 'r' }).handled).toBe(
      false,
    );
  });
});

describe('catch-up after an outage', () => {
  it('a deadline check run days late climbs one rung, issued now, with its period counted from now', () => {
    let s = send(start(), { type: 'task.acknowledge', at: T0 + HOUR });
    s = fire(s, 'checkpoint'); // the P7D reminder, on time
    const wake = DEADLINE + 10 * DAY;
    s = fire(s, 'checkpoint', wake); // the P1D reminder and the deadline were both missed
    expect(s.notices).toEqual([{ kind: 'rung', rung: 1, late: DEADLINE }]);
    expect(ctx(s).rectificationDeadline).toBe(wake + 7 * DAY);
    expect(ctx(s).rectificationDeadline!).toBeGreaterThan(wake);
    // The next rung waits for its own period: one rung per wake-up.
    expect(Object.values(s.timers).find((t) => t.at > 0)!.at).toBe(wake + 7 * DAY);
  });

  it('a timer without firedAt (run within the engine’s threshold) is dated when it was due', () => {
    let s = send(start(), { type: 'task.acknowledge', at: T0 + HOUR });
    s = fire(s, 'checkpoint');
    expect(s.notices).toEqual([{ kind: 'reminder', index: 0 }]);
    expect(LATE_AFTER_MS).toBe(60_000);
  });
});
