/**
 * Notices that leave the app: the organisation's channels and each notice's deliveries.
 *
 *   GET    /organisations/:org/channels                     the office's channels: kind, host, signed?, last result — no secrets
 *   PUT    /organisations/:org/channels/:channelId          { kind, webhook|url, secret?, format?, name? }   office of :org
 *   DELETE /organisations/:org/channels/:channelId          office of :org; deliveries routed to it then fail, saying so
 *   GET    /plans/:planId/notices/:noticeId                 the notice with its deliveries (each with its read receipt)
 *   GET    /plans/:planId/deliveries?status=failed          the office's view of a plan's deliveries (digests' too)
 *   POST   /plans/:planId/deliveries/:deliveryId/resend     office: a failed delivery goes again, under the same id
 *
 * Delivery ids hold "/" (notice/channel/who): clients encode them (%2F) in the path.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { ChannelInput, RESERVED_CHANNEL_IDS, type ChannelStore } from '../delivery/channel-store.js';
import { actorLabel, checkRunPlan, ruleText, type Principal } from '../domain/permissions.js';
import { Id, type PlanDefinition } from '../domain/plan.schema.js';
import type { Engine } from '../engine/engine.js';
import type { DeliveryView, Outbox } from '../engine/outbox.js';
import type { BullDeliveryQueue } from '../engine/outbox-queue.js';
import type { Queries } from '../engine/queries.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';
import { readablePlan } from './plan-access.js';
import { parse } from './parse.js';

export interface DeliveryDeps {
  engine: Engine;
  queries: Queries;
  outbox: Outbox;
  channels: ChannelStore;
  queue: BullDeliveryQueue;
  now?: () => number;
}

const OrgParams = z.object({ org: Id });
const ChannelParams = OrgParams.extend({ channelId: Id });
const ListQuery = z.object({ status: z.enum(['queued', 'held', 'sending', 'sent', 'failed']).optional() });

const CHANNEL_RULE = {
  zh: '只有本单位的领导小组办公室可以登记、查看或删除发送渠道',
  en: "Only the organisation's leadership group office may register, list or delete its channels",
};

function officeOf(res: Response, org: string): Principal {
  const p = principalOf(res);
  if (p.kind === 'system' || (p.kind === 'office' && p.org === org)) return p;
  throw new ForbiddenError(CHANNEL_RULE);
}

/**
 * A delivery's read receipt: its addressees who acknowledged (签收) the notice, and
 * `acknowledged` with the time once all of them have — a group message is read when
 * everyone it named has signed for it.
 */
function receipt(d: DeliveryView, acks: Record<string, number> | undefined, name: (id: string) => string) {
  const by = d.addressees.flatMap((id) => (acks?.[id] !== undefined ? [{ id, name: name(id), at: acks[id] }] : []));
  const all = d.addressees.length > 0 && by.length === d.addressees.length;
  return { acknowledged: all, acknowledgedAt: all ? Math.max(...by.map((a) => a.at)) : null, acknowledgedBy: by };
}

/** A delivery for a reader: the channel's answer (which may quote the platform) for the office only. */
function view(d: DeliveryView, office: boolean, def: PlanDefinition, acks?: Map<string, Record<string, number>>) {
  const name = (id: string) => def.people.find((p) => p.id === id)?.name ?? id;
  return {
    id: d.id,
    noticeId: d.noticeId,
    channel: d.channel,
    addressees: d.addressees.map((id) => ({ id, name: name(id) })),
    status: d.status,
    attempts: d.attempts,
    notBefore: d.notBefore,
    sentAt: d.sentAt,
    failedAt: d.failedAt,
    reason: d.reason,
    note: d.note,
    ...receipt(d, acks?.get(d.noticeId), name),
    ...(office ? { answer: d.answer, messageId: d.messageId } : {}),
  };
}

export function deliveriesRouter(deps: DeliveryDeps): Router {
  const r = Router();
  const now = deps.now ?? Date.now;

  r.get('/organisations/:org/channels', async (req, res) => {
    const { org } = parse(OrgParams, req.params, 'params');
    officeOf(res, org);
    res.json({ org, channels: await deps.channels.list(org) });
  });

  r.put('/organisations/:org/channels/:channelId', async (req, res) => {
    const { org, channelId } = parse(ChannelParams, req.params, 'params');
    const p = officeOf(res, org);
    if (RESERVED_CHANNEL_IDS.includes(channelId)) {
      throw new InvalidInputError([
        { path: 'channelId', message: `「${channelId}」是本服务的邮件渠道，不能登记 / "${channelId}" is the server's own mail channel` },
      ]);
    }
    const input = parse(ChannelInput, req.body, 'body');
    const existed = (await deps.channels.get(org, channelId)) !== null;
    await deps.channels.put(org, channelId, input, actorLabel(p));
    res.status(existed ? 200 : 201).json(await deps.channels.summary(org, channelId));
  });

  r.delete('/organisations/:org/channels/:channelId', async (req, res) => {
    const { org, channelId } = parse(ChannelParams, req.params, 'params');
    officeOf(res, org);
    if (!(await deps.channels.remove(org, channelId))) {
      throw new NotFoundError({ zh: `没有渠道 ${channelId}`, en: `No channel ${channelId}` });
    }
    res.status(204).end();
  });

  r.get('/plans/:planId/notices/:noticeId', async (req, res) => {
    const p = principalOf(res);
    const def = await readablePlan(deps.engine, p, req.params.planId);
    const notice = await deps.queries.notice(req.params.planId, req.params.noticeId);
    const office = checkRunPlan(p, def) === null;
    const deliveries = await deps.outbox.ofNotice(req.params.planId, req.params.noticeId);
    const acks = new Map([[notice.id, notice.acknowledgements]]);
    res.json({ ...notice, deliveries: deliveries.map((d) => view(d, office, def, acks)) });
  });

  r.get('/plans/:planId/deliveries', async (req, res) => {
    const p = principalOf(res);
    const def = await readablePlan(deps.engine, p, req.params.planId);
    const rule = checkRunPlan(p, def);
    if (rule) throw new ForbiddenError(ruleText(rule));
    const { status } = parse(ListQuery, req.query, 'query');
    const list = await deps.outbox.list(req.params.planId, status ? { status } : {});
    const acks = await deps.outbox.acknowledgements(
      req.params.planId,
      list.filter((d) => d.source !== 'digest').map((d) => d.noticeId),
    );
    res.json({ planId: req.params.planId, deliveries: list.map((d) => view(d, true, def, acks)) });
  });

  r.post('/plans/:planId/deliveries/:deliveryId/resend', async (req, res) => {
    const p = principalOf(res);
    const { planId, deliveryId } = req.params;
    const def = await readablePlan(deps.engine, p, planId);
    const rule = checkRunPlan(p, def);
    if (rule) throw new ForbiddenError(ruleText(rule));
    const at = now();
    const done = await deps.outbox.resend(planId, deliveryId, at);
    if (!done.ok) {
      if (done.status === null) throw new NotFoundError({ zh: `没有发送记录 ${deliveryId}`, en: `No delivery ${deliveryId}` });
      throw new ConflictError({
        zh: `只有发送失败的记录可以重新发送（当前：${done.status}）`,
        en: `Only a failed delivery can be resent (it is ${done.status})`,
      });
    }
    // The same id: its earlier job finished, so this one is new; a leftover is retried by ensure.
    await deps.queue.ensure({ planId, id: deliveryId, notBefore: at });
    const d = await deps.outbox.get(planId, deliveryId);
    res.json(view(d!, true, def));
  });

  return r;
}
