/**
 * The delivery seam's entry: the channels a process has, built once at start-up and
 * injected (as the timer scheduler is), and `deliver`, which hands a message to the
 * channel its target names. A kind the process was not configured for is `failed`
 * with a reason the office can act on, never a throw.
 */
import type { Channel, ChannelKind, DeliveryResult, DeliveryTarget, OutboundMessage, SendOptions } from './types.js';

export type Channels = { [K in ChannelKind]?: Channel<K> };

export async function deliver(
  channels: Channels,
  message: OutboundMessage,
  target: DeliveryTarget,
  options: SendOptions = {},
): Promise<DeliveryResult> {
  const channel = channels[target.kind] as Channel<typeof target.kind> | undefined;
  if (!channel) {
    return {
      status: 'failed',
      channel: target.kind,
      reason: { zh: `本服务未配置该渠道（${target.kind}）`, en: `this server has no ${target.kind} channel configured` },
      answer: null,
    };
  }
  return channel.send(message, target, options);
}

export * from './types.js';
export { outboundMessage, plainText, markdown, html, feishuPost, feishuCard, daysOverdue, type RenderOptions } from './render.js';
export { emailChannel, messageIdFor, type EmailChannel, type EmailOptions, type SmtpConfig } from './email.js';
export { dingTalkChannel, dingTalkSign } from './dingtalk.js';
export { weComChannel } from './wecom.js';
export { feishuChannel, feishuSign } from './feishu.js';
export { webhookChannel, dubanSignature } from './webhook.js';
