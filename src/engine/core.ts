/**
 * What the engine's parts share: Redis, the key layout, the clock, the timer
 * backend, definitions, the entity reader and the commit loop. Built once by
 * `Engine` and passed to the plan, task and timer functions.
 */
import type { RedisClient } from '../store/batch.js';
import type { Keys, PlanKeys } from '../store/keys.js';
import type { Committer } from './commit.js';
import type { Definitions } from './definitions.js';
import type { StoredTask } from './entity.js';
import type { PlanDirectory } from './plan-directory.js';
import type { EntityReader } from './reader.js';
import type { EngineMetrics, TimerScheduler } from './scheduler.js';
import type { StepResult, TaskEmitted, TaskSnapshot, TimerEvent } from './step.js';
import type { TaskEvent } from '../../machines/index.js';

export interface EngineCore {
  redis: RedisClient;
  keys: Keys;
  scheduler: TimerScheduler;
  now: () => number;
  /** A timer run later than this after it was due issues its step now (see TimerEvent.firedAt). */
  lateAfterMs: number;
  log: ((line: string) => void) | undefined;
  /** Counts for /metrics (src/infra/metrics.ts); absent in tools and most tests. */
  metrics: EngineMetrics | undefined;
  defs: Definitions;
  /** The directory plans are admitted to; absent, plans carry their own people. */
  directory: PlanDirectory | undefined;
  reader: EntityReader;
  commit: Committer;
  pk(planId: string): PlanKeys;
  newToken: () => string;
  stepTask(task: StoredTask, event: TaskEvent | TimerEvent): StepResult<TaskSnapshot, TaskEmitted>;
}
