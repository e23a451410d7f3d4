/**
 * The transactional outbox: a notice's deliveries are recorded by the same commit
 * script that creates the notice (commit.lua's `notice` op, only when the notice is
 * new), so a notice exists with its deliveries or not at all. After the commit a job
 * per delivery is queued (outbox-queue.ts); the delivery worker claims each with a
 * compare-and-set and a lease (outbox-claim.lua), sends it, and records the answer
 * (outbox-settle.lua). A crash between commit and queue loses nothing: the sweep
 * re-queues due deliveries from the plan's due set.
 *
 * Keys, all in the plan's hash-tag slot (dn:{plan}:…):
 *   d:<deliveryId>   hash   doc (what never changes: PlannedDelivery), status
 *                           (queued|held|sending|sent|failed), attempts, notBefore,
 *                           lease, holder, answer, reason, messageId, sentAt, note, failedAt
 *   dq               zset   deliveries still to go, by notBefore
 *   dall             zset   every delivery, by its notice's time
 *   dfail            set    failed deliveries (what the office looks at)
 *   nd:<noticeId>    set    a notice's deliveries (or a digest's: nd:<digestId>)
 *   dg:<digestId>    hash   a digest or weekly bulletin (doc: src/delivery/digest.ts), made once
 *   dgs              zset   the plan's digests, by when each was due
 *   dgp:<person>     zset   one person's digests, by when each was due
 */
import { readFileSync } from 'node:fs';
import type { PlannedDelivery, DeliveryStatus } from '../delivery/routes.js';
import type { ChannelAnswer } from '../delivery/types.js';
import type { Text } from '../domain/i18n.js';
import type { OutboxRecord, RedisClient } from '../store/batch.js';
import type { PlanKeys } from '../store/keys.js';

export interface OutboxKeys {
  delivery(id: string): string;
  due: string;
  all: string;
  failed: string;
  notice(noticeId: string): string;
  digest(digestId: string): string;
  digests: string;
  personDigests(personId: string): string;
}

/** The outbox keys of a plan, beside its other keys (same prefix and hash tag). */
export function outboxKeys(pk: PlanKeys): OutboxKeys {
  const base = pk.plan.slice(0, -':plan'.length);
  return {
    delivery: (id) => `${base}:d:${id}`,
    due: `${base}:dq`,
    all: `${base}:dall`,
    failed: `${base}:dfail`,
    notice: (noticeId) => `${base}:nd:${noticeId}`,
    digest: (digestId) => `${base}:dg:${digestId}`,
    digests: `${base}:dgs`,
    personDigests: (personId) => `${base}:dgp:${personId}`,
  };
}

/** The commit script's outbox argument for `planned`, the deliveries of one new notice. */
export function outboxRecord(pk: PlanKeys, planned: PlannedDelivery[]): OutboxRecord | undefined {
  if (planned.length === 0) return undefined;
  const ok = outboxKeys(pk);
  return {
    due: ok.due,
    all: ok.all,
    index: ok.notice(planned[0]!.noticeId),
    deliveries: planned.map((d) => ({
      key: ok.delivery(d.id),
      doc: JSON.stringify(d),
      notBefore: d.notBefore,
      member: d.id,
      status: d.status,
    })),
  };
}

/** A delivery to queue: the job names the plan and the delivery. */
export interface DueDelivery {
  planId: string;
  id: string;
  notBefore: number;
}

/** What the engine calls after a commit that recorded deliveries, like `TimerScheduler` for timers. */
export interface DeliveryScheduler {
  /** Queues a job per delivery; one already queued is left alone. Best effort: the sweep repairs. */
  enqueue(deliveries: DueDelivery[]): Promise<void>;
}

/** A delivery as stored, for the API and the worker. */
export interface DeliveryView extends Omit<PlannedDelivery, 'status'> {
  status: DeliveryStatus;
  attempts: number;
  notBefore: number;
  sentAt: number | null;
  messageId: string | null;
  answer: ChannelAnswer | null;
  reason: Text | null;
  note: Text | null;
  failedAt: number | null;
  /** While sending: when the sender's lease runs out. */
  lease: number | null;
}

const json = <T>(s: string | undefined): T | null => (s ? (JSON.parse(s) as T) : null);
const num = (s: string | undefined): number | null => (s === undefined || s === '' ? null : Number(s));

export function parseDelivery(h: Record<string, string>): DeliveryView | null {
  if (!h.doc) return null;
  const doc = JSON.parse(h.doc) as PlannedDelivery;
  return {
    ...doc,
    status: h.status as DeliveryStatus,
    attempts: Number(h.attempts ?? 0),
    notBefore: Number(h.notBefore ?? doc.notBefore),
    sentAt: num(h.sentAt),
    messageId: h.messageId || null,
    answer: json<ChannelAnswer>(h.answer),
    reason: json<Text>(h.reason),
    note: json<Text>(h.note),
    failedAt: num(h.failedAt),
    lease: num(h.lease),
  };
}

type ScriptCommand = (...args: (string | number)[]) => Promise<string[]>;

function script(redis: RedisClient, name: string, file: string, keys: number): ScriptCommand {
  const client = redis as unknown as Record<string, ScriptCommand | undefined>;
  if (!client[name]) redis.defineCommand(name, { lua: readFileSync(new URL(file, import.meta.url), 'utf8'), numberOfKeys: keys });
  return (client[name] as ScriptCommand).bind(redis);
}

export type ClaimResult =
  | { kind: 'claimed'; attempts: number }
  | { kind: 'done'; status: DeliveryStatus }
  | { kind: 'busy' | 'early'; until: number }
  | { kind: 'missing' };

export interface Settlement {
  outcome: 'sent' | 'retry' | 'failed';
  notBefore?: number;
  answer?: ChannelAnswer | null;
  reason?: Text | null;
  messageId?: string | null;
  note?: Text | null;
}

/** Reads and changes a plan's deliveries; every change is one script on the plan's slot. */
export class Outbox {
  constructor(
    private readonly redis: RedisClient,
    private readonly pk: (planId: string) => PlanKeys,
  ) {}

  keys(planId: string): OutboxKeys {
    return outboxKeys(this.pk(planId));
  }

  async get(planId: string, id: string): Promise<DeliveryView | null> {
    return parseDelivery(await this.redis.hgetall(this.keys(planId).delivery(id)));
  }

  async many(planId: string, ids: string[]): Promise<DeliveryView[]> {
    if (ids.length === 0) return [];
    const ok = this.keys(planId);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(ok.delivery(id));
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([err, h]) => {
      if (err) throw err;
      const d = parseDelivery(h as Record<string, string>);
      return d ? [d] : [];
    });
  }

  /** A notice's deliveries, in the order its routes made them. */
  async ofNotice(planId: string, noticeId: string): Promise<DeliveryView[]> {
    const ids = await this.redis.smembers(this.keys(planId).notice(noticeId));
    return (await this.many(planId, ids)).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A plan's deliveries, newest first; `failed` reads the failed set alone. */
  async list(planId: string, o: { status?: DeliveryStatus; limit?: number } = {}): Promise<DeliveryView[]> {
    const ok = this.keys(planId);
    const limit = o.limit ?? 500;
    if (o.status === 'failed') {
      const ids = await this.redis.smembers(ok.failed);
      return (await this.many(planId, ids)).sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
    }
    const ids = await this.redis.zrevrange(ok.all, 0, o.status ? -1 : limit - 1);
    const all = await this.many(planId, ids);
    return (o.status ? all.filter((d) => d.status === o.status) : all).slice(0, limit);
  }

  /**
   * Who acknowledged (签收) each of these notices and when, by notice id: the read
   * receipts of their deliveries. Read from the notices' own `ack:<person>` fields,
   * which the acknowledgement writes, so a delivery is `acknowledged` the moment its
   * notice is, with nothing else to keep in step.
   */
  async acknowledgements(planId: string, noticeIds: string[]): Promise<Map<string, Record<string, number>>> {
    const ids = [...new Set(noticeIds)];
    const out = new Map<string, Record<string, number>>();
    if (ids.length === 0) return out;
    const pk = this.pk(planId);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(pk.notice(id));
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([err, h], i) => {
      if (err) throw err;
      const acks: Record<string, number> = {};
      for (const [field, value] of Object.entries(h as Record<string, string>))
        if (field.startsWith('ack:')) acks[field.slice(4)] = Number(value);
      out.set(ids[i]!, acks);
    });
    return out;
  }

  /** Ids of deliveries due by `at` (a sweep's candidates). */
  due(planId: string, at: number, limit = 500): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys(planId).due, '-inf', at, 'LIMIT', 0, limit);
  }

  async claim(planId: string, id: string, now: number, leaseMs: number, holder: string): Promise<ClaimResult> {
    const [kind = 'missing', value] = await script(this.redis, 'dubanOutboxClaim', './outbox-claim.lua', 1)(
      this.keys(planId).delivery(id),
      now,
      leaseMs,
      holder,
    );
    switch (kind) {
      case 'claimed':
        return { kind, attempts: Number(value) };
      case 'done':
        return { kind, status: value as DeliveryStatus };
      case 'busy':
      case 'early':
        return { kind, until: Number(value) };
      default:
        return { kind: 'missing' };
    }
  }

  /** Records an attempt's outcome; false when another sender has taken the delivery over. */
  async settle(planId: string, id: string, holder: string, now: number, s: Settlement): Promise<boolean> {
    const ok = this.keys(planId);
    const str = (v: unknown) => (v === undefined || v === null ? '' : JSON.stringify(v));
    const [result] = await script(this.redis, 'dubanOutboxSettle', './outbox-settle.lua', 3)(
      ok.delivery(id),
      ok.due,
      ok.failed,
      holder,
      s.outcome,
      id,
      now,
      s.notBefore ?? now,
      str(s.answer),
      str(s.reason),
      s.messageId ?? '',
      str(s.note),
    );
    return result === 'ok';
  }

  /** Puts a failed delivery back in the queue under the same id. */
  async resend(planId: string, id: string, now: number): Promise<{ ok: true } | { ok: false; status: string | null }> {
    const ok = this.keys(planId);
    const [result, status] = await script(this.redis, 'dubanOutboxResend', './outbox-resend.lua', 3)(
      ok.delivery(id),
      ok.due,
      ok.failed,
      id,
      now,
    );
    if (result === 'ok') return { ok: true };
    return { ok: false, status: result === 'missing' ? null : (status ?? null) };
  }
}
