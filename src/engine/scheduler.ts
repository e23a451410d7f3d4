/** What the engine needs from a timer backend: BullMQ in production, a virtual clock in simulation. */
export interface ScheduledTimer {
  planId: string;
  /** Task id, or PLAN_ENTITY for the plan itself. */
  entity: string;
  /** Epoch ms the timer is due. */
  at: number;
  /** Fencing token, also the job id. */
  tok: string;
}

export interface TimerScheduler {
  /** Schedules jobs for newly armed timers; a timer already scheduled is left alone. */
  arm(timers: ScheduledTimer[]): Promise<void>;
  /** Best effort: removes jobs of cancelled timers (they would be stale no-ops anyway). */
  disarm(timers: ScheduledTimer[]): Promise<void>;
  /** Re-schedules due timers whose job is missing or failed; returns how many it re-armed. */
  ensure(timers: ScheduledTimer[]): Promise<number>;
}
