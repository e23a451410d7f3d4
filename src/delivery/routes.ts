/**
 * Which deliveries a notice makes, from the plan's `delivery` section: one per
 * (notice, group channel) for a group robot, addressed to every routed recipient, and
 * one per (notice, recipient) for email. Pure: the commit that creates the notice
 * writes these in the same script (src/engine/outbox.ts), so a notice and its
 * deliveries exist together or not at all. Endpoints and addresses are not resolved
 * here but when sent, so a channel or an address the office corrects meanwhile is used.
 */
import type { NoticeFacts } from '../domain/notices.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { quietRelease } from './quiet-hours.js';

/** The server's own mail channel; every other channel id names one the organisation registered. */
export const EMAIL_CHANNEL = 'email';
/** `who` of a group channel's one delivery per notice. */
export const GROUP = 'group';

export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'held';

/** A delivery as the commit records it: what never changes once written. */
export interface PlannedDelivery {
  /** `${noticeId}/${channel}/${who}`: deterministic, so a notice created twice yields the same ids. */
  id: string;
  noticeId: string;
  channel: string;
  /** GROUP for a group channel, the recipient's plan person id for email. */
  who: string;
  /** Plan person ids the message is addressed to. */
  addressees: string[];
  createdAt: number;
  /** Not before this time (the end of quiet hours, or the issue time). */
  notBefore: number;
  /** `held` while quiet hours hold it, else `queued`. */
  status: Extract<DeliveryStatus, 'queued' | 'held'>;
}

export function deliveryId(noticeId: string, channel: string, who: string): string {
  return `${noticeId}/${channel}/${who}`;
}

/** The deliveries `notice` makes under `plan`'s routes, in route order; none without a `delivery` section. */
export function planDeliveries(plan: PlanDefinition, notice: NoticeFacts): PlannedDelivery[] {
  const section = plan.delivery;
  if (!section) return [];
  const task = notice.taskId ? plan.tasks.find((t) => t.id === notice.taskId) : undefined;
  const unitOf = (personId: string) => plan.people.find((p) => p.id === personId)?.unit;
  const byChannel = new Map<string, Set<string>>();
  for (const route of section.routes) {
    for (const r of notice.recipients) {
      if (!r.roles.some((role) => route.roles.includes(role))) continue;
      if (route.units) {
        const unit = task ? task.leadDepartment : unitOf(r.id);
        if (unit === undefined || !route.units.includes(unit)) continue;
      }
      let people = byChannel.get(route.channel);
      if (!people) byChannel.set(route.channel, (people = new Set()));
      people.add(r.id);
    }
  }
  const quiet = section.quietHours;
  // Rungs (整改通知书) may pass quiet hours; reminders and the rest wait for the morning.
  const passes = quiet?.allowRungs === true && notice.kind === 'rectification';
  const notBefore = quiet && !passes ? quietRelease(notice.createdAt, plan.timeZone, quiet) : notice.createdAt;
  const status = notBefore > notice.createdAt ? 'held' : 'queued';
  const base = { noticeId: notice.id, createdAt: notice.createdAt, notBefore, status } as const;
  const out: PlannedDelivery[] = [];
  for (const [channel, people] of byChannel) {
    const addressees = [...people];
    if (channel === EMAIL_CHANNEL) {
      for (const p of addressees) out.push({ ...base, id: deliveryId(notice.id, channel, p), channel, who: p, addressees: [p] });
    } else {
      out.push({ ...base, id: deliveryId(notice.id, channel, GROUP), channel, who: GROUP, addressees });
    }
  }
  return out;
}
