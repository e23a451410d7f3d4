/**
 * Machines never read the clock: every event carries `at` (epoch ms). Timer events
 * the engine injects carry the time they were due, not the time they ran, so a late
 * job never shifts the dates that follow from it.
 */
export interface Timed {
  at: number;
}

/** The time of the event being processed (the init event carries it in its input). */
export function eventTime(event: unknown): number {
  const e = event as { at?: unknown; input?: { at?: unknown } };
  if (typeof e.at === 'number') return e.at;
  if (typeof e.input?.at === 'number') return e.input.at;
  throw new Error(`event ${JSON.stringify(event)} carries no time (at)`);
}

/** Milliseconds from the event's time until `when`, never negative. */
export function until(when: number, event: unknown): number {
  return Math.max(0, when - eventTime(event));
}
