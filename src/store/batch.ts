/**
 * Builds one atomic commit for `commit.lua`: collects the keys it touches, the
 * version checks and the ops, then runs them in a single script call.
 */
import { readFileSync } from 'node:fs';
import type { Redis, Cluster } from 'ioredis';

const SCRIPT = readFileSync(new URL('./commit.lua', import.meta.url), 'utf8');

export type RedisClient = Redis | Cluster;

type CommitCommand = (...args: (string | number)[]) => Promise<unknown>;

/** The script as an ioredis command: sent by EVALSHA, loaded again if Redis lost it. */
function commitCommand(redis: RedisClient): CommitCommand {
  const client = redis as unknown as { dubanCommit?: CommitCommand };
  if (!client.dubanCommit) redis.defineCommand('dubanCommit', { lua: SCRIPT });
  return (client.dubanCommit as CommitCommand).bind(redis);
}

type OpArg = string | number | OpArg[];
type Op = OpArg[];

/**
 * Where a trail's entries go: its list; `first`, the hash that keeps its first entry (a
 * task's, field h0); `count`, the hash whose field hn counts its entries (the first-entry
 * hash unless given). src/engine/trail.ts says which for a plan and a task.
 */
export interface Trail {
  list: string;
  first?: string;
  count?: string;
}

/** A notice's deliveries, recorded only when the notice is newly created (the transactional outbox). */
export interface OutboxRecord {
  /** Sorted set of deliveries still to go, by when they may go. */
  due: string;
  /** Every delivery of the plan, by its notice's time. */
  all: string;
  /** The notice's deliveries. */
  index: string;
  deliveries: { key: string; doc: string; notBefore: number; member: string; status: 'queued' | 'held' }[];
}

/** The script refused a malformed batch before writing anything: a defect in the caller, never the client's input. */
export class CommitRefusedError extends Error {}

function finiteScore(score: number, what: string): void {
  if (!Number.isFinite(score)) throw new CommitRefusedError(`commit refused, nothing written: ${what} has score ${score}`);
}

/** ARGV slot of the first value: ARGV[1] holds the checks and ops. */
const FIRST_VALUE = 2;

export interface CommitResult {
  ok: boolean;
  /** Notice members newly created by this commit (existing ones are skipped). */
  createdNotices: string[];
  /** The plan's new wake time (epoch ms) when the commit moved it: arm a wake-up job for it. */
  wake: number | null;
  /** With a `wake` op: the plan's earliest pending timer after the commit, null when it has none. */
  next: number | null;
  conflictKey?: string;
}

export class Batch {
  private readonly keys: string[] = [];
  private readonly keyIndex = new Map<string, number>();
  private readonly checks: [number, number, string][] = [];
  private readonly ops: Op[] = [];
  /** Large values (snapshots, history entries, notices) travel as their own ARGV, unescaped. */
  private readonly values: string[] = [];

  private v(value: string): number {
    this.values.push(value);
    return FIRST_VALUE + this.values.length - 1;
  }

  private k(key: string): number {
    let i = this.keyIndex.get(key);
    if (i === undefined) {
      this.keys.push(key);
      i = this.keys.length;
      this.keyIndex.set(key, i);
    }
    return i;
  }

  /**
   * The commit fails unless `key`'s `ver` field still equals `version` (0: key absent)
   * and its `cas` stamp still equals `stamp` ('' for an entity stored without one).
   */
  expectVersion(key: string, version: number, stamp = ''): this {
    this.checks.push([this.k(key), version, stamp]);
    return this;
  }
  hset(key: string, fields: Record<string, string | number>): this {
    this.ops.push(['hset', this.k(key), ...Object.entries(fields).flatMap(([f, value]) => [f, this.v(String(value))])]);
    return this;
  }
  del(key: string): this {
    this.ops.push(['del', this.k(key)]);
    return this;
  }
  sadd(key: string, member: string): this {
    this.ops.push(['sadd', this.k(key), member]);
    return this;
  }
  srem(key: string, member: string): this {
    this.ops.push(['srem', this.k(key), member]);
    return this;
  }
  zadd(key: string, score: number, member: string): this {
    finiteScore(score, `zadd ${key} ${member}`);
    this.ops.push(['zadd', this.k(key), score, member]);
    return this;
  }
  zrem(key: string, member: string): this {
    this.ops.push(['zrem', this.k(key), member]);
    return this;
  }
  rpush(key: string, value: string): this {
    this.ops.push(['rpush', this.k(key), this.v(value)]);
    return this;
  }
  /**
   * Appends a history entry (a JSON object) to a trail, hash-chained to the entry before
   * it: a bare list key, or a plan's or task's trail as src/engine/trail.ts lays it out
   * (see commit.lua).
   */
  history(trail: string | Trail, entry: string): this {
    this.ops.push(['hist', ...this.trailArgs(trail, entry)]);
    return this;
  }
  /** The list, the entry, then the first-entry hash and the counting hash (0 for one not given). */
  private trailArgs(trail: string | Trail, entry: string): OpArg[] {
    const t = typeof trail === 'string' ? { list: trail } : trail;
    const args: OpArg[] = [this.k(t.list), this.v(entry)];
    // commit.lua counts in the first-entry hash unless told otherwise.
    if (t.count !== undefined && t.count !== t.first) args.push(t.first === undefined ? 0 : this.k(t.first), this.k(t.count));
    else if (t.first !== undefined) args.push(this.k(t.first));
    return args;
  }
  /**
   * Records `field` (a recipient's acknowledgement) on the notice at `key` unless it is
   * there already; only then takes `member` out of `openKey` and appends `entry` to the trail.
   */
  acknowledge(key: string, field: string, at: number, openKey: string, member: string, trail: Trail, entry: string): this {
    this.ops.push(['ack', this.k(key), field, this.v(String(at)), this.k(openKey), member, ...this.trailArgs(trail, entry)]);
    return this;
  }
  /**
   * Creates the notice at `key` unless it exists, then files `member` in the given
   * inboxes and, only then, records its `outbox` deliveries (see commit.lua).
   */
  notice(key: string, doc: string, score: number, member: string, inboxes: string[], openInboxes: string[], outbox?: OutboxRecord): this {
    finiteScore(score, `notice ${member}`);
    const op: Op = ['notice', this.k(key), this.v(doc), score, member, inboxes.map((i) => this.k(i)), openInboxes.map((i) => this.k(i))];
    if (outbox && outbox.deliveries.length > 0) {
      for (const d of outbox.deliveries) finiteScore(d.notBefore, `delivery ${d.member}`);
      op.push([
        this.k(outbox.due),
        this.k(outbox.all),
        this.k(outbox.index),
        outbox.deliveries.map((d) => [this.k(d.key), this.v(d.doc), d.notBefore, d.member, d.status]),
      ]);
    }
    this.ops.push(op);
    return this;
  }

  /**
   * Compares the lowest score of the timer index `timersKey` with the wake time stored
   * at `wakeKey` once every other op has run; when they differ, stores the new one and
   * returns it as the result's `wake`. Add it last.
   */
  wake(timersKey: string, wakeKey: string): this {
    this.ops.push(['wake', this.k(timersKey), this.k(wakeKey)]);
    return this;
  }

  get size(): number {
    return this.ops.length;
  }

  async run(redis: RedisClient): Promise<CommitResult> {
    if (this.keys.length === 0) return { ok: true, createdNotices: [], wake: null, next: null };
    // cjson encodes an empty Lua table as {}, so empty arrays are sent as-is and
    // ipairs over them simply does nothing.
    const payload = JSON.stringify({ c: this.checks, o: this.ops });
    const reply = (await commitCommand(redis)(this.keys.length, ...this.keys, payload, ...this.values)) as string[];
    if (reply[0] === 'conflict') {
      return { ok: false, createdNotices: [], wake: null, next: null, conflictKey: this.keys[Number(reply[1]) - 1] };
    }
    if (reply[0] === 'invalid') throw new CommitRefusedError(`commit refused, nothing written: op ${reply[1]}: ${reply[2]}`);
    return {
      ok: true,
      createdNotices: reply.slice(3),
      wake: reply[1] ? Number(reply[1]) : null,
      next: reply[2] ? Number(reply[2]) : null,
    };
  }
}
