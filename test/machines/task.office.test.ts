/**
 * What the office does to a running task on the machine alone: 撤销 (cancel), 挂起 and
 * 恢复 (suspend and resume, dates moved by the time suspended), 一键催办 (urge the holder).
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import { taskMachine, type TaskContext, type TaskNotice } from '../../machines/index.js';
import { DEFAULT_ESCALATION } from '../../src/domain/policy.js';
import { taskState } from '../../src/engine/entity.js';
import { step, type Timers } from '../../src/engine/step.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const DEADLINE = Date.parse('2026-04-30T00:00:00+08:00');
const policy = { ...DEFAULT_ESCALATION, reminders: ['P7D'], acknowledge: { within: 'P2D', chaseAfter: 'P1D' } };
const input = { at: T0, taskId: 't1', zone: 'Asia/Shanghai', calendar: 'cn-mainland' as const, deadline: DEADLINE, policy };

type S = { snap: AnyMachineSnapshot; timers: Timers; notices: TaskNotice[]; handled: boolean };
let n = 0;
function send(s: S, event: { type: string; at: number } & Record<string, unknown>): S {
  const r = step(taskMachine, s.snap, event, s.timers, () => `k${++n}`);
  return { snap: r.snapshot, timers: r.timers, notices: r.emitted.map((e) => e.params as TaskNotice), handled: r.handled };
}
function start(): S {
  const [snap] = initialTransition(taskMachine, input);
  return send({ snap: snap as AnyMachineSnapshot, timers: {}, notices: [], handled: true }, { type: 'task.activate', at: T0 });
}
const fire = (s: S, name: string): S => {
  const [id, t] = Object.entries(s.timers).find(([k]) => k.includes(`.${name}.`))!;
  return send(s, { type: id, at: t.at });
};
const ctx = (s: S) => s.snap.context as TaskContext;
const names = (s: S) =>
  Object.keys(s.timers)
    .map((k) => k.split('.')[2])
    .sort();

describe('撤销', () => {
  it('cancels an open task: every clock stops, the chain is told, nothing more is taken', () => {
    let s = send(start(), { type: 'task.acknowledge', at: T0 + DAY });
    s = send(s, { type: 'task.cancel', at: T0 + 2 * DAY, reason: '上级政策调整' });
    expect(taskState(s.snap as never)).toMatchObject({ work: 'cancelled', supervision: 'closed' });
    expect(s.notices).toEqual([{ kind: 'cancelled' }]);
    expect(s.timers).toEqual({});
    expect(s.snap.status).toBe('done');
    expect(send(s, { type: 'task.submit', at: T0 + 3 * DAY, evidence: ['https://e.org'], note: '' }).handled).toBe(false);
  });
});

describe('挂起 and 恢复', () => {
  it('no reminder, rung or 签收 clock runs while suspended; resuming moves the dates by the time away', () => {
    let s = start();
    s = send(s, { type: 'task.suspend', at: T0 + DAY, reason: '学校停课' });
    expect(taskState(s.snap as never)).toMatchObject({ supervision: 'suspended', acknowledgement: 'paused' });
    expect(s.timers).toEqual({});
    expect(s.notices).toEqual([{ kind: 'suspended' }]);
    const away = 30 * DAY;
    s = send(s, { type: 'task.resume', at: T0 + DAY + away, note: '' });
    expect(ctx(s).deadline).toBe(DEADLINE + away);
    expect(ctx(s).ackDeadline).toBe(T0 + 2 * DAY + away);
    expect(s.notices).toEqual([{ kind: 'resumed', deadline: DEADLINE + away }]);
    expect(names(s)).toEqual(['ackCheck', 'checkpoint']);
    expect(Object.entries(s.timers).find(([k]) => k.includes('.checkpoint.'))![1].at).toBe(DEADLINE + away - 7 * DAY);
  });

  it('an overdue task suspended at rung 1 resumes at rung 1 with its rectification period moved', () => {
    let s = send(start(), { type: 'task.acknowledge', at: T0 + DAY });
    s = fire(fire(s, 'checkpoint'), 'checkpoint'); // reminder, then rung 1
    expect(ctx(s).rung).toBe(1);
    const rect = ctx(s).rectificationDeadline!;
    s = send(s, { type: 'task.suspend', at: DEADLINE + DAY, reason: '等待上级批复' });
    s = send(s, { type: 'task.resume', at: DEADLINE + 11 * DAY, note: '' });
    expect(taskState(s.snap as never)).toMatchObject({ supervision: 'overdue', rung: 1 });
    expect(ctx(s).rectificationDeadline).toBe(rect + 10 * DAY);
    expect(names(s)).toEqual(['rungGrace']);
  });

  it('is not taken while the reviewer holds the task', () => {
    const s = send(start(), { type: 'task.submit', at: T0 + DAY, evidence: ['https://e.org'], note: '' });
    expect(send(s, { type: 'task.suspend', at: T0 + 2 * DAY, reason: 'x' }).handled).toBe(false);
  });
});

describe('一键催办', () => {
  it('chases the department while it holds the task, the reviewer once submitted', () => {
    let s = start();
    expect(send(s, { type: 'task.urge', at: T0 + DAY, note: '' }).notices).toEqual([{ kind: 'urge', holder: 'department' }]);
    s = send(s, { type: 'task.submit', at: T0 + DAY, evidence: ['https://e.org'], note: '' });
    expect(send(s, { type: 'task.urge', at: T0 + 2 * DAY, note: '' }).notices).toEqual([{ kind: 'urge', holder: 'reviewer' }]);
    s = send(s, { type: 'task.accept', at: T0 + 3 * DAY, note: '' });
    expect(send(s, { type: 'task.urge', at: T0 + 4 * DAY, note: '' }).handled).toBe(false);
  });
});
