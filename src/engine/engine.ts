/**
 * The engine: load → check → transition → commit → schedule.
 *
 * Every change to a plan (its own state, its tasks' states, history, indexes,
 * notices, pending timers) is one compare-and-set commit of one Lua script on the
 * plan's keys. Jobs for new timers are added only after that commit; if the process
 * dies in between, the reconciler re-arms them from the plan's timer index. A timer
 * job names its fencing token, so a duplicate, late or cancelled job changes nothing.
 *
 * The parts live beside this file: definitions.ts (plan definitions by revision),
 * reader.ts (stored entities, migrated on load), commit.ts (the commit loop),
 * plans.ts (plan lifecycle), tasks.ts (task commands), timers.ts (due timers and
 * the reconciler). This class wires them and is what the rest of Duban calls.
 */
import { LATE_AFTER_MS } from '../../machines/index.js';
import type { PlanCommandInput, TaskCommandInput } from '../domain/commands.schema.js';
import type { Principal } from '../domain/permissions.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import type { RedisClient } from '../store/batch.js';
import { keysFor, type Keys, type PlanKeys } from '../store/keys.js';
import { amendPlan, type AmendOptions, type PlanDiff } from './amend.js';
import { Committer, type Outcome } from './commit.js';
import type { EngineCore } from './core.js';
import { Definitions, type DefinitionCacheUsage } from './definitions.js';
import type { StoredPlan, StoredTask } from './entity.js';
import { createPlan, planEvent, replaceDraft } from './plans.js';
import { EntityReader } from './reader.js';
import type { EngineMetrics, TimerScheduler } from './scheduler.js';
import type { DeliveryScheduler } from './outbox.js';
import { stepTask } from './step.js';
import { taskEvent } from './tasks.js';
import { fireTimer, migrateLegacyTimers, reconcile, wakePlan, type WakeResult } from './timers.js';
import { Digests } from './digests.js';
import { issueDueParts } from './children.js';
import { upgradeAll, upgradePlan } from './upgrade.js';
import type { PlanDirectory } from './plan-directory.js';
import { verifyTrail, type AuditReport } from './audit.js';
import { PersonnelChanges } from './personnel.js';
import { Indicators } from './indicators.js';
import { CalendarYears } from '../calendar/loaded-years.js';
import { randomText } from './random.js';

export type { HistoryEntry, Outcome } from './commit.js';
export { parsePlanDefinition } from './plans.js';
export type { TaskDefinition } from '../domain/plan.schema.js';

export interface EngineOptions {
  redis: RedisClient;
  scheduler: TimerScheduler;
  /** Key prefix; tests give each run its own. */
  prefix?: string;
  now?: () => number;
  log?: (line: string) => void;
  /** A timer run later than this after it was due was held up by an outage (default a minute). */
  lateAfterMs?: number;
  /** The directory plans are admitted to (see plan-directory.ts). */
  directory?: PlanDirectory;
  /** Queues the deliveries commits record (outbox.ts); absent, the delivery sweep finds them. */
  outbox?: DeliveryScheduler;
  /** How long a process counts with the loaded holiday years it read before reading them again (default 5 s). */
  calendarTtlMs?: number;
  /** Counts for /metrics: transitions, timers fired and their lateness, notices (src/infra/metrics.ts). */
  metrics?: EngineMetrics;
  /** How much plan-definition text this process holds parsed (definitions.ts; default 64 MiB). */
  definitionCacheBytes?: number;
}

/**
 * A timer's fencing token: 't' and 11 base64url characters (66 random bits), unique
 * across the plan, short so the timer index stays small.
 */
export function newToken(): string {
  return `t${randomText(9).slice(0, 11)}`;
}

export class Engine {
  readonly keys: Keys;
  /** How much plan-definition text this process holds parsed, and of how many revisions (/metrics). */
  readonly definitionCache: () => DefinitionCacheUsage;
  /** Personnel changes (人员调整): asked for, listed, cancelled, applied when due (personnel.ts). */
  readonly personnel: PersonnelChanges;
  /** Indicators (指标): values reported, statuses, the off-path ladder swept by the reconciler (indicators.ts). */
  readonly indicators: Indicators;
  /** Holiday years an admin loaded (src/calendar/loaded-years.ts), read through before every operation that counts working days. */
  readonly calendarYears: CalendarYears;
  /** Daily digests and the weekly bulletin, made once each by the reconciler's pass (digests.ts). */
  readonly digests: Digests;
  private readonly core: EngineCore;
  private upgraded = false;

  constructor(opts: EngineOptions) {
    const keys = keysFor(opts.prefix ?? 'dn');
    const pk = (planId: string) => keys.plan(planId);
    const defs = new Definitions(opts.redis, pk, opts.definitionCacheBytes);
    this.definitionCache = () => defs.usage();
    const reader = new EntityReader(opts.redis, pk, defs);
    const commit = new Committer({
      redis: opts.redis,
      scheduler: opts.scheduler,
      reader,
      pk,
      log: opts.log,
      outbox: opts.outbox,
      metrics: opts.metrics,
      now: opts.now ?? Date.now,
    });
    this.keys = keys;
    this.core = {
      redis: opts.redis,
      keys,
      scheduler: opts.scheduler,
      now: opts.now ?? Date.now,
      lateAfterMs: opts.lateAfterMs ?? LATE_AFTER_MS,
      log: opts.log,
      metrics: opts.metrics,
      defs,
      directory: opts.directory,
      reader,
      commit,
      pk,
      newToken,
      stepTask: (task, event) => stepTask(task.snap, event, task.timers, newToken),
    };
    this.personnel = new PersonnelChanges(this.core);
    this.indicators = new Indicators(this.core);
    this.digests = new Digests(this.core, opts.outbox);
    this.calendarYears = new CalendarYears(opts.redis, opts.prefix ?? 'dn', opts.calendarTtlMs);
  }

  get redis(): RedisClient {
    return this.core.redis;
  }

  pk(planId: string): PlanKeys {
    return this.core.pk(planId);
  }

  // ---- reads ------------------------------------------------------------------

  definition(planId: string, rev: number): Promise<PlanDefinition> {
    return this.core.defs.get(planId, rev);
  }
  currentDefinition(planId: string): Promise<PlanDefinition> {
    return this.core.defs.current(planId);
  }
  /** The plan left Redis (archived): what this process held of its definitions goes too. */
  forgetDefinitions(planId: string): void {
    this.core.defs.forget(planId);
  }
  loadPlan(planId: string): Promise<{ plan: StoredPlan; def: PlanDefinition }> {
    return this.core.reader.loadPlan(planId);
  }
  loadTask(planId: string, taskId: string): Promise<StoredTask> {
    return this.core.reader.loadTask(planId, taskId);
  }
  taskIds(planId: string): Promise<string[]> {
    return this.core.reader.taskIds(planId);
  }
  loadTasks(planId: string, ids: string[]): Promise<StoredTask[]> {
    return this.core.reader.loadTasks(planId, ids);
  }

  // ---- changes ----------------------------------------------------------------

  createPlan(input: unknown, by: Principal, options: { publish?: boolean } = {}): Promise<Outcome> {
    return this.calendarYears.fresh().then(() => createPlan(this.core, input, by, options));
  }
  replaceDraft(planId: string, input: unknown, by: Principal): Promise<Outcome> {
    return this.calendarYears.fresh().then(() => replaceDraft(this.core, planId, input, by));
  }
  /** Amends a published plan as one revision (see amend.ts); `dryRun` only returns the diff. */
  amendPlan(planId: string, input: unknown, by: Principal, options: AmendOptions): Promise<Outcome & { diff: PlanDiff }> {
    return this.calendarYears.fresh().then(() => amendPlan(this.core, planId, input, by, options));
  }
  planEvent(planId: string, command: PlanCommandInput, by: Principal): Promise<Outcome> {
    return this.calendarYears.fresh().then(() => planEvent(this.core, planId, command, by));
  }
  taskEvent(planId: string, taskId: string, command: TaskCommandInput, by: Principal): Promise<Outcome> {
    return this.calendarYears.fresh().then(() => taskEvent(this.core, planId, taskId, command, by));
  }
  /** Fires one due timer by its token (a wake-up fires them in batches: `wake`). */
  fireTimer(planId: string, entity: string, tok: string): Promise<'fired' | 'stale'> {
    return this.calendarYears.fresh().then(() => fireTimer(this.core, planId, entity, tok));
  }
  /** A plan's wake-up: fires every timer of the plan due now, in batches, each one commit (timers.ts); `jobAt`: the time its job was armed for. */
  wake(planId: string, jobAt?: number): Promise<WakeResult> {
    return this.calendarYears.fresh().then(() => wakePlan(this.core, planId, jobAt));
  }
  /**
   * The reconciler's pass, over the list of plans read once: re-arms wake-ups that
   * went missing, issues due parts, applies due personnel changes, sends indicators'
   * due rungs and makes the day's digests. The first run in a process also rewrites
   * entities stored by earlier machine versions (upgrade.ts) and, once per deployment,
   * moves timers of earlier versions to per-plan wake-ups (timers.ts).
   */
  async reconcile(slackMs?: number): Promise<number> {
    await this.calendarYears.fresh();
    const plans = await this.core.redis.zrange(this.core.keys.plans, '0', '-1');
    if (!this.upgraded) {
      await upgradeAll(this.core, plans);
      await migrateLegacyTimers(this.core, plans);
      this.upgraded = true;
    }
    const rearmed = await reconcile(this.core, plans, slackMs);
    // The reconciler also issues the parts of tasks whose time has come (children.ts).
    await issueDueParts(this.core, plans);
    // The reconciler is also the trigger of dated personnel changes (why: personnel.ts).
    await this.personnel.applyDue(plans);
    // And of the indicators' off-path ladders (why: indicators.ts).
    await this.indicators.sweep(plans);
    // And of the day's digests, each made once (why: digests.ts).
    await this.digests.sweep(plans);
    return rearmed;
  }
  /** Checks the plan's hash-chained trail and names the first broken entry of each list. */
  async verifyTrail(planId: string): Promise<AuditReport> {
    await this.core.reader.loadPlan(planId);
    return verifyTrail(this.core.redis, this.core.pk(planId), planId, await this.core.reader.taskIds(planId));
  }

  /** Rewrites one plan's entities stored by earlier machine versions; returns how many. */
  upgradePlan(planId: string): Promise<number> {
    return upgradePlan(this.core, planId);
  }
}
