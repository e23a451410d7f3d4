/**
 * One pure step of an entity: restore its snapshot, apply one event, and work out
 * which timers that armed and cancelled. No I/O, no clock: the engine and the
 * simulator both drive machines through this function, so there is one
 * implementation of the rules.
 *
 * Timers: a delayed transition comes back from xstate as an `xstate.raise` with a
 * delay and is cancelled by an `xstate.cancel` on exit. Each armed timer gets a
 * fresh fencing token; a job that fires with a token the entity no longer holds is
 * stale and does nothing.
 */
import { createActor, type AnyStateMachine, type AnyMachineSnapshot, type SnapshotFrom } from 'xstate';
import { PLAN_COMMAND_TYPES, TASK_COMMAND_TYPES } from '../domain/commands.schema.js';
import {
  eventTime,
  planMachine,
  taskMachine,
  type PhaseChanged,
  type PlanEvent,
  type PlanMachine,
  type PlanStage,
  type TaskEvent,
  type TaskMachine,
  type TaskNotice,
} from '../../machines/index.js';

export interface TimerEntry {
  /** Epoch ms the timer is due. */
  at: number;
  /** Fencing token; also the BullMQ job id. */
  tok: string;
}

/** Pending timers keyed by the delayed event's type (`xstate.after.checkpoint.task…`). */
export type Timers = Record<string, TimerEntry>;

export interface Emitted {
  type: string;
  params: unknown;
}

export interface StepResult<S = AnyMachineSnapshot, E = Emitted> {
  handled: boolean;
  snapshot: S;
  timers: Timers;
  armed: (TimerEntry & { id: string })[];
  cancelled: (TimerEntry & { id: string })[];
  emitted: E[];
}

export type TaskSnapshot = SnapshotFrom<TaskMachine>;
export type PlanSnapshot = SnapshotFrom<PlanMachine>;
/** A due timer, injected as the delayed event it stands for, at the time it was due. */
export interface TimerEvent {
  type: `xstate.after.${string}`;
  at: number;
  /** When it actually ran, set only when it ran past the engine's lateness threshold (an outage). */
  firedAt?: number;
}
/** What the task machine asks the engine to do: send a notice. */
export type TaskEmitted = { type: 'notice'; params: TaskNotice };
/** What the plan machine asks: activate its tasks, announce a phase change. */
export type PlanEmitted =
  | { type: 'activateTasks'; params: undefined }
  | { type: 'phaseChanged'; params: PhaseChanged }
  | { type: 'phaseProposed'; params: PhaseChanged }
  | { type: 'phaseRejected'; params: { from: PlanStage; to: PlanStage } }
  | { type: 'suspendTasks'; params: undefined }
  | { type: 'resumeTasks'; params: undefined };

export type TokenSource = () => string;

/**
 * A stored snapshot back to a live one. `resolveState` is enough for our machines —
 * no spawned children, no history states — and a third of the cost of creating an
 * actor (~33 µs against ~90 µs); test/machines checks the round trip for every
 * reachable state. A machine that gains children must restore through createActor.
 */
export function restore(machine: AnyStateMachine, persisted: unknown): AnyMachineSnapshot {
  return machine.resolveState(persisted as never) as AnyMachineSnapshot;
}

export function persist(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): unknown {
  return machine.getPersistedSnapshot(snapshot);
}

/** Events the snapshot's active states listen for, for a 409 that says what would work. */
export function acceptedEvents(snapshot: AnyMachineSnapshot): string[] {
  const events = new Set<string>();
  for (const node of snapshot._nodes) for (const e of node.ownEvents as string[]) if (!e.startsWith('xstate.')) events.add(e);
  return [...events].sort();
}

const COMMANDS = new Set<string>([...TASK_COMMAND_TYPES, ...PLAN_COMMAND_TYPES]);

/**
 * What to tell someone whose command the state refused: the commands (of the API's) it
 * has a transition for, less the one just refused. The machine's own events (fan-out
 * from the plan, timers) are not a caller's to send, and a transition held back by its
 * guard is not on offer either.
 */
export function offeredCommands(snapshot: AnyMachineSnapshot, refused: string): string[] {
  return acceptedEvents(snapshot).filter((e) => COMMANDS.has(e) && e !== refused);
}

/** Folds a transition's actions into the timer table, in order. */
export function applyActions(
  actions: readonly { type: string; params?: unknown }[],
  before: Timers,
  at: number,
  newToken: TokenSource,
): Omit<StepResult, 'handled' | 'snapshot'> {
  const timers: Timers = { ...before };
  const emitted: Emitted[] = [];
  for (const action of actions) {
    const params = action.params as { id?: string; delay?: number; sendId?: string } | undefined;
    if (action.type === 'xstate.raise' && typeof params?.delay === 'number' && params.id) {
      timers[params.id] = { at: at + params.delay, tok: newToken() };
    } else if (action.type === 'xstate.cancel' && params?.sendId) {
      delete timers[params.sendId];
    } else if (!action.type.startsWith('xstate.')) {
      emitted.push({ type: action.type, params: action.params });
    }
  }
  const armed = Object.entries(timers)
    .filter(([id, t]) => before[id]?.tok !== t.tok)
    .map(([id, t]) => ({ id, ...t }));
  const cancelled = Object.entries(before)
    .filter(([id, t]) => timers[id]?.tok !== t.tok)
    .map(([id, t]) => ({ id, ...t }));
  return { timers, armed, cancelled, emitted };
}

interface InertScope {
  scope: Parameters<AnyStateMachine['transition']>[2];
  actions: { type: string; params?: unknown }[];
}
const scopes = new WeakMap<AnyStateMachine, InertScope>();

/**
 * xstate's pure `transition(machine, snapshot, event)`, without its cost: xstate builds
 * a fresh inert actor for every call, and building one computes the machine's initial
 * state — a third of a timer transition's CPU in the bench profile. The scope is built
 * once per machine and its action list reset per call; that is sound because the
 * call is synchronous and our machines spawn no children (nothing registers in the
 * scope's system) and every deferred effect is collected as an action, never run.
 * test/machines/pure-transition.test.ts checks it against xstate's own `transition`
 * on every reachable state and event.
 */
export function pureTransition(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: { type: string },
): [AnyMachineSnapshot, { type: string; params?: unknown }[]] {
  return collecting(machine, (scope) => machine.transition(snapshot, event, scope));
}

/** xstate's `initialTransition(machine, input)`, on the same reused scope. */
export function pureInitial(machine: AnyStateMachine, input: unknown): [AnyMachineSnapshot, { type: string; params?: unknown }[]] {
  return collecting(machine, (scope) => machine.getInitialSnapshot(scope, input));
}

/** Runs `fn` on the machine's reused scope and returns its snapshot with the actions it collected. */
function collecting(
  machine: AnyStateMachine,
  fn: (scope: InertScope['scope']) => unknown,
): [AnyMachineSnapshot, { type: string; params?: unknown }[]] {
  const inert = inertScope(machine);
  const actions: InertScope['actions'] = [];
  inert.actions = actions;
  try {
    return [fn(inert.scope) as AnyMachineSnapshot, actions];
  } finally {
    inert.actions = [];
  }
}

function inertScope(machine: AnyStateMachine): InertScope {
  let inert = scopes.get(machine);
  if (!inert) {
    const self = createActor(machine);
    const box: InertScope = { scope: undefined as never, actions: [] };
    box.scope = {
      self,
      id: '',
      sessionId: '',
      logger: () => undefined,
      defer: () => undefined,
      emit: () => undefined,
      stopChild: () => undefined,
      system: self.system,
      actionExecutor: (action) => void box.actions.push(action),
    };
    scopes.set(machine, box);
    inert = box;
  }
  return inert;
}

/**
 * Applies `event` to `snapshot`. An event the state does not take (or whose guard
 * fails) changes nothing: xstate then returns the very same snapshot object and no
 * actions.
 */
export function step(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  event: { type: string; at: number },
  timers: Timers,
  newToken: TokenSource,
): StepResult {
  const [next, actions] = pureTransition(machine, snapshot, event);
  // A transition that only emits (an urge) leaves xstate's snapshot as it was: it is
  // handled all the same when it asks for an action.
  if (next === snapshot && actions.length === 0) return { handled: false, snapshot, timers, armed: [], cancelled: [], emitted: [] };
  // A timer that fired is spent, even when its transition stays in the state that armed it.
  const left = event.type in timers && event.type.startsWith('xstate.after.') ? omit(timers, event.type) : timers;
  const folded = applyActions(actions, left, eventTime(event), newToken);
  // Report the spent timer as cancelled against the table the caller holds.
  const cancelled = Object.entries(timers)
    .filter(([id, t]) => folded.timers[id]?.tok !== t.tok)
    .map(([id, t]) => ({ id, ...t }));
  return { handled: true, snapshot: next, ...folded, cancelled };
}

/** One step of a task: the machine's own event and action types, no casts at the callers. */
export function stepTask(
  snapshot: TaskSnapshot,
  event: TaskEvent | TimerEvent,
  timers: Timers,
  newToken: TokenSource,
): StepResult<TaskSnapshot, TaskEmitted> {
  return step(taskMachine, snapshot, event, timers, newToken) as StepResult<TaskSnapshot, TaskEmitted>;
}

/** One step of a plan. */
export function stepPlan(
  snapshot: PlanSnapshot,
  event: PlanEvent | TimerEvent,
  timers: Timers,
  newToken: TokenSource,
): StepResult<PlanSnapshot, PlanEmitted> {
  return step(planMachine, snapshot, event, timers, newToken) as StepResult<PlanSnapshot, PlanEmitted>;
}

function omit(timers: Timers, id: string): Timers {
  const { [id]: _spent, ...rest } = timers;
  return rest;
}

/** The timer's short name for history and views: `checkpoint`, `rungGrace`, `promotion`… */
export function timerName(id: string): string {
  return id.startsWith('xstate.after.') ? (id.split('.')[2] ?? id) : id;
}
