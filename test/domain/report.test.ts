/**
 * The accountability report on hand-built histories: on time against late, a late
 * review that is the leader's and never the department's, rung counts by rung,
 * moved deadlines and returns, period filtering, the semester report and who may
 * read it.
 */
import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../../machines/index.js';
import { PlanDefinitionSchema, type PlanDefinition } from '../../src/domain/plan.schema.js';
import { taskRecord, type RecordEntry } from '../../src/domain/record.js';
import {
  accountabilityReport,
  checkReadReport,
  currentSemester,
  reportPeriod,
  semester,
  semesterReport,
  wholePlanPeriod,
  type ReportTask,
} from '../../src/domain/report.js';
import { fixturePlan } from '../helpers/plan-fixture.js';

const DAY = 86_400_000;
/** 1 March 2026, 00:00 in Asia/Shanghai. */
const T0 = Date.parse('2026-03-01T00:00:00+08:00');
const d = (days: number) => T0 + days * DAY;

/** The fixture plan with deadlines in days from T0 and phases a month apart. */
function planOf(deadlines: Record<string, number>): PlanDefinition {
  const days = (n: number) => n * 24 * 3600;
  const input = fixturePlan({
    id: 'rpt',
    start: T0,
    deadlines: Object.fromEntries(Object.entries(deadlines).map(([k, v]) => [k, days(v)])),
    phases: [0, days(31), days(61), days(92), days(122)],
  });
  return PlanDefinitionSchema.parse(input);
}

type Sup = 'idle' | 'onTrack' | 'dueSoon' | 'overdue' | 'withReviewer' | 'closed';
const state = (supervision: Sup) => ({ work: 'inProgress', supervision });

/** One history entry: an event at `at` moving supervision from → to. */
function e(
  at: number,
  event: string,
  from: Sup,
  to: Sup,
  extra: { data?: Record<string, unknown>; notices?: string[]; by?: string } = {},
): RecordEntry {
  return {
    at,
    by: extra.by ?? 'system',
    event,
    from: state(from),
    to: state(to),
    ...(extra.data ? { data: extra.data } : {}),
    ...(extra.notices ? { notices: extra.notices } : {}),
  };
}

/** A task's record from its history, its context holding what the machine would: the deadline in force now. */
function task(
  plan: PlanDefinition,
  id: string,
  history: RecordEntry[],
  now: number,
  o: { rung?: number; reviewDeadline?: number } = {},
): ReportTask {
  const def = plan.tasks.find((t) => t.id === id)!;
  const original = Date.parse(def.deadline);
  const ctx = (deadline: number) =>
    ({
      originalDeadline: original,
      deadline,
      issuedAt: T0,
      ackDeadline: null,
      acknowledgedAt: null,
      reviewDeadline: o.reviewDeadline ?? null,
    }) as unknown as TaskContext;
  const first = taskRecord(plan, def, ctx(original), history, now);
  const current = first.deadlineChanges.at(-1)?.to ?? original;
  return { def, record: taskRecord(plan, def, ctx(current), history, now), history, rung: o.rung ?? 0 };
}

const activate = (_taskId: string) => e(T0, 'task.activate', 'idle', 'onTrack');

/**
 * t1 (基础教育办公室, 赵小红, leader 李明): due day 10, submitted day 9, held by the
 * leader past the review deadline (day 14, e1 issued) and accepted day 20.
 * t2 (人事股, 周敏, leader 李明): due day 10, overdue: rung 1 day 10, rung 2 day 17,
 * submitted late day 20, accepted day 21.
 * t3 (教研教培中心, 孙丽, leader 王建国): due day 40, untouched.
 */
function scenario(now = d(60)) {
  const plan = planOf({ t1: 10, t2: 10, t3: 40 });
  const t1 = task(
    plan,
    't1',
    [
      activate('t1'),
      e(d(9), 'task.submit', 'onTrack', 'withReviewer', { by: 'p-zhao', data: { evidence: [] } }),
      e(d(14), 'timer.reviewCheck', 'withReviewer', 'withReviewer', { notices: [`t1.${d(9).toString(36)}.e1`] }),
      e(d(20), 'task.accept', 'withReviewer', 'closed', { by: 'p-li' }),
    ],
    now,
  );
  const t2 = task(
    plan,
    't2',
    [
      activate('t2'),
      e(d(10), 'timer.checkpoint', 'dueSoon', 'overdue', { notices: ['t2.x.r1'] }),
      e(d(17), 'timer.rungGrace', 'overdue', 'overdue', { notices: ['t2.x.r2'] }),
      e(d(20), 'task.submit', 'overdue', 'withReviewer', { by: 'p-zhou' }),
      e(d(21), 'task.accept', 'withReviewer', 'closed', { by: 'p-li' }),
    ],
    now,
  );
  const t3 = task(plan, 't3', [activate('t3')], now);
  return { plan, tasks: [t1, t2, t3], now };
}

describe('the accountability report', () => {
  it('counts a submission before its deadline on time however long the review took, and the late review against the leader', () => {
    const { plan, tasks, now } = scenario();
    const r = accountabilityReport(plan, tasks, reportPeriod(plan, '2026-03-01', '2026-04-01')!, now);
    expect(r.tasks.map((t) => t.taskId)).toEqual(['t1', 't2']); // t3 is due in April and nothing happened to it
    const [jjb, rsg] = r.departments;
    expect(jjb).toMatchObject({
      department: 'jjb',
      name: '基础教育办公室',
      headName: '张华',
      tasks: 1,
      finished: 1,
      onTime: 1,
      overdue: 0,
      onTimeRate: 1,
      escalated: 0,
      rungs: [0, 0, 0, 0],
    });
    expect(rsg).toMatchObject({
      department: 'rsg',
      tasks: 1,
      finished: 1,
      onTime: 0,
      overdue: 1,
      onTimeRate: 0,
      escalated: 1,
      highestRung: 2,
      rungs: [1, 1, 0, 0],
    });
    expect(r.people.map((p) => [p.name, p.departmentName, p.onTime, p.overdue])).toEqual([
      ['赵小红', '基础教育办公室', 1, 0],
      ['周敏', '人事股', 0, 1],
    ]);
    // 李明 held t1 11 days (past its review deadline) and t2 1 day.
    expect(r.leaders).toEqual([
      { leader: 'p-li', name: '李明', tasks: 2, reviews: 2, accepted: 2, returned: 0, averageReviewDays: 6, lateReviews: 1, pending: 0 },
    ]);
    expect(r.totals).toMatchObject({ tasks: 2, finished: 2, onTime: 1, overdue: 1, onTimeRate: 0.5, rungs: [1, 1, 0, 0] });
    expect(r.tasks.find((t) => t.taskId === 't2')!.overdueDays).toBe(10);
  });

  it('a submission still waiting for review is on time for the department and pending for the leader', () => {
    const plan = planOf({ t1: 10, t2: 10, t3: 10 });
    const now = d(25);
    const t1 = task(
      plan,
      't1',
      [
        activate('t1'),
        e(d(8), 'task.submit', 'onTrack', 'withReviewer', { by: 'p-zhao' }),
        e(d(13), 'timer.reviewCheck', 'withReviewer', 'withReviewer', { notices: [`t1.s.e1`] }),
        e(d(16), 'timer.reviewGrace', 'withReviewer', 'withReviewer', { notices: [`t1.s.e2`] }),
      ],
      now,
      { reviewDeadline: d(13) },
    );
    const r = accountabilityReport(plan, [t1], reportPeriod(plan, '2026-03-01', '2026-04-01')!, now);
    expect(r.departments[0]).toMatchObject({ onTime: 1, overdue: 0, finished: 0, onTimeRate: 1, rungs: [0, 0, 0, 0] });
    expect(r.leaders[0]).toMatchObject({ leader: 'p-li', reviews: 0, pending: 1, lateReviews: 1, averageReviewDays: null });
  });

  it('filters by period: overdue spans, rungs, reviews and acceptances count where they happened', () => {
    const { plan, tasks, now } = scenario();
    // 16–31 March: t2 was still overdue (10th → 20th), its rung 2 came on the 18th; t1 was accepted on the 21st.
    const late = accountabilityReport(plan, tasks, reportPeriod(plan, '2026-03-16', '2026-04-01')!, now);
    const byId = Object.fromEntries(late.tasks.map((t) => [t.taskId, t]));
    expect(byId.t1).toMatchObject({ due: false, finished: true, onTime: false, overdue: false });
    expect(byId.t2).toMatchObject({ due: false, finished: true, overdue: true, rungs: [0, 1, 0, 0], highestRung: 2, overdueDays: 5 });
    expect(late.departments.find((x) => x.department === 'jjb')!.onTimeRate).toBeNull(); // nothing of 基教办 was judged in it
    expect(late.leaders[0]).toMatchObject({ reviews: 2, lateReviews: 1 });
    // 1–5 March: nothing was due or happened.
    expect(accountabilityReport(plan, tasks, reportPeriod(plan, '2026-03-01', '2026-03-06')!, now).tasks).toEqual([]);
    // April: t3 falls due in it (and is not late yet, so not judged).
    const april = accountabilityReport(plan, tasks, reportPeriod(plan, '2026-04-01', '2026-05-01')!, d(35));
    expect(april.tasks).toMatchObject([{ taskId: 't3', due: true, onTime: false, overdue: false }]);
    expect(april.totals.onTimeRate).toBeNull();
  });

  it('keeps a task overdue in the period when its deadline was moved at rung 1, and counts returns and extensions', () => {
    const plan = planOf({ t1: 10, t2: 10, t3: 10 });
    const now = d(40);
    const t1 = task(
      plan,
      't1',
      [
        activate('t1'),
        e(d(10), 'timer.checkpoint', 'dueSoon', 'overdue', { notices: ['t1.a.r1'] }),
        e(d(12), 'task.deadline.change', 'overdue', 'onTrack', { by: 'office:陈静', data: { deadline: d(20), reason: '上级文件推迟' } }),
        e(d(18), 'task.submit', 'dueSoon', 'withReviewer', { by: 'p-zhao' }),
        e(d(19), 'task.accept', 'withReviewer', 'closed', { by: 'p-li' }),
      ],
      now,
    );
    // t2: an extension approved before the deadline, submitted on time, returned, resubmitted late.
    const t2 = task(
      plan,
      't2',
      [
        activate('t2'),
        e(d(5), 'task.extension.request', 'onTrack', 'onTrack', { by: 'p-zhou', data: { deadline: d(15), reason: '等待数据' } }),
        e(d(6), 'task.extension.approve', 'onTrack', 'onTrack', { by: 'p-li', data: { note: '同意' } }),
        e(d(14), 'task.submit', 'dueSoon', 'withReviewer', { by: 'p-zhou' }),
        e(d(16), 'task.return', 'withReviewer', 'onTrack', { by: 'p-li', data: { reason: '缺少附件', deadline: d(22) } }),
        e(d(22), 'timer.checkpoint', 'dueSoon', 'overdue', { notices: ['t2.b.r1'] }),
        e(d(24), 'task.submit', 'overdue', 'withReviewer', { by: 'p-zhou' }),
      ],
      now,
    );
    const r = accountabilityReport(plan, [t1, t2], reportPeriod(plan, '2026-03-01', '2026-04-01')!, now);
    expect(t1.record.finishedOnTime).toBe(true); // the record: accepted before the moved deadline…
    expect(r.tasks[0]).toMatchObject({ taskId: 't1', overdue: true, onTime: false, rungs: [1, 0, 0, 0], overdueDays: 2 }); // …but it was overdue in March
    expect(r.tasks[1]).toMatchObject({
      taskId: 't2',
      due: true,
      overdue: true,
      returns: 1,
      extensionsRequested: 1,
      extensionsApproved: 1,
      rungs: [1, 0, 0, 0],
    });
    expect(r.leaders[0]).toMatchObject({ reviews: 2, accepted: 1, returned: 1, pending: 1 });
    // The first half of March: t2's extension only; its first deadline (day 10) was replaced before it came.
    const early = accountabilityReport(plan, [t2], reportPeriod(plan, '2026-03-01', '2026-03-11')!, now);
    expect(early.tasks).toMatchObject([{ taskId: 't2', due: false, overdue: false, extensionsRequested: 1, extensionsApproved: 1 }]);
  });

  it('counts a submission after the deadline as late even when the checkpoint had not run', () => {
    const plan = planOf({ t1: 10, t2: 10, t3: 10 });
    const t1 = task(plan, 't1', [activate('t1'), e(d(10) + 3_600_000, 'task.submit', 'dueSoon', 'withReviewer', { by: 'p-zhao' })], d(12));
    const r = accountabilityReport(plan, [t1], reportPeriod(plan, '2026-03-01', '2026-04-01')!, d(12));
    expect(r.tasks[0]).toMatchObject({ overdue: true, onTime: false, rungs: [0, 0, 0, 0] });
  });

  it('defaults to the whole plan', () => {
    const { plan, tasks } = scenario();
    const whole = wholePlanPeriod(plan, tasks);
    expect([whole.fromDate, whole.toDate, whole.lastDate]).toEqual(['2026-03-01', '2026-07-01', '2026-06-30']);
  });
});

describe('the semester report', () => {
  it('knows the semesters and the current one in the plan zone', () => {
    const plan = planOf({ t1: 10, t2: 10, t3: 10 });
    expect(semester(plan, 2026, 'spring')).toMatchObject({
      key: '2026-spring',
      fromDate: '2026-03-01',
      toDate: '2026-09-01',
      lastDate: '2026-08-31',
    });
    expect(semester(plan, 2026, 'autumn')).toMatchObject({ fromDate: '2026-09-01', toDate: '2027-03-01', lastDate: '2027-02-28' });
    expect(currentSemester(plan, Date.parse('2026-02-28T23:30:00+08:00')).key).toBe('2025-autumn');
    expect(currentSemester(plan, Date.parse('2026-02-28T16:30:00Z')).key).toBe('2026-spring'); // 00:30 on 1 March in Shanghai
    expect(currentSemester(plan, Date.parse('2026-09-01T00:00:00+08:00')).key).toBe('2026-autumn');
  });

  it('says what was done, what is late now, what climbed, extensions, returns and the phases', () => {
    const plan = planOf({ t1: 10, t2: 10, t3: 40 });
    const now = d(50);
    const t1 = task(
      plan,
      't1',
      [activate('t1'), e(d(9), 'task.submit', 'onTrack', 'withReviewer'), e(d(11), 'task.accept', 'withReviewer', 'closed')],
      now,
    );
    const t2 = task(
      plan,
      't2',
      [
        activate('t2'),
        e(d(8), 'task.submit', 'onTrack', 'withReviewer'),
        e(d(9), 'task.return', 'withReviewer', 'onTrack', { data: { reason: '材料不全', deadline: d(12) } }),
        e(d(12), 'timer.checkpoint', 'dueSoon', 'overdue', { notices: ['t2.a.r1'] }),
        e(d(19), 'timer.rungGrace', 'overdue', 'overdue', { notices: ['t2.a.r2'], data: { dueAt: d(19) - 3_600_000 } }),
      ],
      now,
      { rung: 2 },
    );
    const t3 = task(
      plan,
      't3',
      [activate('t3'), e(d(30), 'task.extension.request', 'onTrack', 'onTrack', { data: { deadline: d(45), reason: '等待考试安排' } })],
      now,
    );
    const s = semesterReport(plan, [t1, t2, t3], semester(plan, 2026, 'spring'), 'promotion', now);
    expect(s.done).toEqual([
      { taskId: 't1', title: '制定质量监测实施方案', department: 'jjb', person: 'p-zhao', acceptedAt: d(11), onTime: true },
    ]);
    expect(s.lateNow).toMatchObject([{ taskId: 't2', rung: 2, highestRung: 2, deadline: d(12), overdueDays: 38 }]);
    expect(s.climbed.map((c) => [c.taskId, c.rung, c.action, c.late])).toEqual([
      ['t2', 1, 'rectification_notice', false],
      ['t2', 2, 'public_criticism', true],
    ]);
    expect(s.extensions).toMatchObject([{ taskId: 't3', outcome: 'pending', reason: '等待考试安排' }]);
    expect(s.returns).toMatchObject([{ taskId: 't2', reason: '材料不全', deadline: d(12) }]);
    expect(s.phases.map((p) => [p.key, p.status, p.tasks, p.done, p.late, p.open])).toEqual([
      ['launch', 'done', 2, 1, 1, 0],
      ['promotion', 'current', 1, 0, 0, 1],
      ['implementation', 'upcoming', 0, 0, 0, 0],
      ['evaluation', 'upcoming', 0, 0, 0, 0],
    ]);
    // Nothing of it in the autumn.
    const autumn = semesterReport(plan, [t1, t2, t3], semester(plan, 2026, 'autumn'), 'promotion', now);
    expect([autumn.done, autumn.climbed, autumn.returns, autumn.extensions]).toEqual([[], [], [], []]);
    expect(autumn.lateNow).toHaveLength(1); // late now is now
  });
});

describe('who may read the report', () => {
  const plan = planOf({ t1: 10, t2: 10, t3: 10 });
  const person = (personId: string) => ({ kind: 'person' as const, personId });
  it("the plan organisation's office, the leadership group and responsible leaders; no department head, responsible person, admin or other office", () => {
    expect(checkReadReport({ kind: 'office', name: '陈静', org: 'default' }, plan)).toBeNull();
    expect(checkReadReport({ kind: 'office', name: '周', org: 'school-2' }, plan)).not.toBeNull();
    // Admins run the server, not the work: the results of a plan are not theirs to read.
    expect(checkReadReport({ kind: 'admin' }, plan)).not.toBeNull();
    for (const id of ['p-wang', 'p-li', 'p-sun', 'p-chen']) expect(checkReadReport(person(id), plan)).toBeNull();
    expect(checkReadReport(person('p-zhang'), plan)?.zh).toContain('领导小组');
    expect(checkReadReport(person('p-zhao'), plan)).not.toBeNull();
    // Someone the plan does not name, whoever they are elsewhere.
    expect(checkReadReport(person('p-stranger'), plan)).not.toBeNull();
  });
});
