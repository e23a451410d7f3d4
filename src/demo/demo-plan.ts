/**
 * The demo plan: a small district plan whose whole life — four phases, reminders,
 * a full escalation ladder — fits in a few minutes. `unit` is the length of one
 * demo "beat" in seconds (10 by default; tests run it faster).
 */
import type { PlanDefinitionInput } from '../domain/plan.schema.js';

export function demoPlan(id: string, start: number, unit: number): PlanDefinitionInput {
  const at = (beats: number) => new Date(start + beats * unit * 1000).toISOString();
  const dur = (beats: number) => `PT${+(beats * unit).toFixed(3)}S`;
  return {
    id,
    title: '示范区义务教育质量提升行动计划（演示）',
    issuer: '示范区教育局质量提升工作领导小组办公室',
    timeZone: 'Asia/Shanghai',
    units: [
      { id: 'jjb', name: '基础教育办公室', head: 'zhang' },
      { id: 'rsg', name: '人事股', head: 'liu' },
      { id: 'jyzx', name: '教研教培中心', head: 'sun' },
      { id: 'bgs', name: '领导小组办公室', kind: 'office', head: 'chen' },
    ],
    people: [
      { id: 'wang', name: '王建国', title: '局长（组长）' },
      { id: 'li', name: '李明', title: '副局长（副组长）' },
      { id: 'zhang', name: '张华', title: '基教办主任', unit: 'jjb' },
      { id: 'zhao', name: '赵小红', title: '基教办干事', unit: 'jjb' },
      { id: 'liu', name: '刘强', title: '人事股股长', unit: 'rsg' },
      { id: 'zhou', name: '周敏', title: '人事股干事', unit: 'rsg' },
      { id: 'sun', name: '孙丽', title: '教研中心主任', unit: 'jyzx' },
      { id: 'chen', name: '陈静', title: '办公室主任', unit: 'bgs' },
    ],
    leadershipGroup: { leader: 'wang', deputies: ['li'], members: ['sun'], office: { unit: 'bgs', director: 'chen', members: [] } },
    phases: [
      { key: 'launch', name: '启动阶段', start: at(0), end: at(3) },
      { key: 'promotion', name: '推进阶段', start: at(3), end: at(6) },
      { key: 'implementation', name: '全面实施阶段', start: at(6), end: at(12) },
      { key: 'evaluation', name: '总结评估阶段', start: at(12), end: at(15) },
    ],
    areas: [
      { id: 'a1', title: '抓质量监测，提升教学质量' },
      { id: 'a2', title: '抓队伍建设，提升教师素质' },
    ],
    tasks: [
      {
        id: 't1',
        area: 'a1',
        title: '制定全区质量监测实施方案',
        duties: '完成方案制定并印发各学校',
        responsibleLeader: 'li',
        leadDepartment: 'jjb',
        responsiblePerson: 'zhao',
        cooperatingUnits: ['jyzx'],
        deadline: at(4),
      },
      {
        id: 't2',
        area: 'a2',
        title: '出台职称评聘倾斜政策',
        duties: '对教学质量优异的学校和教师在职称名额分配上倾斜',
        responsibleLeader: 'li',
        leadDepartment: 'rsg',
        responsiblePerson: 'zhou',
        deadline: at(5),
      },
      {
        id: 't3',
        area: 'a1',
        title: '组织七年级统一质量检测',
        duties: '测算合格率、优秀率',
        responsibleLeader: 'wang',
        leadDepartment: 'jyzx',
        responsiblePerson: 'sun',
        deadline: at(4.5),
      },
      {
        id: 't4',
        area: 'a2',
        title: '完成城乡结对帮扶考核评估',
        duties: '对结对学校完成考核评估',
        responsibleLeader: 'li',
        leadDepartment: 'jjb',
        responsiblePerson: 'zhao',
        deadline: at(5.5),
      },
    ],
    escalation: {
      reminders: [dur(2), dur(1)],
      reminderNotify: ['responsiblePerson'],
      rungs: [
        { action: 'rectification_notice', notify: ['responsiblePerson', 'departmentHead'], grace: dur(1.5) },
        { action: 'public_criticism', notify: ['responsiblePerson', 'departmentHead', 'responsibleLeader'], grace: dur(1.5) },
        { action: 'admonishment', notify: ['responsiblePerson', 'departmentHead', 'responsibleLeader', 'groupLeader'], grace: dur(1.5) },
        { action: 'disciplinary', notify: ['responsiblePerson', 'departmentHead', 'responsibleLeader', 'leadershipGroup'] },
      ],
    },
  };
}

/** Who does what in the demo, in beats from the start: the story a newcomer watches. */
export const DEMO_STORY = [
  { beat: 1, task: 't1', by: 'zhao', command: { type: 'task.acknowledge' } },
  { beat: 2, task: 't1', by: 'zhao', command: { type: 'task.progress', percent: 60, note: '方案初稿已完成 / draft done' } },
  {
    beat: 3,
    task: 't1',
    by: 'zhang',
    command: { type: 'task.submit', evidence: ['https://example.org/demo/t1-plan.pdf'], note: '方案已印发 / issued' },
  },
  { beat: 3.5, task: 't1', by: 'li', command: { type: 'task.accept', note: '同意验收 / accepted' } },
  { beat: 2.5, task: 't2', by: 'liu', command: { type: 'task.submit', evidence: ['https://example.org/demo/t2-draft.docx'], note: '' } },
  {
    beat: 3,
    task: 't2',
    by: 'li',
    command: { type: 'task.return', reason: '政策缺少实施细则 / needs implementing rules', deadlineBeats: 8 },
  },
  {
    beat: 6,
    task: 't2',
    by: 'liu',
    command: { type: 'task.submit', evidence: ['https://example.org/demo/t2-final.docx'], note: '已补充细则' },
  },
  { beat: 6.5, task: 't2', by: 'li', command: { type: 'task.accept', note: '' } },
  {
    beat: 7.8,
    task: 't4',
    by: 'zhang',
    command: { type: 'task.submit', evidence: ['https://example.org/demo/t4-report.pdf'], note: '逾期完成' },
  },
  { beat: 8, task: 't4', by: 'li', command: { type: 'task.accept', note: '逾期完成，予以验收' } },
] as const;
