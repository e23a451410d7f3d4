/**
 * A plan with every kind of part (src/domain/children.ts), on second-scale time: a
 * 每学期 duty over three school years (six semesters written out as terms a second
 * and a half long), a task for every school of the district (cascade), a task with
 * two cooperating units (协办), and a task with two milestones.
 */
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { fixturePlan, iso } from './plan-fixture.js';

export const SCHOOLS = ['s1', 's2', 's3'] as const;
export const TERM_SECONDS = 1.5;
export const FIRST_TERM_AT = 0.5;

export function childrenPlan(id: string, start: number): PlanDefinitionInput {
  const s = (sec: number) => iso(start + sec * 1000);
  const base = fixturePlan({ id, start, phases: [0, 2, 4, 6, 11], grace: 'PT0.7S', reminders: ['PT1S'] });
  const terms = Array.from({ length: 6 }, (_, i) => {
    const year = 2027 + Math.floor(i / 2);
    return {
      id: `${year}-${(i % 2) + 1}`,
      name: `${year}年${i % 2 === 0 ? '春季' : '秋季'}学期`,
      start: s(FIRST_TERM_AT + i * TERM_SECONDS),
      end: s(FIRST_TERM_AT + (i + 1) * TERM_SECONDS - 0.001),
    };
  });
  return {
    ...base,
    units: [
      ...base.units,
      { id: 's1', name: '青溪第一小学', kind: 'school', head: 'p-s1' },
      { id: 's2', name: '青溪第二小学', kind: 'school', head: 'p-s2' },
      { id: 's3', name: '青溪实验中学', kind: 'school', head: 'p-s3' },
    ],
    people: [
      ...base.people,
      { id: 'p-s1', name: '吴校长', title: '校长', unit: 's1' },
      { id: 'p-s2', name: '郑校长', title: '校长', unit: 's2' },
      { id: 'p-s3', name: '冯校长', title: '校长', unit: 's3' },
    ],
    semesters: { terms },
    cooperation: { leadTime: 'PT2S' },
    tasks: [
      {
        id: 'visit',
        area: 'a1',
        title: '开展家访活动',
        duties: '每学期对每位学生至少家访1次',
        responsibleLeader: 'p-li',
        leadDepartment: 'jjb',
        responsiblePerson: 'p-zhao',
        deadline: s(10),
        recurrence: { every: 'semester', times: 1, text: '每学期1次' },
      },
      {
        id: 'peitao',
        area: 'a1',
        title: '完成配套方案',
        duties: '各学校完成配套方案',
        responsibleLeader: 'p-li',
        leadDepartment: 'jjb',
        responsiblePerson: 'p-zhao',
        deadline: s(4),
        cascade: { group: '各学校', units: [...SCHOOLS] },
      },
      {
        id: 'jiance',
        area: 'a1',
        title: '制定质量监测实施方案',
        responsibleLeader: 'p-li',
        leadDepartment: 'jjb',
        responsiblePerson: 'p-zhao',
        cooperatingUnits: ['jyzx', 'rsg'],
        deadline: s(6),
      },
      {
        id: 'keti',
        area: 'a1',
        title: '开展课题研究',
        duties: '7月底前拿出方案，计划实施末期拿出成果',
        responsibleLeader: 'p-li',
        leadDepartment: 'rsg',
        responsiblePerson: 'p-zhou',
        deadline: s(5),
        milestones: [
          { title: '拿出方案', due: s(3) },
          { title: '拿出成果', due: s(5) },
        ],
      },
    ],
  };
}
