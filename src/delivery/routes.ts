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
import { DIGESTED_KINDS, chainRolesOf, digestByRole } from './digest-roles.js';
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
  /** `digest`: `noticeId` names a digest or bulletin (src/engine/digests.ts), not a notice. */
  source?: 'digest';
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
  // Leaders who read the day's digest are not pushed each reminder it carries; a rung always goes.
  const digested = section.digest?.digestInsteadOfPushes === true && DIGESTED_KINDS.has(notice.kind);
  const recipients = digested ? notice.recipients.filter((r) => !digestByRole(plan, r.id)) : notice.recipients;
  for (const route of section.routes) {
    for (const r of recipients) {
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

/**
 * The deliveries of a digest or bulletin `id` for `people`: one mail each, and one
 * message per group channel whose route reaches any of them (by their roles in the plan
 * and, for `units`, their own unit), addressed to those it reaches.
 */
export function digestDeliveries(plan: PlanDefinition, id: string, people: string[], at: number): PlannedDelivery[] {
  const section = plan.delivery;
  if (!section || people.length === 0) return [];
  const quiet = section.quietHours;
  const notBefore = quiet ? quietRelease(at, plan.timeZone, quiet) : at;
  const base = { noticeId: id, createdAt: at, notBefore, status: notBefore > at ? 'held' : 'queued', source: 'digest' } as const;
  const groups = new Map<string, Set<string>>();
  for (const route of section.routes) {
    if (route.channel === EMAIL_CHANNEL) continue;
    for (const p of people) {
      const roles = chainRolesOf(plan, p);
      if (!route.roles.some((r) => roles.has(r))) continue;
      const unit = plan.people.find((q) => q.id === p)?.unit;
      if (route.units && (unit === undefined || !route.units.includes(unit))) continue;
      let set = groups.get(route.channel);
      if (!set) groups.set(route.channel, (set = new Set()));
      set.add(p);
    }
  }
  return [
    ...people.map((p) => ({ ...base, id: deliveryId(id, EMAIL_CHANNEL, p), channel: EMAIL_CHANNEL, who: p, addressees: [p] })),
    ...[...groups].map(([channel, set]) => ({ ...base, id: deliveryId(id, channel, GROUP), channel, who: GROUP, addressees: [...set] })),
  ];
}
