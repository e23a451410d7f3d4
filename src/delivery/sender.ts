/**
 * One attempt at one delivery: claim it (compare-and-set to `sending`, with a lease),
 * resolve its target and secrets now — the channel as the office last registered it,
 * addresses and mobiles from the directory — send it through its channel, and record
 * what the channel answered. `sent` is final and never sent again; `retry` waits with
 * exponential backoff (or the channel's Retry-After, when longer) until `maxAttempts`,
 * then `failed` with the channel's answer; `failed` is final until the office resends.
 *
 * A notice whose task has closed since it was issued is still delivered: a notice once
 * issued is part of the record, and its recipients should read what the record says
 * they were sent (the inbox holds it too).
 */
import { randomBytes } from 'node:crypto';
import { renderNotice, type NoticeFacts } from '../domain/notices.js';
import { directoryIdOf, organisationOf, type PlanDefinition } from '../domain/plan.schema.js';
import type { Text } from '../domain/i18n.js';
import { outboxKeys, type Outbox, type DeliveryView } from '../engine/outbox.js';
import type { NoticeNumbers } from '../documents/notice-numbers.js';
import type { Metrics } from '../infra/metrics.js';
import type { RedisClient } from '../store/batch.js';
import type { PlanKeys } from '../store/keys.js';
import type { ChannelStore } from './channel-store.js';
import { digestMessage, type DigestDoc } from './digest.js';
import { deliver, type Channels } from './index.js';
import { outboundMessage } from './render.js';
import { EMAIL_CHANNEL } from './routes.js';
import type { DeliveryResult, DeliveryTarget, OutboundMessage } from './types.js';

export interface Contact {
  email?: string | undefined;
  phone?: string | undefined;
}

export interface SenderOptions {
  redis: RedisClient;
  pk: (planId: string) => PlanKeys;
  outbox: Outbox;
  channelStore: ChannelStore;
  channels: Channels;
  definition: (planId: string) => Promise<PlanDefinition>;
  /** A person's contacts in the directory, by directory id. */
  contact: (directoryId: string) => Promise<Contact | null>;
  now?: () => number;
  /** Tries before a delivery is failed (default 6). */
  maxAttempts?: number;
  /** First backoff; each further try waits twice as long (default 30 s, at most 6 h). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long a sender holds a claimed delivery before another may take it over (default 45 s). */
  leaseMs?: number;
  /** The notice's page in the workspace, when the server knows its own address. */
  link?: (planId: string, noticeId: string) => string | null;
  log?: (line: string) => void;
  /** The organisation's 文号 series: a rung's notice is numbered (once) when it is first sent, if not before. */
  numbers?: Pick<NoticeNumbers, 'forNotice'>;
  /** Attempts by channel kind and outcome (duban_deliveries_total). */
  metrics?: Pick<Metrics, 'delivery'>;
}

export type AttemptOutcome =
  | { kind: 'sent' | 'failed' | 'done' | 'missing' | 'lost' }
  /** Not now: try again at `at` (quiet hours, a backoff, another sender's lease). */
  | { kind: 'later'; at: number };

export interface Sender {
  attempt(planId: string, deliveryId: string): Promise<AttemptOutcome>;
}

type Resolved = { ok: true; target: DeliveryTarget } | { ok: false; reason: Text };

export function createSender(o: SenderOptions): Sender {
  const now = o.now ?? Date.now;
  const maxAttempts = o.maxAttempts ?? 6;
  const backoffMs = o.backoffMs ?? 30_000;
  const maxBackoffMs = o.maxBackoffMs ?? 6 * 3600_000;
  const leaseMs = o.leaseMs ?? 45_000;
  const holder = randomBytes(8).toString('hex');

  async function contactsOf(def: PlanDefinition, ids: string[]): Promise<Map<string, Contact & { name: string }>> {
    const out = new Map<string, Contact & { name: string }>();
    for (const id of ids) {
      const person = def.people.find((p) => p.id === id);
      if (!person) continue;
      const found = await o.contact(directoryIdOf(person));
      // The directory is where addresses are kept; a plan that still carries its own is read as a fallback.
      out.set(id, { name: person.name, email: found?.email ?? person.contacts?.email, phone: found?.phone ?? person.contacts?.phone });
    }
    return out;
  }

  async function resolve(def: PlanDefinition, d: DeliveryView, people: Map<string, Contact & { name: string }>): Promise<Resolved> {
    if (d.channel === EMAIL_CHANNEL) {
      const to = d.addressees.flatMap((id) => {
        const p = people.get(id);
        return p?.email ? [{ name: p.name, address: p.email }] : [];
      });
      if (to.length === 0) {
        const names = d.addressees.map((id) => people.get(id)?.name ?? id).join('、');
        return {
          ok: false,
          reason: {
            zh: `通讯录中没有${names}的邮箱，请在通讯录中补充后重新发送`,
            en: `the directory has no email address for ${names}; add it, then resend`,
          },
        };
      }
      return { ok: true, target: { kind: 'email', to } };
    }
    const channel = await o.channelStore.get(organisationOf(def), d.channel);
    if (!channel) {
      return {
        ok: false,
        reason: {
          zh: `渠道「${d.channel}」已删除或未登记：请办公室登记该渠道后重新发送，或修改方案的发送规则`,
          en: `channel "${d.channel}" was deleted or never registered: register it and resend, or change the plan's routes`,
        },
      };
    }
    return { ok: true, target: channel.target };
  }

  async function record(planId: string, def: PlanDefinition, d: DeliveryView, result: DeliveryResult | null, reason?: Text) {
    const outcome = await settle(planId, def, d, result, reason);
    // Counted by the channel's kind (a bounded set), not the office's name for it; a lost claim is another sender's.
    const channel = result?.channel ?? (d.channel === EMAIL_CHANNEL ? 'email' : 'unregistered');
    if (outcome.kind === 'sent' || outcome.kind === 'failed') o.metrics?.delivery(channel, outcome.kind);
    else if (outcome.kind === 'later') o.metrics?.delivery(channel, 'retry');
    if (outcome.kind === 'failed') {
      const why = result?.status === 'failed' || result?.status === 'retry' ? result.reason : reason;
      o.log?.(`投递失败 / delivery failed: plan ${planId}, delivery ${d.id}, ${channel}: ${why?.en ?? ''}`);
    }
    return outcome;
  }

  async function settle(planId: string, def: PlanDefinition, d: DeliveryView, result: DeliveryResult | null, reason?: Text) {
    const at = now();
    const org = organisationOf(def);
    if (result?.status === 'sent') {
      const ok = await o.outbox.settle(planId, d.id, holder, at, {
        outcome: 'sent',
        answer: result.answer,
        messageId: result.messageId,
        note: result.note ?? null,
      });
      await lastResult(org, planId, d, 'sent', null, result);
      return ok ? ({ kind: 'sent' } as const) : ({ kind: 'lost' } as const);
    }
    const attempts = d.attempts;
    if (result?.status === 'retry' && attempts < maxAttempts) {
      const wait = Math.max(Math.min(maxBackoffMs, backoffMs * 2 ** (attempts - 1)), result.retryAfterMs ?? 0);
      const notBefore = at + wait;
      const ok = await o.outbox.settle(planId, d.id, holder, at, {
        outcome: 'retry',
        notBefore,
        answer: result.answer,
        reason: result.reason,
      });
      await lastResult(org, planId, d, 'retry', result.reason, result);
      return ok ? ({ kind: 'later', at: notBefore } as const) : ({ kind: 'lost' } as const);
    }
    const why: Text =
      result?.status === 'retry'
        ? { zh: `已尝试${attempts}次仍未成功：${result.reason.zh}`, en: `still not through after ${attempts} tries: ${result.reason.en}` }
        : (result?.reason ?? reason!);
    const ok = await o.outbox.settle(planId, d.id, holder, at, { outcome: 'failed', answer: result?.answer ?? null, reason: why });
    await lastResult(org, planId, d, 'failed', why, result);
    return ok ? ({ kind: 'failed' } as const) : ({ kind: 'lost' } as const);
  }

  async function lastResult(
    org: string,
    planId: string,
    d: DeliveryView,
    status: 'sent' | 'retry' | 'failed',
    reason: Text | null,
    result: DeliveryResult | null,
  ) {
    if (d.channel === EMAIL_CHANNEL) return;
    await o.channelStore
      .recordLast(org, d.channel, {
        at: now(),
        status,
        planId,
        deliveryId: d.id,
        reason,
        code: result?.answer?.code ?? result?.answer?.httpStatus ?? null,
        message: result?.answer?.message ?? null,
      })
      .catch(() => undefined);
  }

  return {
    async attempt(planId, deliveryId) {
      const claim = await o.outbox.claim(planId, deliveryId, now(), leaseMs, holder);
      if (claim.kind === 'missing') return { kind: 'missing' };
      if (claim.kind === 'done') return { kind: 'done' };
      if (claim.kind === 'busy' || claim.kind === 'early') return { kind: 'later', at: claim.until };
      const d = await o.outbox.get(planId, deliveryId);
      if (!d) return { kind: 'missing' };
      const def = await o.definition(planId);
      const people = await contactsOf(def, d.addressees);
      const mobileOf = (id: string) => people.get(id)?.phone;
      let message: OutboundMessage;
      if (d.source === 'digest') {
        const raw = await o.redis.hget(outboxKeys(o.pk(planId)).digest(d.noticeId), 'doc');
        if (!raw) return record(planId, def, d, null, { zh: `摘要 ${d.noticeId} 不存在`, en: `digest ${d.noticeId} does not exist` });
        message = digestMessage(def, JSON.parse(raw) as DigestDoc, { deliveryId: d.id, addressees: d.addressees, link: null, mobileOf });
      } else {
        const stored = await o.redis.hgetall(o.pk(planId).notice(d.noticeId));
        if (!stored.doc) {
          return record(planId, def, d, null, { zh: `通知 ${d.noticeId} 不存在`, en: `notice ${d.noticeId} does not exist` });
        }
        const facts = JSON.parse(stored.doc) as NoticeFacts;
        const notice = renderNotice(def, facts, stored.docno ?? null);
        // A rung's 整改通知书 carries its 文号: the one already issued, or allocated now (once, whoever renders it first).
        const line = o.numbers ? await o.numbers.forNotice(def, notice) : null;
        const number = line?.state === 'issued' ? line.number : (stored.docno ?? null);
        // Addressed to this delivery's addressees only: a department's robot names its own people.
        message = outboundMessage(
          def,
          { ...notice, recipients: notice.recipients.filter((r) => d.addressees.includes(r.id)) },
          { deliveryId: d.id, number, link: o.link?.(planId, d.noticeId) ?? null, mobileOf },
        );
      }
      const resolved = await resolve(def, d, people);
      if (!resolved.ok) return record(planId, def, d, null, resolved.reason);
      let result: DeliveryResult;
      try {
        result = await deliver(o.channels, message, resolved.target);
      } catch (err) {
        // An adapter answers every answer with a result; a throw is ours, and worth another try.
        result = {
          status: 'retry',
          channel: resolved.target.kind,
          reason: { zh: `发送出错，稍后重试：${String(err)}`, en: `sending failed; will retry: ${String(err)}` },
          answer: null,
        };
      }
      return record(planId, def, d, result);
    },
  };
}
