/**
 * Dates as Chinese plans write them: windows ("2023年4月至9月", "(2023年9月至2024年8月)")
 * and deadlines ("2023年7月底前", "8月底前", "到2025年", "计划实施末期", "五年内").
 *
 * A month without a year takes the year written earlier in the same passage; failing
 * that the caller's `year` option, the plan's first phase, or the first year in the
 * document, and says which (`yearFrom`), so the report can tell the reader a year was
 * supplied. Everything works on `norm` text (half-width digits and punctuation).
 */
import { chineseNumber } from './numerals.js';

export interface YearContext {
  /** The importer's `year` option. */
  option?: number;
  /** The plan's start (first phase), as YYYY-MM-DD. */
  planStart?: string;
  /** The first year written anywhere in the document. */
  documentYear?: number;
}

export type YearFrom = 'text' | 'passage' | 'option' | 'plan' | 'document';

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function iso(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** True for a real calendar date such as 2024-02-29 (false for 2023-02-30). */
export function isRealDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= lastDay(y, mo);
}

export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** End of a month, or the given day, as YYYY-MM-DD (an impossible day is kept, to be reported). */
function dayOf(year: number, month: number, day: number | null, edge: 'start' | 'end', part?: string): string {
  if (day !== null) return iso(year, month, day);
  if (part === '上旬') return iso(year, month, edge === 'start' ? 1 : 10);
  if (part === '中旬') return iso(year, month, edge === 'start' ? 11 : 20);
  if (part === '下旬') return iso(year, month, edge === 'start' ? 21 : lastDay(year, month));
  if (part === '初') return iso(year, month, edge === 'start' ? 1 : 10);
  return iso(year, month, edge === 'start' ? 1 : lastDay(year, month));
}

// ---------------------------------------------------------------- windows

export interface DateRange {
  start: string;
  end: string;
  index: number;
  endIndex: number;
  text: string;
  /** How the end's year was found: written, taken from the start, or the start's next year. */
  endYearFrom: 'text' | 'start' | 'next-year';
}

const SEP = '(?:至|到|—+|–|-|~|－|―|──)';
const PART = '(上旬|中旬|下旬|初|底|末)?';
const RANGE_YM = new RegExp(
  `(\\d{4})年(\\d{1,2})月(?:(\\d{1,2})日)?${PART}\\s*${SEP}\\s*(次年|翌年|(\\d{4})年)?(\\d{1,2})月(?:(\\d{1,2})日)?${PART}`,
  'g',
);
const RANGE_DOTTED = new RegExp(`(\\d{4})[.\\/](\\d{1,2})\\s*${SEP}\\s*(?:(\\d{4})[.\\/])?(\\d{1,2})(?![\\d.])`, 'g');
const RANGE_YEARS = new RegExp(`(\\d{4})年?\\s*${SEP}\\s*(\\d{4})年(?!\\d{1,2}月)`, 'g');
/** A one-month window, only in brackets: "总结阶段(2025年1月)". */
const SINGLE_MONTH = /\((\d{4})年(\d{1,2})月(?:份)?\)/g;

/** Every date window in `s`, in order of appearance. */
export function findDateRanges(s: string): DateRange[] {
  const out: DateRange[] = [];
  const taken: Array<[number, number]> = [];
  const free = (a: number, b: number) => taken.every(([x, y]) => b <= x || a >= y);
  for (const m of s.matchAll(RANGE_YM)) {
    const y1 = Number(m[1]);
    const mo1 = Number(m[2]);
    const mo2 = Number(m[7]);
    let y2: number;
    let endYearFrom: DateRange['endYearFrom'];
    if (m[6] !== undefined) [y2, endYearFrom] = [Number(m[6]), 'text'];
    else if (m[5] !== undefined) [y2, endYearFrom] = [y1 + 1, 'next-year'];
    else if (mo2 < mo1) [y2, endYearFrom] = [y1 + 1, 'next-year'];
    else [y2, endYearFrom] = [y1, 'start'];
    const start = dayOf(y1, mo1, m[3] ? Number(m[3]) : null, 'start', m[4]);
    const end = dayOf(y2, mo2, m[8] ? Number(m[8]) : null, 'end', m[9]);
    out.push({ start, end, index: m.index, endIndex: m.index + m[0].length, text: m[0], endYearFrom });
    taken.push([m.index, m.index + m[0].length]);
  }
  for (const m of s.matchAll(RANGE_DOTTED)) {
    if (!free(m.index, m.index + m[0].length)) continue;
    const y1 = Number(m[1]);
    const mo1 = Number(m[2]);
    const mo2 = Number(m[4]);
    const y2 = m[3] ? Number(m[3]) : mo2 < mo1 ? y1 + 1 : y1;
    out.push({
      start: dayOf(y1, mo1, null, 'start'),
      end: dayOf(y2, mo2, null, 'end'),
      index: m.index,
      endIndex: m.index + m[0].length,
      text: m[0],
      endYearFrom: m[3] ? 'text' : mo2 < mo1 ? 'next-year' : 'start',
    });
    taken.push([m.index, m.index + m[0].length]);
  }
  for (const m of s.matchAll(SINGLE_MONTH)) {
    if (!free(m.index, m.index + m[0].length)) continue;
    const [y, mo] = [Number(m[1]), Number(m[2])];
    out.push({
      start: iso(y, mo, 1),
      end: iso(y, mo, lastDay(y, mo)),
      index: m.index,
      endIndex: m.index + m[0].length,
      text: m[0],
      endYearFrom: 'text',
    });
    taken.push([m.index, m.index + m[0].length]);
  }
  for (const m of s.matchAll(RANGE_YEARS)) {
    if (!free(m.index, m.index + m[0].length)) continue;
    out.push({
      start: iso(Number(m[1]), 1, 1),
      end: iso(Number(m[2]), 12, 31),
      index: m.index,
      endIndex: m.index + m[0].length,
      text: m[0],
      endYearFrom: 'text',
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

// ---------------------------------------------------------------- deadlines

export interface DeadlinePhrase {
  index: number;
  end: number;
  text: string;
  kind: 'date' | 'implementation-end' | 'within-years';
  /** YYYY-MM-DD; absent when it depends on something unknown (no year, no phases). */
  date?: string;
  yearFrom?: YearFrom;
  years?: number;
  /** "9月前": before the month begins, so the end of the month before (8月31日). */
  beforeMonth?: boolean;
}

const IMPLEMENTATION_END = /(?:计划|方案|工程|项目|活动)?实施(?:末期|期末)|(?:计划|方案)(?:末期|期末)/g;
const WITHIN_YEARS = /([一二三四五六七八九十两\d]{1,3})年(?:之?内)/g;
const MONTH_DATE = /(?<![\d.])(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})[日号]|(上旬|中旬|下旬|初|底|末))?(前|之前|以前|完成|结束|止)?/g;
const YEAR_ONLY = /(到|至|于|在|截至|截止)?(?<![\d.])(\d{4})年(底|末|年底|上半年|下半年)?(前|之前|以前|完成)?(?!\d{1,2}月|[-—~至到]|度)/g;
const BARE_YEAR_PART = /(?<![\d年])(今年|本年|当年)?(年底|年末|上半年|下半年)(前|之前)?/g;
const CUE_BEFORE = /(到|于|至|截至|截止|在)$/;

/** The year for a month written without one, and where it came from. */
export function resolveYear(month: number, passageYear: number | undefined, ctx: YearContext): { year?: number; from?: YearFrom } {
  if (passageYear !== undefined) return { year: passageYear, from: 'passage' };
  if (ctx.option !== undefined) return { year: ctx.option, from: 'option' };
  if (ctx.planStart !== undefined) {
    const [y, m] = ctx.planStart.split('-').map(Number) as [number, number];
    // "3月底前" in a plan starting in April 2023 means March 2024.
    return { year: month < m ? y + 1 : y, from: 'plan' };
  }
  if (ctx.documentYear !== undefined) return { year: ctx.documentYear, from: 'document' };
  return {};
}

/**
 * Deadline phrases in `s`. In a deadline field (`strict: false`) any date counts; in
 * free text (`strict: true`) only a date with a deadline cue (…前, …底, 到…, …完成), so
 * "从2023年9月开始" is not taken for a deadline.
 */
export function findDeadlines(s: string, ctx: YearContext, strict: boolean): DeadlinePhrase[] {
  const out: DeadlinePhrase[] = [];
  const taken: Array<[number, number]> = [];
  const free = (a: number, b: number) => taken.every(([x, y]) => b <= x || a >= y);
  const add = (p: DeadlinePhrase) => {
    if (!free(p.index, p.end)) return;
    out.push(p);
    taken.push([p.index, p.end]);
  };
  for (const m of s.matchAll(IMPLEMENTATION_END)) {
    add({ index: m.index, end: m.index + m[0].length, text: m[0], kind: 'implementation-end' });
  }
  for (const m of s.matchAll(WITHIN_YEARS)) {
    const n = chineseNumber(m[1] ?? '');
    if (n === null || n > 20) continue;
    add({ index: m.index, end: m.index + m[0].length, text: m[0], kind: 'within-years', years: n });
  }
  // Months first, in order, so that a year written earlier carries to later months.
  let passageYear: number | undefined;
  const dated: DeadlinePhrase[] = [];
  for (const m of s.matchAll(MONTH_DATE)) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) continue;
    const before = s.slice(Math.max(0, m.index - 3), m.index);
    if (/每学?年$/.test(before)) continue; // "每年12月" is a recurrence, not a deadline
    const cue = m[5] !== undefined || m[4] === '底' || m[4] === '末' || CUE_BEFORE.test(before);
    if (m[1] !== undefined) passageYear = Number(m[1]);
    if (strict && !cue) continue;
    const { year, from } = m[1] !== undefined ? { year: Number(m[1]), from: 'text' as const } : resolveYear(month, passageYear, ctx);
    const p: DeadlinePhrase = { index: m.index, end: m.index + m[0].length, text: m[0], kind: 'date' };
    if (year !== undefined) {
      p.date = dayOf(year, month, m[3] ? Number(m[3]) : null, 'end', m[4]);
      p.yearFrom = from ?? 'text';
      if (m[3] === undefined && m[4] === undefined && /前/.test(m[5] ?? '')) {
        p.date = addDays(iso(year, month, 1), -1);
        p.beforeMonth = true;
      }
    }
    dated.push(p);
  }
  dated.forEach(add);
  for (const m of s.matchAll(YEAR_ONLY)) {
    const cue = m[1] !== undefined || m[3] !== undefined || m[4] !== undefined;
    if (strict && !cue) continue;
    const year = Number(m[2]);
    const date = m[3] === '上半年' ? iso(year, 6, 30) : iso(year, 12, 31);
    add({ index: m.index, end: m.index + m[0].length, text: m[0], kind: 'date', date, yearFrom: 'text' });
  }
  for (const m of s.matchAll(BARE_YEAR_PART)) {
    const { year, from } = resolveYear(12, undefined, ctx);
    const p: DeadlinePhrase = { index: m.index, end: m.index + m[0].length, text: m[0], kind: 'date' };
    if (year !== undefined) {
      p.date = m[2] === '上半年' ? iso(year, 6, 30) : iso(year, 12, 31);
      if (from !== undefined) p.yearFrom = from;
    }
    add(p);
  }
  return out.sort((a, b) => a.index - b.index);
}

/** The first 4-digit year (1990–2099) written in `s`. */
export function firstYear(s: string): number | undefined {
  const m = /(?<!\d)(19[9]\d|20\d\d)(?=年|[-—~至到.]\d)/.exec(s);
  return m ? Number(m[1]) : undefined;
}
