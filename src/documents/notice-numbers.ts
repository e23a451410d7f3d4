/**
 * Which 文号 a document carries. A rectification notice (rungs 1–3) and the handling
 * notice (rung 4) are numbered in their organisation's series the first time anyone
 * renders them as a document or a printable page: the number is allocated once
 * (doc-numbers.lua, idempotent per notice) and kept on the notice's hash as issued, so
 * every later rendering — the page, the .docx, the API's notice — shows the same one.
 * Other notices (reminders, phase changes…) are messages, not 公文: no number. Without
 * a series the documents say 文号未设置 and nothing is allocated. The series holds
 * notices of every plan of the organisation, so a notice is known there as
 * `planId/noticeId` (notice ids are unique within a plan only).
 */
import type { Redis } from 'ioredis';
import type { RedisClient } from '../store/batch.js';
import type { Lang, Text } from '../domain/i18n.js';
import type { Notice } from '../domain/notices.js';
import { organisationOf, type PlanDefinition } from '../domain/plan.schema.js';
import type { Keys } from '../store/keys.js';
import { DocNumbers, type DocNumber } from './doc-numbers.js';
import { DocSeriesStore } from './doc-series.js';

/** The notice-hash field holding the issued 文号's text. */
export const NUMBER_FIELD = 'docno';

export const NUMBER_UNSET: Text = { zh: '文号未设置', en: 'Document number not set' };

/** A document's number line: the number, "not set" (no series yet), or nothing (not a numbered document). */
export type NumberLine = { state: 'issued'; number: string } | { state: 'unset' } | { state: 'none' };

export function numberText(line: NumberLine, lang: Lang): string | null {
  return line.state === 'issued' ? line.number : line.state === 'unset' ? NUMBER_UNSET[lang] : null;
}

/** Whether a notice is a numbered document: the rungs' 整改通知书 and handling notice. */
export const isNumbered = (notice: Pick<Notice, 'kind'>): boolean => notice.kind === 'rectification';

const holderOf = (planId: string, noticeId: string) => `${planId}/${noticeId}`;

/** The Redis key prefix the engine's keys were made with (`dn` by default). */
export function keyPrefix(keys: Pick<Keys, 'plans'>): string {
  return keys.plans.slice(0, -':plans'.length);
}

export class NoticeNumbers {
  readonly series: DocSeriesStore;
  readonly numbers: DocNumbers;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {
    const prefix = keyPrefix(keys);
    this.series = new DocSeriesStore(redis, prefix);
    // The series' keys share one hash tag, so its script runs on a Cluster as on one server.
    this.numbers = new DocNumbers(redis as Redis, prefix);
  }

  /** The notice's number line, allocating its 文号 now if it is a numbered document without one and the series is set. */
  async forNotice(def: PlanDefinition, notice: Pick<Notice, 'id' | 'kind' | 'number' | 'createdAt'>): Promise<NumberLine> {
    if (!isNumbered(notice)) return { state: 'none' };
    if (notice.number) return { state: 'issued', number: notice.number };
    const series = await this.series.get(organisationOf(def));
    if (!series) return { state: 'unset' };
    const issued = await this.numbers.allocate(series, holderOf(def.id, notice.id), notice.createdAt, def.timeZone);
    const key = this.keys.plan(def.id).notice(notice.id);
    // First writer wins; a concurrent renderer got the same number from the script anyway.
    await this.redis.hsetnx(key, NUMBER_FIELD, issued.text);
    return { state: 'issued', number: (await this.redis.hget(key, NUMBER_FIELD)) ?? issued.text };
  }

  /** A bulletin's number: one per plan and period, however often it is downloaded. */
  async forBulletin(def: PlanDefinition, period: string, at: number): Promise<DocNumber | null> {
    const series = await this.series.get(organisationOf(def));
    if (!series) return null;
    return this.numbers.allocate(series, holderOf(def.id, `bulletin:${period}`), at, def.timeZone);
  }

  /**
   * Voids number n of a year (作废) with who and why. The notice that held it loses it
   * from its hash too, so its next rendering is numbered anew — with a new number.
   * Returns who held it: `planId/noticeId`.
   */
  async void(org: string, year: number, n: number, why: { reason: string; by: string; at: number }): Promise<string | null> {
    const series = await this.series.get(org);
    if (!series) return null;
    const holder = await this.numbers.void(series, year, n, why);
    const slash = holder.indexOf('/');
    const planId = holder.slice(0, slash);
    const noticeId = holder.slice(slash + 1);
    if (slash > 0 && !noticeId.startsWith('bulletin:') && (await this.numbers.lookup(series, holder)) === null) {
      await this.redis.hdel(this.keys.plan(planId).notice(noticeId), NUMBER_FIELD);
    }
    return holder;
  }
}
