/**
 * Offsets before a deadline (reminders) and rectification periods (grace): an ISO
 * 8601 duration (P7D, PT30S) or a count of working days in the plan's holiday
 * calendar ({ workingDays: 3 }, so "3 working days before" is right around 国庆 and
 * 春节). Pure: the calendars are data.
 */
import { DateTime } from 'luxon';
import { CHINA_MAINLAND, shiftWorkingDays, WEEKENDS_ONLY, type WorkingCalendar } from '../calendar/working-days.js';
import { shiftBy } from './time.js';

export type Offset = string | { workingDays: number };

export const CALENDARS = { 'cn-mainland': CHINA_MAINLAND, 'weekends-only': WEEKENDS_ONLY } satisfies Record<string, WorkingCalendar>;
export type CalendarName = keyof typeof CALENDARS;
export const CALENDAR_NAMES = Object.keys(CALENDARS) as [CalendarName, ...CalendarName[]];

/**
 * `at` moved by `offset` (sign -1: back). Working days move the local date and keep
 * the time of day; a deadline at the end of a day (midnight) counts from that day.
 */
export function shiftOffset(at: number, offset: Offset, zone: string, calendar: CalendarName, sign: 1 | -1 = 1): number {
  if (typeof offset === 'string') return shiftBy(at, offset, zone, sign);
  const local = DateTime.fromMillis(at, { zone });
  const endOfDay = local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0;
  const day = (endOfDay ? local.minus({ days: 1 }) : local).toISODate()!;
  const moved = shiftWorkingDays(day, sign * offset.workingDays, CALENDARS[calendar]).date;
  const target = DateTime.fromISO(moved, { zone }).set({
    hour: local.hour,
    minute: local.minute,
    second: local.second,
    millisecond: local.millisecond,
  });
  return (endOfDay ? target.plus({ days: 1 }) : target).toMillis();
}

/** An offset as a reader says it: P7D, or 3 个工作日 / working days. */
export function describeOffset(offset: Offset): string {
  return typeof offset === 'string' ? offset : `${offset.workingDays} 个工作日 / working days`;
}

/** "Within N working days" from `now`: the end of the Nth working day after today, in the plan's zone. */
export function workingDaysFrom(now: number, offset: { workingDays: number }, zone: string, calendar: CalendarName): number {
  const endOfToday = DateTime.fromMillis(now, { zone }).startOf('day').plus({ days: 1 }).toMillis();
  return shiftOffset(endOfToday, offset, zone, calendar);
}
