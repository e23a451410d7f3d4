/**
 * The DingTalk adapter against a stand-in robot that checks 加签 exactly as DingTalk's
 * custom-robot guide states it (https://open.dingtalk.com/document/group/custom-robot-access):
 * `timestamp` (epoch ms, within an hour) and `sign` = urlEncode(Base64(HMAC-SHA256 keyed
 * with the secret over timestamp + "\n" + secret)) on the webhook's query; a wrong one
 * gets DingTalk's own answer, HTTP 200 with errcode 310000.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dingTalkChannel } from '../../src/delivery/dingtalk.js';
import { message } from './fixtures.js';
import { queryParam, startStandIn, type StandIn } from './stand-in-server.js';

const SECRET = 'SECc0ffee0123456789abcdef0123456789abcdef0123456789abcdef01234567';
let robot: StandIn;
let limited = false;

beforeAll(async () => {
  robot = await startStandIn((req) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path !== '/robot/send' || queryParam(req.url, 'access_token') !== 'tok-jjb') {
      return { json: { errcode: 300001, errmsg: 'token is not exist' } };
    }
    const timestamp = queryParam(req.url, 'timestamp') ?? '';
    const sign = queryParam(req.url, 'sign');
    const expected = createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64');
    const rawSign = /[?&]sign=([^&]*)/.exec(req.url)?.[1];
    const fresh = Math.abs(Date.now() - Number(timestamp)) < 3_600_000;
    if (!fresh || sign !== expected || rawSign !== encodeURIComponent(expected)) {
      return { json: { errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' } };
    }
    const body = JSON.parse(req.body);
    const shapeOk =
      body.msgtype === 'markdown' &&
      typeof body.markdown?.title === 'string' &&
      body.markdown.title.length > 0 &&
      typeof body.markdown?.text === 'string' &&
      Array.isArray(body.at?.atMobiles);
    if (!shapeOk) return { json: { errcode: 40035, errmsg: '缺少参数 json' } };
    if (limited) return { json: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } };
    return { json: { errcode: 0, errmsg: 'ok' }, accepted: true };
  });
});
afterAll(() => robot.close());

const target = (secret = SECRET) => ({ kind: 'dingtalk' as const, webhook: `${robot.base}/robot/send?access_token=tok-jjb`, secret });

describe('DingTalk custom robot', () => {
  it('posts a signed markdown notice that the group reads in Chinese first, @-ing the addressees by mobile', async () => {
    robot.mode = 'normal';
    const before = robot.accepted.length;
    const result = await dingTalkChannel().send(message(), target());
    expect(result).toMatchObject({ status: 'sent', channel: 'dingtalk', answer: { code: 0 } });
    expect(robot.accepted.length).toBe(before + 1);
    const body = JSON.parse(robot.accepted.at(-1)!.body);
    expect(body.markdown.title).toBe('第一次整改通知书：「制定质量监测实施方案」逾期未完成（下发整改意见）');
    const text: string = body.markdown.text;
    // The addressees once, the dates as offices write them, the 文号, then the English.
    expect(text.split('赵小红、张华：').length - 1).toBe(1);
    expect(text).toContain('整改时限：2026年12月16日17时');
    expect(text).toContain('未能在2026年12月2日17时前完成');
    expect(text).toContain('X教督〔2026〕7号');
    expect(text).not.toMatch(/2026-12-\d\d/);
    expect(text.indexOf('第一次整改通知书')).toBeLessThan(text.indexOf('Rectification notice no. 1'));
    // DingTalk @s a mobile only when it is in at.atMobiles and written in the text.
    expect(body.at).toEqual({ atMobiles: ['13800000001', '13800000002'], isAtAll: false });
    expect(text).toContain('@13800000001');
    expect(text).toContain('@13800000002');
  });

  it('returns failed with DingTalk’s own answer when the secret is wrong', async () => {
    robot.mode = 'normal';
    const result = await dingTalkChannel().send(message(), target('SECwrong'));
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.answer).toMatchObject({ httpStatus: 200, code: 310000 });
    expect(result.answer?.message).toContain('sign not match');
    expect(result.reason.zh).toContain('加签');
  });

  it('is told to retry when DingTalk throttles the robot, with DingTalk’s 10-minute wait', async () => {
    limited = true;
    try {
      const result = await dingTalkChannel().send(message(), target());
      expect(result).toMatchObject({ status: 'retry', answer: { code: 130101 }, retryAfterMs: 600_000 });
    } finally {
      limited = false;
    }
  });

  it('is told to retry on a 500', async () => {
    robot.mode = 'error500';
    const result = await dingTalkChannel().send(message(), target());
    expect(result).toMatchObject({ status: 'retry', answer: { httpStatus: 500 } });
  });

  it('is told to retry when the robot never answers, once the timeout passes', async () => {
    robot.mode = 'hang';
    const result = await dingTalkChannel({ timeoutMs: 300 }).send(message(), target());
    expect(result.status).toBe('retry');
    if (result.status === 'retry') expect(result.reason.en).toContain('no answer');
    robot.mode = 'normal';
  });
});
