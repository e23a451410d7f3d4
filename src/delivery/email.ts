/**
 * Email over SMTP with nodemailer: a Chinese subject (MIME encoded-words, RFC 2047),
 * a plain-text and an HTML part (multipart/alternative) from the one rendering, and a
 * Message-ID made from the delivery id, so a mail sent again for the same delivery
 * carries the same id and mail systems and people can tell it for a resend.
 *
 * SMTP reply codes decide: 4xx is temporary (RFC 5321 §4.2.1: try again), 5xx is
 * permanent; no reply at all (a timeout, a refused connection) is tried again. The
 * SMTP conversation has no cancel, so an aborted attempt is reported as `retry` and
 * the mail may still arrive: the Message-ID makes that second copy recognisable.
 */
import nodemailer from 'nodemailer';
import type { Text } from '../domain/i18n.js';
import { html, plainText } from './render.js';
import {
  cut,
  type Channel,
  type ChannelAnswer,
  type DeliveryResult,
  type OutboundMessage,
  type SendOptions,
  type TargetOf,
} from './types.js';
import { DEFAULT_TIMEOUT_MS } from './http.js';

export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  requireTLS?: boolean;
  auth?: { user: string; pass: string };
  /** For a private relay with its own certificate authority. */
  tls?: { rejectUnauthorized?: boolean };
}

export interface EmailOptions {
  smtp: SmtpConfig;
  from: { name: string; address: string };
  /** The right-hand side of Message-IDs; the From address's domain unless given. */
  messageIdDomain?: string;
  timeoutMs?: number;
}

/** `<local@domain>` for a delivery: characters a Message-ID's local part may not hold are written =XX. */
export function messageIdFor(deliveryId: string, domain: string): string {
  const local = [...Buffer.from(deliveryId, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9_-]/.test(c) ? c : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  return `<${local}.duban@${domain}>`;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

const RETRY_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL']);

function classify(err: SmtpError): DeliveryResult {
  const answer: ChannelAnswer = {
    ...(err.responseCode !== undefined ? { code: err.responseCode } : err.code ? { code: err.code } : {}),
    ...(err.message ? { message: err.message } : {}),
    ...(err.response ? { raw: cut(err.response) } : {}),
  };
  const temporary =
    err.responseCode !== undefined
      ? err.responseCode >= 400 && err.responseCode < 500
      : err.code !== undefined && RETRY_CODES.has(err.code);
  if (temporary) {
    const reason: Text =
      err.responseCode !== undefined
        ? { zh: `邮件服务器暂时拒收（${err.responseCode}），稍后重试`, en: `the mail server deferred it (${err.responseCode}); will retry` }
        : {
            zh: `无法连接邮件服务器或未应答（${err.code ?? ''}），稍后重试`,
            en: `the mail server could not be reached or did not answer (${err.code ?? ''}); will retry`,
          };
    return { status: 'retry', channel: 'email', reason, answer };
  }
  const reason: Text =
    err.code === 'EAUTH'
      ? { zh: '邮件服务器拒绝登录（账号或密码错误）', en: 'the mail server refused the login (user or password)' }
      : {
          zh: `邮件服务器拒收（${String(err.responseCode ?? err.code ?? '')}）：${err.response ?? err.message ?? ''}`,
          en: `the mail server refused it (${String(err.responseCode ?? err.code ?? '')}): ${err.response ?? err.message ?? ''}`,
        };
  return { status: 'failed', channel: 'email', reason, answer };
}

export interface EmailChannel extends Channel<'email'> {
  /** Closes the transport's connections. */
  close(): void;
}

export function emailChannel(o: EmailOptions): EmailChannel {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const domain = o.messageIdDomain ?? o.from.address.split('@')[1] ?? 'duban.invalid';
  const transport = nodemailer.createTransport({
    ...o.smtp,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    kind: 'email',
    close: () => transport.close(),
    async send(message: OutboundMessage, target: TargetOf<'email'>, options: SendOptions = {}): Promise<DeliveryResult> {
      const aborted: DeliveryResult = {
        status: 'retry',
        channel: 'email',
        reason: { zh: '发送被中止，稍后重试', en: 'the attempt was aborted; will retry' },
        answer: null,
      };
      if (options.signal?.aborted) return aborted;
      const sending = transport
        .sendMail({
          from: o.from,
          to: target.to.map(({ name, address }) => ({ name, address })),
          subject: message.title.zh,
          text: plainText(message),
          html: html(message),
          messageId: messageIdFor(message.deliveryId, domain),
          headers: { 'X-Duban-Delivery': message.deliveryId, 'X-Duban-Notice': message.noticeId },
        })
        .then(
          (info): DeliveryResult => {
            const rejected = (info.rejected ?? []).map(String);
            const answer: ChannelAnswer = { message: info.response, raw: cut(info.response ?? '') };
            if ((info.accepted ?? []).length === 0) {
              return {
                status: 'failed',
                channel: 'email',
                reason: { zh: `收件地址均被拒收：${rejected.join('、')}`, en: `every address was refused: ${rejected.join(', ')}` },
                answer,
              };
            }
            return {
              status: 'sent',
              channel: 'email',
              messageId: info.messageId,
              answer,
              ...(rejected.length > 0
                ? { note: { zh: `部分地址被拒收：${rejected.join('、')}`, en: `some addresses were refused: ${rejected.join(', ')}` } }
                : {}),
            };
          },
          (err: SmtpError) => classify(err),
        );
      if (!options.signal) return sending;
      const signal = options.signal;
      return Promise.race([
        sending,
        new Promise<DeliveryResult>((resolve) => signal.addEventListener('abort', () => resolve(aborted), { once: true })),
      ]);
    },
  };
}
