/**
 * The delivery seam: one `Channel` per way a notice leaves Duban (email, DingTalk,
 * WeCom and Feishu group robots, a bureau's own webhook), behind one interface, the way
 * `TimerScheduler` (src/engine/scheduler.ts) hides BullMQ from the engine. A delivery
 * worker gives a channel one `OutboundMessage` and one target and gets back what the
 * channel answered: `sent`, `retry` (try again later: 5xx, a timeout, a rate limit) or
 * `failed` (it will not work without someone changing something: a wrong secret, a
 * dissolved group, a refused address) — always with the channel's own answer, which
 * the office sees beside the notice.
 *
 * Targets are zod schemas: they are stored (a plan's or organisation's routing, the
 * outbox) and come in through the API, so their types are inferred from the schemas.
 */
import { z } from 'zod';
import type { Text } from '../domain/i18n.js';
import type { NoticeKind } from '../domain/notices.js';

/** What a message is: a notice of the task and plan machines, or a digest (src/delivery/digest.ts). */
export type MessageKind = NoticeKind | 'digest' | 'bulletin';

export const CHANNEL_KINDS = ['email', 'dingtalk', 'wecom', 'feishu', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

const HttpUrl = z.url({ protocol: /^https?$/ });

/** Mail to people: their addresses come from the directory. */
export const EmailTarget = z.object({
  kind: z.literal('email'),
  to: z.array(z.object({ name: z.string().min(1), address: z.email() })).min(1),
});

/** A DingTalk group's custom robot: its webhook (with access_token) and, when 加签 is on, the SEC… secret. */
export const DingTalkTarget = z.object({
  kind: z.literal('dingtalk'),
  webhook: HttpUrl,
  secret: z.string().min(1).optional(),
});

/** A WeCom (企业微信) group robot: its webhook, whose `key` is its only credential. */
export const WeComTarget = z.object({
  kind: z.literal('wecom'),
  webhook: HttpUrl,
});

/** A Feishu (飞书) group's custom bot: its webhook and, when 签名校验 is on, its secret; rich text or a card. */
export const FeishuTarget = z.object({
  kind: z.literal('feishu'),
  webhook: HttpUrl,
  secret: z.string().min(1).optional(),
  format: z.enum(['post', 'card']).default('post'),
});

/** A bureau's own system (OA): JSON, signed with a shared secret (see webhook.ts for how to verify). */
export const WebhookTarget = z.object({
  kind: z.literal('webhook'),
  url: HttpUrl,
  secret: z.string().min(16),
});

export const DeliveryTargetSchema = z.discriminatedUnion('kind', [EmailTarget, DingTalkTarget, WeComTarget, FeishuTarget, WebhookTarget]);

export type DeliveryTarget = z.infer<typeof DeliveryTargetSchema>;
export type TargetOf<K extends ChannelKind> = Extract<DeliveryTarget, { kind: K }>;

/** One line of a notice's facts: 原完成时限 — 2026年12月2日17时. */
export interface MessageFact {
  label: Text;
  value: Text;
  /** The fact the reader must act on (the new deadline): bold where the format has bold. */
  emphasis?: boolean;
}

/** Whom a message is for: named once at its head; @-mentioned by mobile where the platform can. */
export interface Addressee {
  id: string;
  name: string;
  mobile?: string;
}

/**
 * One notice, rendered once for every channel (render.ts): what it says, structured,
 * in Chinese and English. Each channel lays it out in its own format.
 */
export interface OutboundMessage {
  /** One per (notice, recipient or group, channel): the idempotency key and the mail's Message-ID. */
  deliveryId: string;
  noticeId: string;
  planId: string;
  taskId: string | null;
  kind: MessageKind;
  rung: number | null;
  /** 文号 (X教督〔2026〕12号), when the notice has one. */
  number: string | null;
  issuer: string;
  title: Text;
  addressees: Addressee[];
  /** The notice's text, its dates as offices write them, without the salutation (the addressees head the message). */
  body: Text;
  facts: MessageFact[];
  /** The notice's page in the workspace, when the server knows its own address. */
  link: string | null;
  /** When the notice was issued (epoch ms) and the plan's zone, for the date line. */
  issuedAt: number;
  zone: string;
  /** The notice as data, for systems that file it (the generic webhook's `notice`). */
  data: NoticeData;
}

/** The notice as a JSON document: ids, kinds, ISO 8601 dates with the plan's offset. */
export interface NoticeData {
  id: string;
  planId: string;
  taskId: string | null;
  kind: MessageKind;
  rung: number | null;
  number: string | null;
  issuer: string;
  title: Text;
  body: Text;
  recipients: { id: string; name: string; roles: string[] }[];
  createdAt: string;
  deadline: string | null;
  rectificationDeadline: string | null;
  reviewDeadline: string | null;
}

/** What the channel said, kept with the delivery: the office reads it beside a failure. */
export interface ChannelAnswer {
  httpStatus?: number;
  /** The platform's own code (DingTalk/WeCom `errcode`, Feishu `code`, an SMTP reply code). */
  code?: number | string;
  message?: string;
  /** The raw body or SMTP reply, cut to 2 KB. */
  raw?: string;
}

export type DeliveryResult =
  | { status: 'sent'; channel: ChannelKind; messageId: string | null; answer: ChannelAnswer; note?: Text }
  | { status: 'retry'; channel: ChannelKind; reason: Text; answer: ChannelAnswer | null; retryAfterMs?: number }
  | { status: 'failed'; channel: ChannelKind; reason: Text; answer: ChannelAnswer | null };

export interface SendOptions {
  /** Aborts the attempt; the result is then `retry` (nobody knows whether it arrived). */
  signal?: AbortSignal;
}

/** One way out. `send` never throws for what the channel answered: every answer is a result. */
export interface Channel<K extends ChannelKind = ChannelKind> {
  readonly kind: K;
  send(message: OutboundMessage, target: TargetOf<K>, options?: SendOptions): Promise<DeliveryResult>;
}

export const RAW_LIMIT = 2048;

export function cut(raw: string): string {
  return raw.length > RAW_LIMIT ? `${raw.slice(0, RAW_LIMIT)}…` : raw;
}
