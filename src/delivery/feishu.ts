/**
 * Feishu custom bots (飞书自定义机器人), per Feishu's published 自定义机器人使用指南
 * (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot, also at
 * https://open.feishu.cn/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN):
 * - the webhook `https://open.feishu.cn/open-apis/bot/v2/hook/…`, a body of at most 20 KB,
 *   100 requests a minute and 5 a second per bot (past it code 11232);
 * - 签名校验: timestamp = epoch seconds (within an hour of Feishu's clock); the string
 *   timestamp + "\n" + secret is the HMAC-SHA256 *key*, the message signed is empty; the
 *   digest in Base64 is `sign`. Both go in the JSON body beside `msg_type`; a bad one
 *   answers `{"code":19021,"msg":"sign match fail or timestamp is not within one hour
 *   from current time"}`;
 * - `post` rich text with a zh_cn and an en_us version (the client shows its user's),
 *   or an `interactive` card. A custom bot can @ only by open_id or user_id, so
 *   addressees are written by name (render.ts).
 * Other codes in the guide: 9499 Bad Request, 19022 Ip Not Allowed, 19024 Key Words
 * Not Found — all permanent until someone changes the bot's settings.
 */
import { createHmac } from 'node:crypto';
import { byStatus, DEFAULT_TIMEOUT_MS, field, httpAnswer, noAnswer, postJson } from './http.js';
import { feishuCard, feishuPost } from './render.js';
import type { Channel, DeliveryResult, OutboundMessage, SendOptions, TargetOf } from './types.js';

/** `sign`: Base64 of HMAC-SHA256 keyed with `${timestamp}\n${secret}` over the empty string. */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

const REASONS: Record<number, { zh: string; en: string }> = {
  19021: {
    zh: '飞书签名校验未通过（密钥错误或时间偏差超过1小时）',
    en: 'Feishu refused the signature (wrong secret, or a clock more than an hour off)',
  },
  19022: { zh: '飞书机器人IP白名单不含本服务器', en: "the Feishu bot's IP allow-list does not include this server" },
  19024: { zh: '飞书机器人关键词校验未通过', en: "the message lacks the Feishu bot's keywords" },
  9499: { zh: '飞书认为消息格式有误', en: 'Feishu found the message malformed' },
};

export interface FeishuOptions {
  timeoutMs?: number;
  now?: () => number;
}

export function feishuChannel(o: FeishuOptions = {}): Channel<'feishu'> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = o.now ?? Date.now;
  return {
    kind: 'feishu',
    async send(message: OutboundMessage, target: TargetOf<'feishu'>, options: SendOptions = {}): Promise<DeliveryResult> {
      const signing = target.secret
        ? (() => {
            const timestamp = Math.floor(now() / 1000);
            return { timestamp: String(timestamp), sign: feishuSign(target.secret, timestamp) };
          })()
        : {};
      const content =
        (target.format ?? 'post') === 'card'
          ? { msg_type: 'interactive', card: feishuCard(message) }
          : { msg_type: 'post', content: { post: feishuPost(message) } };
      const res = await postJson(target.webhook, JSON.stringify({ ...signing, ...content }), {
        timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!res.ok) return noAnswer('feishu', res, timeoutMs);
      // `code`/`msg`, or the older `StatusCode`/`StatusMessage` the guide keeps for compatibility.
      const rawCode = field(res.json, 'code') ?? field(res.json, 'StatusCode');
      const msg = field(res.json, 'msg') ?? field(res.json, 'StatusMessage');
      const code = typeof rawCode === 'number' ? rawCode : undefined;
      const answer = httpAnswer(res, code, typeof msg === 'string' ? msg : undefined);
      const byHttp = byStatus('feishu', res, answer);
      if (byHttp) return byHttp;
      if (code === 0) {
        const id = field(field(res.json, 'data'), 'message_id');
        return { status: 'sent', channel: 'feishu', messageId: typeof id === 'string' ? id : null, answer };
      }
      if (code === 11232) {
        return {
          status: 'retry',
          channel: 'feishu',
          reason: { zh: '飞书机器人发送过快被限流，稍后重试', en: 'Feishu throttled the bot; will retry' },
          answer,
          retryAfterMs: 60_000,
        };
      }
      const known = code === undefined ? undefined : REASONS[code];
      return {
        status: 'failed',
        channel: 'feishu',
        reason: known
          ? { zh: `${known.zh}：${answer.message ?? ''}`, en: `${known.en}: ${answer.message ?? ''}` }
          : {
              zh: `飞书拒绝发送（错误码 ${String(code ?? '无')}）：${answer.message ?? ''}`,
              en: `Feishu refused the message (code ${String(code ?? 'none')}): ${answer.message ?? ''}`,
            },
        answer,
      };
    },
  };
}
