/**
 * The commit loop: build a change from what is stored, commit it in one
 * compare-and-set script call, then arm the timers it created — only after the
 * commit, so a timer never exists for a state that was not saved.
 *
 * Writers of one entity in this process wait their turn in a lane (a promise chain
 * per key) instead of racing each other to a conflict; writers in other processes
 * are handled by compare-and-set and a retry with jittered backoff. No permitted
 * event is refused for contention alone: only a change that keeps conflicting for
 * `CONTENTION_BUDGET_MS` gives up.
 */
import { issueTime } from '../../machines/index.js';
import { planDeliveries, type PlannedDelivery } from '../delivery/routes.js';
import type { NoticeFacts } from '../domain/notices.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import type { RecordEntry } from '../domain/record.js';
import { ConflictError, EventNotAcceptedError, RefusedError } from '../errors.js';
import { Batch, type RedisClient } from '../store/batch.js';
import type { PlanKeys } from '../store/keys.js';
import { entityFields, indexedTimer, isFinished, planStage, taskState, type StoredEntity, type StoredTask } from './entity.js';
import type { EntityReader } from './reader.js';
import { outboxRecord, type DeliveryScheduler } from './outbox.js';
import type { EngineMetrics, TimerScheduler } from './scheduler.js';
import type { PlanSnapshot, TaskSnapshot, Timers } from './step.js';
import { unpackDefinition } from './definitions.js';
import { packHistoryEntry } from './stored-form.js';
import { randomText } from './random.js';
import { trailOf } from './trail.js';

/** A history entry as stored: the record (src/domain/record.ts) is folded from these. */
export type HistoryEntry = RecordEntry;

/** One entity's new state, as a change writes it. */
export type Write = {
  id: string;
  key: string;
  timers: Timers;
  ix: string[];
  history: HistoryEntry;
  /** Other hash fields written with the state (an amendment's definition and revision). */
  fields?: Record<string, string | number>;
} & ({ kind: 'plan'; before: StoredEntity<PlanSnapshot>; snap: PlanSnapshot } | { kind: 'task'; before: StoredTask; snap: TaskSnapshot });

export interface Change {
  /** Ops to run before the writes (a draft replacement deletes old tasks). */
  batch: Batch;
  writes: Write[];
  notices: NoticeFacts[];
}

export interface Outcome {
  version: number;
  state: unknown;
  notices: string[];
  /** The plan's earliest pending timer after the commit (epoch ms), null when none; absent for a no-op. */
  next?: number | null;
}

const CONTENTION_BUDGET_MS = 30_000;
/**
 * How old a read of the plan's revision may be for routing a commit's notices: an
 * amendment made through another process reaches the routes within this time (one
 * made through this process, at once).
 */
const ROUTING_AGE_MS = 1_000;

/** A commit stamp: random, new per commit (see StoredEntity.cas). */
export function newStamp(): string {
  return randomText(6);
}

export interface CommitterDeps {
  redis: RedisClient;
  scheduler: TimerScheduler;
  reader: EntityReader;
  pk: (planId: string) => PlanKeys;
  log?: ((line: string) => void) | undefined;
  /** Queues the deliveries a commit recorded (the outbox); absent, they wait for the sweep. */
  outbox?: DeliveryScheduler | undefined;
  metrics?: EngineMetrics | undefined;
  now?: () => number;
}

export class Committer {
  private readonly lanes = new Map<string, Promise<void>>();
  /** Plans whose wake-up runs in this process (timers.ts): how many at once, and whether a commit left it an arm. */
  private readonly waking = new Map<string, { depth: number; skipped: boolean }>();

  constructor(private readonly deps: CommitterDeps) {}

  /** A wake-up of `planId` starts in this process: commits moving its wake time to one already due leave it to the loop. */
  beginWake(planId: string): void {
    const w = this.waking.get(planId);
    if (w) w.depth++;
    else this.waking.set(planId, { depth: 1, skipped: false });
  }

  /** The wake-up ends; true when some commit skipped arming meanwhile, so the caller must arm what is left. */
  endWake(planId: string): boolean {
    const w = this.waking.get(planId);
    if (!w) return false;
    if (--w.depth === 0) this.waking.delete(planId);
    return w.skipped;
  }

  /** Runs `fn` after every earlier call with the same `lane` has settled. */
  inLane<T>(lane: string, fn: () => Promise<T>): Promise<T> {
    const before = this.lanes.get(lane) ?? Promise.resolve();
    const run = before.then(fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(lane, tail);
    void tail.then(() => {
      if (this.lanes.get(lane) === tail) this.lanes.delete(lane);
    });
    return run;
  }

  /**
   * Builds and commits a change, rebuilding from fresh reads when another writer got
   * there first. `build` returns null when there is nothing to do.
   */
  async transact(lane: string, build: (fresh: boolean) => Promise<Change | null>): Promise<Outcome> {
    return this.inLane(lane, async () => {
      const giveUpAt = Date.now() + CONTENTION_BUDGET_MS;
      for (let attempt = 0; ; attempt++) {
        // The first attempt may start from this process's memory; a refusal or a no-op
        // found there is only believed once Redis says the same.
        const fresh = attempt > 0;
        let change: Change | null;
        try {
          change = await build(fresh);
        } catch (err) {
          // Judged on this process's memory of the task: believed only once Redis says the same.
          if (!fresh && (err instanceof EventNotAcceptedError || err instanceof RefusedError)) continue;
          throw err;
        }
        if (!change) {
          if (!fresh) continue;
          return { version: 0, state: null, notices: [] };
        }
        const committed = await this.commit(change);
        if (committed) return committed;
        if (Date.now() > giveUpAt) break;
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
      }
      throw new ConflictError({ zh: '并发修改持续冲突，请稍后重试', en: 'Concurrent changes kept conflicting; please retry later' });
    });
  }

  /** One attempt: the outcome, or null when another writer got there first. */
  private async commit(change: Change): Promise<Outcome | null> {
    const { batch, writes, notices } = change;
    const planId = writes[0] ? planIdFromKey(writes[0].key) : (notices[0]?.planId ?? null);
    const stamps = writes.map(() => newStamp());
    const deliveries = new Map<string, PlannedDelivery[]>();
    // The plan's new definition, when this commit amends it.
    const amended = writes.find((w) => w.kind === 'plan' && typeof w.fields?.def === 'string')?.fields!.def as string | undefined;
    if (planId) {
      const pk = this.deps.pk(planId);
      writes.forEach((w, i) => addWrite(batch, pk, w, stamps[i]!));
      const def = notices.length > 0 ? await this.routing(planId, amended) : null;
      for (const n of notices) {
        const people = n.recipients.map((r) => r.id);
        // The outbox: written by the script only when this commit creates the notice.
        const planned = def ? planDeliveries(def, n) : [];
        deliveries.set(n.id, planned);
        batch.notice(
          pk.notice(n.id),
          JSON.stringify(n),
          n.createdAt,
          n.id,
          people.map((p) => pk.inbox(p)),
          people.map((p) => pk.openInbox(p)),
          outboxRecord(pk, planned),
        );
      }
      // Last: the plan's next wake-up follows its timer index as this commit leaves it.
      batch.wake(pk.timers, pk.wake);
    }
    const result = await batch.run(this.deps.redis);
    if (!result.ok) {
      for (const w of writes) this.deps.reader.forget(w.key);
      return null;
    }
    writes.forEach((w, i) => this.remember(w, stamps[i]!));
    if (planId && amended !== undefined) this.deps.reader.definitionChanged(planId);
    this.count(writes, notices, result.createdNotices);
    if (planId && result.wake !== null) await this.schedule(planId, result.wake);
    if (planId)
      await this.queueDeliveries(
        planId,
        result.createdNotices.flatMap((id) => deliveries.get(id) ?? []),
      );
    const first = writes[0];
    return {
      version: first ? first.before.ver + 1 : 0,
      state: first ? (first.kind === 'plan' ? planStage(first.snap) : taskState(first.snap)) : null,
      notices: result.createdNotices,
      next: result.next,
    };
  }

  /**
   * The definition whose `delivery` routes a commit's notices follow: the one the commit
   * writes (an amendment), else the plan's current one; none for a plan not stored yet.
   */
  private async routing(planId: string, amended: string | undefined): Promise<PlanDefinition | null> {
    if (amended !== undefined) return unpackDefinition(amended);
    try {
      // The cached definition at the revision last read within ROUTING_AGE_MS: no plan snapshot to read and restore.
      return await this.deps.reader.recentDefinition(planId, ROUTING_AGE_MS);
    } catch {
      return null;
    }
  }

  /** Queues the deliveries this commit created, after it: a failure leaves them to the sweep, not lost. */
  private async queueDeliveries(planId: string, planned: PlannedDelivery[]): Promise<void> {
    if (planned.length === 0 || !this.deps.outbox) return;
    try {
      await this.deps.outbox.enqueue(planned.map((d) => ({ planId, id: d.id, notBefore: d.notBefore })));
    } catch (err) {
      this.deps.log?.(`could not queue ${planned.length} deliveries, the sweep will: ${String(err)}`);
    }
  }

  private remember(w: Write, cas: string): void {
    // Draft tasks can be deleted and re-created by a draft replacement, restarting
    // their versions; published tasks never are, so only they are remembered.
    if (w.kind !== 'task' || taskState(w.snap).work === 'draft') return;
    // A finished task takes no more events; an amended one is read again for its new definition.
    if (isFinished(taskState(w.snap).work) || w.fields) {
      this.deps.reader.forget(w.key);
      return;
    }
    const before = w.before;
    this.deps.reader.remember(w.key, {
      ...before,
      ver: before.ver + 1,
      cas,
      snap: w.snap,
      timers: w.timers,
      indexedTimers: indexedTimer(w.timers),
      ix: w.ix,
    });
  }

  /**
   * Arms the plan's wake-up for the time the commit moved it to. Cancelled timers need
   * no job removed: a wake-up fires only timers still in the index, and one that finds
   * none due does nothing.
   */
  private async schedule(planId: string, at: number): Promise<void> {
    const waking = this.waking.get(planId);
    if (waking && at <= (this.deps.now ?? Date.now)()) {
      // The wake-up running in this process reads the index again before it stops.
      waking.skipped = true;
      return;
    }
    // The commit is durable already; a failure here leaves work for the reconciler, not a lost timer.
    try {
      await this.deps.scheduler.wake([{ planId, at }]);
    } catch (err) {
      this.deps.log?.(`could not arm plan ${planId}'s wake-up, the reconciler will: ${String(err)}`);
    }
  }

  /** Transitions committed (by a timer when the system wrote them) and notices created, for /metrics. */
  private count(writes: Write[], notices: NoticeFacts[], created: string[]): void {
    const m = this.deps.metrics;
    if (!m) return;
    for (const w of writes) m.transition(w.kind, w.history.by === 'system' ? 'timer' : 'command');
    if (created.length === 0) return;
    const made = new Set(created);
    for (const n of notices) if (made.has(n.id)) m.notice(n.kind);
  }
}

function planIdFromKey(key: string): string {
  return key.slice(key.indexOf('{') + 1, key.indexOf('}'));
}

/** Adds one entity's write to the batch: its state under compare-and-set, its index, timer and history changes. */
function addWrite(batch: Batch, pk: PlanKeys, w: Write, cas: string): void {
  const ver = w.before.ver + 1;
  batch
    .expectVersion(w.key, w.before.ver, w.before.cas)
    .hset(w.key, { ...entityFields(w.kind, { ver, cas, snap: w.snap, timers: w.timers, ix: w.ix }), ...w.fields });
  const oldIx = new Set(w.before.ix);
  const newIx = new Set(w.ix);
  for (const name of oldIx) if (!newIx.has(name)) batch.srem(pk.index(name), w.id);
  for (const name of newIx) if (!oldIx.has(name)) batch.sadd(pk.index(name), w.id);
  // The timer index holds the entity's earliest timer; what it held before may be more (older builds, a migration).
  const indexed = w.before.indexedTimers;
  const next = indexedTimer(w.timers);
  for (const [id, t] of Object.entries(indexed)) if (next[id]?.tok !== t.tok) batch.zrem(pk.timers, `${w.id}|${t.tok}`);
  for (const [id, t] of Object.entries(next)) if (indexed[id]?.tok !== t.tok) batch.zadd(pk.timers, t.at, `${w.id}|${t.tok}`);
  batch.history(trailOf(pk, w.id), packHistoryEntry(w.history));
}

/** A history entry for `event`: its data is everything but its type and time. */
export function historyEntry(
  event: { type: string; at: number },
  by: string,
  from: unknown,
  to: unknown,
  notices: NoticeFacts[],
  eventName: string,
): HistoryEntry {
  const {
    type: _type,
    at: dueAt,
    firedAt: _firedAt,
    ...data
  } = event as { type: string; at: number; firedAt?: number } & Record<string, unknown>;
  // A timer held up by an outage happened when it ran; its history says when it was due.
  const at = issueTime(event);
  if (at !== dueAt) data.dueAt = dueAt;
  const entry: HistoryEntry = { at, by, event: eventName, from, to };
  if (Object.keys(data).length > 0) entry.data = data;
  if (notices.length > 0) entry.notices = notices.map((n) => n.id);
  return entry;
}
