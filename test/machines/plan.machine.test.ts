import { describe, expect, it } from 'vitest';
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import { getSimplePaths } from 'xstate/graph';
import { planMachine, type PlanContext, type PlanEvent } from '../../machines/index.js';
import { step, type Timers } from '../../src/engine/step.js';
import { ownEventTypes } from './graph-helpers.js';

const boundaries = { promotion: 1_000, implementation: 2_000, evaluation: 3_000, closed: 4_000 };
const input = { at: 0, boundaries };

function eventsFor(snapshot: AnyMachineSnapshot): PlanEvent[] {
  const ctx = snapshot.context as PlanContext;
  // Suspension does not move a plan through its phases: it is tested on its own (test/integration/office-actions.test.ts).
  const phaseEvents = ownEventTypes(snapshot).filter((type) => type !== 'plan.suspend' && type !== 'plan.resume');
  return phaseEvents.map((type) => {
    if (type === 'plan.advance') return { type, at: 10, reason: '提前完成' };
    // An amendment that moves nothing re-arms the same boundary: the traversal sees no new state.
    if (type === 'plan.amend') return { type, at: 5, boundaries: ctx.boundaries, approvals: ctx.approvals };
    if (type.startsWith('xstate.after.'))
      return { type, at: ctx.boundaries[type.split('.')[2] as keyof PlanContext['boundaries']] } as never;
    return { type, at: 5 } as PlanEvent;
  });
}

describe('plan machine', () => {
  const paths = getSimplePaths(planMachine, { input, events: eventsFor });

  it('reaches closed along every path, by dates or by hand, one phase at a time', () => {
    const toClosed = paths.filter((p) => p.state.value === 'closed');
    // Four phase boundaries, each crossed by its timer or by hand: 2^4 paths.
    expect(toClosed.length).toBe(16);
    for (const p of toClosed) {
      expect(p.steps.map((s) => s.state.value)).toEqual(['draft', 'launch', 'promotion', 'implementation', 'evaluation', 'closed']);
    }
  });

  it('emits phaseChanged on every change, marked manual when advanced by hand', () => {
    let tokens = 0;
    for (const p of paths) {
      let snap = initialTransition(planMachine, input)[0] as AnyMachineSnapshot;
      let timers: Timers = {};
      for (const s of p.steps.slice(1)) {
        const r = step(planMachine, snap, s.event, timers, () => `k${++tokens}`);
        expect(r.handled).toBe(true);
        const changed = r.emitted.filter((e) => e.type === 'phaseChanged').map((e) => e.params as { to: string; manual: boolean });
        expect(changed).toEqual([{ from: snap.value, to: r.snapshot.value, manual: !s.event.type.startsWith('xstate.after.') }]);
        // Exactly one pending timer until closed: the next boundary.
        expect(Object.keys(r.timers).length).toBe(r.snapshot.value === 'closed' ? 0 : 1);
        snap = r.snapshot;
        timers = r.timers;
      }
    }
  });

  it('publishing activates the tasks; nothing else does', () => {
    const [draft] = initialTransition(planMachine, input);
    const r = step(planMachine, draft as AnyMachineSnapshot, { type: 'plan.publish', at: 0 }, {}, () => 'k');
    expect(r.emitted.map((e) => e.type)).toEqual(['activateTasks', 'phaseChanged']);
    expect(Object.values(r.timers)[0]!.at).toBe(boundaries.promotion);
  });
});
