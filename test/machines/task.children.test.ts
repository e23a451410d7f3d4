/**
 * task.complete on the machine alone: a parent nobody holds (never issued, no clock of
 * its own) is accepted with its last part; a task already closed takes nothing more.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import { taskMachine } from '../../machines/index.js';
import { DEFAULT_ESCALATION } from '../../src/domain/policy.js';
import { taskState } from '../../src/engine/entity.js';
import { migrate } from '../../src/engine/migrations.js';
import { persist, restore, step } from '../../src/engine/step.js';

const T0 = Date.parse('2026-03-02T09:00:00+08:00');
const input = {
  at: T0,
  taskId: 'visit',
  zone: 'Asia/Shanghai',
  calendar: 'cn-mainland' as const,
  deadline: T0 + 90 * 86_400_000,
  policy: DEFAULT_ESCALATION,
};
const draft = () => initialTransition(taskMachine, input)[0] as AnyMachineSnapshot;
const send = (snap: AnyMachineSnapshot, type: string, at = T0) => step(taskMachine, snap, { type, at }, {}, () => 'k');

describe('task.complete', () => {
  it('accepts a parent that was never issued, with no clock armed and nothing sent', () => {
    const r = send(draft(), 'task.complete');
    expect(r.handled).toBe(true);
    expect(taskState(r.snapshot)).toMatchObject({ work: 'accepted', supervision: 'closed', rung: 0 });
    expect(r.timers).toEqual({});
    expect(r.emitted).toEqual([]);
    // Accepted is final: the plan closing later does not make it unfinished.
    expect(send(r.snapshot, 'task.close').handled).toBe(false);
  });

  it('is not taken by a task already closed with the plan', () => {
    const closed = send(draft(), 'task.close').snapshot;
    expect(taskState(closed).work).toBe('unfinished');
    expect(send(closed, 'task.complete').handled).toBe(false);
  });

  it('reads a v3 snapshot as it stands: a draft stored before can still be completed', () => {
    const stored = persist(taskMachine, draft()) as Parameters<typeof migrate>[2]['snap'];
    const { snap } = migrate('task', 3, { snap: stored, timers: {} });
    const r = send(restore(taskMachine, snap), 'task.complete');
    expect(taskState(r.snapshot).work).toBe('accepted');
  });
});
