/**
 * The engine steps machines through `pureTransition` (src/engine/step.ts), which reuses
 * one inert scope per machine instead of building an actor per call as xstate's own
 * `transition` does. It must give exactly what xstate gives: the same next snapshot and
 * the same actions, in order, for every reachable state of both machines and every
 * event each state takes — timers included — and the same first snapshot.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import { planMachine, taskMachine } from '../../machines/index.js';
import { persist, pureInitial, pureTransition } from '../../src/engine/step.js';
import { eventsFor, input, planEvents, planInput, serialize } from './graph-helpers.js';

/** What a caller can observe of a step: the stored snapshot and each action's type and params. */
const observed = ([snap, actions]: [AnyMachineSnapshot, readonly { type: string; params?: unknown }[]], m: AnyStateMachine) => ({
  snap: persist(m, snap),
  actions: actions.map((a) => ({ type: a.type, params: a.params })),
});

const planKey = (s: AnyMachineSnapshot) => JSON.stringify(s.value);

describe.each([
  { name: 'task', machine: taskMachine as AnyStateMachine, input, events: eventsFor, key: serialize },
  { name: 'plan', machine: planMachine as AnyStateMachine, input: planInput, events: planEvents, key: planKey },
])('pureTransition on the $name machine', ({ machine, input, events, key }) => {
  it('starts where xstate starts', () => {
    expect(observed(pureInitial(machine, input), machine)).toEqual(observed(initialTransition(machine, input as never), machine));
  });

  it('gives the snapshot and actions xstate gives, for every reachable state and event, repeatedly', () => {
    const map = getAdjacencyMap(machine, { input, events, serializeState: key } as never);
    let compared = 0;
    let changed = 0;
    for (const { state } of Object.values(map)) {
      for (const event of events(state as AnyMachineSnapshot)) {
        const ours = pureTransition(machine, state as AnyMachineSnapshot, event);
        const theirs = transition(machine, state as AnyMachineSnapshot, event as never);
        // An event the state ignores comes back as the very same object from both.
        expect(ours[0] === state).toBe(theirs[0] === state);
        expect(observed(ours, machine)).toEqual(observed(theirs, machine));
        // The scope is reused: a second call must not see the first one's actions.
        expect(observed(pureTransition(machine, state as AnyMachineSnapshot, event), machine)).toEqual(observed(theirs, machine));
        compared++;
        if (theirs[1].length > 0) changed++;
      }
    }
    expect(compared).toBeGreaterThan(machine === taskMachine ? 100 : 10);
    expect(changed).toBeGreaterThan(0);
  });
});
