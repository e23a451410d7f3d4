/**
 * The task machine's state tree as plain JSON for the task page's diagram: read
 * from the machine definition itself, so the picture cannot drift from the rules.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';

export interface GraphTransition {
  /** `task.submit`, or `after:checkpoint` for a timer. */
  event: string;
  targets: string[];
  guard: string | null;
}

export interface GraphNode {
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  initial: string | null;
  transitions: GraphTransition[];
  children: GraphNode[];
}

interface NodeLike {
  id: string;
  key: string;
  type: GraphNode['type'];
  initial?: { target: readonly { id: string }[] } | undefined;
  transitions: Map<string, readonly { target?: readonly { id: string }[] | undefined; guard?: unknown }[]>;
  states: Record<string, NodeLike>;
}

function eventName(type: string): string {
  // Delayed transitions are named `xstate.after.<delay>.<state id>` by xstate.
  return type.startsWith('xstate.after.') ? `after:${type.split('.')[2]}` : type;
}

function guardName(guard: unknown): string | null {
  if (!guard) return null;
  if (typeof guard === 'string') return guard;
  const type = (guard as { type?: unknown }).type;
  return typeof type === 'string' ? type : 'guard';
}

function walk(node: NodeLike): GraphNode {
  const transitions: GraphTransition[] = [];
  for (const [type, list] of node.transitions) {
    for (const t of list) {
      transitions.push({ event: eventName(type), targets: (t.target ?? []).map((s) => s.id), guard: guardName(t.guard) });
    }
  }
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    initial: node.initial?.target[0]?.id ?? null,
    transitions,
    children: Object.values(node.states).map(walk),
  };
}

/** The machine's states, nested as declared, with each state's own transitions. */
export function machineGraph(machine: AnyStateMachine): GraphNode {
  return walk(machine.root);
}

/** Ids of every active state of a snapshot, ancestors included (`task.work.inProgress`, `task.work`, …). */
export function activeStateIds(snapshot: AnyMachineSnapshot): string[] {
  return snapshot._nodes.map((n) => n.id);
}
