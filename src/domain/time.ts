/**
 * Pure calendar helpers. Plans speak in dates of their own time zone ("8月底前" is
 * the end of 31 August in Asia/Shanghai) and in ISO 8601 durations (P7D, PT30S);
 * the engine and machines speak in epoch milliseconds. Nothing here reads the clock.
 */
import { DateTime, Duration, FixedOffsetZone, IANAZone } from 'luxon';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const OFFSET = /([+-])(\d{2}):(\d{2})$/;

/**
 * The years a plan's dates may fall in. Every plan runs well inside them, and with
 * LONGEST_PERIOD they keep each date the engine derives (reminders, rung after
 * rung) a finite, exact epoch millisecond: luxon and Redis sorted-set scores alike.
 */
export const PLAN_YEARS = { first: 2000, last: 2100 } as const;

/**
 * How durations of mixed units are compared: luxon's long-term averages (a year of
 * 365.2425 days, a month of a twelfth of that), so P10Y = P120M ≈ P3652D.
 */
const AVERAGE = { conversionAccuracy: 'longterm' } as const;

/** The longest reminder offset or grace period. */
export const LONGEST_PERIOD = Duration.fromObject({ years: 10 }, AVERAGE);
const LONGEST_PERIOD_TEXT = '10 years';

/** UTC offsets in use on Earth run from −12:00 (Baker Island) to +14:00 (Kiribati), in minutes. */
export const UTC_OFFSET_MINUTES = { min: -12 * 60, max: 14 * 60 } as const;
const OFFSET_RANGE_TEXT = 'real offsets run from -12:00 to +14:00';

const NOT_A_DATE = 'is not a date (use 2023-08-31, 2023-08-31T18:00 or 2023-08-31T18:00:00+08:00)';
const NOT_A_DURATION = 'is not a positive ISO 8601 duration (P7D, PT12H, PT30S)';
const NOT_A_ZONE = 'is not an IANA time zone (Asia/Shanghai) or a UTC offset (UTC+8)';

const offsetInRange = (minutes: number) => minutes >= UTC_OFFSET_MINUTES.min && minutes <= UTC_OFFSET_MINUTES.max;

/** The offset of a zoned date-time in minutes (Z is 0), NaN for minutes ≥ 60, null when there is none. */
function offsetMinutes(text: string): number | null {
  if (text.endsWith('Z')) return 0;
  const m = OFFSET.exec(text);
  if (!m) return null;
  const minutes = Number(m[3]);
  return minutes >= 60 ? Number.NaN : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + minutes);
}

/**
 * Why `text` is not a plan date, or null when it is one: a date (2023-08-31) or a
 * date-time, with or without an offset, in PLAN_YEARS, with an offset some place
 * uses. Whether the day exists (2023-02-30) depends on nothing else but is checked
 * with the plan's zone, by `resolvePlanDate`.
 */
export function planDateProblem(text: string): string | null {
  const zoned = ZONED_DATE_TIME.test(text);
  if (!DATE_ONLY.test(text) && !LOCAL_DATE_TIME.test(text) && !zoned) return NOT_A_DATE;
  const year = Number(text.slice(0, 4));
  if (year < PLAN_YEARS.first || year > PLAN_YEARS.last) {
    return `${JSON.stringify(text)} is outside the years a plan may run in (${PLAN_YEARS.first}–${PLAN_YEARS.last})`;
  }
  const offset = zoned ? offsetMinutes(text) : null;
  if (offset !== null && !offsetInRange(offset)) {
    return `${JSON.stringify(text)} has the UTC offset ${OFFSET.exec(text)![0]}; ${OFFSET_RANGE_TEXT}`;
  }
  return null;
}

/** True when `text` is a plan date (see `planDateProblem`). */
export function isPlanDate(text: string): boolean {
  return planDateProblem(text) === null;
}

/**
 * Resolves a plan date to epoch ms. A bare date means a whole day in the plan's zone:
 * its start (`edge: 'start'`, for a phase's first day) or its end (`edge: 'end'`, for
 * a deadline or a phase's last day: 8月31日 ends at 9月1日 00:00). Returns null when
 * the text is not a real calendar date (2023-02-30).
 */
export function resolvePlanDate(text: string, zone: string, edge: 'start' | 'end'): number | null {
  let dt: DateTime;
  if (DATE_ONLY.test(text)) {
    dt = DateTime.fromISO(text, { zone });
    if (dt.isValid && edge === 'end') dt = dt.plus({ days: 1 });
  } else if (LOCAL_DATE_TIME.test(text)) {
    dt = DateTime.fromISO(text, { zone });
  } else if (ZONED_DATE_TIME.test(text)) {
    const offset = offsetMinutes(text);
    if (offset === null || !offsetInRange(offset)) return null;
    dt = DateTime.fromISO(text, { setZone: true });
  } else {
    return null;
  }
  return dt.isValid ? dt.toMillis() : null;
}

/**
 * Why `zone` is not a plan's time zone, or null: an IANA zone name Intl knows
 * (Asia/Shanghai), or a fixed offset some place uses (UTC, UTC+8, UTC+05:30).
 * "local" and "system" are refused: they mean whatever zone the server runs in.
 */
export function timeZoneProblem(zone: string): string | null {
  if (IANAZone.isValidZone(zone)) return null;
  const fixed = FixedOffsetZone.parseSpecifier(zone);
  if (fixed === null || Number(/:(\d{2})$/.exec(zone)?.[1] ?? 0) >= 60) return NOT_A_ZONE;
  const minutes = fixed.offset(0);
  return offsetInRange(minutes) ? null : `${JSON.stringify(zone)} is a UTC offset no place uses; ${OFFSET_RANGE_TEXT}`;
}

/** True for a plan's time zone (see `timeZoneProblem`). */
export function isTimeZone(zone: string): boolean {
  return timeZoneProblem(zone) === null;
}

/**
 * Why `text` is not a reminder offset or grace period, or null: a positive ISO 8601
 * duration (P7D, PT30S, P1M) with no negative part (P1M-30D is zero or negative
 * depending on the month) and no longer than LONGEST_PERIOD.
 */
export function isoDurationProblem(text: string): string | null {
  const d = Duration.fromISO(text, AVERAGE);
  if (!d.isValid) return NOT_A_DURATION;
  const parts = Object.values(d.toObject());
  if (parts.some((n) => !Number.isFinite(n))) return tooLong(text);
  if (parts.some((n) => n < 0) || !(d.toMillis() > 0)) return NOT_A_DURATION;
  // Rounded: the averages are fractional, and P120M must not exceed P10Y by a rounding error.
  return Math.round(d.toMillis()) > Math.round(LONGEST_PERIOD.toMillis()) ? tooLong(text) : null;
}

function tooLong(text: string): string {
  return `${JSON.stringify(text)} is longer than the longest allowed period (${LONGEST_PERIOD_TEXT})`;
}

/** True for a duration a plan may use (see `isoDurationProblem`). */
export function isIsoDuration(text: string): boolean {
  return isoDurationProblem(text) === null;
}

/**
 * `at` moved by an ISO duration in `zone` (calendar-aware for days and months); sign -1 moves back.
 * Throws rather than return NaN: a NaN time would fail the commit script half-way.
 */
export function shiftBy(at: number, iso: string, zone: string, sign: 1 | -1 = 1): number {
  const { d, ms } = parsedDuration(iso);
  // Hours, minutes and seconds are exact lengths of time, the same in every zone: no calendar needed.
  if (ms !== null) return at + sign * ms;
  const base = DateTime.fromMillis(at, { zone });
  let moved = Number.NaN;
  try {
    moved = (sign === 1 ? base.plus(d) : base.minus(d)).toMillis();
  } catch {
    // luxon throws for some values it parsed (a unit that overflows to NaN).
  }
  if (!Number.isFinite(moved)) throw new RangeError(`cannot move ${at} ms by ${iso}: the result is not a time`);
  return moved;
}

/** Durations parsed once each (a plan uses a handful): the duration, and its exact length when it has no calendar units. */
const durations = new Map<string, { d: Duration; ms: number | null }>();

function parsedDuration(iso: string): { d: Duration; ms: number | null } {
  let hit = durations.get(iso);
  if (!hit) {
    const d = Duration.fromISO(iso);
    const calendarUnits = d.isValid && (d.years !== 0 || d.quarters !== 0 || d.months !== 0 || d.weeks !== 0 || d.days !== 0);
    const ms = d.isValid && !calendarUnits ? d.as('milliseconds') : null;
    hit = { d, ms: ms !== null && Number.isFinite(ms) ? ms : null };
    if (durations.size >= 1_000) durations.clear();
    durations.set(iso, hit);
  }
  return hit;
}

/**
 * Formats epoch ms for a reader in the plan's zone: 2023-08-31 18:00 (with seconds
 * when they are not zero). A whole-day deadline ends at midnight and reads as the
 * day it belongs to: 2023-08-31 24:00, not 2023-09-01 00:00. Times that start
 * something (a timeline's events) pass `startOfDay` to read 2023-09-01 00:00.
 */
export function formatPlanTime(at: number, zone: string, midnight: 'endOfDay' | 'startOfDay' = 'endOfDay'): string {
  const dt = DateTime.fromMillis(at, { zone });
  if (midnight === 'endOfDay' && dt.hour === 0 && dt.minute === 0 && dt.second === 0 && dt.millisecond === 0) {
    return `${dt.minus({ days: 1 }).toFormat('yyyy-LL-dd')} 24:00`;
  }
  return dt.toFormat(dt.second === 0 ? 'yyyy-LL-dd HH:mm' : 'yyyy-LL-dd HH:mm:ss');
}

/** Formats epoch ms as ISO 8601 with the plan zone's offset. */
export function isoInZone(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toISO() ?? new Date(at).toISOString();
}
