/**
 * What the engine needs from a timer backend: BullMQ in production (timer-queue.ts).
 *
 * Timers are batched per plan. Every pending timer of a plan sits in the plan's timer
 * index (a sorted set by due time, written by the same commit as the entity that holds
 * it); the backend holds one wake-up per plan, for the lowest due time in that index.
 * A wake-up fires every timer of the plan due by then, in batches (timers.ts), and the
 * commit that fires them arms the next wake-up. So far-future timers hold no job, and a
 * thousand tasks of one plan due at one instant are one wake-up, one read and one
 * commit per batch, not a thousand jobs.
 *
 * A backend may keep a horizon: a wake-up further off than that is not armed when a
 * commit asks for it, but by the reconciler's pass once it comes within the horizon
 * (`armAhead`). A commit that moves a plan's next timer to next month then costs no
 * job, and a wake-up that fires one timer and leaves the task's next a day away adds
 * none. The horizon is many reconciler periods long, so each such wake-up is armed
 * long before it is due; one lost anyway is re-armed as overdue (`ensure`).
 */

/** A plan's wake-up: run the plan's due timers at `at` (epoch ms). */
export interface Wake {
  planId: string;
  at: number;
}

/** A pending timer as the plan's timer index holds it. */
export interface ScheduledTimer {
  planId: string;
  /** Task id, or PLAN_ENTITY for the plan itself. */
  entity: string;
  /** Epoch ms the timer is due. */
  at: number;
  /** Fencing token: the entity fires it only while it still holds this token. */
  tok: string;
}

export interface TimerScheduler {
  /**
   * Makes sure each plan is woken at the given time; a wake-up already scheduled is left
   * alone. With a horizon, wake-ups further off than it are left to `armAhead`.
   */
  wake(wakes: Wake[]): Promise<void>;
  /** How far ahead `wake` arms, ms; undefined: every wake-up at once. */
  readonly horizonMs?: number;
  /**
   * Arms wake-ups that have come within the horizon (the reconciler's pass gives each
   * plan's next one), skipping those this process armed already; returns how many it added.
   */
  armAhead?(wakes: Wake[]): Promise<number>;
  /** Re-schedules wake-ups whose job is missing or failed; returns how many it re-armed. */
  ensure(wakes: Wake[]): Promise<number>;
  /** Removes what earlier versions scheduled that no one reads any more (one job per timer); run once on upgrade. */
  retireLegacy?(): Promise<void>;
}

/** A scheduler that schedules nothing: for tools that read or verify plans and run no timers. */
export const noTimers: TimerScheduler = { wake: () => Promise.resolve(), ensure: () => Promise.resolve(0) };

/** What the engine counts for an operator (src/infra/metrics.ts implements it). */
export interface EngineMetrics {
  transition(entity: 'task' | 'plan', by: 'timer' | 'command', n?: number): void;
  /** One timer fired, `latenessMs` after it was due. */
  timerFired(latenessMs: number): void;
  /** Timers fired by one wake-up's batch. */
  timerBatch(size: number): void;
  notice(kind: string): void;
}
