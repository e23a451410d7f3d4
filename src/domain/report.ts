/**
 * The accountability report (督导结果) and the semester progress report (学期进展汇报),
 * folded from the tasks' records (src/domain/record.ts) and nothing else. Pure: the
 * API, the workspace, the .xlsx and the printable 通报 all read these numbers.
 *
 * A period is [from, to) in the plan's zone. A task counts in a period when it was
 * due in it (a deadline it had fell in the period while still in force) or when
 * something it is judged on happened in it: overdue at any moment, a rung issued, a
 * submission, a review, a return, an extension request or decision, an acceptance.
 *
 * Each task in a period is judged at most once, by what its department did:
 * - overdue (逾期): overdue at any moment in the period, or submitted in it after its
 *   deadline (a submission that beat the late-running checkpoint is still late);
 * - on time (按时完成): not overdue in the period, and submitted in it by the deadline
 *   in force, the submission accepted or still with the reviewer. A submission before
 *   its deadline is on time however long the review takes: a slow review is the
 *   responsible leader's, counted in the leaders' table, never the department's;
 * - neither (still in hand, or returned and being redone): not in the on-time rate.
 * On-time rate = on time / (on time + overdue); none judged gives null, shown as "—".
 */
import { isPart, parentKind } from './children.js';
import { DateTime } from 'luxon';
import type { Text } from './i18n.js';
import { checkReadPlan, meIn, type Principal } from './permissions.js';
import type { PlanDefinition, RungActionT, TaskDefinition } from './plan.schema.js';
import type { RecordEntry, TaskRecord } from './record.js';
import { resolvePlanDate } from './time.js';

const DAY = 86_400_000;

/** One task as the report reads it: its definition, its record and its history (for the overdue spans). */
export interface ReportTask {
  def: TaskDefinition;
  record: TaskRecord;
  history: RecordEntry[];
  /** The rung the task stands at now (0 when not overdue). */
  rung: number;
}

/** [from, to) in epoch ms, with the dates it was given as in the plan's zone. */
export interface ReportPeriod {
  from: number;
  to: number;
  /** First day, YYYY-MM-DD. */
  fromDate: string;
  /** The day the period ends at the start of (exclusive), YYYY-MM-DD. */
  toDate: string;
  /** The period's last day (inclusive), for people: 2026-08-31 when toDate is 2026-09-01. */
  lastDate: string;
}

/** What one task did in the period. */
export interface TaskOutcome {
  taskId: string;
  title: string;
  leadDepartment: string;
  responsiblePerson: string;
  responsibleLeader: string;
  due: boolean;
  /** Accepted in the period. */
  finished: boolean;
  onTime: boolean;
  overdue: boolean;
  /** Days overdue inside the period (one decimal). */
  overdueDays: number;
  /** Rung notices issued in the period, by rung (index 0 is rung 1). */
  rungs: number[];
  /** The highest rung issued in the period (0 for none). */
  highestRung: number;
  returns: number;
  extensionsRequested: number;
  extensionsApproved: number;
  extensionsRejected: number;
}

/** The counts of one row of the department or person table. */
export interface Tally {
  tasks: number;
  finished: number;
  onTime: number;
  overdue: number;
  /** onTime / (onTime + overdue), 0..1, or null when none was judged. */
  onTimeRate: number | null;
  /** Tasks with at least one rung issued in the period. */
  escalated: number;
  rungs: number[];
  highestRung: number;
  returns: number;
  extensionsRequested: number;
  extensionsApproved: number;
  extensionsRejected: number;
}

export interface DepartmentRow extends Tally {
  department: string;
  name: string;
  head: string | null;
  headName: string | null;
}

export interface PersonRow extends Tally {
  person: string;
  name: string;
  department: string | null;
  departmentName: string | null;
}

/** A responsible leader's reviews (验收): how long they held submissions and how many went past the review deadline. */
export interface LeaderRow {
  leader: string;
  name: string;
  /** Tasks in the period this leader is responsible for. */
  tasks: number;
  /** Reviews finished in the period (accepted or returned). */
  reviews: number;
  accepted: number;
  returned: number;
  /** Mean days from submission to review, over the reviews finished in the period; null for none. */
  averageReviewDays: number | null;
  /** Reviews (finished in the period, or still held at its end) that went past their review deadline. */
  lateReviews: number;
  /** Submissions made before the period's end and still waiting for this leader. */
  pending: number;
}

export interface AccountabilityReport {
  planId: string;
  title: string;
  issuer: string;
  timeZone: string;
  period: ReportPeriod;
  generatedAt: number;
  /** The plan's ladder, rung 1 first: what the rung columns mean. */
  rungActions: RungActionT[];
  totals: Tally;
  departments: DepartmentRow[];
  people: PersonRow[];
  leaders: LeaderRow[];
  /** Every task that counts in the period, in plan order. */
  tasks: TaskOutcome[];
}

// ---- who may read it ------------------------------------------------------------

const REPORT_RULE: Text = {
  zh: '督导结果仅供领导小组及其办公室、责任领导查看',
  en: 'Supervision results are for the leadership group and its office and responsible leaders',
};

/**
 * The rule that forbids `p` to read the plan's reports, or null. The office and
 * admins, the leadership group (office staff included) and the responsible leaders —
 * everyone the workspace shows the leadership view to. A department head or a
 * responsible person is refused: the report ranks other departments' people, and
 * the 通报 is a draft until the leadership group publishes it.
 */
export function checkReadReport(p: Principal, plan: PlanDefinition): Text | null {
  if (p.kind === 'system') return null;
  if (p.kind !== 'person') return checkReadPlan(p, plan) === null ? null : REPORT_RULE;
  const me = meIn(p, plan);
  if (me === null) return REPORT_RULE;
  const g = plan.leadershipGroup;
  const leaders = new Set([g.leader, ...g.deputies, ...g.members, ...(g.office.director ? [g.office.director] : []), ...g.office.members]);
  for (const t of plan.tasks) leaders.add(t.responsibleLeader);
  return leaders.has(me) ? null : REPORT_RULE;
}

// ---- periods ----------------------------------------------------------------------

const localDate = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toISODate() ?? '';

/** The period [fromDate, toDate) in the plan's zone; null when a date is not a real day. */
export function reportPeriod(plan: PlanDefinition, fromDate: string, toDate: string): ReportPeriod | null {
  const from = resolvePlanDate(fromDate, plan.timeZone, 'start');
  const to = resolvePlanDate(toDate, plan.timeZone, 'start');
  if (from === null || to === null) return null;
  return { from, to, fromDate, toDate, lastDate: localDate(to - 1, plan.timeZone) };
}

/**
 * The whole plan: from the first day of its launch phase (or its earliest deadline)
 * to the day after its evaluation phase ends (or after its latest deadline).
 */
export function wholePlanPeriod(plan: PlanDefinition, tasks: ReportTask[] = []): ReportPeriod {
  const zone = plan.timeZone;
  const starts = [resolvePlanDate(plan.phases[0]!.start, zone, 'start') ?? Number.NaN];
  const ends = [resolvePlanDate(plan.phases.at(-1)!.end, zone, 'end') ?? Number.NaN];
  for (const t of tasks) {
    starts.push(t.record.originalDeadline, t.record.deadline);
    ends.push(t.record.originalDeadline, t.record.deadline);
  }
  const first = Math.min(...starts.filter(Number.isFinite));
  const last = Math.max(...ends.filter(Number.isFinite));
  const fromDate = localDate(first, zone);
  // A deadline at midnight ends the day before; the period ends at the start of the day after the last one.
  const toDate =
    DateTime.fromMillis(last - 1, { zone })
      .plus({ days: 1 })
      .toISODate() ?? fromDate;
  return reportPeriod(plan, fromDate, toDate)!;
}

export type Season = 'spring' | 'autumn';

/** Month-day each semester starts on: spring from 1 March, autumn from 1 September. */
export interface SemesterStarts {
  spring: string;
  autumn: string;
}

export const DEFAULT_SEMESTER_STARTS: SemesterStarts = { spring: '03-01', autumn: '09-01' };

export interface Semester extends ReportPeriod {
  /** 2026-spring, 2026-autumn. */
  key: string;
  year: number;
  season: Season;
}

/** Spring runs from its start to autumn's; autumn to the next year's spring. */
export function semester(plan: PlanDefinition, year: number, season: Season, starts: SemesterStarts = DEFAULT_SEMESTER_STARTS): Semester {
  const fromDate = `${year}-${season === 'spring' ? starts.spring : starts.autumn}`;
  const toDate = season === 'spring' ? `${year}-${starts.autumn}` : `${year + 1}-${starts.spring}`;
  const period = reportPeriod(plan, fromDate, toDate);
  if (!period) throw new RangeError(`semester ${year}-${season} has no real start (${fromDate}) or end (${toDate})`);
  return { ...period, key: `${year}-${season}`, year, season };
}

/** The semester `now` falls in, in the plan's zone. */
export function currentSemester(plan: PlanDefinition, now: number, starts: SemesterStarts = DEFAULT_SEMESTER_STARTS): Semester {
  const today = localDate(now, plan.timeZone);
  const year = Number(today.slice(0, 4));
  const md = today.slice(5);
  if (md >= starts.autumn) return semester(plan, year, 'autumn', starts);
  if (md >= starts.spring) return semester(plan, year, 'spring', starts);
  return semester(plan, year - 1, 'autumn', starts);
}

// ---- one task in a period ---------------------------------------------------------

const supervisionOf = (state: unknown): string => (state as { supervision?: string } | null)?.supervision ?? '';
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The deadline in force just before `at`: the original, moved by every change made before it. */
function deadlineBefore(rec: TaskRecord, at: number): number {
  let deadline = rec.originalDeadline;
  for (const c of rec.deadlineChanges) if (c.at < at) deadline = c.to;
  return deadline;
}

/** The spans [start, end) the task was overdue, each from the deadline it missed to the entry that ended it (or now). */
export function overdueSpans(rec: TaskRecord, history: RecordEntry[], now: number): [number, number][] {
  const spans: [number, number][] = [];
  let since: number | null = null;
  for (const h of history) {
    const was = supervisionOf(h.from) === 'overdue';
    const is = supervisionOf(h.to) === 'overdue';
    if (!was && is) since = Math.min(h.at, deadlineBefore(rec, h.at));
    if (was && !is && since !== null) {
      spans.push([since, h.at]);
      since = null;
    }
  }
  if (since !== null) spans.push([since, Math.max(since, now)]);
  return spans;
}

/** Whether a deadline the task had fell in [from, to) while it was still in force. */
function dueIn(rec: TaskRecord, from: number, to: number): boolean {
  const deadlines = [{ deadline: rec.originalDeadline, replacedAt: rec.deadlineChanges[0]?.at ?? Infinity }];
  rec.deadlineChanges.forEach((c, i) => deadlines.push({ deadline: c.to, replacedAt: rec.deadlineChanges[i + 1]?.at ?? Infinity }));
  return deadlines.some((d) => d.deadline >= from && d.deadline < to && d.deadline <= d.replacedAt);
}

/** What `task` did in `period`, or null when it does not count in it. */
export function taskOutcome(plan: PlanDefinition, task: ReportTask, period: { from: number; to: number }, now: number): TaskOutcome | null {
  const { record: rec, def } = task;
  const { from, to } = period;
  const inP = (at: number | null | undefined) => at !== null && at !== undefined && at >= from && at < to;

  let overdueMs = 0;
  for (const [start, end] of overdueSpans(rec, task.history, now)) overdueMs += Math.max(0, Math.min(end, to) - Math.max(start, from));
  const submitted = rec.submissions.filter((s) => inP(s.at));
  const overdue = overdueMs > 0 || submitted.some((s) => !s.onTime);
  const onTime = !overdue && submitted.some((s) => s.onTime && (s.outcome === 'accepted' || s.outcome === 'pending'));

  const rungs = Array.from({ length: Math.max(plan.escalation.rungs.length, rec.highestRung) }, () => 0);
  for (const r of rec.rungs) if (inP(r.at)) rungs[r.rung - 1] = (rungs[r.rung - 1] ?? 0) + 1;
  const highestRung = rungs.reduce((top, n, i) => (n > 0 ? i + 1 : top), 0);
  const returns = rec.returns.filter((r) => inP(r.at)).length;
  const requested = rec.extensions.filter((x) => inP(x.requestedAt)).length;
  const approved = rec.extensions.filter((x) => x.outcome === 'approved' && inP(x.decidedAt)).length;
  const rejected = rec.extensions.filter((x) => x.outcome === 'rejected' && inP(x.decidedAt)).length;
  const finished = inP(rec.acceptedAt);
  const due = dueIn(rec, from, to);

  const counts =
    due ||
    overdue ||
    finished ||
    submitted.length > 0 ||
    highestRung > 0 ||
    returns + requested + approved + rejected > 0 ||
    rec.submissions.some((s) => inP(s.reviewedAt));
  if (!counts) return null;
  return {
    taskId: def.id,
    title: def.title,
    leadDepartment: def.leadDepartment,
    responsiblePerson: def.responsiblePerson,
    responsibleLeader: def.responsibleLeader,
    due,
    finished,
    onTime,
    overdue,
    overdueDays: round1(overdueMs / DAY),
    rungs,
    highestRung,
    returns,
    extensionsRequested: requested,
    extensionsApproved: approved,
    extensionsRejected: rejected,
  };
}

// ---- tables -----------------------------------------------------------------------

/** The counts over a set of task outcomes. */
export function tally(outcomes: TaskOutcome[], rungCount: number): Tally {
  const t: Tally = {
    tasks: outcomes.length,
    finished: 0,
    onTime: 0,
    overdue: 0,
    onTimeRate: null,
    escalated: 0,
    rungs: Array.from({ length: rungCount }, () => 0),
    highestRung: 0,
    returns: 0,
    extensionsRequested: 0,
    extensionsApproved: 0,
    extensionsRejected: 0,
  };
  for (const o of outcomes) {
    if (o.finished) t.finished += 1;
    if (o.onTime) t.onTime += 1;
    if (o.overdue) t.overdue += 1;
    if (o.highestRung > 0) t.escalated += 1;
    o.rungs.forEach((n, i) => (t.rungs[i] = (t.rungs[i] ?? 0) + n));
    t.highestRung = Math.max(t.highestRung, o.highestRung);
    t.returns += o.returns;
    t.extensionsRequested += o.extensionsRequested;
    t.extensionsApproved += o.extensionsApproved;
    t.extensionsRejected += o.extensionsRejected;
  }
  const judged = t.onTime + t.overdue;
  t.onTimeRate = judged === 0 ? null : t.onTime / judged;
  return t;
}

function groupBy<K>(outcomes: TaskOutcome[], key: (o: TaskOutcome) => K): Map<K, TaskOutcome[]> {
  const out = new Map<K, TaskOutcome[]>();
  for (const o of outcomes) out.set(key(o), [...(out.get(key(o)) ?? []), o]);
  return out;
}

function leaderRows(
  plan: PlanDefinition,
  tasks: ReportTask[],
  outcomes: TaskOutcome[],
  period: { from: number; to: number },
  now: number,
): LeaderRow[] {
  const inP = (at: number | undefined) => at !== undefined && at >= period.from && at < period.to;
  const rows = new Map<string, LeaderRow & { reviewDays: number[] }>();
  const row = (leader: string) => {
    let r = rows.get(leader);
    if (!r) {
      r = {
        leader,
        name: personName(plan, leader),
        tasks: 0,
        reviews: 0,
        accepted: 0,
        returned: 0,
        averageReviewDays: null,
        lateReviews: 0,
        pending: 0,
        reviewDays: [],
      };
      rows.set(leader, r);
    }
    return r;
  };
  for (const o of outcomes) row(o.responsibleLeader).tasks += 1;
  for (const t of tasks) {
    for (const s of t.record.submissions) {
      const done = (s.outcome === 'accepted' || s.outcome === 'returned') && inP(s.reviewedAt);
      const held = s.outcome === 'pending' && s.at < period.to;
      if (!done && !held) continue;
      const r = row(t.def.responsibleLeader);
      // e1 is issued at the review deadline; a pending review also counts once its deadline has passed.
      const pastDeadline = Math.min(now, period.to);
      if (s.reviewEscalations > 0 || (held && s.reviewDeadline !== undefined && pastDeadline > s.reviewDeadline)) r.lateReviews += 1;
      if (held) {
        r.pending += 1;
        continue;
      }
      r.reviews += 1;
      r.reviewDays.push(s.reviewDays);
      if (s.outcome === 'accepted') r.accepted += 1;
      else r.returned += 1;
    }
  }
  const order = new Map(plan.people.map((p, i) => [p.id, i]));
  return [...rows.values()]
    .sort((a, b) => (order.get(a.leader) ?? Infinity) - (order.get(b.leader) ?? Infinity))
    .map(({ reviewDays, ...r }) => ({
      ...r,
      averageReviewDays: reviewDays.length === 0 ? null : round1(reviewDays.reduce((a, b) => a + b, 0) / reviewDays.length),
    }));
}

const personName = (plan: PlanDefinition, id: string) => plan.people.find((p) => p.id === id)?.name ?? id;
const unitName = (plan: PlanDefinition, id: string) => plan.units.find((u) => u.id === id)?.name ?? id;

/**
 * The tasks a report counts, in plan order: every part (occurrence, milestone, unit's
 * or cooperating unit's part) right after its parent, counted on its own; a container
 * (src/domain/children.ts) is not counted — nobody held it, its parts are the work.
 */
function counted(plan: PlanDefinition, tasks: ReportTask[]): ReportTask[] {
  const order = new Map(plan.tasks.map((t, i) => [t.id, i]));
  const position = (t: ReportTask) => order.get(t.def.id) ?? (isPart(t.def) ? (order.get(t.def.parent) ?? Infinity) + 0.5 : Infinity);
  return tasks.filter((t) => parentKind(plan, t.def) !== 'container').sort((a, b) => position(a) - position(b));
}

/** The accountability report for `period`: per department, per person, per responsible leader. */
export function accountabilityReport(plan: PlanDefinition, tasks: ReportTask[], period: ReportPeriod, now: number): AccountabilityReport {
  const sorted = counted(plan, tasks);
  const outcomes = sorted.flatMap((t) => taskOutcome(plan, t, period, now) ?? []);
  const rungCount = Math.max(plan.escalation.rungs.length, ...outcomes.map((o) => o.rungs.length));

  const byDepartment = groupBy(outcomes, (o) => o.leadDepartment);
  const departments: DepartmentRow[] = [...byDepartment.keys()]
    .sort((a, b) => plan.units.findIndex((u) => u.id === a) - plan.units.findIndex((u) => u.id === b))
    .map((id) => {
      const head = plan.units.find((u) => u.id === id)?.head ?? null;
      return {
        department: id,
        name: unitName(plan, id),
        head,
        headName: head ? personName(plan, head) : null,
        ...tally(byDepartment.get(id)!, rungCount),
      };
    });
  const byPerson = groupBy(outcomes, (o) => o.responsiblePerson);
  const people: PersonRow[] = [...byPerson.keys()]
    .sort((a, b) => plan.people.findIndex((p) => p.id === a) - plan.people.findIndex((p) => p.id === b))
    .map((id) => {
      const unit = plan.people.find((p) => p.id === id)?.unit ?? byPerson.get(id)![0]!.leadDepartment;
      return {
        person: id,
        name: personName(plan, id),
        department: unit ?? null,
        departmentName: unit ? unitName(plan, unit) : null,
        ...tally(byPerson.get(id)!, rungCount),
      };
    });

  return {
    planId: plan.id,
    title: plan.title,
    issuer: plan.issuer,
    timeZone: plan.timeZone,
    period,
    generatedAt: now,
    rungActions: plan.escalation.rungs.map((r) => r.action),
    totals: tally(outcomes, rungCount),
    departments,
    people,
    leaders: leaderRows(plan, sorted, outcomes, period, now),
    tasks: outcomes,
  };
}

// ---- the semester report ----------------------------------------------------------

export type PhaseStatus = 'done' | 'current' | 'upcoming';

export interface SemesterReport {
  planId: string;
  title: string;
  issuer: string;
  timeZone: string;
  semester: Semester;
  generatedAt: number;
  /** The plan's phase now (launch…evaluation, draft or closed). */
  stage: string;
  rungActions: RungActionT[];
  totals: Tally;
  departments: DepartmentRow[];
  /** What was done: accepted in the semester. */
  done: { taskId: string; title: string; department: string; person: string; acceptedAt: number; onTime: boolean }[];
  /** What is late now: overdue at the time of the report, highest rung first. */
  lateNow: {
    taskId: string;
    title: string;
    department: string;
    person: string;
    leader: string;
    deadline: number;
    rung: number;
    highestRung: number;
    overdueDays: number;
  }[];
  /** What climbed: every rung issued in the semester. */
  climbed: {
    taskId: string;
    title: string;
    department: string;
    rung: number;
    action: RungActionT | null;
    at: number;
    /** 文号, once the notice has been issued as a document; null before. */
    number: string | null;
    late: boolean;
  }[];
  extensions: {
    taskId: string;
    title: string;
    department: string;
    requestedAt: number;
    deadline: number;
    reason: string;
    outcome: 'pending' | 'approved' | 'rejected';
    decidedAt: number | null;
  }[];
  returns: { taskId: string; title: string; department: string; at: number; reason: string; deadline: number }[];
  /** Each phase with the tasks whose current deadline falls in it. */
  phases: {
    key: string;
    name: string;
    start: number;
    end: number;
    status: PhaseStatus;
    tasks: number;
    done: number;
    late: number;
    open: number;
  }[];
}

const PHASE_ORDER = ['draft', 'launch', 'promotion', 'implementation', 'evaluation', 'closed'];

/**
 * The phase a deadline is filed under: the window holding it, a deadline at midnight
 * counting as the end of the day before (as in the leadership view's matrix); one
 * between two phases goes to the earlier, one outside all of them to the nearest.
 */
function phaseOf(windows: { key: string; start: number; end: number }[], deadline: number, zone: string): string {
  const at = DateTime.fromMillis(deadline, { zone }).startOf('day').toMillis() === deadline ? deadline - 1 : deadline;
  const within = windows.find((w) => at >= w.start && at <= w.end) ?? windows.findLast((w) => at >= w.start) ?? windows[0]!;
  return within.key;
}

/** The semester progress report (学期进展汇报) for the leadership group. */
export function semesterReport(plan: PlanDefinition, tasks: ReportTask[], sem: Semester, stage: string, now: number): SemesterReport {
  const report = accountabilityReport(plan, tasks, sem, now);
  const inS = (at: number | null | undefined) => at !== null && at !== undefined && at >= sem.from && at < sem.to;
  const sorted = counted(plan, tasks);
  const base = (t: ReportTask) => ({ taskId: t.def.id, title: t.def.title, department: t.def.leadDepartment });

  const done = sorted.flatMap((t) =>
    inS(t.record.acceptedAt)
      ? [{ ...base(t), person: t.def.responsiblePerson, acceptedAt: t.record.acceptedAt!, onTime: t.record.finishedOnTime === true }]
      : [],
  );
  const lateNow = sorted
    .filter((t) => t.record.overdueNow)
    .map((t) => ({
      ...base(t),
      person: t.def.responsiblePerson,
      leader: t.def.responsibleLeader,
      deadline: t.record.deadline,
      rung: t.rung,
      highestRung: t.record.highestRung,
      overdueDays: t.record.overdueDays,
    }))
    .sort((a, b) => b.rung - a.rung || a.deadline - b.deadline);
  const climbed = sorted
    .flatMap((t) =>
      t.record.rungs
        .filter((r) => inS(r.at))
        .map((r) => ({
          ...base(t),
          rung: r.rung,
          action: plan.escalation.rungs[r.rung - 1]?.action ?? null,
          at: r.at,
          number: r.number,
          late: r.late !== undefined,
        })),
    )
    .sort((a, b) => a.at - b.at);
  const extensions = sorted
    .flatMap((t) =>
      t.record.extensions
        .filter((x) => inS(x.requestedAt) || inS(x.decidedAt))
        .map((x) => ({
          ...base(t),
          requestedAt: x.requestedAt,
          deadline: x.deadline,
          reason: x.reason,
          outcome: x.outcome,
          decidedAt: x.decidedAt ?? null,
        })),
    )
    .sort((a, b) => a.requestedAt - b.requestedAt);
  const returns = sorted
    .flatMap((t) =>
      t.record.returns.filter((r) => inS(r.at)).map((r) => ({ ...base(t), at: r.at, reason: r.reason, deadline: r.deadline })),
    )
    .sort((a, b) => a.at - b.at);

  const zone = plan.timeZone;
  const windows = plan.phases.map((p) => ({
    key: p.key,
    name: p.name ?? p.key,
    start: resolvePlanDate(p.start, zone, 'start') ?? Number.NaN,
    end: resolvePlanDate(p.end, zone, 'end') ?? Number.NaN,
  }));
  const current = PHASE_ORDER.indexOf(stage);
  const phases = windows.map((w) => {
    const index = PHASE_ORDER.indexOf(w.key);
    const status: PhaseStatus = current > index ? 'done' : current === index ? 'current' : 'upcoming';
    const due = tasks.filter((t) => phaseOf(windows, t.record.deadline, zone) === w.key);
    const finished = due.filter((t) => t.record.acceptedAt !== null).length;
    const late = due.filter((t) => t.record.acceptedAt === null && (t.record.overdueNow || t.record.unfinished)).length;
    return { ...w, status, tasks: due.length, done: finished, late, open: due.length - finished - late };
  });

  return {
    planId: plan.id,
    title: plan.title,
    issuer: plan.issuer,
    timeZone: zone,
    semester: sem,
    generatedAt: now,
    stage,
    rungActions: report.rungActions,
    totals: report.totals,
    departments: report.departments,
    done,
    lateNow,
    climbed,
    extensions,
    returns,
    phases,
  };
}
