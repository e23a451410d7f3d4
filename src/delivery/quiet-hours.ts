/**
 * Quiet hours (免打扰时段) in the plan's time zone: a push that falls inside the window
 * waits for its end — the morning — and a rung may be let through. Pure: the commit
 * computes each delivery's `notBefore` from the notice's issue time with it.
 */
import { DateTime } from 'luxon';
import type { DeliverySectionT } from '../domain/plan.schema.js';

type Quiet = NonNullable<DeliverySectionT['quietHours']>;

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When a push issued at `at` may go: `at` itself outside the window, else the end of
 * the window (the `to` time of the same or the next day, in `zone`).
 */
export function quietRelease(at: number, zone: string, quiet: Pick<Quiet, 'from' | 'to'>): number {
  const local = DateTime.fromMillis(at, { zone });
  const now = local.hour * 60 + local.minute;
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  // A window across midnight (22:00–07:00) or within one day (12:00–14:00).
  const inside = from > to ? now >= from || now < to : now >= from && now < to;
  if (!inside) return at;
  const end = local.startOf('day').plus({ minutes: to });
  return (end.toMillis() > at ? end : end.plus({ days: 1 })).toMillis();
}
