/**
 * The tamper-evident trail (留痕). Every history entry of a plan and of each of its
 * tasks is stored hash-chained to the entry before it in the same list (commit.lua's
 * 'hist' op): H = sha1(previous H + "\n" + the entry as written). Verifying walks every
 * list, recomputes each hash, and names the first entry that does not match — an
 * entry edited, inserted or deleted by hand breaks the chain there.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from '../store/batch.js';
import { PLAN_ENTITY, type PlanKeys } from '../store/keys.js';
import { readTrails } from './trail.js';

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

/** Checks one list: the first broken entry, or null. Leading unchained (legacy) entries are counted, not judged. */
export function verifyList(entity: string, raw: string[]): { broken: BrokenEntry | null; unchained: number } {
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
  const report: AuditReport = { planId, ok: true, lists: 0, entries: 0, unchained: 0, broken: [] };
  for (const [i, list] of trails.entries()) {
    report.lists++;
    report.entries += list.length;
    const { broken, unchained } = verifyList(entities[i]!, list);
    report.unchained += unchained;
    if (broken) report.broken.push(broken);
  }
  report.ok = report.broken.length === 0;
  return report;
}
