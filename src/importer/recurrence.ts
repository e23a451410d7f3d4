/**
 * Recurring duties: "每学期…1次", "每学年开展一次", "每季度通报", "每半年召开一次". The task
 * gets `recurrence` (every, times, the phrase as written) and its first round as deadline.
 */
import { addDays, iso, lastDay } from './dates.js';
import { chineseNumber } from './numerals.js';

export type RecurrenceUnit = 'semester' | 'schoolYear' | 'year' | 'quarter' | 'month' | 'week';

export interface Recurrence {
  unit: RecurrenceUnit;
  /** 春季 / 秋季 when the text names one. */
  season?: 'spring' | 'autumn';
  /** The duty falls at the start (开学) rather than within the period. */
  atStart: boolean;
  index: number;
  text: string;
  /** Rounds per period: "每学期开展2次" → 2; 1 unless a count of times (次, 回, 场, 轮) is written. */
  times: number;
}

const RECUR = /每(个)?(半年|学期|学年|年度|年(?!级)|季度|月|周|星期)/g;
const UNIT: Record<string, RecurrenceUnit> = {
  半年: 'semester',
  星期: 'week',
  学期: 'semester',
  学年: 'schoolYear',
  年度: 'year',
  年: 'year',
  季度: 'quarter',
  月: 'month',
  周: 'week',
};

/** Every recurrence in `s` ("每学期…1次", "每学年开展一次"), in order. */
export function findRecurrences(s: string): Recurrence[] {
  const out: Recurrence[] = [];
  for (const m of s.matchAll(RECUR)) {
    const unit = UNIT[m[2] ?? ''];
    if (unit === undefined) continue;
    // Up to the end of the clause: 每学期秋季开学 / 每学期…举办1次 / 每学年要开展1次.
    const clause = s.slice(m.index, m.index + 40).split(/[。;;,,\n]/)[0] ?? '';
    const count = /(?:不少于|至少|不低于)?\s*(\d{1,2}|[一两二三四五六七八九十])\s*(?:次|回|场|轮)/.exec(clause);
    const times = count ? (chineseNumber(count[1] ?? '') ?? 1) : 1;
    const r: Recurrence = { unit, atStart: /开学|初/.test(clause), index: m.index, text: clause, times: Math.max(1, times) };
    if (/秋季|秋学期/.test(clause)) r.season = 'autumn';
    else if (/春季|春学期/.test(clause)) r.season = 'spring';
    out.push(r);
  }
  return out;
}

/**
 * The first due date of a recurring duty on or after the plan starts. Semesters run
 * spring 3月1日–7月31日 and autumn 9月1日–次年1月31日; a duty "at the start" (开学) is due
 * at the end of the semester's first month, otherwise at the end of the first semester
 * with at least three months left when the plan starts. A school year ends 8月31日; the first one
 * chosen ends at least six months after the plan starts, so the first round is a
 * real school year of work rather than the tail of one.
 */
export function firstOccurrence(r: Recurrence, planStart: string): string {
  const [y] = planStart.split('-').map(Number) as [number];
  const candidates: string[] = [];
  switch (r.unit) {
    case 'semester': {
      for (let year = y - 1; year <= y + 2; year++) {
        if (r.season !== 'autumn') candidates.push(r.atStart ? iso(year, 3, 31) : iso(year, 7, 31));
        if (r.season !== 'spring') candidates.push(r.atStart ? iso(year, 9, 30) : iso(year + 1, 1, 31));
      }
      // A semester with under three months left when the plan starts is not its first round.
      const earliest = r.atStart ? planStart : addDays(planStart, 90);
      return candidates.sort().find((d) => d >= earliest) ?? iso(y + 1, 7, 31);
    }
    case 'schoolYear':
      for (let year = y; year <= y + 2; year++) candidates.push(iso(year, 8, 31));
      return candidates.find((d) => d >= addDays(planStart, 182)) ?? iso(y + 1, 8, 31);
    case 'year':
      return iso(y, 12, 31);
    case 'quarter': {
      const month = Number(planStart.slice(5, 7));
      const q = Math.ceil(month / 3) * 3;
      return iso(y, q, lastDay(y, q));
    }
    case 'month': {
      const month = Number(planStart.slice(5, 7));
      return iso(y, month, lastDay(y, month));
    }
    case 'week':
      return addDays(planStart, 6);
  }
}

export const RECURRENCE_WORDS: Record<RecurrenceUnit, { zh: string; en: string }> = {
  semester: { zh: '每学期', en: 'each semester' },
  schoolYear: { zh: '每学年', en: 'each school year' },
  year: { zh: '每年', en: 'each year' },
  quarter: { zh: '每季度', en: 'each quarter' },
  month: { zh: '每月', en: 'each month' },
  week: { zh: '每周', en: 'each week' },
};
