/**
 * The Feishu adapter against a stand-in custom bot that checks 签名校验 as Feishu's
 * 自定义机器人使用指南 states (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot):
 * `timestamp` (epoch seconds, within an hour) and `sign` in the JSON body, where sign is
 * Base64(HMAC-SHA256 keyed with timestamp + "\n" + secret over an empty message); a wrong
 * one gets Feishu's own answer, code 19021.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feishuChannel } from '../../src/delivery/feishu.js';
import { message } from './fixtures.js';
import { startStandIn, type StandIn } from './stand-in-server.js';

const SECRET = 'qOdd2bqfVXS8HeBPqsgNAc';
const HOOK = '/open-apis/bot/v2/hook/9f1c6a52-0000-4c4f-8f7e-3b5bd2d6f7a1';
let bot: StandIn;

beforeAll(async () => {
  bot = await startStandIn((req) => {
    if (new URL(req.url, 'http://x').pathname !== HOOK)
      return { status: 404, json: { code: 19001, msg: 'param invalid: incoming webhook access token invalid', data: {} } };
    const body = JSON.parse(req.body);
    const ts = Number(body.timestamp);
    const expected = createHmac('sha256', `${body.timestamp}\n${SECRET}`).update('').digest('base64');
    if (typeof body.timestamp !== 'string' || Math.abs(Date.now() / 1000 - ts) > 3600 || body.sign !== expected) {
      return { json: { code: 19021, data: {}, msg: 'sign match fail or timestamp is not within one hour from current time' } };
    }
    const post = body.content?.post;
    const postOk =
      body.msg_type === 'post' &&
      ['zh_cn', 'en_us'].every(
        (lang) =>
          typeof post?.[lang]?.title === 'string' &&
          Array.isArray(post[lang].content) &&
          post[lang].content.every(
            (line: unknown) => Array.isArray(line) && line.every((el: { tag?: string }) => typeof el.tag === 'string'),
          ),
      );
    const cardOk =
      body.msg_type === 'interactive' && typeof body.card?.header?.title?.content === 'string' && Array.isArray(body.card.elements);
    if (!postOk && !cardOk) return { status: 400, json: { code: 9499, msg: 'Bad Request', data: {} } };
    return { json: { code: 0, data: {}, msg: 'success' }, accepted: true };
  });
});
afterAll(() => bot.close());

const target = (o: { secret?: string; format?: 'post' | 'card' } = {}) => ({
  kind: 'feishu' as const,
  webhook: `${bot.base}${HOOK}`,
  secret: o.secret ?? SECRET,
  format: o.format ?? ('post' as const),
});

const texts = (lines: { tag: string; text?: string }[][]) => lines.map((l) => l.map((e) => e.text ?? '').join('')).join('\n');

describe('Feishu custom bot', () => {
  it('posts signed rich text in Chinese and English, the addressees named once, the new deadline in bold', async () => {
    bot.mode = 'normal';
    const result = await feishuChannel().send(message(), target());
    expect(result).toMatchObject({ status: 'sent', channel: 'feishu', answer: { code: 0 } });
    const post = JSON.parse(bot.accepted.at(-1)!.body).content.post;
    expect(post.zh_cn.title).toBe('第一次整改通知书：「制定质量监测实施方案」逾期未完成（下发整改意见）');
    const zh = texts(post.zh_cn.content);
    expect(zh.split('赵小红、张华：').length - 1).toBe(1);
    expect(zh).toContain('整改时限：2026年12月16日17时');
    expect(post.zh_cn.content.flat()).toContainEqual({ tag: 'text', text: '2026年12月16日17时', style: ['bold'] });
    expect(post.zh_cn.content.flat()).toContainEqual({ tag: 'a', text: '查看通知', href: 'https://duban.example.org/#/notice/qx-2026/t1' });
    expect(post.en_us.title).toContain('Rectification notice no. 1');
    expect(texts(post.en_us.content)).toContain('Rectify by: 16 December 2026, 17:00');
  });

  it('can send the notice as a card instead', async () => {
    bot.mode = 'normal';
    expect(await feishuChannel().send(message(), target({ format: 'card' }))).toMatchObject({ status: 'sent' });
    const card = JSON.parse(bot.accepted.at(-1)!.body).card;
    expect(card.header).toEqual({
      title: { tag: 'plain_text', content: '第一次整改通知书：「制定质量监测实施方案」逾期未完成（下发整改意见）' },
      template: 'red',
    });
  });

  it('returns failed with Feishu’s own answer when the secret is wrong', async () => {
    bot.mode = 'normal';
    const result = await feishuChannel().send(message(), target({ secret: 'wrong-secret' }));
    expect(result).toMatchObject({ status: 'failed', answer: { code: 19021 } });
    expect(result.status === 'failed' && result.answer?.message).toContain('sign match fail');
    expect(result.status === 'failed' && result.reason.zh).toContain('签名校验未通过');
  });

  it('is told to retry on a 500', async () => {
    bot.mode = 'error500';
    expect(await feishuChannel().send(message(), target())).toMatchObject({ status: 'retry', answer: { httpStatus: 500 } });
  });

  it('is told to retry when the bot never answers, once the timeout passes', async () => {
    bot.mode = 'hang';
    expect((await feishuChannel({ timeoutMs: 300 }).send(message(), target())).status).toBe('retry');
    bot.mode = 'normal';
  });
});
