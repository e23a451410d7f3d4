/**
 * Working days in a plan's calendar. "5个工作日内整改" must skip weekends and statutory
 * holidays but count the Saturdays and Sundays worked in their place (调休上班日).
 *
 * Dates are plain local dates ("2023-10-07"), with no time zone: a working day is a
 * property of the calendar day where the plan is run, so arithmetic is done on UTC
 * midnights purely as a day counter. Nothing here reads the clock.
 *
 * Years without a published notice fall back to weekends-only. Every function that
 * answers from such a year can tell the caller (`official: false`, `estimatedYears`),
 * so that a reminder computed for 2027 can say "estimated: no holiday notice yet".
 */
import { CHINA_HOLIDAYS, type HolidayYear } from './china-holidays.js';

export interface WorkingCalendar {
  readonly name: string;
  /** Date → holiday name, for days off that would otherwise be working days (or weekends). */
  readonly holidays: ReadonlyMap<string, string>;
  /** Date → holiday name, for weekend days that are working days (调休上班). */
  readonly workdays: ReadonlyMap<string, string>;
  /** Years whose schedule comes from an official notice. */
  readonly officialYears: ReadonlySet<number>;
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export interface DayInfo {
  date: string;
  working: boolean;
  kind: DayKind;
  /** The holiday a day off or a make-up working day belongs to. */
  name?: string;
  /** False when the year has no notice in the calendar: weekends-only, an estimate. */
  official: boolean;
}

export interface ShiftResult {
  date: string;
  /** True when every year crossed has an official schedule. */
  official: boolean;
  /** Years crossed that were computed weekends-only. */
  estimatedYears: number[];
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Builds a calendar from notice tables such as CHINA_HOLIDAYS. */
export function buildCalendar(name: string, years: Readonly<Record<number, HolidayYear>>): WorkingCalendar {
  const holidays = new Map<string, string>();
  const workdays = new Map<string, string>();
  const officialYears = new Set<number>();
  for (const [yearText, year] of Object.entries(years)) {
    officialYears.add(Number(yearText));
    for (const [first, last, label] of year.holidays) {
      for (let t = toDay(first); t <= toDay(last); t += DAY_MS) holidays.set(fromDay(t), label);
    }
    for (const [date, label] of year.workdays) workdays.set(date, label);
  }
  return { name, holidays, workdays, officialYears };
}

/**
 * Sets (or replaces) one year of a calendar in place: its days off and make-up
 * working days, and marks it official. How a notice an administrator loaded
 * (src/calendar/loaded-years.ts) joins the built-in table without a new release:
 * every later lookup in this process answers from it.
 */
export function setCalendarYear(calendar: WorkingCalendar, yearNumber: number, year: Pick<HolidayYear, 'holidays' | 'workdays'>): void {
  const holidays = calendar.holidays as Map<string, string>;
  const workdays = calendar.workdays as Map<string, string>;
  const prefix = `${yearNumber}-`;
  for (const map of [holidays, workdays]) for (const date of [...map.keys()]) if (date.startsWith(prefix)) map.delete(date);
  for (const [first, last, label] of year.holidays) {
    for (let t = toDay(first); t <= toDay(last); t += DAY_MS) if (fromDay(t).startsWith(prefix)) holidays.set(fromDay(t), label);
  }
  for (const [date, label] of year.workdays) if (date.startsWith(prefix)) workdays.set(date, label);
  (calendar.officialYears as Set<number>).add(yearNumber);
}

/** Takes a loaded year out again (tests; a process that must forget what it read). */
export function unsetCalendarYear(calendar: WorkingCalendar, yearNumber: number): void {
  const prefix = `${yearNumber}-`;
  for (const map of [calendar.holidays, calendar.workdays] as Map<string, string>[]) {
    for (const date of [...map.keys()]) if (date.startsWith(prefix)) map.delete(date);
  }
  (calendar.officialYears as Set<number>).delete(yearNumber);
}

/** Mainland China, from the State Council notices in china-holidays.ts. */
export const CHINA_MAINLAND: WorkingCalendar = buildCalendar('中国大陆 / mainland China', CHINA_HOLIDAYS);

/** Monday to Friday, no holidays: what every year without a notice falls back to. */
export const WEEKENDS_ONLY: WorkingCalendar = buildCalendar('仅周末 / weekends only', {});

function toDay(dateISO: string): number {
  const m = DATE.exec(dateISO.slice(0, 10));
  if (m === null) throw new RangeError(`"${dateISO}" is not a date (YYYY-MM-DD) / 不是日期`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new RangeError(`"${dateISO}" is not a real calendar date / 不是有效日期`);
  }
  return t;
}

function fromDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** True when the calendar's schedule for `year` comes from an official notice. */
export function isOfficialYear(year: number, calendar: WorkingCalendar = CHINA_MAINLAND): boolean {
  return calendar.officialYears.has(year);
}

/** What kind of day `dateISO` is, and whether the answer is official or weekends-only. */
export function describeDay(dateISO: string, calendar: WorkingCalendar = CHINA_MAINLAND): DayInfo {
  const t = toDay(dateISO);
  const date = fromDay(t);
  const official = calendar.officialYears.has(Number(date.slice(0, 4)));
  const holiday = calendar.holidays.get(date);
  if (holiday !== undefined) return { date, working: false, kind: 'holiday', name: holiday, official };
  const makeup = calendar.workdays.get(date);
  if (makeup !== undefined) return { date, working: true, kind: 'makeup_workday', name: makeup, official };
  const weekday = new Date(t).getUTCDay();
  if (weekday === 0 || weekday === 6) return { date, working: false, kind: 'weekend', official };
  return { date, working: true, kind: 'workday', official };
}

/** True when people work on `dateISO` (a weekday not off, or a make-up Saturday/Sunday). */
export function isWorkingDay(dateISO: string, calendar: WorkingCalendar = CHINA_MAINLAND): boolean {
  return describeDay(dateISO, calendar).working;
}

/**
 * The date `n` working days after (n > 0) or before (n < 0) `dateISO`; the start day
 * itself is not counted, so n = 0 returns it unchanged. Reports whether any year
 * crossed was computed weekends-only.
 */
export function shiftWorkingDays(dateISO: string, n: number, calendar: WorkingCalendar = CHINA_MAINLAND): ShiftResult {
  if (!Number.isInteger(n)) throw new RangeError(`working days must be a whole number, got ${n} / 工作日数须为整数`);
  let t = toDay(dateISO);
  const step = n < 0 ? -DAY_MS : DAY_MS;
  const estimated = new Set<number>();
  const note = (day: string) => {
    const year = Number(day.slice(0, 4));
    if (!calendar.officialYears.has(year)) estimated.add(year);
  };
  note(fromDay(t));
  for (let left = Math.abs(n); left > 0;) {
    t += step;
    const day = fromDay(t);
    note(day);
    if (describeDay(day, calendar).working) left -= 1;
  }
  const estimatedYears = [...estimated].sort((a, b) => a - b);
  return { date: fromDay(t), official: estimatedYears.length === 0, estimatedYears };
}

/** `dateISO` plus `n` working days (see shiftWorkingDays for the flag on unofficial years). */
export function addWorkingDays(dateISO: string, n: number, calendar: WorkingCalendar = CHINA_MAINLAND): string {
  return shiftWorkingDays(dateISO, n, calendar).date;
}

/** `dateISO` minus `n` working days: the day to send a reminder "3 working days before". */
export function subtractWorkingDays(dateISO: string, n: number, calendar: WorkingCalendar = CHINA_MAINLAND): string {
  return shiftWorkingDays(dateISO, -n, calendar).date;
}

/** Working days in the inclusive range [from, to]; `official` as in ShiftResult. */
export function countWorkingDays(
  from: string,
  to: string,
  calendar: WorkingCalendar = CHINA_MAINLAND,
): { count: number; official: boolean; estimatedYears: number[] } {
  const [a, b] = [toDay(from), toDay(to)];
  let count = 0;
  const estimated = new Set<number>();
  for (let t = Math.min(a, b); t <= Math.max(a, b); t += DAY_MS) {
    const info = describeDay(fromDay(t), calendar);
    if (!info.official) estimated.add(Number(info.date.slice(0, 4)));
    if (info.working) count += 1;
  }
  const estimatedYears = [...estimated].sort((x, y) => x - y);
  return { count, official: estimatedYears.length === 0, estimatedYears };
}
