/**
 * Archiving a finished plan (归档): a province's closed plans leave Redis for the file
 * store, as one JSON document that keeps everything — every key of the plan (its
 * definition revisions, tasks, history lists with their hash chain, notices and their
 * deliveries, indicators, personnel changes, evidence records; evidence bytes are
 * already in the file store) — and can be downloaded and checked again later.
 *
 * In order, so that nothing is lost on the way:
 *   1. refuse a plan that is not closed (409) and anyone but its organisation's office (403);
 *   2. read every key of the plan (SCAN of its hash tag: one slot under Cluster);
 *   3. re-check every hash-chained history list (audit.ts) — a broken trail is refused;
 *   4. write the document to the file store and read it back, checking it again;
 *   5. record the archive (a global hash and the organisation's list: single-key commands);
 *   6. take the plan out of the plan list and the person and organisation indexes, then
 *      delete its keys, scanning again for any a late writer left.
 * A timer job of the plan that fires afterwards finds no plan and is a no-op.
 */
import type { Principal } from '../domain/permissions.js';
import { peopleInRole } from '../domain/chain.js';
import { STATE_TEXT } from '../domain/labels.js';
import { actorLabel, checkRunPlan } from '../domain/permissions.js';
import { organisationOf, type PlanDefinition } from '../domain/plan.schema.js';
import { ConflictError, ForbiddenError, GoneError, NotFoundError } from '../errors.js';
import { planNotFound } from './definitions.js';
import { sha256, type FileStore } from '../files/file-store.js';
import type { RedisClient } from '../store/batch.js';
import { isDone, markDone } from '../store/migration-marks.js';
import { scanKeys } from '../store/scan.js';
import { verifyList, type BrokenEntry } from './audit.js';
import { FIRST_ENTRY, TRAIL_COUNT } from './trail.js';
import { PLAN_ENTITY } from '../store/keys.js';
import type { Engine } from './engine.js';
import { planStage } from './entity.js';
import { after, compareDesc, cut, zsetAfter, type Page, type PageRequest } from './paging.js';
import { PlanIndex, prefixOf } from './plan-index.js';

export const ARCHIVE_FORMAT = 'duban.plan-archive/1';

export type DumpedKey =
  | { type: 'hash'; value: Record<string, string> }
  | { type: 'list'; value: string[] }
  | { type: 'set'; value: string[] }
  | { type: 'zset'; value: [string, number][] }
  | { type: 'string'; value: string };

/** The archive document; `keys` are the plan's Redis keys with `<prefix>:{<plan>}` cut off. */
export interface PlanArchive {
  format: typeof ARCHIVE_FORMAT;
  planId: string;
  title: string;
  organisation: string;
  issuer: string;
  stage: string;
  archivedAt: number;
  archivedBy: string;
  definition: PlanDefinition;
  /** Every history list re-checked when archived: how many lists and entries, none broken. */
  verification: ArchiveVerification;
  /** What the plan's evidence records say (bytes stay in the file store under `blob`). */
  evidence: Record<string, string>[];
  keys: Record<string, DumpedKey>;
}

export interface ArchiveVerification {
  ok: boolean;
  lists: number;
  entries: number;
  unchained: number;
  broken: BrokenEntry[];
}

/** What the office lists: one archived plan. */
export interface ArchiveRecord {
  id: string;
  planId: string;
  title: string;
  organisation: string;
  archivedAt: number;
  archivedBy: string;
  /** The document's key in the file store, its sha256 and size. */
  file: string;
  sha256: string;
  size: number;
  keys: number;
  entries: number;
  /**
   * The people of the plan's office when it was archived (its director and members): they ran
   * the plan, so they may list and download its archive, as the organisation's office may.
   */
  readers: string[];
}

export interface ArchiveDeps {
  engine: Engine;
  files: FileStore;
  log?: ((line: string) => void) | undefined;
  now?: () => number;
}

export function archiveKeys(prefix: string) {
  return {
    /** Hash: plan id → ArchiveRecord JSON. */
    records: `${prefix}:archives`,
    /** Sorted set per organisation: plan ids by archive time. */
    ofOrg: (org: string) => `${prefix}:archives:org:${org}`,
    /** Sorted set per person of the plan's office: plan ids by archive time. */
    ofPerson: (personId: string) => `${prefix}:archives:person:${personId}`,
  };
}

/** A Redis glob matching exactly the keys under `head` (the hash tag's braces are plain characters to SCAN). */
function globOf(head: string): string {
  return `${head.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}:*`;
}

/** On a cluster every master is scanned: SCAN carries no key, so ioredis would ask any one node. */
async function scanAll(redis: RedisClient, pattern: string): Promise<string[]> {
  return (await scanKeys(redis, pattern, 1000)).sort();
}

async function dumpKey(redis: RedisClient, key: string): Promise<DumpedKey | null> {
  const type = await redis.type(key);
  switch (type) {
    case 'hash':
      return { type, value: await redis.hgetall(key) };
    case 'list':
      return { type, value: await redis.lrange(key, '0', '-1') };
    case 'set':
      return { type, value: (await redis.smembers(key)).sort() };
    case 'zset': {
      const flat = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      const pairs: [string, number][] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, Number(flat[i + 1])]);
      return { type, value: pairs };
    }
    case 'string':
      return { type, value: (await redis.get(key)) ?? '' };
    case 'none':
      return null;
    default:
      throw new Error(`cannot archive ${key} of type ${type}`);
  }
}

/** The history lists of an archive's keys: a plan's and its tasks' (`:h:<entity>`), its indicators' (`:gh:<id>`). */
const HISTORY = /^:(?:h|gh):(.+)$/;
/** A task's hash, which holds the task's first history entry (trail.ts). */
const TASK = /^:t:(.+)$/;

/** Re-checks every hash-chained trail kept in an archive's keys (audit.ts's rules): a task's first entry from its hash, the rest from its list. */
export function verifyArchive(doc: Pick<PlanArchive, 'keys'>): ArchiveVerification {
  const out: ArchiveVerification = { ok: true, lists: 0, entries: 0, unchained: 0, broken: [] };
  const trails = new Map<string, { entity: string; entries: string[] }>();
  const trail = (name: string, entity: string) => {
    let t = trails.get(name);
    if (!t) trails.set(name, (t = { entity, entries: [] }));
    return t;
  };
  for (const [name, k] of Object.entries(doc.keys)) {
    const m = TASK.exec(name);
    const first = k.type === 'hash' ? k.value[FIRST_ENTRY] : undefined;
    if (m && first !== undefined) trail(`:h:${m[1]!}`, m[1]!).entries.unshift(first);
  }
  for (const [name, k] of Object.entries(doc.keys)) {
    const m = HISTORY.exec(name);
    if (m && k.type === 'list') trail(name, m[1]!).entries.push(...k.value);
  }
  // Each trail's count, where it has one: the task's hash's, the plan's for the plan's trail.
  const countOf = (entity: string): number | null => {
    const k = doc.keys[entity === PLAN_ENTITY ? ':plan' : `:t:${entity}`];
    const n = k?.type === 'hash' ? k.value[TRAIL_COUNT] : undefined;
    return n === undefined ? null : Number(n);
  };
  for (const [name, { entity, entries }] of trails) {
    out.lists++;
    out.entries += entries.length;
    const { broken, unchained } = verifyList(entity, entries, name.startsWith(':h:') ? countOf(entity) : null);
    out.unchained += unchained;
    if (broken) out.broken.push(broken);
  }
  out.ok = out.broken.length === 0;
  return out;
}

function stillRunning(planId: string, stage: string): ConflictError {
  return new ConflictError({
    zh: `方案 ${planId} 尚未结束（当前阶段：${STATE_TEXT[stage]?.zh ?? (stage === 'draft' ? '草稿，未发布' : stage)}），不能归档：只有已结束的方案可以归档`,
    en: `Plan ${planId} is still running (stage: ${stage}); only a closed plan can be archived`,
  });
}

/** The archive record of a plan id, if a plan of that id was archived. */
export async function archivedPlan(redis: RedisClient, prefix: string, planId: string): Promise<ArchiveRecord | null> {
  const raw = await redis.hget(archiveKeys(prefix).records, planId);
  return raw ? (JSON.parse(raw) as ArchiveRecord) : null;
}

/** When and by whom a plan was archived, and where its archive is downloaded, followed by `then`. */
function archivedText(record: ArchiveRecord, then: { zh: string; en: string }): { zh: string; en: string } {
  const at = new Date(record.archivedAt).toISOString();
  const url = `/api/v1/archives/${record.planId}`;
  return {
    zh: `方案 ${record.planId} 已于 ${at} 归档（${record.archivedBy}），归档可从 ${url} 下载；${then.zh}`,
    en: `Plan ${record.planId} was archived at ${at} by ${record.archivedBy}; download its archive from ${url}. ${then.en}`,
  };
}

/**
 * A plan id once archived stays the archive's: its record, its download address and
 * every process's memory of the plan's definition revisions are keyed by it.
 */
export function archivedAlready(record: ArchiveRecord): ConflictError {
  return new ConflictError(archivedText(record, { zh: '该编号不能再用于其他方案', en: 'Its id cannot be used for another plan' }));
}

/** An archived plan asked for by someone who may read its archive: gone, and where to. */
export function archivedAway(record: ArchiveRecord): GoneError {
  return new GoneError(archivedText(record, { zh: '它已不在运行的方案中', en: 'It is no longer among running plans' }));
}

/** The name a key of the plan has in its archive document (`keys`): the key with `<prefix>:{<plan>}` cut off. */
export function archivedName(engine: Engine, planId: string, key: string): string {
  return key.slice(planHead(engine, planId).length);
}

function planHead(engine: Engine, planId: string): string {
  return engine.pk(planId).plan.slice(0, -':plan'.length);
}

/** Archives a closed plan and takes it out of Redis; returns its archive record. */
export async function archivePlan(deps: ArchiveDeps, planId: string, by: Principal): Promise<ArchiveRecord> {
  const { engine, files } = deps;
  const redis = engine.redis;
  const now = deps.now ?? Date.now;
  const prefix = prefixOf(engine.keys.plans);
  const done = await archivedPlan(redis, prefix, planId);
  if (done) throw archivedAlready(done);
  const { plan, def } = await engine.loadPlan(planId);
  if (checkRunPlan(by, def)) {
    throw new ForbiddenError({
      zh: '只有方案所属单位的领导小组办公室可以归档方案',
      en: "Only the leadership group's office of the plan's organisation may archive it",
    });
  }
  const stage = planStage(plan.snap);
  if (stage !== 'closed') throw stillRunning(planId, stage);

  const head = planHead(engine, planId);
  const names = await scanAll(redis, globOf(head));
  const keys: Record<string, DumpedKey> = {};
  for (const key of names) {
    const dumped = await dumpKey(redis, key);
    if (dumped) keys[key.slice(head.length)] = dumped;
  }
  const verification = verifyArchive({ keys });
  if (!verification.ok) {
    throw new ConflictError({
      zh: `方案 ${planId} 的留痕记录校验未通过（${verification.broken.length} 处断链），未归档，数据保持不变`,
      en: `The trail of plan ${planId} does not verify (${verification.broken.length} broken list(s)); nothing was archived or removed`,
    });
  }
  const archivedAt = now();
  const doc: PlanArchive = {
    format: ARCHIVE_FORMAT,
    planId,
    title: def.title,
    organisation: organisationOf(def),
    issuer: def.issuer,
    stage,
    archivedAt,
    archivedBy: actorLabel(by),
    definition: def,
    verification,
    evidence: Object.entries(keys).flatMap(([name, k]) => (name.startsWith(':web:f:') && k.type === 'hash' ? [k.value] : [])),
    keys,
  };
  const bytes = Buffer.from(JSON.stringify(doc));
  const hash = sha256(bytes);
  const file = `archives/${planId}/${archivedAt}-${hash.slice(0, 16)}.json`;
  await files.put(file, bytes, { type: 'application/json' });
  // Read back and checked again before anything is deleted.
  const back = await files.get(file);
  if (!back || sha256(back) !== hash || !verifyArchive(JSON.parse(back.toString('utf8')) as PlanArchive).ok) {
    throw new ConflictError({
      zh: '归档文件写入后校验未通过，方案未从 Redis 删除',
      en: 'The archive did not read back intact; the plan was not removed from Redis',
    });
  }
  const record: ArchiveRecord = {
    id: planId,
    planId,
    title: def.title,
    organisation: doc.organisation,
    archivedAt,
    archivedBy: doc.archivedBy,
    file,
    sha256: hash,
    size: bytes.length,
    keys: names.length,
    entries: verification.entries,
    readers: peopleInRole(def, null, 'office'),
  };
  const ak = archiveKeys(prefix);
  // One archive per plan: of two requests at once, the one recorded first goes on, and the
  // other withdraws its file before anything of the plan is removed.
  if ((await redis.hsetnx(ak.records, planId, JSON.stringify(record))) === 0) {
    const first = await archivedPlan(redis, prefix, planId);
    // Two requests in the same millisecond wrote the same document under the same name: that one is kept.
    if (first?.file !== file) await files.delete(file);
    throw first ? archivedAlready(first) : planNotFound(planId);
  }
  await redis.zadd(ak.ofOrg(doc.organisation), archivedAt, planId);
  for (const person of record.readers) await redis.zadd(ak.ofPerson(person), archivedAt, planId);

  // Out of every list first, so no reader finds a plan half gone; then its keys.
  await redis.zrem(engine.keys.plans, planId);
  await new PlanIndex(redis, engine.keys.plans).remove(planId, def);
  for (let pass = 0; pass < 3; pass++) {
    const left = await scanAll(redis, globOf(head));
    if (left.length === 0) break;
    // One plan's keys share its hash tag, so each DEL stays in one slot.
    for (let i = 0; i < left.length; i += 200) await redis.del(...left.slice(i, i + 200));
  }
  engine.forgetDefinitions(planId);
  deps.log?.(`plan ${planId} archived to ${file} (${names.length} keys, ${verification.entries} history entries) and removed from Redis`);
  return record;
}

/** The archives `by` may read, newest first, one page at a time: its organisation's (an office), the plans whose office it was in (a person). */
export async function listArchives(engine: Engine, by: Principal, page: PageRequest): Promise<Page<ArchiveRecord>> {
  const ak = archiveKeys(prefixOf(engine.keys.plans));
  const index = by.kind === 'office' ? ak.ofOrg(by.org) : by.kind === 'person' ? ak.ofPerson(by.personId) : null;
  if (index === null) return { items: [], nextCursor: null };
  const at = await zsetAfter(engine.redis, index, page.limit + 1, page.cursor);
  const raw = at.length > 0 ? await engine.redis.hmget(ak.records, ...at.map((c) => c.k[0]!)) : [];
  const rows = at.flatMap((c, i) => (raw[i] ? [{ at: c, item: JSON.parse(raw[i]) as ArchiveRecord }] : []));
  return cut(
    rows.filter((r) => after(r.at, page.cursor)).sort((a, b) => compareDesc(a.at, b.at)),
    page.limit,
  );
}

const ARCHIVE_RULE = {
  zh: '只有方案所属单位的领导小组办公室及归档时的办公室人员可以查看和下载归档',
  en: "Only the office of the plan's organisation, and the people of the plan's office when it was archived, may read or download its archive",
};

/** An archive's record, for the office of its organisation (403 for others, 404 when there is none). */
export async function archiveRecord(engine: Engine, by: Principal, id: string): Promise<ArchiveRecord> {
  const record = await archivedPlan(engine.redis, prefixOf(engine.keys.plans), id);
  if (!record) throw new NotFoundError({ zh: `没有方案 ${id} 的归档`, en: `No archive of plan ${id}` });
  const mayRead =
    by.kind === 'system' ||
    (by.kind === 'office' && by.org === record.organisation) ||
    (by.kind === 'person' && (record.readers ?? []).includes(by.personId));
  if (!mayRead) throw new ForbiddenError(ARCHIVE_RULE);
  return record;
}

export const ARCHIVE_READERS_MIGRATION = 'archive-readers';

/**
 * Start-up migration: archive records written before they named their readers get the
 * people of the archived plan's office, read from the archive document itself, and are
 * filed under each of them. A record whose document is missing keeps the office alone.
 * Idempotent; the done-marker spares later starts the pass.
 */
export async function migrateArchiveReaders(engine: Engine, files: FileStore, log?: (line: string) => void): Promise<number> {
  const redis = engine.redis;
  const prefix = prefixOf(engine.keys.plans);
  if (await isDone(redis, prefix, ARCHIVE_READERS_MIGRATION)) return 0;
  const ak = archiveKeys(prefix);
  let done = 0;
  for (const [id, raw] of Object.entries(await redis.hgetall(ak.records))) {
    const record = JSON.parse(raw) as Partial<ArchiveRecord> & { readers?: string[] };
    if (Array.isArray(record.readers)) continue;
    const bytes = record.file ? await files.get(record.file) : null;
    if (!bytes) {
      log?.(`归档 ${id}：找不到归档文件，仍只限本单位办公室查看 / archive ${id}: its file is missing; it stays with the office alone`);
      continue;
    }
    const doc = JSON.parse(bytes.toString('utf8')) as PlanArchive;
    const readers = peopleInRole(doc.definition, null, 'office');
    await redis.hset(ak.records, id, JSON.stringify({ ...record, readers }));
    for (const person of readers) await redis.zadd(ak.ofPerson(person), record.archivedAt ?? 0, id);
    done++;
  }
  await markDone(redis, prefix, ARCHIVE_READERS_MIGRATION);
  if (done > 0) log?.(`归档：已为 ${done} 份归档记下办公室人员 / archives: ${done} record(s) now name the plan's office people`);
  return done;
}
