/**
 * Holiday years an administrator loaded from the State Council's notice (国务院办公厅
 * 关于 YYYY 年部分节假日安排的通知) without a new release.
 *
 * Stored in Redis (one hash: year → the notice as data, who loaded it and when; and a
 * hash-chained log of every load, written in the same commit). Working-day arithmetic
 * is synchronous and runs inside the machines, so each process keeps the loaded years
 * in its calendar (setCalendarYear) and reads them through: `fresh()` re-reads the
 * hash when its copy is older than `ttlMs` (5 s), and the engine awaits it before each
 * operation that computes dates. So every API and worker process counts with a loaded
 * year within seconds, without a restart, and a process started later reads it first.
 *
 * The built-in years (china-holidays.ts) cannot be replaced this way: running plans'
 * dates were computed from them.
 */
import { z } from 'zod';
import type { Text } from '../domain/i18n.js';
import { Batch, type RedisClient } from '../store/batch.js';
import { CHINA_HOLIDAYS } from './china-holidays.js';
import { CHINA_MAINLAND, setCalendarYear } from './working-days.js';

export const CALENDAR_ID = 'cn-mainland';
const DEFAULT_TTL_MS = 5_000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function realDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

const Day = z.string().refine(realDate, 'is not a date (YYYY-MM-DD) / 不是日期');

/** The body of `PUT /calendars/cn-mainland/years/:year`: the notice as data. */
export const YearNoticeBody = z
  .object({
    /** Days off, inclusive: [first, last, name], e.g. ["2027-02-05", "2027-02-13", "春节"]. */
    holidays: z
      .array(z.tuple([Day, Day, z.string().min(1).max(40)]))
      .min(1)
      .max(40),
    /** Weekend days worked (调休上班): a date, or [date, the holiday it pays for]. */
    workdays: z.array(z.union([Day, z.tuple([Day, z.string().min(1).max(40)])])).max(40),
    /** The notice: its title and number, e.g. 国务院办公厅关于2027年部分节假日安排的通知(国办发明电〔2026〕…号). */
    source: z.string().min(1).max(200).optional(),
  })
  .strict();
export type YearNoticeInput = z.input<typeof YearNoticeBody>;

export interface LoadedYear {
  year: number;
  holidays: [string, string, string][];
  workdays: [string, string][];
  source: string;
  loadedBy: string;
  loadedAt: number;
}

/** Every problem of a year's notice beyond its shape, by path: dates outside the year, reversed ranges, overlaps, weekdays as make-up days. */
export function yearNoticeProblems(year: number, body: z.infer<typeof YearNoticeBody>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const inYear = (d: string) => d.startsWith(`${year}-`);
  const off = new Set<string>();
  body.holidays.forEach(([first, last], i) => {
    // 元旦 may start on 31 December of the year before (2023's did): only the last day must be in the year.
    if (!inYear(last)) problems.push({ path: `holidays[${i}][1]`, message: `${last} 不在 ${year} 年 / is not in ${year}` });
    if (last < first) problems.push({ path: `holidays[${i}][1]`, message: `${last} 早于 ${first} / is before ${first}` });
    for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`) && last >= first; t += 86_400_000) {
      off.add(new Date(t).toISOString().slice(0, 10));
    }
  });
  body.workdays.forEach((w, i) => {
    const date = typeof w === 'string' ? w : w[0];
    const path = typeof w === 'string' ? `workdays[${i}]` : `workdays[${i}][0]`;
    if (!inYear(date)) problems.push({ path, message: `${date} 不在 ${year} 年 / is not in ${year}` });
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) problems.push({ path, message: `${date} 不是周末，无需调休上班 / is not a Saturday or Sunday` });
    if (off.has(date)) problems.push({ path, message: `${date} 同时列为放假日 / is also listed as a day off` });
  });
  return problems;
}

/** Why a year cannot be loaded at all (built in, out of range), or null. */
export function yearProblem(year: number): Text | null {
  if (!Number.isInteger(year) || year < 2000 || year > 2100)
    return { zh: '年份须为 2000–2100 的整数', en: 'the year must be a whole number 2000–2100' };
  if (CHINA_HOLIDAYS[year]) {
    return {
      zh: `${year} 年的安排随系统发布（${CHINA_HOLIDAYS[year].source}），不能替换`,
      en: `${year} ships with this release (${CHINA_HOLIDAYS[year].source}) and cannot be replaced`,
    };
  }
  return null;
}

export class CalendarYears {
  private readAt = -Infinity;
  private reading: Promise<void> | null = null;
  private readonly yearsKey: string;
  private readonly logKey: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {
    // One hash tag: the year and its log entry are written by one script, on a Cluster too.
    this.yearsKey = `${prefix}:{cal}:${CALENDAR_ID}:years`;
    this.logKey = `${prefix}:{cal}:${CALENDAR_ID}:log`;
  }

  /** Reads the loaded years into this process's calendar unless it did within the last `ttlMs`. */
  fresh(): Promise<void> {
    if (Date.now() - this.readAt < this.ttlMs) return Promise.resolve();
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  /** Every loaded year, ascending. */
  async list(): Promise<LoadedYear[]> {
    const all = await this.redis.hgetall(this.yearsKey);
    return Object.values(all)
      .map((doc) => JSON.parse(doc) as LoadedYear)
      .sort((a, b) => a.year - b.year);
  }

  /** Every load, oldest first: who loaded which year's notice, when. */
  async log(): Promise<Record<string, unknown>[]> {
    return (await this.redis.lrange(this.logKey, 0, -1)).map((e) => JSON.parse(e) as Record<string, unknown>);
  }

  /** Stores a year (already validated) with its log entry in one commit, and uses it in this process at once. */
  async load(
    year: number,
    body: z.infer<typeof YearNoticeBody>,
    by: string,
    at: number,
  ): Promise<{ loaded: LoadedYear; replaced: boolean }> {
    const loaded: LoadedYear = {
      year,
      holidays: body.holidays.map(([a, b, name]) => [a, b, name]),
      workdays: body.workdays.map((w) => (typeof w === 'string' ? [w, '调休上班'] : [w[0], w[1]])),
      source: body.source ?? `国务院办公厅关于${year}年部分节假日安排的通知`,
      loadedBy: by,
      loadedAt: at,
    };
    const replaced = (await this.redis.hexists(this.yearsKey, String(year))) === 1;
    const entry = {
      at,
      by,
      event: replaced ? 'calendar.year.replaced' : 'calendar.year.loaded',
      year,
      source: loaded.source,
      days: loaded,
    };
    await new Batch()
      .hset(this.yearsKey, { [String(year)]: JSON.stringify(loaded) })
      .history(this.logKey, JSON.stringify(entry))
      .run(this.redis);
    setCalendarYear(CHINA_MAINLAND, year, loaded);
    return { loaded, replaced };
  }

  private async read(): Promise<void> {
    const startedAt = Date.now();
    for (const y of await this.list()) if (!CHINA_HOLIDAYS[y.year]) setCalendarYear(CHINA_MAINLAND, y.year, y);
    this.readAt = startedAt;
  }
}
