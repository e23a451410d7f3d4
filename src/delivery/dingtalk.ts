/**
 * DingTalk custom robots (钉钉自定义机器人), per DingTalk's published docs:
 * - https://open.dingtalk.com/document/group/custom-robot-access — the webhook
 *   (`https://oapi.dingtalk.com/robot/send?access_token=…`), the 加签 security setting,
 *   20 messages a minute per robot (past it the robot is throttled for 10 minutes);
 * - https://open.dingtalk.com/document/development/robot-message-type — `markdown`
 *   (`markdown.title`, `markdown.text`) and `at.atMobiles`; a mobile is only @-ed when
 *   it also appears in the text as `@138…`.
 * 加签: timestamp = epoch ms (DingTalk refuses one more than an hour off its clock);
 * string to sign = timestamp + "\n" + secret; sign = HMAC-SHA256 keyed with the secret,
 * Base64, then URL-encoded; both go on the webhook's query as `timestamp` and `sign`.
 * Answers are HTTP 200 with `{errcode, errmsg}`: 0 is sent; 310000 is a failed security
 * check (sign not match, keywords not in content, ip not in whitelist); 130101 is the
 * rate limit; -1 is "system busy".
 */
import { createHmac } from 'node:crypto';
import { byStatus, DEFAULT_TIMEOUT_MS, field, httpAnswer, noAnswer, postJson } from './http.js';
import { markdown, mentionMobiles } from './render.js';
import type { Channel, DeliveryResult, OutboundMessage, SendOptions, TargetOf } from './types.js';

/** `sign` before URL-encoding: Base64 of HMAC-SHA256(secret, `${timestamp}\n${secret}`). */
export function dingTalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/** DingTalk's markdown text is capped (5000 characters in its message-type table); longer is cut with a mark. */
const TEXT_LIMIT = 5000;

export interface DingTalkOptions {
  timeoutMs?: number;
  now?: () => number;
}

export function dingTalkChannel(o: DingTalkOptions = {}): Channel<'dingtalk'> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = o.now ?? Date.now;
  return {
    kind: 'dingtalk',
    async send(message: OutboundMessage, target: TargetOf<'dingtalk'>, options: SendOptions = {}): Promise<DeliveryResult> {
      const url = new URL(target.webhook);
      if (target.secret) {
        const timestamp = now();
        // URLSearchParams encodes + / = as %2B %2F %3D: the urlEncode step of the signature.
        url.searchParams.set('timestamp', String(timestamp));
        url.searchParams.set('sign', dingTalkSign(target.secret, timestamp));
      }
      const mobiles = mentionMobiles(message);
      let text = markdown(message, { mentions: mobiles });
      if (text.length > TEXT_LIMIT) text = `${text.slice(0, TEXT_LIMIT - 1)}…`;
      const body = JSON.stringify({
        msgtype: 'markdown',
        markdown: { title: message.title.zh, text },
        at: { atMobiles: mobiles, isAtAll: false },
      });
      const res = await postJson(url.toString(), body, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
      if (!res.ok) return noAnswer('dingtalk', res, timeoutMs);
      const code = field(res.json, 'errcode');
      const errmsg = field(res.json, 'errmsg');
      const answer = httpAnswer(res, typeof code === 'number' ? code : undefined, typeof errmsg === 'string' ? errmsg : undefined);
      const byHttp = byStatus('dingtalk', res, answer);
      if (byHttp) return byHttp;
      if (code === 0) return { status: 'sent', channel: 'dingtalk', messageId: null, answer };
      if (code === 130101) {
        return {
          status: 'retry',
          channel: 'dingtalk',
          reason: { zh: '钉钉机器人发送过快被限流（每分钟20条），稍后重试', en: 'DingTalk throttled the robot (20 a minute); will retry' },
          answer,
          retryAfterMs: 10 * 60_000,
        };
      }
      if (code === -1) {
        return {
          status: 'retry',
          channel: 'dingtalk',
          reason: { zh: '钉钉系统繁忙，稍后重试', en: 'DingTalk is busy; will retry' },
          answer,
        };
      }
      if (code === 310000) {
        return {
          status: 'failed',
          channel: 'dingtalk',
          reason: {
            zh: `钉钉机器人安全设置校验未通过（加签密钥、关键词或IP白名单）：${answer.message ?? ''}`,
            en: `DingTalk refused the robot's security check (signing secret, keywords or IP allow-list): ${answer.message ?? ''}`,
          },
          answer,
        };
      }
      return {
        status: 'failed',
        channel: 'dingtalk',
        reason: {
          zh: `钉钉拒绝发送（错误码 ${String(answer.code ?? '无')}）：${answer.message ?? ''}`,
          en: `DingTalk refused the message (code ${String(answer.code ?? 'none')}): ${answer.message ?? ''}`,
        },
        answer,
      };
    },
  };
}
