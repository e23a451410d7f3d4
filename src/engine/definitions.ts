/**
 * Plan definitions by revision, parsed once per process. A revision's definition
 * never changes once written, so concurrent callers share one load (fifty workers
 * waking on one plan must not parse it fifty times).
 *
 * The cache is bounded by the size of the definitions' text, not by how many there
 * are: a province's worker wakes thousands of plans, and unpacking a definition again
 * costs about 45 µs for a plan of one task and 2 ms for one of a thousand
 * (DUBAN_DEFINITION_CACHE_MB, default 64). The least recently used one leaves first.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { NotFoundError } from '../errors.js';
import type { RedisClient } from '../store/batch.js';
import type { PlanKeys } from '../store/keys.js';

/** Definition text held parsed, when DUBAN_DEFINITION_CACHE_MB does not say. */
export const DEFAULT_DEFINITION_CACHE_BYTES = 64 * 1024 * 1024;
/** Plans whose last-read revision is remembered (a few dozen bytes each). */
const SEEN_MAX = 100_000;

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
  return unpackSized(raw).def;
}

/** The definition and the length of its JSON text (what the cache counts). */
function unpackSized(raw: string): { def: PlanDefinition; bytes: number } {
  if (!raw.startsWith(PACKED)) return { def: JSON.parse(raw) as PlanDefinition, bytes: raw.length };
  const json = brotliDecompressSync(Buffer.from(raw.slice(PACKED.length), 'base64'));
  return { def: JSON.parse(json.toString('utf8')) as PlanDefinition, bytes: json.length };
}

/** What the cache holds: its definitions' text in bytes, and how many revisions. */
export interface DefinitionCacheUsage {
  bytes: number;
  definitions: number;
}

interface Entry {
  def: Promise<PlanDefinition>;
  /** Its JSON text's length once loaded (0 while loading). */
  bytes: number;
}

export function planNotFound(planId: string): NotFoundError {
  return new NotFoundError({ zh: `没有方案 ${planId}`, en: `No plan ${planId}` });
}

export class Definitions {
  /** In order of use, the least recently used first. */
  private readonly cache = new Map<string, Entry>();
  private heldBytes = 0;
  /** The revision each plan's hash held when this process last read it, and when. */
  private readonly seen = new Map<string, { rev: number; at: number }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly pk: (planId: string) => PlanKeys,
    /** How much definition text to hold parsed (its JSON's length; parsed, it takes a few times that). */
    private readonly budgetBytes: number = DEFAULT_DEFINITION_CACHE_BYTES,
  ) {}

  /** The definition at revision `rev`. */
  get(planId: string, rev: number): Promise<PlanDefinition> {
    const cacheKey = `${planId}#${rev}`;
    const cached = this.cache.get(cacheKey);
    if (cached) {
      this.cache.delete(cacheKey);
      this.cache.set(cacheKey, cached);
      return cached.def;
    }
    const entry = { bytes: 0 } as Entry;
    entry.def = (async () => {
      const [raw, storedRev] = await this.redis.hmget(this.pk(planId).plan, 'def', 'rev');
      if (!raw) throw planNotFound(planId);
      this.saw(planId, Number(storedRev));
      const { def, bytes } = unpackSized(raw);
      // A definition of another revision than asked for is not cached under this one.
      if (Number(storedRev) !== rev) this.drop(cacheKey, entry);
      else this.sized(cacheKey, entry, bytes);
      return def;
    })();
    this.cache.set(cacheKey, entry);
    entry.def.catch(() => this.drop(cacheKey, entry));
    return entry.def;
  }

  /** How much definition text this process holds parsed, and of how many revisions (for tests and metrics). */
  usage(): DefinitionCacheUsage {
    return { bytes: this.heldBytes, definitions: this.cache.size };
  }

  /**
   * Counts a loaded entry's size, then lets the least recently used leave while over
   * budget — all but this one, which its caller is about to use, wherever it stands in
   * the order (loads finish in any order: one asked for again while loading moved on).
   */
  private sized(cacheKey: string, entry: Entry, bytes: number): void {
    if (this.cache.get(cacheKey) !== entry) return;
    entry.bytes = bytes;
    this.heldBytes += bytes;
    for (const [k, e] of this.cache) {
      if (this.heldBytes <= this.budgetBytes) break;
      // One still loading counts nothing yet; it is sized when it arrives.
      if (k !== cacheKey && e.bytes > 0) this.drop(k, e);
    }
  }

  private drop(cacheKey: string, entry: Entry): void {
    if (this.cache.get(cacheKey) !== entry) return;
    this.cache.delete(cacheKey);
    this.heldBytes -= entry.bytes;
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
    let unpacked: { def: PlanDefinition; bytes: number };
    try {
      unpacked = unpackSized(raw);
    } catch {
      return; // `get` reads it again and reports what is wrong
    }
    const entry: Entry = { def: Promise.resolve(unpacked.def), bytes: 0 };
    this.cache.set(cacheKey, entry);
    this.sized(cacheKey, entry, unpacked.bytes);
  }

  /** Forgets what was seen of a plan's revision: this process has just changed it. */
  changed(planId: string): void {
    this.seen.delete(planId);
  }

  /** Drops every revision of the plan this process holds (the plan left Redis). */
  forget(planId: string): void {
    this.seen.delete(planId);
    const head = `${planId}#`;
    for (const [k, e] of this.cache) if (k.startsWith(head)) this.drop(k, e);
  }

  private saw(planId: string, rev: number): void {
    if (!Number.isFinite(rev)) return;
    this.seen.delete(planId);
    if (this.seen.size >= SEEN_MAX) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(planId, { rev, at: Date.now() });
  }
}
