/**
 * Plan definitions by revision, parsed once per process. A revision's definition
 * never changes once written, so concurrent callers share one load (fifty workers
 * waking on one plan must not parse it fifty times).
 */
import type { PlanDefinition } from '../domain/plan.schema.js';
import { NotFoundError } from '../errors.js';
import type { RedisClient } from '../store/batch.js';
import type { PlanKeys } from '../store/keys.js';

const CACHE_SIZE = 256;

export function planNotFound(planId: string): NotFoundError {
  return new NotFoundError({ zh: `没有方案 ${planId}`, en: `No plan ${planId}` });
}

export class Definitions {
  private readonly cache = new Map<string, Promise<PlanDefinition>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly pk: (planId: string) => PlanKeys,
  ) {}

  /** The definition at revision `rev`. */
  get(planId: string, rev: number): Promise<PlanDefinition> {
    const cacheKey = `${planId}#${rev}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const loading = (async () => {
      const [raw, storedRev] = await this.redis.hmget(this.pk(planId).plan, 'def', 'rev');
      if (!raw) throw planNotFound(planId);
      // A definition of another revision than asked for is not cached under this one.
      if (Number(storedRev) !== rev) this.cache.delete(cacheKey);
      return JSON.parse(raw) as PlanDefinition;
    })();
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, loading);
    loading.catch(() => this.cache.delete(cacheKey));
    return loading;
  }

  /** The definition a plan runs now (what notices and pages are rendered from). */
  async current(planId: string): Promise<PlanDefinition> {
    const rev = await this.redis.hget(this.pk(planId).plan, 'rev');
    if (!rev) throw planNotFound(planId);
    return this.get(planId, Number(rev));
  }
}
