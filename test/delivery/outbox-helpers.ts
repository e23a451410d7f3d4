/**
 * What the outbox tests share: a real SMTP server that keeps what it receives, robot
 * stand-ins that check the platform's signature exactly as documented, and a Duban
 * runtime on the test Redis with delivery configured.
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { inject } from 'vitest';
import { startRuntime, type DeliveryOptions, type Runtime } from '../../src/runtime.js';
import { testPrefix } from '../helpers/runtime.js';
import { parseMime } from './mime.js';
import { queryParam, startStandIn, type StandIn } from './stand-in-server.js';

export interface Mailbox {
  port: number;
  mails: { to: string[]; headers: Record<string, string> }[];
  close(): Promise<void>;
}

export async function startMailbox(): Promise<Mailbox> {
  const mails: Mailbox['mails'] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          headers: parseMime(Buffer.concat(chunks).toString('utf8')).headers,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  return {
    port: (smtp.server.address() as AddressInfo).port,
    mails,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** DingTalk's 加签, recomputed here from the published recipe, not with the code under test. */
export async function dingTalkStandIn(secret: string, o: { delayMs?: number } = {}): Promise<StandIn> {
  return startStandIn((req) => {
    const timestamp = queryParam(req.url, 'timestamp') ?? '';
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    const body = JSON.parse(req.body) as { msgtype?: string; markdown?: { title?: string; text?: string } };
    if (queryParam(req.url, 'sign') !== expected) return { json: { errcode: 310000, errmsg: 'sign not match' } };
    if (body.msgtype !== 'markdown' || !body.markdown?.title || !body.markdown.text)
      return { json: { errcode: 40035, errmsg: 'bad body' } };
    return { json: { errcode: 0, errmsg: 'ok' }, accepted: true };
  }, o);
}

/** A WeCom group robot: the key in the webhook is its credential. */
export async function weComStandIn(key: string): Promise<StandIn> {
  return startStandIn((req) => {
    if (queryParam(req.url, 'key') !== key) return { json: { errcode: 93000, errmsg: 'invalid webhook url' } };
    const body = JSON.parse(req.body) as { msgtype?: string };
    // Only the notice itself (markdown) counts as its arrival; the @-mention text follows it.
    return { json: { errcode: 0, errmsg: 'ok' }, accepted: body.msgtype === 'markdown' };
  });
}

/** A bureau's OA: checks X-Duban-Signature as webhook.ts documents it. */
export async function oaStandIn(secret: string, o: { delayMs?: number } = {}): Promise<StandIn> {
  return startStandIn((req) => {
    const ts = String(req.headers['x-duban-timestamp'] ?? '');
    const expected = `sha256=${createHmac('sha256', secret).update(`${ts}.${req.body}`).digest('hex')}`;
    if (req.headers['x-duban-signature'] !== expected) return { status: 401, json: { error: 'bad signature' } };
    return { json: { id: String(req.headers['idempotency-key']) }, accepted: true };
  }, o);
}

export async function deliveryRuntime(
  o: { delivery?: DeliveryOptions; now?: () => number; worker?: boolean } = {},
): Promise<Runtime & { prefix: string; url: string }> {
  const url = inject('redisUrl');
  const prefix = testPrefix();
  const runtime = await startRuntime({
    redisUrl: url,
    prefix,
    log: () => undefined,
    api: { port: 0 },
    ...(o.worker === false ? {} : { worker: { concurrency: 20, reconcileMs: 1_000, lockMs: 2_000, stalledMs: 1_000 } }),
    ...(o.now ? { now: o.now } : {}),
    delivery: { backoffMs: 100, maxAttempts: 3, timeoutMs: 2_000, sweepMs: 500, ...o.delivery },
  });
  return Object.assign(runtime, { prefix, url });
}

/** Gives directory person `id` these contacts. */
export async function setContacts(rt: Runtime, id: string, contacts: { email?: string; phone?: string }): Promise<void> {
  const p = await rt.directory.getPerson(id);
  if (!p) throw new Error(`no directory person ${id}`);
  await rt.directory.putPerson({ ...p, contacts: { ...p.contacts, ...contacts } }, 'test');
}
