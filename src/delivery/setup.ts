/**
 * The channels a process sends by, built once at start-up from its configuration:
 * the robot and webhook adapters always (their endpoints come from the organisation's
 * registered channels), email when DUBAN_SMTP_URL and DUBAN_MAIL_FROM are set.
 */
import type { Channels } from './index.js';
import { dingTalkChannel } from './dingtalk.js';
import { emailChannel, type EmailChannel, type SmtpConfig } from './email.js';
import { feishuChannel } from './feishu.js';
import { webhookChannel } from './webhook.js';
import { weComChannel } from './wecom.js';

export interface ChannelConfig {
  /** smtp://user:pass@host:587 (STARTTLS when offered), smtps://…:465 (TLS from the first byte). */
  smtpUrl?: string | undefined;
  /** "青溪区教育局督办系统 <duban@jy.example.gov.cn>" or a bare address. */
  mailFrom?: string | undefined;
  timeoutMs?: number | undefined;
  now?: (() => number) | undefined;
}

export function smtpConfig(url: string): SmtpConfig {
  const u = new URL(url);
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error(`DUBAN_SMTP_URL must be smtp:// or smtps://, got ${u.protocol}`);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    ...(u.searchParams.get('requireTLS') === 'true' ? { requireTLS: true } : {}),
  };
}

export function mailFrom(text: string): { name: string; address: string } {
  const m = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  if (m) return { name: m[1]!.replace(/^"|"$/g, ''), address: m[2]! };
  if (/^[^\s@]+@[^\s@]+$/.test(text.trim())) return { name: '督办', address: text.trim() };
  throw new Error(`DUBAN_MAIL_FROM is not an address: ${text}`);
}

export function buildChannels(c: ChannelConfig): { channels: Channels; close(): void } {
  const common = { ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}) };
  const timed = { ...common, ...(c.now ? { now: c.now } : {}) };
  let email: EmailChannel | undefined;
  if (c.smtpUrl && c.mailFrom) email = emailChannel({ smtp: smtpConfig(c.smtpUrl), from: mailFrom(c.mailFrom), ...common });
  return {
    channels: {
      dingtalk: dingTalkChannel(timed),
      wecom: weComChannel(common),
      feishu: feishuChannel(timed),
      webhook: webhookChannel(timed),
      ...(email ? { email } : {}),
    },
    close: () => email?.close(),
  };
}
