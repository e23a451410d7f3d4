/**
 * An organisation's registered channels (its group robots and OA webhooks), kept
 * server-side because their webhooks and signing secrets are credentials: a plan's
 * definition, which every person of the plan may read, names channels by id only.
 * The office registers them (PUT …/organisations/:org/channels/:channelId); listings
 * show the kind, the host and whether a secret is set — never the webhook's token
 * or the secret — with the last delivery's result.
 *
 * Keys are global, with a hash tag of their own (`{chan}`), never written in a plan's
 * commit script:
 *   <prefix>:chan:{chan}:org:<org>    hash  channelId → StoredChannel JSON
 *   <prefix>:chan:{chan}:last:<org>   hash  channelId → LastDelivery JSON
 */
import { z } from 'zod';
import type { Text } from '../domain/i18n.js';
import type { RedisClient } from '../store/batch.js';
import type { Keys } from '../store/keys.js';
import { EMAIL_CHANNEL } from './routes.js';
import { DingTalkTarget, FeishuTarget, WebhookTarget, WeComTarget, type ChannelKind, type DeliveryTarget } from './types.js';

const Name = z.string().trim().min(1).max(100);

/** What an office registers: one of the robot or webhook targets, with an optional name for people. */
export const ChannelInput = z.discriminatedUnion('kind', [
  DingTalkTarget.extend({ name: Name.optional() }),
  WeComTarget.extend({ name: Name.optional() }),
  FeishuTarget.extend({ name: Name.optional() }),
  WebhookTarget.extend({ name: Name.optional() }),
]);
export type ChannelInputT = z.infer<typeof ChannelInput>;

export interface StoredChannel {
  id: string;
  org: string;
  name: string | null;
  target: Exclude<DeliveryTarget, { kind: 'email' }>;
  updatedAt: number;
  updatedBy: string;
}

export interface LastDelivery {
  at: number;
  status: 'sent' | 'retry' | 'failed';
  planId: string;
  deliveryId: string;
  reason: Text | null;
  /** The platform's code and message, never its raw body (it may echo the request). */
  code: number | string | null;
  message: string | null;
}

/** A channel as listed: no webhook token, no secret. */
export interface ChannelSummary {
  id: string;
  name: string | null;
  kind: ChannelKind;
  /** The endpoint's host only: a robot's webhook URL carries its token. */
  host: string;
  signed: boolean;
  format?: 'post' | 'card';
  updatedAt: number;
  updatedBy: string;
  last: LastDelivery | null;
}

function prefixOf(keys: Keys): string {
  return keys.adminToken.slice(0, -':admin'.length);
}

/** Refused ids: `email` is the server's own mail channel. */
export const RESERVED_CHANNEL_IDS = [EMAIL_CHANNEL];

export class ChannelStore {
  private readonly base: string;

  constructor(
    private readonly redis: RedisClient,
    keys: Keys,
    private readonly now: () => number = Date.now,
  ) {
    this.base = `${prefixOf(keys)}:chan:{chan}`;
  }

  private orgKey(org: string): string {
    return `${this.base}:org:${org}`;
  }
  private lastKey(org: string): string {
    return `${this.base}:last:${org}`;
  }

  async put(org: string, id: string, input: ChannelInputT, by: string): Promise<StoredChannel> {
    const { name, ...target } = input;
    const stored: StoredChannel = { id, org, name: name ?? null, target, updatedAt: this.now(), updatedBy: by };
    await this.redis.hset(this.orgKey(org), id, JSON.stringify(stored));
    return stored;
  }

  /** Deletes a channel; deliveries routed to it afterwards fail, saying so. */
  async remove(org: string, id: string): Promise<boolean> {
    const n = await this.redis.hdel(this.orgKey(org), id);
    await this.redis.hdel(this.lastKey(org), id);
    return n > 0;
  }

  /** The channel with its secrets, for the sender at send time. */
  async get(org: string, id: string): Promise<StoredChannel | null> {
    const raw = await this.redis.hget(this.orgKey(org), id);
    return raw ? (JSON.parse(raw) as StoredChannel) : null;
  }

  async list(org: string): Promise<ChannelSummary[]> {
    const [all, last] = await Promise.all([this.redis.hgetall(this.orgKey(org)), this.redis.hgetall(this.lastKey(org))]);
    return Object.values(all)
      .map((raw) => JSON.parse(raw) as StoredChannel)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((c) => summary(c, last[c.id] ? (JSON.parse(last[c.id]!) as LastDelivery) : null));
  }

  async summary(org: string, id: string): Promise<ChannelSummary | null> {
    const c = await this.get(org, id);
    if (!c) return null;
    const last = await this.redis.hget(this.lastKey(org), id);
    return summary(c, last ? (JSON.parse(last) as LastDelivery) : null);
  }

  async recordLast(org: string, id: string, last: LastDelivery): Promise<void> {
    // Only while the channel exists: a deleted channel leaves no result behind.
    if (await this.redis.hexists(this.orgKey(org), id)) await this.redis.hset(this.lastKey(org), id, JSON.stringify(last));
  }
}

export function summary(c: StoredChannel, last: LastDelivery | null): ChannelSummary {
  const t = c.target;
  const url = t.kind === 'webhook' ? t.url : t.webhook;
  return {
    id: c.id,
    name: c.name,
    kind: t.kind,
    host: new URL(url).host,
    signed: 'secret' in t && t.secret !== undefined,
    ...(t.kind === 'feishu' ? { format: t.format } : {}),
    updatedAt: c.updatedAt,
    updatedBy: c.updatedBy,
    last,
  };
}
