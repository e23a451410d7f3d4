/**
 * Mail through a real SMTP server the test starts (smtp-server): the notice arrives
 * with its Chinese subject, a plain-text and an HTML part, and a Message-ID made from
 * the delivery id, the same when it is sent again. Refusals are read as SMTP means
 * them: 5xx failed, 4xx and silence tried again.
 */
import { createServer, type Server as NetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailChannel, messageIdFor, type EmailChannel } from '../../src/delivery/email.js';
import { message } from './fixtures.js';
import { leaves, parseMime } from './mime.js';

const received: { from: string; to: string[]; raw: string }[] = [];
let smtp: SMTPServer;
let port: number;
let silent: NetServer;
let silentPort: number;
const channels: EmailChannel[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@')) {
        callback(
          Object.assign(new Error('5.1.1 <nobody@jy.example.gov.cn>: Recipient address rejected: User unknown'), { responseCode: 550 }),
        );
      } else if (address.address.startsWith('busy@')) {
        callback(Object.assign(new Error('4.2.2 Mailbox full, try again later'), { responseCode: 452 }));
      } else {
        callback();
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
  // A server that accepts the connection and never greets: a hung mail relay.
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const c of channels) c.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

function channel(o: { port?: number; timeoutMs?: number } = {}): EmailChannel {
  const c = emailChannel({
    smtp: { host: '127.0.0.1', port: o.port ?? port, secure: false },
    from: { name: '青溪区教育局督办系统', address: 'duban@jy.example.gov.cn' },
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  channels.push(c);
  return c;
}

const to = (address: string, name = '赵小红') => ({ kind: 'email' as const, to: [{ name, address }] });

describe('email over SMTP', () => {
  it('delivers the notice with its Chinese subject, text and HTML parts, and a Message-ID from the delivery id', async () => {
    const m = message({ deliveryId: 'qx-2026/t1.r1/email:p-zhao' });
    const result = await channel().send(m, to('zhaoxh@jy.example.gov.cn'));
    const id = messageIdFor('qx-2026/t1.r1/email:p-zhao', 'jy.example.gov.cn');
    expect(result).toMatchObject({ status: 'sent', channel: 'email', messageId: id });
    const mail = received.at(-1)!;
    expect(mail.to).toEqual(['zhaoxh@jy.example.gov.cn']);
    const parsed = parseMime(mail.raw);
    expect(parsed.headers.subject).toBe('第一次整改通知书：「制定质量监测实施方案」逾期未完成（下发整改意见）');
    expect(parsed.headers['message-id']).toBe(id);
    expect(parsed.headers.from).toContain('青溪区教育局督办系统');
    const parts = leaves(parsed);
    const text = parts.find((p) => p.headers['content-type']?.startsWith('text/plain'))!.body;
    const html = parts.find((p) => p.headers['content-type']?.startsWith('text/html'))!.body;
    for (const body of [text, html]) {
      expect(body).toContain('赵小红、张华：');
      expect(body).toContain('2026年12月16日17时');
      expect(body).toContain('X教督〔2026〕7号');
    }
    expect(text.split('赵小红、张华：').length - 1).toBe(1);
    expect(text.indexOf('整改时限')).toBeLessThan(text.indexOf('Rectify by'));
  });

  it('sends a resend of the same delivery under the same Message-ID, so it reads as the same mail', async () => {
    const m = message({ deliveryId: 'qx-2026/t1.r1/email:p-zhang' });
    await channel().send(m, to('zhanghua@jy.example.gov.cn', '张华'));
    await channel().send(m, to('zhanghua@jy.example.gov.cn', '张华'));
    const ids = received.filter((r) => r.to[0] === 'zhanghua@jy.example.gov.cn').map((r) => parseMime(r.raw).headers['message-id']);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it('returns failed with the server’s 550 when the address does not exist', async () => {
    const result = await channel().send(message(), to('nobody@jy.example.gov.cn'));
    expect(result).toMatchObject({ status: 'failed', answer: { code: 550 } });
    expect(result.status === 'failed' && result.answer?.raw).toContain('User unknown');
  });

  it('is told to retry when the server defers with a 4xx', async () => {
    expect(await channel().send(message(), to('busy@jy.example.gov.cn'))).toMatchObject({ status: 'retry', answer: { code: 452 } });
  });

  it('is told to retry when the server never greets, once the timeout passes', async () => {
    const result = await channel({ port: silentPort, timeoutMs: 300 }).send(message(), to('zhaoxh@jy.example.gov.cn'));
    expect(result.status).toBe('retry');
  });
});
