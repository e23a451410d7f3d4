/**
 * WeCom group robots (企业微信群机器人), per WeCom's published 群机器人配置说明
 * (https://developer.work.weixin.qq.com/document/path/91770):
 * - the webhook `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`; the key is the
 *   robot's only credential (no signing), a wrong one answers errcode 93000
 *   "invalid webhook url";
 * - `markdown.content` up to 4096 bytes of UTF-8; `text.content` up to 2048 bytes;
 * - @ by mobile: `mentioned_mobile_list` belongs to the `text` type only — markdown can
 *   @ only with `<@userid>`, and Duban holds mobiles, not WeCom user ids;
 * - 20 messages a minute per robot; past it errcode 45009 "api freq out of limit".
 * So a notice goes as one markdown message, then, when its addressees have mobiles, one
 * short text message that @-mentions them. The notice has arrived once the markdown
 * is accepted: a failed mention afterwards is noted on the result, never a reason to
 * send the notice again.
 */
import { byStatus, DEFAULT_TIMEOUT_MS, field, httpAnswer, noAnswer, postJson } from './http.js';
import { markdown, mentionMobiles } from './render.js';
import type { Channel, ChannelAnswer, DeliveryResult, OutboundMessage, SendOptions, TargetOf } from './types.js';

const MARKDOWN_BYTES = 4096;

/** `text` cut to at most `bytes` of UTF-8, never inside a character. */
export function cutUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= bytes) return text;
  let out = '';
  let used = 0;
  const mark = '…';
  const room = bytes - Buffer.byteLength(mark, 'utf8');
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > room) break;
    out += ch;
    used += n;
  }
  return out + mark;
}

export interface WeComOptions {
  timeoutMs?: number;
}

type Attempt = { result: DeliveryResult; answer: ChannelAnswer | null };

export function weComChannel(o: WeComOptions = {}): Channel<'wecom'> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function post(webhook: string, payload: unknown, signal: AbortSignal | undefined): Promise<Attempt> {
    const res = await postJson(webhook, JSON.stringify(payload), { timeoutMs, ...(signal ? { signal } : {}) });
    if (!res.ok) return { result: noAnswer('wecom', res, timeoutMs), answer: null };
    const code = field(res.json, 'errcode');
    const errmsg = field(res.json, 'errmsg');
    const answer = httpAnswer(res, typeof code === 'number' ? code : undefined, typeof errmsg === 'string' ? errmsg : undefined);
    const byHttp = byStatus('wecom', res, answer);
    if (byHttp) return { result: byHttp, answer };
    if (code === 0) return { result: { status: 'sent', channel: 'wecom', messageId: null, answer }, answer };
    if (code === 45009) {
      return {
        result: {
          status: 'retry',
          channel: 'wecom',
          reason: { zh: '企业微信机器人发送过快被限流（每分钟20条），稍后重试', en: 'WeCom throttled the robot (20 a minute); will retry' },
          answer,
          retryAfterMs: 60_000,
        },
        answer,
      };
    }
    if (code === -1) {
      return {
        result: {
          status: 'retry',
          channel: 'wecom',
          reason: { zh: '企业微信系统繁忙，稍后重试', en: 'WeCom is busy; will retry' },
          answer,
        },
        answer,
      };
    }
    const reason =
      code === 93000
        ? {
            zh: `企业微信机器人地址无效（key 错误或机器人已移除）：${answer.message ?? ''}`,
            en: `WeCom: invalid webhook (wrong key or robot removed): ${answer.message ?? ''}`,
          }
        : {
            zh: `企业微信拒绝发送（错误码 ${String(answer.code ?? '无')}）：${answer.message ?? ''}`,
            en: `WeCom refused the message (code ${String(answer.code ?? 'none')}): ${answer.message ?? ''}`,
          };
    return { result: { status: 'failed', channel: 'wecom', reason, answer }, answer };
  }

  return {
    kind: 'wecom',
    async send(message: OutboundMessage, target: TargetOf<'wecom'>, options: SendOptions = {}): Promise<DeliveryResult> {
      const content = cutUtf8(markdown(message), MARKDOWN_BYTES);
      const main = await post(target.webhook, { msgtype: 'markdown', markdown: { content } }, options.signal);
      const mobiles = mentionMobiles(message);
      if (main.result.status !== 'sent' || mobiles.length === 0) return main.result;
      const names = message.addressees.filter((a) => a.mobile).map((a) => a.name);
      const mention = await post(
        target.webhook,
        {
          msgtype: 'text',
          text: { content: `请${names.join('、')}及时查阅并办理：${message.title.zh}`, mentioned_mobile_list: mobiles },
        },
        options.signal,
      );
      const missed = mention.result;
      if (missed.status === 'sent') return main.result;
      return {
        ...main.result,
        note: {
          zh: `通知已送达，但@提醒未发出：${missed.reason.zh}`,
          en: `The notice arrived, but the @-mention did not: ${missed.reason.en}`,
        },
      };
    },
  };
}
