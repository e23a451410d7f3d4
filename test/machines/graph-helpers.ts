/**
 * Feeds xstate/graph every event a state takes — user events and the delayed
 * (`xstate.after.*`) ones the engine would fire as jobs — so traversals cover the
 * timed transitions too.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { acceptedEvents } from '../../src/engine/step.js';

/** Every event the snapshot's active states listen for, timers included. */
export function ownEventTypes(snapshot: AnyMachineSnapshot): string[] {
  const types = new Set<string>(acceptedEvents(snapshot));
  for (const node of snapshot._nodes) for (const e of node.ownEvents) if (e.startsWith('xstate.after.')) types.add(e);
  return [...types].sort();
}
