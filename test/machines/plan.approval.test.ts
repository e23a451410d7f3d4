/**
 * Phases that need the group leader's approval: the date or the office proposes, the
 * plan stays where it is until the group leader approves, and a rejected proposal can
 * be made again.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import { planMachine } from '../../machines/index.js';
import { step, type Timers } from '../../src/engine/step.js';

const T0 = Date.UTC(2026, 2, 1);
const DAY = 86_400_000;
const boundaries = { promotion: T0 + 10 * DAY, implementation: T0 + 20 * DAY, evaluation: T0 + 30 * DAY, closed: T0 + 40 * DAY };

type S = { snap: AnyMachineSnapshot; timers: Timers; emitted: { type: string; params: unknown }[]; handled: boolean };
let n = 0;
function send(s: S, event: { type: string; at: number } & Record<string, unknown>): S {
  const r = step(planMachine, s.snap, event, s.timers, () => `p${++n}`);
  return { snap: r.snapshot, timers: r.timers, emitted: r.emitted, handled: r.handled };
}
function published(approvals: Record<string, boolean>): S {
  const [snap] = initialTransition(planMachine, { at: T0, boundaries, approvals });
  return send({ snap: snap as AnyMachineSnapshot, timers: {}, emitted: [], handled: true }, { type: 'plan.publish', at: T0 });
}
const fireBoundary = (s: S) => {
  const [id, t] = Object.entries(s.timers)[0]!;
  return send(s, { type: id, at: t.at });
};

describe('phase approval', () => {
  it('the date of a phase that needs approval proposes it; the plan stays until the group leader approves', () => {
    let s = fireBoundary(published({ promotion: true }));
    expect(s.snap.value).toBe('launch');
    expect(s.emitted).toEqual([{ type: 'phaseProposed', params: { from: 'launch', to: 'promotion', manual: false } }]);
    // The spent boundary timer is gone: it will not propose again by itself.
    expect(s.timers).toEqual({});
    s = send(s, { type: 'plan.phase.approve', at: boundaries.promotion + DAY, note: '' });
    expect(s.snap.value).toBe('promotion');
    expect(s.emitted[0]).toEqual({ type: 'phaseChanged', params: { from: 'launch', to: 'promotion', manual: true } });
    expect(Object.values(s.timers)[0]!.at).toBe(boundaries.implementation);
  });

  it('the office proposes by hand; a rejection keeps the phase and the office may propose again', () => {
    let s = send(published({ promotion: true }), { type: 'plan.advance', at: T0 + DAY, reason: '准备就绪' });
    expect(s.snap.value).toBe('launch');
    expect(s.emitted[0]!.type).toBe('phaseProposed');
    s = send(s, { type: 'plan.phase.reject', at: T0 + 2 * DAY, note: '尚未完成动员' });
    expect(s.emitted[0]!.type).toBe('phaseRejected');
    expect(send(s, { type: 'plan.phase.approve', at: T0 + 3 * DAY, note: '' }).handled).toBe(false);
    s = send(s, { type: 'plan.advance', at: T0 + 4 * DAY, reason: '已完成动员' });
    s = send(s, { type: 'plan.phase.approve', at: T0 + 5 * DAY, note: '' });
    expect(s.snap.value).toBe('promotion');
  });

  it('a phase that needs no approval is entered on its date, as before', () => {
    const s = fireBoundary(published({ implementation: true }));
    expect(s.snap.value).toBe('promotion');
    expect(s.emitted[0]!.type).toBe('phaseChanged');
  });
});
