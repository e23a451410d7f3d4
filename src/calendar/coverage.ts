/**
 * Which years of a plan have no official holiday data. Pure. A plan counting working
 * days in `cn-mainland` over a year whose State Council notice is not in the calendar
 * (built in or loaded) is counted weekends-only there: validation warns, naming the
 * year, and the plan page says so — a warning, not an error, since the notice for the
 * coming year usually appears only in November or December.
 */
import type { PlanDefinition } from '../domain/plan.schema.js';
import { resolvePlanDate } from '../domain/time.js';
import { CHINA_MAINLAND, isOfficialYear } from './working-days.js';
import { DateTime } from 'luxon';

export interface CalendarWarning {
  path: string;
  year: number;
  message: string;
}

/** Every date the plan states, in epoch ms. */
function planDates(def: PlanDefinition): number[] {
  const zone = def.timeZone;
  const texts: string[] = [
    ...def.phases.flatMap((p) => [p.start, p.end]),
    ...(def.period ? [def.period.start, def.period.end] : []),
    ...def.tasks.flatMap((t) => [t.deadline, ...t.milestones.map((m) => m.due)]),
    ...def.goals.flatMap((g) => [...(g.due ? [g.due] : []), ...g.path.flatMap((s) => (s.at ? [s.at] : []))]),
  ];
  return texts.map((t) => resolvePlanDate(t, zone, 'start')).filter((t): t is number => t !== null);
}

/** True when some reminder, grace or period of the plan counts working days. */
export function usesWorkingDays(def: PlanDefinition): boolean {
  const e = def.escalation;
  const offsets = [
    ...e.reminders,
    ...e.rungs.map((r) => r.grace),
    e.review.within,
    ...e.review.reminders,
    e.review.grace,
    e.acknowledge.within,
    e.acknowledge.chaseAfter,
  ];
  return offsets.some((o) => typeof o === 'object' && o !== null);
}

/** The years from the plan's first date to its last, and one more when its last dates fall late in the year (rungs run past them). */
export function planYears(def: PlanDefinition): number[] {
  const dates = planDates(def);
  if (dates.length === 0) return [];
  const first = DateTime.fromMillis(Math.min(...dates), { zone: def.timeZone });
  const last = DateTime.fromMillis(Math.max(...dates), { zone: def.timeZone });
  // Rectification periods after a deadline in December reach into January.
  const end = last.month === 12 ? last.year + 1 : last.year;
  const years: number[] = [];
  for (let y = first.year; y <= end; y++) years.push(y);
  return years;
}

/** A warning per year the plan reaches that has no official holiday data in its calendar. */
export function calendarWarnings(def: PlanDefinition): CalendarWarning[] {
  if (def.calendar !== 'cn-mainland') return [];
  return planYears(def)
    .filter((y) => !isOfficialYear(y, CHINA_MAINLAND))
    .map((year) => ({
      path: 'calendar',
      year,
      message:
        `${year}年的法定节假日安排（国务院办公厅通知）尚未载入，该年的工作日暂按仅周末计算；通知公布后管理员可载入 / ` +
        `no official holiday notice for ${year} in the calendar: working days in ${year} are counted weekends-only until an administrator loads it`,
    }));
}
