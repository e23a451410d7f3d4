/**
 * Pieces of an accountability report (src/domain/report.ts) for tests that lay one out
 * without computing it: a tally with every count zero unless given, and a task's
 * outcome (an overdue one at rung 2 unless told otherwise), and a whole small report.
 */
import type { AccountabilityReport, Tally, TaskOutcome } from '../../src/domain/report.js';

export function tally(o: Partial<Tally> = {}): Tally {
  return {
    tasks: 0,
    finished: 0,
    onTime: 0,
    overdue: 0,
    onTimeRate: null,
    escalated: 0,
    rungs: [0, 0, 0, 0],
    highestRung: 0,
    returns: 0,
    extensionsRequested: 0,
    extensionsApproved: 0,
    extensionsRejected: 0,
    ...o,
  };
}

export function outcome(o: Partial<TaskOutcome> = {}): TaskOutcome {
  return {
    taskId: 't1',
    title: '制定质量监测实施方案',
    leadDepartment: 'jjb',
    responsiblePerson: 'p-zhao',
    responsibleLeader: 'p-li',
    due: true,
    finished: false,
    onTime: false,
    overdue: true,
    overdueDays: 12.5,
    rungs: [1, 1, 0, 0],
    highestRung: 2,
    returns: 0,
    extensionsRequested: 0,
    extensionsApproved: 0,
    extensionsRejected: 0,
    ...o,
  };
}

/** A term's report on the fixture plan (test/helpers/plan-fixture.ts): 基教办's task late at rung 2, 人事股 on time. */
export function bulletinReport(): AccountabilityReport {
  return {
    planId: 'qx-2026',
    title: '青溪区义务教育质量提升三年行动计划',
    issuer: '青溪区教育局质量提升工作领导小组办公室',
    timeZone: 'Asia/Shanghai',
    period: { from: 0, to: 0, fromDate: '2026-09-01', toDate: '2027-01-01', lastDate: '2026-12-31' },
    generatedAt: Date.parse('2027-01-04T09:00:00+08:00'),
    rungActions: ['rectification_notice', 'public_criticism', 'admonishment', 'disciplinary'],
    totals: tally({ tasks: 2, finished: 1, onTime: 1, overdue: 1, onTimeRate: 0.5, rungs: [1, 1, 0, 0] }),
    departments: [
      {
        department: 'jjb',
        name: '基础教育办公室',
        head: 'p-zhang',
        headName: '张华',
        ...tally({ tasks: 1, overdue: 1, onTimeRate: 0, rungs: [1, 1, 0, 0] }),
      },
      { department: 'rsg', name: '人事股', head: 'p-liu', headName: '刘强', ...tally({ tasks: 1, finished: 1, onTime: 1, onTimeRate: 1 }) },
    ],
    people: [
      {
        person: 'p-zhao',
        name: '赵小红',
        department: 'jjb',
        departmentName: '基础教育办公室',
        ...tally({ tasks: 1, overdue: 1, onTimeRate: 0 }),
      },
    ],
    leaders: [],
    tasks: [outcome()],
  };
}
