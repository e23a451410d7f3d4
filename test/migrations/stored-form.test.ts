/**
 * Snapshots and timers are stored compact (src/engine/stored-form.ts): empty context
 * fields and xstate's top-level defaults left out, timers under short aliases. What is
 * stored must load back to exactly what xstate persisted, for every state either
 * machine can reach; what earlier builds stored in full must load as it always did.
 */
import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import { planMachine, PLAN_MACHINE_VERSION, taskMachine, TASK_MACHINE_VERSION } from '../../machines/index.js';
import { migrate, UnknownMachineVersionError, type PersistedSnapshot } from '../../src/engine/migrations.js';
import { persist, pureInitial } from '../../src/engine/step.js';
import {
  hasCompactForm,
  packHistoryEntry,
  packSnapshot,
  packTimers,
  StoredFormError,
  unpackHistoryEntry,
  unpackSnapshot,
  unpackTimers,
} from '../../src/engine/stored-form.js';
import { eventsFor, input, ownEventTypes, planEvents, planInput, serialize } from '../machines/graph-helpers.js';

function reachable(machine: AnyStateMachine): AnyMachineSnapshot[] {
  const options =
    machine === taskMachine
      ? { input, events: eventsFor, serializeState: serialize }
      : { input: planInput, events: planEvents, serializeState: (s: AnyMachineSnapshot) => JSON.stringify(s.value) };
  return Object.values(getAdjacencyMap(machine, options as never)).map(({ state }) => state as AnyMachineSnapshot);
}

describe.each([
  { kind: 'task' as const, machine: taskMachine as AnyStateMachine, mv: TASK_MACHINE_VERSION },
  { kind: 'plan' as const, machine: planMachine as AnyStateMachine, mv: PLAN_MACHINE_VERSION },
])('the $kind snapshot as stored', ({ kind, machine, mv }) => {
  it("this build's machine version has a compact form", () => {
    expect(hasCompactForm(kind, mv)).toBe(true);
  });

  it('loads back to what xstate persisted, for every reachable state', () => {
    const states = reachable(machine);
    expect(states.length).toBeGreaterThan(kind === 'task' ? 100 : 3);
    let shorter = 0;
    for (const state of states) {
      const persisted = persist(machine, state) as PersistedSnapshot;
      const stored = packSnapshot(kind, mv, persisted);
      expect(unpackSnapshot(kind, mv, stored)).toEqual(JSON.parse(JSON.stringify(persisted)));
      if (stored.length < JSON.stringify(persisted).length) shorter++;
    }
    expect(shorter).toBe(states.length);
  });

  it('leaves out only what it can put back: every left-out field is in the machine’s first context with that value', () => {
    const first = persist(machine, pureInitial(machine, kind === 'task' ? input : planInput)[0]) as PersistedSnapshot;
    const stored = JSON.parse(packSnapshot(kind, mv, first)) as PersistedSnapshot;
    const left = Object.keys(first.context).filter((f) => !(f in stored.context));
    expect(left.length).toBeGreaterThan(1);
    const back = unpackSnapshot(kind, mv, JSON.stringify(stored));
    for (const f of left) expect(back.context[f]).toEqual(first.context[f]);
    expect(stored.status).toBeUndefined();
  });

  it('reads a snapshot stored in full, as every earlier build stored it', () => {
    const full = persist(machine, pureInitial(machine, kind === 'task' ? input : planInput)[0]) as PersistedSnapshot;
    expect(unpackSnapshot(kind, mv, JSON.stringify(full))).toEqual(JSON.parse(JSON.stringify(full)));
  });
});

describe('builds before the compact form', () => {
  it('refuse compact data rather than misread it: it is stored under machine versions newer than theirs', () => {
    // Task machine v4 and plan machine v2 were the last stored in full.
    expect(hasCompactForm('task', 4)).toBe(false);
    expect(hasCompactForm('plan', 2)).toBe(false);
    const stored = { snap: { value: 'x', context: {} }, timers: {} };
    expect(() => migrate('task', TASK_MACHINE_VERSION, stored, 4)).toThrow(UnknownMachineVersionError);
    expect(() => migrate('plan', PLAN_MACHINE_VERSION, stored, 2)).toThrow(/newer than this build/);
  });
});

describe('a compact snapshot this build cannot read', () => {
  it('is refused, naming the form and the machine version, rather than read with the wrong defaults', () => {
    expect(() => unpackSnapshot('task', TASK_MACHINE_VERSION, '{"z":2,"value":"x","context":{}}')).toThrow(StoredFormError);
    expect(() => unpackSnapshot('task', 99, '{"z":1,"value":"x","context":{}}')).toThrow(/compact form 1 by machine v99/);
  });

  it('is not written for a machine version that has no pinned table: that version is stored in full', () => {
    const full = { status: 'active', value: 'x', historyValue: {}, children: {}, context: { rung: 0 } };
    expect(JSON.parse(packSnapshot('task', 99, full))).toEqual(full);
  });
});

describe('timers as stored', () => {
  const every = new Set<string>();
  for (const s of reachable(taskMachine as AnyStateMachine))
    for (const t of ownEventTypes(s)) if (t.startsWith('xstate.after.')) every.add(t);

  it('every delayed event of the task machine is stored under a short alias and read back under its id', () => {
    expect(every.size).toBeGreaterThanOrEqual(6);
    const timers = Object.fromEntries([...every].map((id, i) => [id, { at: 1_800_000_000_000 + i, tok: `tok${i}` }]));
    const stored = packTimers(timers);
    for (const id of every) expect(stored).not.toContain(id);
    expect(unpackTimers(stored)).toEqual(timers);
  });

  it('reads timers stored by earlier builds ({id: {at, tok}}), and ids it has no alias for', () => {
    const old = {
      'xstate.after.checkpoint.task.supervision.watching': { at: 5, tok: 'a' },
      'xstate.after.promotion.plan.launch': { at: 6, tok: 'b' },
    };
    expect(unpackTimers(JSON.stringify(old))).toEqual(old);
    expect(unpackTimers(packTimers(old))).toEqual(old);
    expect(unpackTimers(undefined)).toEqual({});
  });
});

describe('task v6 leaves out what most tasks share, and keeps what differs', () => {
  const first = () => persist(taskMachine, pureInitial(taskMachine, input)[0]) as PersistedSnapshot;

  it('the commonest time zone and calendar, and an original deadline that is still the deadline, are not stored', () => {
    const s = first();
    expect(s.context.zone).toBe('Asia/Shanghai');
    const stored = packSnapshot('task', 6, s);
    expect(stored).not.toMatch(/zone|calendar|originalDeadline/);
    expect(unpackSnapshot('task', 6, stored)).toEqual(JSON.parse(JSON.stringify(s)));
  });

  it('another zone and calendar, and a deadline that moved, come back as they were', () => {
    const s = first();
    s.context = { ...s.context, zone: 'Asia/Urumqi', calendar: 'none', deadline: (s.context.deadline as number) + 86_400_000 };
    const stored = packSnapshot('task', 6, s);
    expect(stored).toMatch(/Asia\/Urumqi/);
    const back = unpackSnapshot('task', 6, stored);
    expect(back).toEqual(JSON.parse(JSON.stringify(s)));
    expect(back.context.originalDeadline).not.toBe(back.context.deadline);
  });

  it('v5 data, which stored them, reads as before', () => {
    const s = first();
    expect(unpackSnapshot('task', 5, packSnapshot('task', 5, s))).toEqual(JSON.parse(JSON.stringify(s)));
    expect(packSnapshot('task', 5, s)).toMatch(/Asia\/Shanghai/);
  });
});

describe('history entries as stored', () => {
  const state = (work: string, supervision: string) => ({
    work,
    stage: 'launch',
    supervision,
    rung: 0,
    reviewRung: 0,
    acknowledgement: 'waiting',
    extension: 'idle',
  });

  it("a task's states are stored as two arrays and read back by name", () => {
    const entry = {
      at: 1,
      by: 'office:o',
      event: 'task.progress',
      from: state('assigned', 'onTrack'),
      to: state('inProgress', 'onTrack'),
      data: { percent: 10 },
    };
    const stored = packHistoryEntry(entry);
    expect(stored).not.toMatch(/"from"|"supervision"/);
    expect(stored.length).toBeLessThan(JSON.stringify(entry).length - 100);
    expect(unpackHistoryEntry(stored)).toEqual(entry);
  });

  it('any other from/to (a plan stage, a person, nothing) is stored as it is, as earlier builds stored every entry', () => {
    for (const [from, to] of [
      ['launch', 'promotion'],
      [null, 'p-zhao'],
      [{ work: 'draft' }, state('assigned', 'onTrack')],
    ] as const) {
      const entry = { at: 2, by: 'system', event: 'x', from, to };
      expect(packHistoryEntry(entry)).toBe(JSON.stringify(entry));
      expect(unpackHistoryEntry(JSON.stringify(entry))).toEqual(entry);
    }
  });

  it('the chain fields the commit adds read back with the entry', () => {
    const stored = packHistoryEntry({ at: 1, by: 'system', event: 'e', from: state('a', 'b'), to: state('c', 'd') });
    const chained = `${stored.slice(0, -1)},"prev":"","hash":"${'a'.repeat(40)}"}`;
    expect(unpackHistoryEntry(chained)).toMatchObject({ hash: 'a'.repeat(40), from: state('a', 'b') });
  });
});
