/**
 * The WeCom adapter against a stand-in group robot that reads requests as WeCom's
 * 群机器人配置说明 states (https://developer.work.weixin.qq.com/document/path/91770): the
 * `key` on the webhook is the credential (a wrong one: errcode 93000 "invalid webhook
 * url"); `markdown.content` at most 4096 bytes; `mentioned_mobile_list` belongs to the
 * `text` type only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weComChannel } from '../../src/delivery/wecom.js';
import { message } from './fixtures.js';
import { queryParam, startStandIn, type StandIn } from './stand-in-server.js';

const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
let robot: StandIn;

beforeAll(async () => {
  robot = await startStandIn((req) => {
    if (new URL(req.url, 'http://x').pathname !== '/cgi-bin/webhook/send' || queryParam(req.url, 'key') !== KEY) {
      return {
        json: {
          errcode: 93000,
          errmsg: 'invalid webhook url, hint: [1764666000_1_abc], more info at https://open.work.weixin.qq.com/devtool/query?e=93000',
        },
      };
    }
    const body = JSON.parse(req.body);
    const markdownOk =
      body.msgtype === 'markdown' &&
      typeof body.markdown?.content === 'string' &&
      Buffer.byteLength(body.markdown.content) <= 4096 &&
      Object.keys(body.markdown).join() === 'content';
    const textOk =
      body.msgtype === 'text' &&
      typeof body.text?.content === 'string' &&
      Buffer.byteLength(body.text.content) <= 2048 &&
      (body.text.mentioned_mobile_list === undefined || Array.isArray(body.text.mentioned_mobile_list));
    if (!markdownOk && !textOk) return { json: { errcode: 40008, errmsg: 'invalid message type' } };
    return { json: { errcode: 0, errmsg: 'ok' }, accepted: true };
  });
});
afterAll(() => robot.close());

const target = (key = KEY) => ({ kind: 'wecom' as const, webhook: `${robot.base}/cgi-bin/webhook/send?key=${key}` });

describe('WeCom group robot', () => {
  it('posts the notice as markdown, then @-mentions the addressees by mobile in a text message (markdown cannot)', async () => {
    robot.mode = 'normal';
    const before = robot.accepted.length;
    const result = await weComChannel().send(message(), target());
    expect(result).toMatchObject({ status: 'sent', channel: 'wecom', answer: { code: 0 } });
    const [main, mention] = robot.accepted.slice(before).map((r) => JSON.parse(r.body));
    expect(main.msgtype).toBe('markdown');
    expect(main.markdown.content).toContain('### 第一次整改通知书');
    expect(main.markdown.content).toContain('**整改时限：2026年12月16日17时**');
    expect(main.markdown.content.split('赵小红、张华：').length - 1).toBe(1);
    expect(mention).toEqual({
      msgtype: 'text',
      text: {
        content: '请赵小红、张华及时查阅并办理：第一次整改通知书：「制定质量监测实施方案」逾期未完成（下发整改意见）',
        mentioned_mobile_list: ['13800000001', '13800000002'],
      },
    });
  });

  it('returns failed with WeCom’s own answer when the key is wrong, and sends nothing more', async () => {
    robot.mode = 'normal';
    const before = robot.received.length;
    const result = await weComChannel().send(message(), target('not-the-key'));
    expect(result).toMatchObject({ status: 'failed', answer: { httpStatus: 200, code: 93000 } });
    expect(result.status === 'failed' && result.answer?.message).toContain('invalid webhook url');
    expect(robot.received.length).toBe(before + 1);
  });

  it('is told to retry on a 500', async () => {
    robot.mode = 'error500';
    expect(await weComChannel().send(message(), target())).toMatchObject({ status: 'retry', answer: { httpStatus: 500 } });
  });

  it('is told to retry when the robot never answers, once the timeout passes', async () => {
    robot.mode = 'hang';
    expect((await weComChannel({ timeoutMs: 300 }).send(message(), target())).status).toBe('retry');
    robot.mode = 'normal';
  });
});
