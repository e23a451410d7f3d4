/**
 * The seam itself: a message goes to the channel its target names; a channel this
 * server was not configured with is a failure the office can read, not a crash; and
 * targets are checked by their schemas before anything is stored.
 */
import { describe, expect, it } from 'vitest';
import { deliver, DeliveryTargetSchema, type Channel } from '../../src/delivery/index.js';
import { message } from './fixtures.js';

describe('deliver', () => {
  it('hands the message to the channel the target names, and answers failed for one not configured', async () => {
    const seen: string[] = [];
    const webhook: Channel<'webhook'> = {
      kind: 'webhook',
      send: (m, target) => {
        seen.push(`${m.deliveryId} → ${target.url}`);
        return Promise.resolve({ status: 'sent', channel: 'webhook', messageId: '1', answer: {} });
      },
    };
    const target = { kind: 'webhook' as const, url: 'https://oa.example.gov.cn/hook', secret: 'x'.repeat(16) };
    expect(await deliver({ webhook }, message({ deliveryId: 'd1' }), target)).toMatchObject({ status: 'sent' });
    expect(seen).toEqual(['d1 → https://oa.example.gov.cn/hook']);
    const missing = await deliver({ webhook }, message(), {
      kind: 'wecom',
      webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
    });
    expect(missing).toMatchObject({ status: 'failed', channel: 'wecom', reason: { zh: '本服务未配置该渠道（wecom）' } });
  });

  it('checks targets: a web address for robots, a real address for mail, a long enough webhook secret', () => {
    expect(DeliveryTargetSchema.parse({ kind: 'feishu', webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc' })).toMatchObject({
      format: 'post',
    });
    expect(DeliveryTargetSchema.safeParse({ kind: 'dingtalk', webhook: 'javascript:alert(1)' }).success).toBe(false);
    expect(DeliveryTargetSchema.safeParse({ kind: 'email', to: [{ name: '孙丽', address: 'not-an-address' }] }).success).toBe(false);
    expect(DeliveryTargetSchema.safeParse({ kind: 'webhook', url: 'https://oa.example.gov.cn/hook', secret: 'short' }).success).toBe(false);
  });
});
