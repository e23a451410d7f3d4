/**
 * The generic webhook against a stand-in OA system that verifies it exactly as
 * src/delivery/webhook.ts documents: X-Duban-Timestamp within five minutes,
 * X-Duban-Signature = "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + raw body),
 * and each Idempotency-Key filed once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookChannel } from '../../src/delivery/webhook.js';
import { message } from './fixtures.js';
import { startStandIn, type StandIn } from './stand-in-server.js';

const SECRET = 'oa-shared-secret-0123456789abcdef';
let oa: StandIn;
const filed = new Map<string, string>();

beforeAll(async () => {
  oa = await startStandIn((req) => {
    if (req.url === '/moved') return { status: 308, json: {}, headers: { location: 'https://oa.example.gov.cn/duban' } };
    const ts = String(req.headers['x-duban-timestamp'] ?? '');
    const given = Buffer.from(String(req.headers['x-duban-signature'] ?? ''));
    const wanted = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${req.body}`).digest('hex')}`);
    const fresh = Math.abs(Date.now() / 1000 - Number(ts)) <= 300;
    if (!fresh || given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      return { status: 401, json: { error: 'invalid signature' } };
    }
    const key = String(req.headers['idempotency-key'] ?? '');
    if (!key) return { status: 400, json: { error: 'Idempotency-Key required' } };
    if (!filed.has(key)) filed.set(key, `OA-${filed.size + 1}`);
    return { status: 201, json: { id: filed.get(key) }, accepted: true };
  });
});
afterAll(() => oa.close());

const target = (secret = SECRET) => ({ kind: 'webhook' as const, url: `${oa.base}/api/duban/notices`, secret });

describe('generic webhook (a bureau’s OA)', () => {
  it('sends the notice as signed JSON that the OA files once per delivery, however often it is sent', async () => {
    oa.mode = 'normal';
    const m = message({ deliveryId: 'qx-2026/t1.r1/webhook:oa' });
    const first = await webhookChannel().send(m, target());
    const again = await webhookChannel().send(m, target());
    expect(first).toMatchObject({ status: 'sent', messageId: 'OA-1', answer: { httpStatus: 201 } });
    expect(again).toMatchObject({ status: 'sent', messageId: 'OA-1' });
    const last = oa.accepted.at(-1)!;
    expect(last.headers['idempotency-key']).toBe('qx-2026/t1.r1/webhook:oa');
    const body = JSON.parse(last.body);
    expect(body).toMatchObject({
      type: 'duban.notice',
      version: 1,
      deliveryId: 'qx-2026/t1.r1/webhook:oa',
      notice: {
        planId: 'qx-2026',
        taskId: 't1',
        kind: 'rectification',
        rung: 1,
        number: 'X教督〔2026〕7号',
        deadline: '2026-12-02T17:00:00.000+08:00',
        rectificationDeadline: '2026-12-16T17:00:00.000+08:00',
      },
    });
    expect(body.message.addressees).toEqual([
      { id: 'p-zhao', name: '赵小红' },
      { id: 'p-zhang', name: '张华' },
    ]);
  });

  it('returns failed with the OA’s answer when the secret is wrong', async () => {
    oa.mode = 'normal';
    const result = await webhookChannel().send(message(), target('another-secret-0123456789'));
    expect(result).toMatchObject({ status: 'failed', answer: { httpStatus: 401 } });
    expect(result.status === 'failed' && result.answer?.raw).toContain('invalid signature');
  });

  it('does not follow a redirect with a signed notice: failed, with where the address moved to', async () => {
    oa.mode = 'normal';
    const result = await webhookChannel().send(message(), { ...target(), url: `${oa.base}/moved` });
    expect(result).toMatchObject({ status: 'failed', answer: { httpStatus: 308 } });
    expect(result.status === 'failed' && result.reason.zh).toContain('https://oa.example.gov.cn/duban');
    expect(oa.received.at(-1)!.url).toBe('/moved');
  });

  it('is told to retry on a 500', async () => {
    oa.mode = 'error500';
    expect(await webhookChannel().send(message(), target())).toMatchObject({ status: 'retry', answer: { httpStatus: 500 } });
  });

  it('is told to retry when the OA never answers, once the timeout passes', async () => {
    oa.mode = 'hang';
    expect((await webhookChannel({ timeoutMs: 300 }).send(message(), target())).status).toBe('retry');
    oa.mode = 'normal';
  });
});
