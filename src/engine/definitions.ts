/**
 * Plan definitions by revision, parsed once per process. A revision's definition
 * never changes once written, so concurrent callers share one load (fifty workers
 * waking on one plan must not parse it fifty times).
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { NotFoundError } from '../errors.js';
import type { RedisClient } from '../store/batch.js';
import type { PlanKeys } from '../store/keys.js';

const CACHE_SIZE = 256;

/** Marks a definition stored compressed; earlier builds stored the JSON itself (it starts with `{`). */
const PACKED = 'br1:';

/**
 * A plan's definition as stored in its hash: the JSON, brotli-compressed (quality 5:
 * a 1,000-task plan in about 5 ms, written only when a plan is created or amended) and
 * base64-encoded, because commits carry their values as script arguments in text.
 * A definition is most of what a plan holds per task: a real plan's shrinks about three
 * times (its titles and duties are all different), a generated one far more.
 */
export function packDefinition(def: PlanDefinition): string {
  const json = Buffer.from(JSON.stringify(def));
  const packed = brotliCompressSync(json, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: json.length },
  });
  return PACKED + packed.toString('base64');
}

/** A stored definition, compressed or (stored by earlier builds) plain JSON. */
export function unpackDefinition(raw: string): PlanDefinition {
  if (!raw.startsWith(PACKED)) return JSON.parse(raw) as PlanDefinition;
  return JSON.parse(brotliDecompressSync(Buffer.from(raw.slice(PACKED.length), 'base64')).toString('utf8')) as PlanDefinition;
}

export function planNotFound(planId: string): NotFoundError {
  return new NotFoundError({ zh: `没有方案 ${planId}`, en: `No plan ${planId}` });
}

export class Definitions {
  private readonly cache = new Map<string, Promise<PlanDefinition>>();
  /** The revision each plan's hash held when this process last read it, and when. */
  private readonly seen = new Map<string, { rev: number; at: number }>();

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
      this.saw(planId, Number(storedRev));
      // A definition of another revision than asked for is not cached under this one.
      if (Number(storedRev) !== rev) this.cache.delete(cacheKey);
      return unpackDefinition(raw);
    })();
    this.put(cacheKey, loading);
    loading.catch(() => this.cache.delete(cacheKey));
    return loading;
  }

  /** Caches a definition, the oldest one leaving when the cache is full. */
  private put(cacheKey: string, def: Promise<PlanDefinition>): void {
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, def);
  }

  /** The definition a plan runs now (what notices and pages are rendered from). */
  async current(planId: string): Promise<PlanDefinition> {
    const rev = await this.redis.hget(this.pk(planId).plan, 'rev');
    if (!rev) throw planNotFound(planId);
    this.saw(planId, Number(rev));
    return this.get(planId, Number(rev));
  }

  /**
   * The plan's definition as of a read at most `maxAgeMs` old, else as `current` reads it.
   * For routing a commit's notices: that read is not fenced by the commit anyway, and a
   * timer batch that has just read the plan's definition need not ask for its revision
   * again (one round trip of the few an isolated wake-up makes).
   */
  recent(planId: string, maxAgeMs: number): Promise<PlanDefinition> {
    const s = this.seen.get(planId);
    return s && Date.now() - s.at <= maxAgeMs ? this.get(planId, s.rev) : this.current(planId);
  }

  /** The revision whose definition this process holds parsed for the plan, if any: a read that would fetch it again may skip it. */
  held(planId: string): number | undefined {
    const s = this.seen.get(planId);
    return s && this.cache.has(`${planId}#${s.rev}`) ? s.rev : undefined;
  }

  /**
   * What another read of the plan's hash found (timers.ts, its first read of a wake-up):
   * the revision the plan runs, and its definition unless this process holds it already.
   */
  offer(planId: string, rev: number, raw: string | null): void {
    this.saw(planId, rev);
    const cacheKey = `${planId}#${rev}`;
    if (raw === null || this.cache.has(cacheKey)) return;
    let def: PlanDefinition;
    try {
      def = unpackDefinition(raw);
    } catch {
      return; // `get` reads it again and reports what is wrong
    }
    this.put(cacheKey, Promise.resolve(def));
  }

  /** Forgets what was seen of a plan's revision: this process has just changed it. */
  changed(planId: string): void {
    this.seen.delete(planId);
  }

  private saw(planId: string, rev: number): void {
    if (!Number.isFinite(rev)) return;
    this.seen.delete(planId);
    if (this.seen.size >= CACHE_SIZE) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(planId, { rev, at: Date.now() });
  }
}
