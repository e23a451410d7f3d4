/**
 * The compact form in which a snapshot and its timers are stored.
 *
 * An open task is mostly empty fields: no rectification deadline yet, no progress, no
 * review, no suspension. Stored as xstate persists it, a task's snapshot was 743 bytes,
 * most of them field names followed by `null`; its timers spelt out their xstate ids
 * (`xstate.after.checkpoint.task.supervision.watching`). At a million open tasks that
 * is gigabytes of Redis saying nothing.
 *
 * So a snapshot is stored with `"z":1` first and without every context field that
 * holds its empty value, and without xstate's top-level defaults (`status: active`,
 * empty `historyValue` and `children`); loading puts them back. A timer is stored as
 * `alias: [at, tok]`. What a field's empty value is, and what an alias stands for, is
 * pinned here by the machine version that wrote the snapshot: a later machine adds a
 * table for its own version and never changes an earlier one, so whatever was stored
 * compact by any build decodes to what that build meant.
 *
 * Snapshots stored in full (every build before this one, or a machine version with no
 * table) have no `z` and are read as they are. The compact form came with task machine
 * v5 and plan machine v3, so a build before it refuses compact data (a newer machine
 * version) instead of misreading it.
 */
import type { PersistedSnapshot } from './migrations.js';
import type { RecordEntry } from '../domain/record.js';
import type { Timers } from './step.js';

type Kind = 'plan' | 'task';
/** A field's empty value; or, pinned from task v6 on, a default value most tasks hold (a string). */
type Empty = null | 0 | readonly [] | string;

/** Task context fields left out while they hold the given empty value (task machine v5). */
const TASK_EMPTY_V5: Readonly<Record<string, Empty>> = {
  reminderTimes: [],
  nextReminder: 0,
  rung: 0,
  rectificationDeadline: null,
  progress: null,
  returns: 0,
  issuedAt: null,
  ackDeadline: null,
  ackChaseAt: null,
  ackPausedAt: null,
  acknowledgedAt: null,
  submittedAt: null,
  reviewDeadline: null,
  reviewReminderTimes: [],
  nextReviewReminder: 0,
  reviewRung: 0,
  reviewRectificationDeadline: null,
  extensionRequest: null,
  extensions: 0,
  suspension: null,
};
/** Task v6: as v5, and the plan's time zone and calendar most plans use (a task carries its plan's). */
const TASK_EMPTY_V6: Readonly<Record<string, Empty>> = { ...TASK_EMPTY_V5, zone: 'Asia/Shanghai', calendar: 'cn-mainland' };
const PLAN_EMPTY_V3: Readonly<Record<string, Empty>> = { proposal: null, suspension: null };
/**
 * Context fields left out while they hold the same value as another field, by machine
 * version: a task's original deadline is its deadline until one is moved.
 */
const SAME_AS: Record<Kind, Record<number, Readonly<Record<string, string>>>> = {
  task: { 6: { originalDeadline: 'deadline' } },
  plan: {},
};
const NONE: Readonly<Record<string, string>> = {};
/**
 * Context fields left out while they hold the given empty value, by the machine version
 * that wrote them. Task v6 and plan v4 changed no context (only the layout around the
 * snapshot); task v6 also leaves out the commonest time zone and calendar.
 */
const EMPTY_CONTEXT: Record<Kind, Record<number, Readonly<Record<string, Empty>>>> = {
  task: { 5: TASK_EMPTY_V5, 6: TASK_EMPTY_V6 },
  plan: { 3: PLAN_EMPTY_V3, 4: PLAN_EMPTY_V3 },
};

/** What a stored snapshot leaves out at its top level, as xstate persists an active machine. */
const TOP_LEVEL_DEFAULTS = { status: 'active', historyValue: {}, children: {} } as const;

/** Short names of the task machine's delayed events. Never reuse or change one: stored timers name them. */
const TIMER_ALIASES: Readonly<Record<string, string>> = {
  ck: 'xstate.after.checkpoint.task.supervision.watching',
  rg: 'xstate.after.rungGrace.task.supervision.overdue.escalating',
  ac: 'xstate.after.ackCheck.task.acknowledgement.waiting',
  ah: 'xstate.after.ackChase.task.acknowledgement.reminded',
  vc: 'xstate.after.reviewCheck.task.supervision.review.waiting',
  vg: 'xstate.after.reviewGrace.task.supervision.review.escalating',
};
const ID_OF = new Map(Object.entries(TIMER_ALIASES));
const ALIAS_OF = new Map([...ID_OF].map(([alias, id]) => [id, alias]));

export class StoredFormError extends Error {}

/** Whether compact snapshots can be written for this machine version (a table is pinned for it). */
export function hasCompactForm(kind: Kind, machineVersion: number): boolean {
  return EMPTY_CONTEXT[kind][machineVersion] !== undefined;
}

const arrayFields = new Map<string, string[]>();
/** The fields whose empty value is an array: each snapshot loaded gets arrays of its own, never the table's. */
function emptyArrays(kind: Kind, machineVersion: number, empties: Readonly<Record<string, Empty>>): string[] {
  const key = `${kind}${machineVersion}`;
  let fields = arrayFields.get(key);
  if (!fields) {
    fields = Object.keys(empties).filter((f) => Array.isArray(empties[f]));
    arrayFields.set(key, fields);
  }
  return fields;
}

function isEmpty(value: unknown, empty: Empty): boolean {
  if (empty === null || empty === 0 || typeof empty === 'string') return value === empty;
  return Array.isArray(value) && value.length === 0;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/** The JSON stored for a persisted snapshot written by machine `machineVersion`. */
export function packSnapshot(kind: Kind, machineVersion: number, persisted: PersistedSnapshot): string {
  const empties = EMPTY_CONTEXT[kind][machineVersion];
  if (!empties) return JSON.stringify(persisted);
  const out: Record<string, unknown> = { z: 1 };
  for (const [field, value] of Object.entries(persisted)) {
    if (field === 'context' || value === undefined) continue;
    if (field === 'status' && value === TOP_LEVEL_DEFAULTS.status) continue;
    if ((field === 'historyValue' || field === 'children') && isEmptyObject(value)) continue;
    out[field] = value;
  }
  const context: Record<string, unknown> = {};
  const same = SAME_AS[kind][machineVersion] ?? NONE;
  for (const [field, value] of Object.entries(persisted.context)) {
    if (value === undefined) continue;
    const empty = empties[field];
    if (empty !== undefined && isEmpty(value, empty)) continue;
    const other = same[field];
    if (other !== undefined && value === persisted.context[other]) continue;
    context[field] = value;
  }
  out.context = context;
  return JSON.stringify(out);
}

/** A stored snapshot as xstate persisted it, whichever form it was stored in. */
export function unpackSnapshot(kind: Kind, machineVersion: number, raw: string): PersistedSnapshot {
  const stored = JSON.parse(raw) as PersistedSnapshot & { z?: number };
  if (stored.z === undefined) return stored;
  const empties = EMPTY_CONTEXT[kind][machineVersion];
  if (stored.z !== 1 || !empties) {
    throw new StoredFormError(
      `${kind} snapshot stored in compact form ${String(stored.z)} by machine v${machineVersion}, which this build cannot read`,
    );
  }
  const { z: _z, context, ...rest } = stored;
  // The empties first, then what was stored over them (Object.assign: V8 spreads two objects whose keys overlap ten times slower).
  const full = Object.assign({}, empties, context) as Record<string, unknown>;
  for (const field of emptyArrays(kind, machineVersion, empties)) if (full[field] === empties[field]) full[field] = [];
  const same = SAME_AS[kind][machineVersion];
  if (same) for (const field in same) if (!(field in context)) full[field] = full[same[field]!];
  const out = Object.assign({ status: TOP_LEVEL_DEFAULTS.status, historyValue: {}, children: {} }, rest, {
    context: full,
  }) as PersistedSnapshot;
  return out;
}

/** The JSON stored for pending timers: `{alias: [at, tok]}`. */
export function packTimers(timers: Timers): string {
  const out: Record<string, [number, string]> = {};
  for (const [id, { at, tok }] of Object.entries(timers)) out[ALIAS_OF.get(id) ?? id] = [at, tok];
  return JSON.stringify(out);
}

/** Pending timers, whichever form they were stored in (`{id: {at, tok}}` before the compact form). */
export function unpackTimers(raw: string | undefined): Timers {
  if (raw === undefined) return {};
  const stored = JSON.parse(raw) as Record<string, [number, string] | { at: number; tok: string }>;
  const out: Timers = {};
  for (const [key, value] of Object.entries(stored)) {
    const id = ID_OF.get(key) ?? key;
    out[id] = Array.isArray(value) ? { at: value[0], tok: value[1] } : value;
  }
  return out;
}

/**
 * A task's state as its history entries name it (entity.ts taskState), field by field.
 * Never reorder: stored entries list the values in this order.
 */
const STATE_FIELDS = ['work', 'stage', 'supervision', 'rung', 'reviewRung', 'acknowledgement', 'extension'] as const;

function packState(value: unknown): unknown[] | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== STATE_FIELDS.length || !STATE_FIELDS.every((f) => f in o)) return null;
  return STATE_FIELDS.map((f) => o[f]);
}

function unpackState(values: unknown): Record<string, unknown> {
  if (!Array.isArray(values) || values.length !== STATE_FIELDS.length)
    throw new StoredFormError(`history entry holds a task state of ${JSON.stringify(values)}, not ${STATE_FIELDS.length} values`);
  return Object.fromEntries(STATE_FIELDS.map((f, i) => [f, values[i]]));
}

/**
 * The text stored for a history entry (before commit.lua chains it). A task's state
 * before and after (seven named fields, twice, in every entry of every task) is
 * stored as two arrays under `f` and `t` (task v6 and plan v4 on): the first entry of
 * a task goes from 430 bytes to 290. Any other `from`/`to` is stored as it is. The
 * chain's hash covers the text as stored, so verifying a trail needs no unpacking.
 */
export function packHistoryEntry(entry: RecordEntry): string {
  const f = packState(entry.from);
  const t = packState(entry.to);
  if (!f || !t) return JSON.stringify(entry);
  const { at, by, event, from: _from, to: _to, ...rest } = entry;
  return JSON.stringify({ at, by, event, f, t, ...rest });
}

/** A stored history entry, whichever form it was stored in; its chain fields (`prev`, `hash`) come with it. */
export function unpackHistoryEntry(raw: string): RecordEntry {
  const stored = JSON.parse(raw) as RecordEntry & { f?: unknown; t?: unknown };
  if (stored.f === undefined) return stored;
  const { f, t, ...rest } = stored;
  return { ...rest, from: unpackState(f), to: unpackState(t) };
}
