/**
 * Reads plans and tasks as stored, migrated to this build's machines, plus a small
 * in-process memory of tasks this process committed. That memory is only a first
 * guess for the next transition: every commit is compare-and-set on the entity's
 * version and random stamp, so a stale guess — even one Redis rolled back under —
 * fails its commit and is read again. Reads for people (queries) never use it.
 */
import { NotFoundError } from '../errors.js';
import type { RedisClient } from '../store/batch.js';
import type { PlanKeys } from '../store/keys.js';
import type { Definitions } from './definitions.js';
import { planNotFound } from './definitions.js';
import { parsePlan, parseTask, type StoredPlan, type StoredTask } from './entity.js';
import type { PlanDefinition } from '../domain/plan.schema.js';

const RECENT_TASKS = 5_000;
const PLAN_FIELDS = ['ver', 'cas', 'mv', 'snap', 'timers', 'ix', 'rev', 'created'] as const;
/** What a task's hash holds for loading it: not its first history entry (trail.ts), which only its record reads. */
export const TASK_FIELDS = ['ver', 'cas', 'mv', 'snap', 'timers', 'ix', 'def', 'rev', 'polrev'] as const;

/** A task hash's fields as HMGET of TASK_FIELDS returned them, absent ones left out. */
export function taskHash(values: (string | null)[]): Record<string, string> {
  const h: Record<string, string> = {};
  for (let i = 0; i < TASK_FIELDS.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined) h[TASK_FIELDS[i]!] = v;
  }
  return h;
}

export class EntityReader {
  private readonly recent = new Map<string, StoredTask>();

  constructor(
    private readonly redis: RedisClient,
    private readonly pk: (planId: string) => PlanKeys,
    private readonly defs: Definitions,
  ) {}

  /** The plan entity and its definition; the (large) definition comes from the per-revision cache. */
  async loadPlan(planId: string): Promise<{ plan: StoredPlan; def: PlanDefinition }> {
    const values = await this.redis.hmget(this.pk(planId).plan, ...PLAN_FIELDS);
    if (!values[0]) throw planNotFound(planId);
    const h: Record<string, string> = {};
    PLAN_FIELDS.forEach((f, i) => {
      const v = values[i];
      if (v !== null && v !== undefined) h[f] = v;
    });
    const plan = parsePlan(h);
    return { plan, def: await this.defs.get(planId, plan.rev) };
  }

  /** The definition the plan runs now. */
  currentDefinition(planId: string): Promise<PlanDefinition> {
    return this.defs.current(planId);
  }

  /** The definition as of a read of the plan at most `maxAgeMs` old (src/engine/definitions.ts `recent`). */
  recentDefinition(planId: string, maxAgeMs: number): Promise<PlanDefinition> {
    return this.defs.recent(planId, maxAgeMs);
  }

  /** This process has just written a new definition of the plan. */
  definitionChanged(planId: string): void {
    this.defs.changed(planId);
  }

  async loadTask(planId: string, taskId: string, options: { cached?: boolean } = {}): Promise<StoredTask> {
    const key = this.pk(planId).task(taskId);
    if (options.cached) {
      const hit = this.recent.get(key);
      if (hit) return hit;
    }
    const h = taskHash(await this.redis.hmget(key, ...TASK_FIELDS));
    if (!h.ver) throw new NotFoundError({ zh: `方案 ${planId} 中没有任务 ${taskId}`, en: `Plan ${planId} has no task ${taskId}` });
    return this.parse(planId, h);
  }

  async taskIds(planId: string): Promise<string[]> {
    return this.redis.zrange(this.pk(planId).tasks, '0', '-1');
  }

  async loadTasks(planId: string, ids: string[]): Promise<StoredTask[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.pk(planId).task(id), ...TASK_FIELDS);
    const replies = (await pipeline.exec()) ?? [];
    const tasks: StoredTask[] = [];
    for (const [err, h] of replies) {
      if (err) throw err;
      const hash = taskHash(h as (string | null)[]);
      if (hash.ver) tasks.push(await this.parse(planId, hash));
    }
    return tasks;
  }

  /**
   * A stored task hash as a task: its policy from the revision it runs under (`polrev`),
   * its definition stored with it or, when stored empty, read from its revision's plan definition.
   */
  async parse(planId: string, h: Record<string, string>): Promise<StoredTask> {
    const policyDef = await this.defs.get(planId, Number(h.polrev ?? h.rev));
    const revDef = h.def || h.polrev === undefined || h.polrev === h.rev ? policyDef : await this.defs.get(planId, Number(h.rev));
    return parseTask(h, policyDef, revDef);
  }

  /** The task as this process last committed it, if remembered: a first guess only (see above). */
  recalled(key: string): StoredTask | undefined {
    return this.recent.get(key);
  }

  /** Remembers a task as this process just committed it. */
  remember(key: string, task: StoredTask): void {
    this.recent.delete(key);
    if (this.recent.size >= RECENT_TASKS) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(key, task);
  }

  forget(key: string): void {
    this.recent.delete(key);
  }
}
