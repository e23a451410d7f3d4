/**
 * A plan's routes must name channels its organisation registered: checked where the
 * engine admits a plan (create, replace, amend, a personnel change), beside the
 * directory's own checks, so a typo in `channel` is a 400 at its path instead of
 * deliveries failing one by one later. Decorates the engine's `PlanDirectory` seam.
 */
import { organisationOf, type PlanDefinition } from '../domain/plan.schema.js';
import type { PlanDirectory } from '../engine/plan-directory.js';
import type { Problem } from '../errors.js';
import type { ChannelStore } from './channel-store.js';
import { EMAIL_CHANNEL } from './routes.js';

/** Every route of `def` naming a channel its organisation has not registered, by path. */
export async function unregisteredChannels(def: PlanDefinition, channels: Pick<ChannelStore, 'get'>): Promise<Problem[]> {
  const org = organisationOf(def);
  const problems: Problem[] = [];
  for (const [i, route] of (def.delivery?.routes ?? []).entries()) {
    if (route.channel === EMAIL_CHANNEL || (await channels.get(org, route.channel))) continue;
    problems.push({
      path: `delivery.routes[${i}].channel`,
      message: `单位「${org}」没有登记渠道「${route.channel}」：请办公室先登记该渠道，或改用已登记的渠道 / organisation "${org}" has no channel "${route.channel}": register it first, or name a registered one`,
    });
  }
  return problems;
}

/** `inner` with the routes' channels checked first; a refused plan registers nobody in the directory. */
export function withRouteChannels(inner: PlanDirectory | undefined, channels: Pick<ChannelStore, 'get'>): PlanDirectory {
  return {
    async admit(def, by, o) {
      const missing = await unregisteredChannels(def, channels);
      if (missing.length === 0) return inner ? inner.admit(def, by, o) : [];
      return [...(inner ? await inner.admit(def, by, { register: false }) : []), ...missing];
    },
  };
}
