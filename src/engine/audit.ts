/**
 * The tamper-evident trail (留痕). Every history entry of a plan and of each of its
 * tasks is stored hash-chained to the entry before it in the same list (commit.lua's
 * 'hist' op): H = sha1(previous H + "\n" + the entry as written). Verifying walks every
 * list, recomputes each hash, and names the first entry that does not match — an
 * entry edited, inserted or deleted by hand breaks the chain there. The newest entries
 * removed leave the chain whole, so each trail's length is counted too (field hn of the
 * task's hash, or the plan's) and compared.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from '../store/batch.js';
import { PLAN_ENTITY, type PlanKeys } from '../store/keys.js';
import { readTrailCounts, readTrails } from './trail.js';

const CHAIN = /,"prev":"([0-9a-f]*)","hash":"([0-9a-f]{40})"}$/;

export interface BrokenEntry {
  /** Task id, or PLAN_ENTITY for the plan's own history. */
  entity: string;
  /** 0-based position in that entity's history. */
  index: number;
  reason: { zh: string; en: string };
  entry: string;
}

export interface AuditReport {
  planId: string;
  ok: boolean;
  lists: number;
  entries: number;
  /** Entries written before the trail was chained (kept, not verifiable). */
  unchained: number;
  /** The first broken entry of each list that has one, plan first, then tasks in plan order. */
  broken: BrokenEntry[];
}

export function chainHash(prev: string, entry: string): string {
  return createHash('sha1').update(`${prev}\n${entry}`).digest('hex');
}

/**
 * Checks one list: the first broken entry, or null. Leading unchained (legacy) entries are
 * counted, not judged. `counted` is how many entries the trail's count (field hn, commit.lua)
 * says were appended, when it has one: the chain cannot show its newest entries removed,
 * the count can.
 */
export function verifyList(entity: string, raw: string[], counted?: number | null): { broken: BrokenEntry | null; unchained: number } {
  const chain = verifyChain(entity, raw);
  if (chain.broken || counted === undefined || counted === null || counted === raw.length) return chain;
  const missing = counted - raw.length;
  return {
    unchained: chain.unchained,
    broken:
      missing > 0
        ? {
            entity,
            index: raw.length,
            entry: '',
            reason: {
              zh: `最新的 ${missing} 条记录缺失（记下的是 ${counted} 条，现存 ${raw.length} 条）`,
              en: `the newest ${missing} entr${missing === 1 ? 'y is' : 'ies are'} missing (${counted} were recorded, ${raw.length} are there)`,
            },
          }
        : {
            entity,
            index: counted,
            entry: raw[counted]!,
            reason: {
              zh: `多出 ${-missing} 条未记入计数的记录（记下的是 ${counted} 条，现存 ${raw.length} 条）`,
              en: `${-missing} entr${missing === -1 ? 'y was' : 'ies were'} added outside the count (${counted} were recorded, ${raw.length} are there)`,
            },
          },
  };
}

function verifyChain(entity: string, raw: string[]): { broken: BrokenEntry | null; unchained: number } {
  let prev: string | null = null;
  let unchained = 0;
  for (const [index, stored] of raw.entries()) {
    const m = CHAIN.exec(stored);
    if (!m) {
      if (prev === null) {
        unchained++;
        continue;
      }
      return {
        broken: { entity, index, entry: stored, reason: { zh: '该记录缺少哈希链字段', en: 'the entry has no chain fields' } },
        unchained,
      };
    }
    const [, claimedPrev, hash] = m as unknown as [string, string, string];
    const expectedPrev = prev ?? '';
    if (claimedPrev !== expectedPrev) {
      return {
        broken: {
          entity,
          index,
          entry: stored,
          reason: {
            zh: '与上一条记录的哈希不衔接（有记录被删除、插入或改动）',
            en: 'it does not follow the previous entry (one was deleted, inserted or changed)',
          },
        },
        unchained,
      };
    }
    const entry = `${stored.slice(0, m.index)}}`;
    if (chainHash(claimedPrev, entry) !== hash) {
      return {
        broken: {
          entity,
          index,
          entry: stored,
          reason: { zh: '记录内容与其哈希不符（记录被改动）', en: 'its content does not match its hash (the entry was changed)' },
        },
        unchained,
      };
    }
    prev = hash;
  }
  return { broken: null, unchained };
}

/** Verifies the whole trail of a plan. */
export async function verifyTrail(redis: RedisClient, pk: PlanKeys, planId: string, taskIds: string[]): Promise<AuditReport> {
  const entities = [PLAN_ENTITY, ...taskIds];
  const trails = await readTrails(redis, pk, entities);
  const counts = await readTrailCounts(redis, pk, entities);
  const report: AuditReport = { planId, ok: true, lists: 0, entries: 0, unchained: 0, broken: [] };
  for (const [i, list] of trails.entries()) {
    report.lists++;
    report.entries += list.length;
    const { broken, unchained } = verifyList(entities[i]!, list, counts[i]);
    report.unchained += unchained;
    if (broken) report.broken.push(broken);
  }
  report.ok = report.broken.length === 0;
  return report;
}
