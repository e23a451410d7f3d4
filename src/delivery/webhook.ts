/**
 * A generic webhook, for a bureau's own system (an OA that files notices). Duban POSTs
 * one JSON document per delivery:
 *
 *   POST <url>
 *   Content-Type: application/json; charset=utf-8
 *   X-Duban-Timestamp: 1764666000                 epoch seconds when this attempt was signed
 *   X-Duban-Signature: sha256=<hex>               hex HMAC-SHA256, keyed with the shared secret,
 *                                                 of `${X-Duban-Timestamp}.${body}` — the body's
 *                                                 exact bytes as received, before any parsing
 *   Idempotency-Key: <delivery id>                the same on every try of one delivery
 *
 *   { "type": "duban.notice", "version": 1, "deliveryId": "…", "sentAt": "2026-12-09T10:00:00+08:00",
 *     "notice": { id, planId, taskId, kind, rung, number, issuer, title: {zh, en}, body: {zh, en},
 *                 recipients: [{id, name, roles}], createdAt, deadline, rectificationDeadline, reviewDeadline },
 *     "message": { title, body, addressees: [{id, name}], facts: [{label, value}], link, text } }
 *
 * To verify: refuse a timestamp more than five minutes from your clock (a replay), compute
 * the HMAC over the timestamp, a full stop and the raw body, compare it with the header's
 * hex in constant time, and file each Idempotency-Key once — answering 2xx again for one
 * already filed, since Duban tries again whenever it did not hear a 2xx.
 *
 * Answers: 2xx is sent (a JSON `{"id": …}` in it is kept as the message id); 408, 425,
 * 429 (with Retry-After) and 5xx are tried again later; any other 4xx is failed, with the
 * answer kept for the office.
 */
import { createHmac } from 'node:crypto';
import { isoInZone } from '../domain/time.js';
import { byStatus, DEFAULT_TIMEOUT_MS, field, httpAnswer, noAnswer, postJson } from './http.js';
import { plainText } from './render.js';
import type { Channel, DeliveryResult, OutboundMessage, SendOptions, TargetOf } from './types.js';

/** The X-Duban-Signature value for one attempt. */
export function dubanSignature(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}

export interface WebhookOptions {
  timeoutMs?: number;
  now?: () => number;
}

export function webhookChannel(o: WebhookOptions = {}): Channel<'webhook'> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = o.now ?? Date.now;
  return {
    kind: 'webhook',
    async send(message: OutboundMessage, target: TargetOf<'webhook'>, options: SendOptions = {}): Promise<DeliveryResult> {
      const at = now();
      const timestamp = Math.floor(at / 1000);
      const body = JSON.stringify({
        type: 'duban.notice',
        version: 1,
        deliveryId: message.deliveryId,
        sentAt: isoInZone(at, message.zone),
        notice: message.data,
        message: {
          title: message.title,
          body: message.body,
          addressees: message.addressees.map(({ id, name }) => ({ id, name })),
          facts: message.facts.map(({ label, value }) => ({ label, value })),
          link: message.link,
          text: plainText(message),
        },
      });
      const res = await postJson(target.url, body, {
        timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        headers: {
          'X-Duban-Timestamp': String(timestamp),
          'X-Duban-Signature': dubanSignature(target.secret, timestamp, body),
          'Idempotency-Key': message.deliveryId,
        },
      });
      if (!res.ok) return noAnswer('webhook', res, timeoutMs);
      const answer = httpAnswer(res);
      const byHttp = byStatus('webhook', res, answer);
      if (byHttp) return byHttp;
      const id = field(res.json, 'id');
      return {
        status: 'sent',
        channel: 'webhook',
        messageId: typeof id === 'string' || typeof id === 'number' ? String(id) : null,
        answer,
      };
    },
  };
}
