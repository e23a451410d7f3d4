/**
 * The task machine on [snapshot, actions], without Redis: every reachable state and
 * every transition (delayed ones included) keeps the supervision invariants, and the
 * ladder behaves as DOMAIN.md describes.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import { getAdjacencyMap, getShortestPaths, getSimplePaths } from 'xstate/graph';
import { taskMachine, type TaskContext } from '../../machines/index.js';
import { DEFAULT_ESCALATION } from '../../src/domain/policy.js';
import { taskState } from '../../src/engine/entity.js';
import { persist, restore, step, type Timers } from '../../src/engine/step.js';
import { DEADLINE, HOUR, T0, eventsFor, input, ownEventTypes, serialize } from './graph-helpers.js';

let tokens = 0;
const tok = () => `k${++tokens}`;

function start() {
  const [snap] = initialTransition(taskMachine, input);
  return { snap: snap as AnyMachineSnapshot, timers: {} as Timers };
}

/** Sends an event the way the engine does; a timer event fires at its due time. */
function send(s: { snap: AnyMachineSnapshot; timers: Timers }, event: { type: string; at?: number } & Record<string, unknown>) {
  const at = event.at ?? s.timers[event.type]?.at ?? T0;
  const r = step(taskMachine, s.snap, { ...event, at }, s.timers, tok);
  return { snap: r.snapshot, timers: r.timers, result: r };
}

/** The timers of the clock that chases whoever holds the task (not the 签收 clock). */
function clockTimers(timers: Timers): Timers {
  return Object.fromEntries(Object.entries(timers).filter(([id]) => !id.includes('.ackCheck.') && !id.includes('.ackChase.')));
}

function fire(
  s: { snap: AnyMachineSnapshot; timers: Timers },
  name: 'checkpoint' | 'rungGrace' | 'reviewCheck' | 'reviewGrace' | 'ackCheck',
) {
  const id = Object.keys(s.timers).find((k) => k.includes(`.${name}.`));
  if (!id) throw new Error(`no ${name} timer pending in ${JSON.stringify(s.snap.value)}`);
  return send(s, { type: id });
}

describe('task machine: every reachable state and transition', () => {
  const map = getAdjacencyMap(taskMachine, { input, events: eventsFor, serializeState: serialize });
  const paths = getShortestPaths(taskMachine, { input, events: eventsFor, serializeState: serialize });

  it('reaches every work state and every rung', () => {
    const works = new Set(paths.map((p) => taskState(p.state as never).work));
    expect([...works].sort()).toEqual([
      'accepted',
      'acknowledged',
      'assigned',
      'cancelled',
      'delivered',
      'draft',
      'inProgress',
      'rectification',
      'submitted',
      'underReview',
      'unfinished',
    ]);
    const rungs = new Set(paths.map((p) => p.state.context.rung));
    expect([...rungs].sort()).toEqual([0, 1, 2, 3, 4]);
    const stages = new Set(paths.map((p) => taskState(p.state as never).stage));
    expect([...stages].sort()).toEqual(['closed', 'draft', 'evaluation', 'implementation', 'launch', 'promotion']);
    const reviewRungs = new Set(paths.map((p) => p.state.context.reviewRung));
    expect([...reviewRungs].sort()).toEqual([0, 1, 2]);
    expect(paths.length).toBe(Object.keys(map).length);
  });

  it('restores every reachable state exactly from its stored form', () => {
    for (const { state } of Object.values(map)) {
      const stored = JSON.parse(JSON.stringify(persist(taskMachine, state)));
      const back = restore(taskMachine, stored);
      expect(persist(taskMachine, back)).toEqual(stored);
      expect(back.status).toBe(state.status);
      expect(ownEventTypes(back)).toEqual(ownEventTypes(state));
    }
  });

  it('keeps the supervision invariants on every transition, timed ones included', () => {
    let edges = 0;
    for (const { state } of Object.values(map)) {
      for (const event of eventsFor(state)) {
        const timers: Timers = {};
        for (const id of ownEventTypes(state).filter((t) => t.startsWith('xstate.after.'))) timers[id] = { at: event.at, tok: 'old' };
        const r = step(taskMachine, state, event, timers, tok);
        if (!r.handled) continue;
        edges++;
        const next = r.snapshot;
        const ctx = next.context as TaskContext;
        const view = taskState(next as never);
        const sup = JSON.stringify((next.value as { supervision: unknown }).supervision);
        // Acceptance, or the plan closing, and nothing else closes supervision.
        expect(['accepted', 'unfinished', 'cancelled'].includes(view.work)).toBe(view.supervision === 'closed');
        // A submitted task is the reviewer's: no clock of the department runs.
        expect(view.stage === 'evaluation').toBe(view.supervision === 'withReviewer');
        // Overdue always has a rung; a rung outlives the ladder only as the record of a submitted or closed task.
        if (sup.includes('overdue')) expect(ctx.rung).toBeGreaterThan(0);
        else if (ctx.rung > 0) expect(['closed', 'withReviewer', 'suspended']).toContain(view.supervision);
        // Suspended, the context says since when and from where; otherwise it says nothing.
        expect(view.supervision === 'suspended').toBe(ctx.suspension !== null);
        // Exactly the clock of whoever holds the task runs, and the 签收 clock until it is signed for.
        const pending = Object.keys(r.timers)
          .map((p) => p.split('.')[2])
          .sort();
        const clock = sup.includes('watching')
          ? ['checkpoint']
          : sup.includes('"escalating"') && sup.includes('overdue')
            ? ['rungGrace']
            : sup.includes('review') && sup.includes('waiting')
              ? ['reviewCheck']
              : sup.includes('review') && sup.includes('escalating')
                ? ['reviewGrace']
                : [];
        const ack = view.acknowledgement === 'waiting' ? ['ackCheck'] : view.acknowledgement === 'reminded' ? ['ackChase'] : [];
        expect(pending).toEqual([...clock, ...ack].sort());
        // A rung notice always names the rung just reached.
        for (const e of r.emitted) {
          const n = e.params as { kind: string; rung?: number };
          if (n.kind === 'rung') expect(n.rung).toBe(ctx.rung);
        }
      }
    }
    expect(edges).toBeGreaterThan(100);
  });
});

describe('task machine: every simple path of each region', () => {
  // All simple paths of the whole machine interleave the two parallel regions past
  // enumeration; each region's projection has few (the work region's ~30, the
  // supervision region's ~180, timed transitions included), so every path of each is
  // replayed the way the engine runs it.
  const projections = {
    supervision: (snap: AnyMachineSnapshot) => {
      const c = snap.context as TaskContext;
      const v = snap.value as { work: string; supervision: unknown };
      const work = v.work === 'draft' || v.work === 'accepted' ? v.work : ['submitted', 'underReview'].includes(v.work) ? 'review' : 'open';
      return JSON.stringify([v.supervision, c.rung, c.nextReminder, work]);
    },
    work: (snap: AnyMachineSnapshot) => {
      const v = snap.value as { work: string; supervision: unknown };
      return JSON.stringify([v.work, typeof v.supervision === 'string' ? v.supervision : 'running']);
    },
  };

  for (const [region, serializeState] of Object.entries(projections)) {
    it(`${region}: each path replays through the engine's step, every timer it fires was armed`, () => {
      const paths = getSimplePaths(taskMachine, { input, events: eventsFor, serializeState });
      expect(paths.length).toBeGreaterThan(region === 'work' ? 20 : 30);
      for (const path of paths) {
        let s = start();
        for (const { event } of path.steps.slice(1)) {
          if (event.type.startsWith('xstate.after.')) expect(s.timers[event.type], `${event.type} fired unarmed`).toBeDefined();
          const next = send(s, event as never);
          expect(next.result.handled).toBe(true);
          const view = taskState(next.snap as never);
          expect(['accepted', 'unfinished', 'cancelled'].includes(view.work)).toBe(view.supervision === 'closed');
          s = next;
        }
        expect(serializeState(s.snap)).toBe(serializeState(path.state));
      }
    });
  }
});

describe('task machine: the ladder', () => {
  it('reminds before the deadline, then climbs rung by rung with a rectification deadline each', () => {
    let s = send(start(), { type: 'task.activate', at: T0 });
    const notices: unknown[] = [];
    for (const name of ['checkpoint', 'checkpoint', 'checkpoint', 'rungGrace', 'rungGrace', 'rungGrace'] as const) {
      s = fire(s, name);
      notices.push(...s.result.emitted.map((e) => e.params));
    }
    expect(notices).toEqual([
      { kind: 'reminder', index: 0 },
      { kind: 'reminder', index: 1 },
      { kind: 'rung', rung: 1 },
      { kind: 'rung', rung: 2 },
      { kind: 'rung', rung: 3 },
      { kind: 'rung', rung: 4 },
    ]);
    const ctx = s.snap.context as TaskContext;
    expect(ctx.rung).toBe(4);
    expect(ctx.rectificationDeadline).toBeNull();
    expect(clockTimers(s.timers)).toEqual({});
  });

  it('times each rung from the previous one, not from when the job ran', () => {
    let s = send(start(), { type: 'task.activate', at: T0 });
    s = fire(fire(fire(s, 'checkpoint'), 'checkpoint'), 'checkpoint');
    const rung1 = s.snap.context as TaskContext;
    expect(rung1.rectificationDeadline).toBe(DEADLINE + 7 * 24 * HOUR);
  });

  it('sends one catch-up reminder, not a burst, when activated after reminder times', () => {
    let s = send(start(), { type: 'task.activate', at: DEADLINE - 12 * HOUR });
    s = fire(s, 'checkpoint');
    expect(s.result.emitted.map((e) => e.params)).toEqual([{ kind: 'reminder', index: 1 }]);
    s = fire(s, 'checkpoint');
    expect(s.result.emitted.map((e) => e.params)).toEqual([{ kind: 'rung', rung: 1 }]);
  });

  it('goes straight to rung 1 without reminders when activated after the deadline', () => {
    let s = send(start(), { type: 'task.activate', at: DEADLINE + HOUR });
    expect(Object.values(s.timers)[0]!.at).toBe(DEADLINE + HOUR); // due at once
    s = fire(s, 'checkpoint');
    expect(s.result.emitted.map((e) => e.params)).toEqual([{ kind: 'rung', rung: 1 }]);
  });

  it('a moved deadline re-arms supervision from the new date and resets the rung', () => {
    let s = send(start(), { type: 'task.activate', at: T0 });
    s = fire(fire(fire(s, 'checkpoint'), 'checkpoint'), 'checkpoint');
    expect((s.snap.context as TaskContext).rung).toBe(1);
    const newDeadline = DEADLINE + 20 * 24 * HOUR;
    s = send(s, { type: 'task.deadline.change', at: DEADLINE + HOUR, deadline: newDeadline, reason: '延期' });
    const ctx = s.snap.context as TaskContext;
    expect(ctx.rung).toBe(0);
    expect(s.result.cancelled.map((c) => c.id.split('.')[2])).toEqual(['rungGrace']);
    expect(Object.values(clockTimers(s.timers))[0]!.at).toBe(newDeadline - 7 * 24 * HOUR);
  });

  it('rejects a deadline in the past', () => {
    const s = send(start(), { type: 'task.activate', at: T0 });
    const r = send(s, { type: 'task.deadline.change', at: T0 + HOUR, deadline: T0, reason: 'x' });
    expect(r.result.handled).toBe(false);
  });

  it('returns a submitted task to rectification with a new deadline and a fresh ladder', () => {
    let s = send(start(), { type: 'task.activate', at: T0 });
    s = fire(fire(fire(fire(s, 'checkpoint'), 'checkpoint'), 'checkpoint'), 'rungGrace');
    s = send(s, { type: 'task.submit', at: DEADLINE + 8 * 24 * HOUR, evidence: ['https://e.org'], note: '' });
    s = send(s, { type: 'task.return', at: DEADLINE + 9 * 24 * HOUR, reason: '材料不全', deadline: DEADLINE + 30 * 24 * HOUR });
    expect(taskState(s.snap as never)).toMatchObject({ work: 'rectification', stage: 'implementation', supervision: 'onTrack' });
    const ctx = s.snap.context as TaskContext;
    expect([ctx.rung, ctx.returns, ctx.deadline]).toEqual([0, 1, DEADLINE + 30 * 24 * HOUR]);
  });

  it('submission stops the ladder and acceptance closes the task', () => {
    let s = send(start(), { type: 'task.activate', at: T0 });
    s = fire(fire(fire(s, 'checkpoint'), 'checkpoint'), 'checkpoint');
    s = send(s, { type: 'task.submit', at: DEADLINE + HOUR, evidence: ['https://e.org'], note: '' });
    expect(taskState(s.snap as never)).toMatchObject({ work: 'submitted', stage: 'evaluation', supervision: 'withReviewer' });
    expect(s.result.cancelled.map((c) => c.id.split('.')[2]).sort()).toEqual(['ackCheck', 'rungGrace']);
    expect(Object.keys(s.timers).map((id) => id.split('.')[2])).toEqual(['reviewCheck']);
    expect((s.snap.context as TaskContext).rung).toBe(1);
    s = send(s, { type: 'task.accept', at: DEADLINE + 2 * HOUR, note: '' });
    expect(s.snap.status).toBe('done');
    expect(s.timers).toEqual({});
  });

  it("sends no reminder after submission: the task is the reviewer's", () => {
    let s = send(start(), { type: 'task.activate', at: T0 });
    s = send(s, { type: 'task.submit', at: T0 + HOUR, evidence: ['https://e.org'], note: '' });
    expect(s.result.cancelled.map((c) => c.id.split('.')[2]).sort()).toEqual(['ackCheck', 'checkpoint']);
    expect(Object.keys(s.timers).map((id) => id.split('.')[2])).toEqual(['reviewCheck']);
    s = send(s, { type: 'task.review', at: T0 + 2 * HOUR });
    expect(taskState(s.snap as never)).toMatchObject({ work: 'underReview', supervision: 'withReviewer' });
    expect(Object.keys(s.timers).map((id) => id.split('.')[2])).toEqual(['reviewCheck']);
  });

  it('the plan closing ends open work as unfinished and stops its ladder', () => {
    let s = send(start(), { type: 'task.activate', at: T0 });
    s = fire(fire(fire(s, 'checkpoint'), 'checkpoint'), 'checkpoint');
    s = send(s, { type: 'task.close', at: DEADLINE + 2 * HOUR });
    expect(taskState(s.snap as never)).toMatchObject({ work: 'unfinished', supervision: 'closed' });
    expect(s.snap.status).toBe('done');
    expect(s.timers).toEqual({});
    expect((s.snap.context as TaskContext).rung).toBe(1);
  });

  it('the plan closing leaves an accepted task as it was', () => {
    let s = send(start(), { type: 'task.activate', at: T0 });
    s = send(s, { type: 'task.submit', at: T0 + HOUR, evidence: ['https://e.org'], note: '' });
    s = send(s, { type: 'task.accept', at: T0 + 2 * HOUR, note: '' });
    expect(send(s, { type: 'task.close', at: T0 + 3 * HOUR }).result.handled).toBe(false);
  });

  it('acknowledging is not closing: the ladder keeps its timer', () => {
    let s = send(start(), { type: 'task.activate', at: T0 });
    s = send(s, { type: 'task.acknowledge', at: T0 + HOUR });
    expect(Object.keys(s.timers)).toHaveLength(1);
  });

  it('keeps the policy it was activated with', () => {
    const s = send(start(), { type: 'task.activate', at: T0 });
    expect((s.snap.context as TaskContext).policy).toEqual(DEFAULT_ESCALATION);
  });
});
