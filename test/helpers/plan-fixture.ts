/**
 * A small district plan in the genre of the seeds (written for the tests, not copied
 * from them), with deadlines and phases a few seconds apart so whole plans run in
 * seconds. Times are absolute ISO strings computed from `start`.
 */
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';

export interface FixtureOptions {
  id?: string;
  /** Epoch ms the plan's clock starts from. */
  start: number;
  /** Seconds from start to each task's deadline, by task id. */
  deadlines?: Record<string, number>;
  /** Seconds from start at which each phase begins; evaluation ends at the last. */
  phases?: [number, number, number, number, number];
  reminders?: string[];
  grace?: string;
}

export const iso = (ms: number) => new Date(ms).toISOString();

export function fixturePlan(o: FixtureOptions): PlanDefinitionInput {
  const s = (sec: number) => iso(o.start + sec * 1000);
  const [p0, p1, p2, p3, p4] = o.phases ?? [0, 3600, 7200, 10800, 14400];
  const d = { t1: 3600, t2: 3600, t3: 3600, ...o.deadlines };
  const grace = o.grace ?? 'PT1S';
  return {
    id: o.id ?? 'qx-2026',
    title: '青溪区义务教育质量提升三年行动计划',
    issuer: '青溪区教育局质量提升工作领导小组办公室',
    timeZone: 'Asia/Shanghai',
    units: [
      { id: 'jjb', name: '基础教育办公室', head: 'p-zhang' },
      { id: 'rsg', name: '人事股', head: 'p-liu' },
      { id: 'jyzx', name: '教研教培中心', head: 'p-sun' },
      { id: 'bgs', name: '领导小组办公室', kind: 'office', head: 'p-chen' },
    ],
    people: [
      { id: 'p-wang', name: '王建国', title: '局长', contacts: { phone: '000-0000' } },
      { id: 'p-li', name: '李明', title: '副局长' },
      { id: 'p-zhang', name: '张华', title: '基教办主任', unit: 'jjb' },
      { id: 'p-zhao', name: '赵小红', title: '干事', unit: 'jjb' },
      { id: 'p-liu', name: '刘强', title: '人事股股长', unit: 'rsg' },
      { id: 'p-zhou', name: '周敏', title: '干事', unit: 'rsg' },
      { id: 'p-sun', name: '孙丽', title: '教研中心主任', unit: 'jyzx' },
      { id: 'p-chen', name: '陈静', title: '办公室主任', unit: 'bgs' },
    ],
    leadershipGroup: { leader: 'p-wang', deputies: ['p-li'], members: ['p-sun'], office: { unit: 'bgs', director: 'p-chen', members: [] } },
    phases: [
      { key: 'launch', name: '启动阶段', start: s(p0), end: s(p1 - 0.001) },
      { key: 'promotion', name: '推进阶段', start: s(p1), end: s(p2 - 0.001) },
      { key: 'implementation', name: '全面实施阶段', start: s(p2), end: s(p3 - 0.001) },
      { key: 'evaluation', name: '总结评估阶段', start: s(p3), end: s(p4) },
    ],
    areas: [{ id: 'a1', title: '抓质量监测' }],
    tasks: [
      {
        id: 't1',
        area: 'a1',
        title: '制定质量监测实施方案',
        duties: '8月底前完成方案制定',
        responsibleLeader: 'p-li',
        leadDepartment: 'jjb',
        responsiblePerson: 'p-zhao',
        cooperatingUnits: ['jyzx'],
        deadline: s(d.t1),
      },
      {
        id: 't2',
        area: 'a1',
        title: '出台职称倾斜政策',
        responsibleLeader: 'p-li',
        leadDepartment: 'rsg',
        responsiblePerson: 'p-zhou',
        deadline: s(d.t2),
      },
      {
        id: 't3',
        area: 'a1',
        title: '组织统一质量检测',
        responsibleLeader: 'p-wang',
        leadDepartment: 'jyzx',
        responsiblePerson: 'p-sun',
        deadline: s(d.t3),
      },
    ],
    escalation: {
      reminders: o.reminders ?? ['PT2S', 'PT1S'],
      reminderNotify: ['responsiblePerson'],
      rungs: [
        { action: 'rectification_notice', notify: ['responsiblePerson', 'departmentHead'], grace },
        { action: 'public_criticism', notify: ['responsiblePerson', 'departmentHead', 'responsibleLeader'], grace },
        { action: 'admonishment', notify: ['responsiblePerson', 'departmentHead', 'responsibleLeader', 'groupLeader'], grace },
        { action: 'disciplinary', notify: ['responsiblePerson', 'departmentHead', 'responsibleLeader', 'leadershipGroup'] },
      ],
    },
  };
}
