/**
 * Indicators (指标): a plan's measurable goals, their path and their actual values.
 * Pure: the engine (src/engine/indicators.ts) reads and commits; this file decides who
 * reports, what the path expects at a date, what colour an indicator is, which
 * checkpoints have passed and who a rung of its ladder goes to.
 *
 * The path is a line through points: the baseline (at its year's end, else at the
 * plan's launch), each path year (at its year's end in the plan's zone, or its `at`),
 * and the target at the due date. Between two points the expected value is
 * interpolated; before the first one nothing is expected yet.
 *
 * Colours:
 * - red: past the due date and the target not met; or the latest value does not reach
 *   the last checkpoint passed (a path year's end); or behind the path by more than
 *   the tolerance;
 * - yellow: behind the path by no more than the tolerance, or a report is overdue;
 * - green: on or ahead of the path (or nothing is expected yet) and reports on time.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { peopleInRole } from './chain.js';
import type { Text } from './i18n.js';
import type { ChainRoleT, IndicatorDefinition, PlanDefinition } from './plan.schema.js';
import { PlanDate } from './plan.schema.js';
import { resolvePlanDate } from './time.js';

/** A report counts as late this long after its period ends. */
export const REPORT_WITHIN_DAYS = 15;

export type IndicatorStatus = 'green' | 'yellow' | 'red';
export type StatusReason = 'onPath' | 'notYet' | 'behind' | 'offPath' | 'offPathAtCheckpoint' | 'missedDue' | 'metDue' | 'reportOverdue';

export const STATUS_TEXT: Record<IndicatorStatus, Text> = {
  green: { zh: '正常', en: 'on path' },
  yellow: { zh: '滞后', en: 'behind' },
  red: { zh: '偏离', en: 'off path' },
};

export const REASON_TEXT: Record<StatusReason, Text> = {
  onPath: { zh: '达到或超过进度', en: 'on or ahead of its path' },
  notYet: { zh: '尚无进度要求', en: 'nothing expected yet' },
  behind: { zh: '略低于进度（在容差内）', en: 'behind its path, within the tolerance' },
  offPath: { zh: '低于进度超过容差', en: 'behind its path by more than the tolerance' },
  offPathAtCheckpoint: { zh: '未达到最近节点的目标', en: 'short of the value its last checkpoint required' },
  missedDue: { zh: '已过完成时限，目标未达成', en: 'past its due date and the target not met' },
  metDue: { zh: '目标已达成', en: 'target met' },
  reportOverdue: { zh: '实际值逾期未报送', en: 'a report of its actual value is overdue' },
};

export const CADENCE_TEXT: Record<NonNullable<IndicatorDefinition['cadence']>, Text> = {
  month: { zh: '每月', en: 'monthly' },
  quarter: { zh: '每季度', en: 'quarterly' },
  semester: { zh: '每学期', en: 'each semester' },
  year: { zh: '每年', en: 'yearly' },
};

/** One reported actual value, as stored in the indicator's record. */
export interface IndicatorValue {
  value: number;
  /** Epoch ms the value is as of (the measurement's date). */
  asOf: number;
  evidence: string[];
  note: string;
  /** Plan-local person id of who reported it. */
  by: string;
  /** Epoch ms it was reported. */
  at: number;
}

/** Where a checkpoint's ladder stands: the highest rung sent and when. */
export interface LadderState {
  rung: number;
  issuedAt: number;
}

/** The stored record of one indicator: values in the order reported, ladders by checkpoint key. */
export interface IndicatorRecord {
  values: IndicatorValue[];
  ladders: Record<string, LadderState>;
}

export const emptyRecord = (): IndicatorRecord => ({ values: [], ladders: {} });

/** A point of the path, in epoch ms; checkpoints are every point but the baseline. */
export interface PathPoint {
  key: string;
  at: number;
  value: number;
  kind: 'baseline' | 'path' | 'due';
  year?: number;
}

/** The body of `POST …/indicators/:id/values`. */
export const IndicatorValueBody = z
  .object({
    value: z.number().refine(Number.isFinite, 'must be a finite number'),
    asOf: PlanDate,
    evidence: z.array(z.string().url('must be a link (https://…)').max(2000)).max(20).default([]),
    note: z.string().max(2000).default(''),
  })
  .strict();
export type IndicatorValueInput = z.input<typeof IndicatorValueBody>;

/** The unit that reports the indicator: as set, else the office's unit, else the first unit. */
export function reportingUnit(plan: PlanDefinition, ind: IndicatorDefinition): string {
  return ind.department ?? plan.leadershipGroup.office.unit ?? plan.units[0]!.id;
}

/** The leader responsible for the indicator: as set, else the group leader. */
export function indicatorLeader(plan: PlanDefinition, ind: IndicatorDefinition): string {
  return ind.leader ?? plan.leadershipGroup.leader;
}

export const cadenceOf = (ind: IndicatorDefinition) => ind.cadence ?? 'semester';

/** Who may report values: the reporting unit's head and its people (plan-local ids). */
export function reporters(plan: PlanDefinition, ind: IndicatorDefinition): string[] {
  const unit = reportingUnit(plan, ind);
  const head = plan.units.find((u) => u.id === unit)?.head;
  const members = plan.people.filter((p) => p.unit === unit).map((p) => p.id);
  return [...new Set([...(head ? [head] : []), ...members])];
}

export const REPORT_RULE: Text = {
  zh: '只有该指标的报送部门（部门负责人及其人员）可以报送实际值',
  en: "Only the indicator's reporting department (its head and its people) may report its actual values",
};

function yearEnd(year: number, zone: string): number {
  return resolvePlanDate(`${year}-12-31`, zone, 'end')!;
}

/** The path's points in time order. */
export function pathPoints(plan: PlanDefinition, ind: IndicatorDefinition): PathPoint[] {
  const zone = plan.timeZone;
  const points: PathPoint[] = [];
  if (ind.baseline) {
    const at = ind.baseline.year !== undefined ? yearEnd(ind.baseline.year, zone) : resolvePlanDate(plan.phases[0]!.start, zone, 'start')!;
    points.push({
      key: 'base',
      at,
      value: ind.baseline.value,
      kind: 'baseline',
      ...(ind.baseline.year !== undefined ? { year: ind.baseline.year } : {}),
    });
  }
  for (const step of ind.path) {
    const at = step.at !== undefined ? resolvePlanDate(step.at, zone, 'end')! : yearEnd(step.year, zone);
    points.push({ key: `y${step.year}`, at, value: step.value, kind: 'path', year: step.year });
  }
  if (ind.due !== undefined) points.push({ key: 'due', at: resolvePlanDate(ind.due, zone, 'end')!, value: ind.target, kind: 'due' });
  // At one moment the due date's target wins over a path year's value (a path ending on the due date).
  const order = { baseline: 0, due: 1, path: 2 } as const;
  points.sort((a, b) => a.at - b.at || order[a.kind] - order[b.kind]);
  // The baseline starts the line; a point at or before it (a baseline year after a path year) is dropped.
  return points.filter((p, i) => i === 0 || p.at > points[i - 1]!.at);
}

export function checkpoints(plan: PlanDefinition, ind: IndicatorDefinition): PathPoint[] {
  return pathPoints(plan, ind).filter((p) => p.kind !== 'baseline');
}

/** The expected value at `t`: interpolated between the points around it; null before the first point. */
export function expectedAt(points: readonly PathPoint[], t: number): number | null {
  if (points.length === 0 || t < points[0]!.at) return null;
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1]!, points[i]!];
    if (t <= b.at) return a.value + ((b.value - a.value) * (t - a.at)) / (b.at - a.at);
  }
  return points[points.length - 1]!.value;
}

/** +1: more is better; -1: less is better; 0: the value itself is the target. */
export function direction(ind: IndicatorDefinition): 1 | -1 | 0 {
  return ind.comparison === '>=' || ind.comparison === '>' ? 1 : ind.comparison === '=' ? 0 : -1;
}

/** How far `actual` is behind `expected` (0 when on or ahead). */
export function behindBy(ind: IndicatorDefinition, actual: number, expected: number): number {
  const d = direction(ind);
  if (d === 1) return Math.max(0, expected - actual);
  if (d === -1) return Math.max(0, actual - expected);
  return Math.abs(actual - expected);
}

/** Whether `actual` meets the final target (its comparison, and its range when written as one). */
export function meetsTarget(ind: IndicatorDefinition, actual: number): boolean {
  if (ind.range) return actual >= ind.range.min && actual <= ind.range.max;
  switch (ind.comparison) {
    case '>=':
      return actual >= ind.target;
    case '>':
      return actual > ind.target;
    case '<=':
      return actual <= ind.target;
    case '<':
      return actual < ind.target;
    case '=':
      return Math.abs(actual - ind.target) <= (ind.tolerance ?? 0);
  }
}

/** Whether `actual` reaches what checkpoint `cp` requires. */
export function meetsCheckpoint(ind: IndicatorDefinition, cp: PathPoint, actual: number | null): boolean {
  if (actual === null) return false;
  if (cp.kind === 'due') return meetsTarget(ind, actual);
  return direction(ind) === 0 ? Math.abs(actual - cp.value) <= toleranceOf(ind, []) : behindBy(ind, actual, cp.value) === 0;
}

/** The tolerance: as set, else a tenth of the distance from the path's start to the target (at least a hundredth of the target). */
export function toleranceOf(ind: IndicatorDefinition, points: readonly PathPoint[]): number {
  if (ind.tolerance !== undefined) return ind.tolerance;
  const start = points[0]?.value ?? ind.baseline?.value;
  const span = start === undefined ? Math.abs(ind.target) : Math.abs(ind.target - start);
  return Math.max(span / 10, Math.abs(ind.target) / 100);
}

/** The latest value by its date (reported later wins a tie): what status is judged on. */
export function latestValue(values: readonly IndicatorValue[]): IndicatorValue | null {
  let best: IndicatorValue | null = null;
  for (const v of values) if (!best || v.asOf > best.asOf || (v.asOf === best.asOf && v.at >= best.at)) best = v;
  return best;
}

/** The reporting period holding `t`, in the plan's zone: [start, end). */
export function periodOf(t: number, cadence: ReturnType<typeof cadenceOf>, zone: string): { start: number; end: number } {
  const local = DateTime.fromMillis(t, { zone });
  switch (cadence) {
    case 'month':
    case 'quarter':
    case 'year': {
      const start = local.startOf(cadence);
      return { start: start.toMillis(), end: start.plus({ [`${cadence}s`]: 1 }).toMillis() };
    }
    case 'semester': {
      // 春季学期 from 1 March, 秋季学期 from 1 September.
      const y = local.year;
      const starts = [DateTime.fromObject({ year: y - 1, month: 9, day: 1 }, { zone })];
      starts.push(
        DateTime.fromObject({ year: y, month: 3, day: 1 }, { zone }),
        DateTime.fromObject({ year: y, month: 9, day: 1 }, { zone }),
      );
      const start = [...starts].reverse().find((s) => s <= local)!;
      return { start: start.toMillis(), end: start.plus({ months: 6 }).toMillis() };
    }
  }
}

/** The last period whose report is due by `now` (its end plus REPORT_WITHIN_DAYS), if it ended after `from`. */
export function reportDuePeriod(ind: IndicatorDefinition, zone: string, from: number, now: number): { start: number; end: number } | null {
  const cadence = cadenceOf(ind);
  const current = periodOf(now - REPORT_WITHIN_DAYS * 86_400_000, cadence, zone);
  const previous = periodOf(current.start - 1, cadence, zone);
  return previous.end > from ? { start: Math.max(previous.start, from), end: previous.end } : null;
}

export interface IndicatorView {
  id: string;
  title: string;
  unit: string | null;
  target: number;
  comparison: IndicatorDefinition['comparison'];
  due: number | null;
  department: { id: string; name: string };
  leader: { id: string; name: string };
  cadence: ReturnType<typeof cadenceOf>;
  tolerance: number;
  /** The path's points, baseline first, with their times. */
  path: PathPoint[];
  latest: IndicatorValue | null;
  /** What the path expects at the latest value's date, and now. */
  expectedAtLatest: number | null;
  expectedNow: number | null;
  status: IndicatorStatus;
  reasons: StatusReason[];
  /** The report that is overdue: the period it is for. */
  reportOverdue: { start: number; end: number } | null;
  /** Checkpoints passed, with whether the value reported reaches each (as judged now) and the highest rung sent. */
  checkpoints: { key: string; at: number; value: number; kind: PathPoint['kind']; met: boolean; rung: number }[];
  values: IndicatorValue[];
}

/** The indicator as the API and the web show it, at `now`. */
export function indicatorView(plan: PlanDefinition, ind: IndicatorDefinition, record: IndicatorRecord, now: number): IndicatorView {
  const points = pathPoints(plan, ind);
  const tolerance = toleranceOf(ind, points);
  const latest = latestValue(record.values);
  const from = resolvePlanDate(plan.phases[0]!.start, plan.timeZone, 'start')!;
  const passed = points.filter((p) => p.kind !== 'baseline' && p.at <= now);
  const lastPassed = passed[passed.length - 1] ?? null;
  const expectedAtLatest = latest ? expectedAt(points, latest.asOf) : null;
  const reasons: StatusReason[] = [];
  let status: IndicatorStatus = 'green';
  const worse = (s: IndicatorStatus, why: StatusReason) => {
    reasons.push(why);
    if (s === 'red' || (s === 'yellow' && status === 'green')) status = s;
  };
  const dueAt = ind.due !== undefined ? resolvePlanDate(ind.due, plan.timeZone, 'end') : null;
  if (dueAt !== null && dueAt <= now) {
    if (latest && meetsTarget(ind, latest.value)) reasons.push('metDue');
    else worse('red', 'missedDue');
  } else {
    if (lastPassed && !meetsCheckpoint(ind, lastPassed, latest?.value ?? null)) worse('red', 'offPathAtCheckpoint');
    if (latest && expectedAtLatest !== null) {
      const behind = behindBy(ind, latest.value, expectedAtLatest);
      if (behind > tolerance) worse('red', 'offPath');
      else if (behind > 1e-9) worse('yellow', 'behind');
    }
  }
  const due = reportDuePeriod(ind, plan.timeZone, from, now);
  const reported = due !== null && record.values.some((v) => v.asOf >= due.start || v.at >= due.end);
  const reportOverdue = due !== null && !reported && !(dueAt !== null && dueAt <= now && reasons.includes('metDue')) ? due : null;
  if (reportOverdue) worse('yellow', 'reportOverdue');
  if (reasons.length === 0) reasons.push(latest && expectedAtLatest !== null ? 'onPath' : 'notYet');
  const unitId = reportingUnit(plan, ind);
  const leaderId = indicatorLeader(plan, ind);
  return {
    id: ind.id,
    title: ind.title,
    unit: ind.unit ?? null,
    target: ind.target,
    comparison: ind.comparison,
    due: dueAt,
    department: { id: unitId, name: plan.units.find((u) => u.id === unitId)?.name ?? unitId },
    leader: { id: leaderId, name: plan.people.find((p) => p.id === leaderId)?.name ?? leaderId },
    cadence: cadenceOf(ind),
    tolerance,
    path: points,
    latest,
    expectedAtLatest,
    expectedNow: expectedAt(points, now),
    status,
    reasons,
    reportOverdue,
    checkpoints: passed.map((p) => ({
      key: p.key,
      at: p.at,
      value: p.value,
      kind: p.kind,
      met: meetsCheckpoint(ind, p, latest?.value ?? null),
      rung: record.ladders[p.key]?.rung ?? 0,
    })),
    values: [...record.values].sort((a, b) => b.asOf - a.asOf || b.at - a.at),
  };
}

/** The people a rung's roles stand for on an indicator; its department head and leader are always told. */
export function indicatorRecipients(plan: PlanDefinition, ind: IndicatorDefinition, roles: readonly ChainRoleT[]) {
  const head = plan.units.find((u) => u.id === reportingUnit(plan, ind))?.head;
  const leader = indicatorLeader(plan, ind);
  const byId = new Map<string, ChainRoleT[]>();
  const add = (id: string | undefined, role: ChainRoleT) => {
    if (id === undefined) return;
    const roles = byId.get(id) ?? [];
    if (!roles.includes(role)) roles.push(role);
    byId.set(id, roles);
  };
  for (const role of ['departmentHead', 'responsibleLeader', ...roles] as ChainRoleT[]) {
    switch (role) {
      case 'responsiblePerson':
      case 'departmentHead':
        add(head, 'departmentHead');
        break;
      case 'responsibleLeader':
        add(leader, 'responsibleLeader');
        break;
      case 'cooperatingUnits':
        break;
      case 'groupLeader':
      case 'leadershipGroup':
      case 'office':
        for (const id of peopleInRole(plan, null, role)) add(id, role);
    }
  }
  return [...byId.entries()].map(([id, r]) => ({ id, roles: r }));
}

/** The checkpoint an indicator's ladder is about now: the last one passed since the plan's launch, if any. */
export function currentCheckpoint(plan: PlanDefinition, ind: IndicatorDefinition, now: number): PathPoint | null {
  const from = resolvePlanDate(plan.phases[0]!.start, plan.timeZone, 'start')!;
  const passed = checkpoints(plan, ind).filter((p) => p.at <= now && p.at >= from);
  return passed[passed.length - 1] ?? null;
}

/** The notice id of rung `rung` at checkpoint `key`: one per (indicator, checkpoint, rung), whoever runs the sweep. */
export const indicatorNoticeId = (indicatorId: string, key: string, rung: number) => `goal.${indicatorId}.${key}.r${rung}`;
