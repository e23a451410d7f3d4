/**
 * Pure calendar helpers. Plans speak in dates of their own time zone ("8月底前" is
 * the end of 31 August in Asia/Shanghai) and in ISO 8601 durations (P7D, PT30S);
 * the engine and machines speak in epoch milliseconds. Nothing here reads the clock.
 */
import { DateTime, Duration } from 'luxon';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** True when `text` is a date (2023-08-31) or a date-time, with or without an offset. */
export function isPlanDate(text: string): boolean {
  return DATE_ONLY.test(text) || LOCAL_DATE_TIME.test(text) || ZONED_DATE_TIME.test(text);
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
    dt = DateTime.fromISO(text, { setZone: true });
  } else {
    return null;
  }
  return dt.isValid ? dt.toMillis() : null;
}

/** True for an IANA zone name luxon (and so Intl) knows. */
export function isTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** True for a positive ISO 8601 duration such as P7D, PT30S or P1M. */
export function isIsoDuration(text: string): boolean {
  const d = Duration.fromISO(text);
  return d.isValid && d.toMillis() > 0;
}

/** `at` moved by an ISO duration in `zone` (calendar-aware for days and months); sign -1 moves back. */
export function shiftBy(at: number, iso: string, zone: string, sign: 1 | -1 = 1): number {
  const d = Duration.fromISO(iso);
  const base = DateTime.fromMillis(at, { zone });
  return (sign === 1 ? base.plus(d) : base.minus(d)).toMillis();
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
