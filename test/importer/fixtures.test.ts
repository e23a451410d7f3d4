import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { PlanDefinitionSchema } from '../../src/domain/plan.schema.js';
import { importPlanDocument, type ImportReportItem } from '../../src/importer/index.js';
import { fillBlanks, unreportedProblems } from './fill.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const items = (report: ImportReportItem[], kind: ImportReportItem['kind'], path: string | RegExp) =>
  report.filter((r) => r.kind === kind && (typeof path === 'string' ? r.path === path : path.test(r.path)));

describe('county plan: labelled fields, dated phases, goals and a ladder', () => {
  const { plan, report, sources } = importPlanDocument(fixture('county-reading-plan.txt'), { sourceName: 'county-reading-plan.txt' });
  const person = (id: string) => plan.people.find((p) => p.id === id);
  const unit = (id: string) => plan.units.find((u) => u.id === id)?.name;

  it('reads the title, id and issuer', () => {
    expect(plan.title).toBe('清河县中小学阅读素养提升行动方案');
    expect(plan.id).toBe('county-reading-plan');
    expect(plan.issuer).toBe('清河县中小学阅读素养提升工作领导小组办公室');
  });

  it('reads the leadership group with names and titles', () => {
    const g = plan.leadershipGroup;
    expect(person(g.leader)).toMatchObject({ name: '孙立平', title: '局长' });
    expect(g.deputies?.map((d) => person(d)?.name)).toEqual(['周文华', '吴敏']);
    expect(unit(g.office!.unit!)).toBe('基础教育股');
    expect(items(report, 'blank', 'leadershipGroup.office.director')[0]?.line).toBe(11);
    expect(items(report, 'found', 'leadershipGroup.members')[0]?.zh).toContain('各股室负责人');
  });

  it('reads four phases, maps them to keys and reports the defective one', () => {
    expect(plan.phases.map((p) => [p.key, p.name, p.start, p.end])).toEqual([
      ['launch', '宣传动员阶段', '2023-09-01', '2023-12-31'],
      ['promotion', '推进阶段', '2024-01-01', '2024-08-31'],
      ['implementation', '全面实施阶段', '2024-09-01', '2024-07-31'],
      ['evaluation', '总结评估阶段', '2025-09-01', '2025-12-31'],
    ]);
    const defect = items(report, 'defect', 'phases[2].end');
    expect(defect).toHaveLength(1);
    expect(defect[0]!.line).toBe(41);
    expect(defect[0]!.en).toContain('before it starts');
    expect(sources['phases[2]']).toEqual({ line: 41 });
  });

  it('reads two areas, four measures and the two recurring duties outside them', () => {
    expect(plan.areas?.map((a) => a.title)).toEqual(['建设书香校园', '提升阅读教学质量']);
    // 每年开展…评选 (line 5, under the goals) and 教育局每学期…督查 (line 44) are duties of
    // their own: they follow the numbered measures, which keep their numbers.
    expect(plan.tasks.map((t) => t.title)).toEqual([
      '完善学校图书馆（室）配置',
      '开展校园读书节活动',
      '推进整本书阅读教学改革',
      '建立阅读素养监测制度',
      '每年开展县级阅读示范校评选',
      '教育局每学期对各校工作进行督查',
    ]);
    expect(items(report, 'found', 'tasks[4]')[0]?.line).toBe(5);
    expect(items(report, 'found', 'tasks[5]')[0]?.line).toBe(44);
    const [t1, t2, t3, t4] = plan.tasks;
    expect(person(t1!.responsibleLeader)?.name).toBe('周文华');
    expect(unit(t1!.leadDepartment)).toBe('基础教育股');
    expect(person(t1!.responsiblePerson)).toMatchObject({ name: '郑海', unit: t1!.leadDepartment });
    expect(t1!.cooperatingUnits?.map(unit)).toEqual(['计划财务股', '各中小学']);
    expect(t1!.area).toBe('a1');
    expect(t4!.area).toBe('a2');
    // Several units in the lead field: the first leads, the rest cooperate.
    expect(unit(t2!.leadDepartment)).toBe('基础教育股');
    expect(t2!.cooperatingUnits?.map(unit)).toEqual(['教研室']);
    expect(person(t3!.responsibleLeader)?.name).toBe('吴敏');
    expect(sources['tasks[0]']).toEqual({ line: 14 });
    expect(sources['tasks[0].leadDepartment']).toEqual({ line: 16 });
  });

  it('leaves blanks as tbd and reports them with their lines', () => {
    const t2 = plan.tasks[1]!;
    expect(t2.responsibleLeader).toBe('tbd');
    expect(t2.responsiblePerson).toBe('tbd');
    expect(plan.people.find((p) => p.id === 'tbd')?.name).toBe('待定');
    const blank = items(report, 'blank', 'tasks[1].responsibleLeader')[0]!;
    expect(blank.line).toBe(21);
    expect(blank.en).toBe(
      'tasks[1].responsibleLeader (responsible leader) is blank in the document (line 21); the draft uses "tbd" until it is filled',
    );
    expect(blank.zh).toContain('第 21 行为空');
    expect(items(report, 'blank', 'tasks[1].responsiblePerson')[0]?.line).toBe(23);
    expect(items(report, 'blank', 'tasks[1].cooperatingUnits')[0]?.line).toBe(24);
  });

  it('turns deadline phrases into dates and milestones', () => {
    const [t1, t2, t3, t4] = plan.tasks;
    expect(t1!.deadline).toBe('2025-12-31');
    expect(t1!.milestones).toEqual([{ title: '完成配置', due: '2024-08-31' }]);
    // 每学年一次: recurring; first school year ending at least six months after 2023-09-01.
    expect(t2!.deadline).toBe('2024-08-31');
    expect(items(report, 'recurring', 'tasks[1].recurrence')[0]?.line).toBe(25);
    expect(t2!.recurrence).toEqual({ every: 'schoolYear', times: 1, text: '每学年一次' });
    // 8月底前 (year from the plan's first phase, 2023-09 → next August) and 计划实施末期.
    expect(t3!.deadline).toBe('2024-08-31');
    expect(t3!.milestones).toEqual([{ title: '形成成果', due: '2024-07-31' }]);
    expect(
      items(report, 'assumed', 'tasks[2].deadline')
        .map((r) => r.en)
        .join('\n'),
    ).toMatch(/8月底前.*2024 taken from the plan's first phase[\s\S]*defective/);
    // 五年内 from the plan's start.
    expect(t4!.deadline).toBe('2028-08-31');
  });

  it('reads measurable goals with comparison, unit and date', () => {
    // `text` keeps the target as written, for the office to check against the source.
    expect(plan.goals).toEqual([
      { id: 'g1', title: '全县中小学图书馆标准化建设比例', target: 100, comparison: '>=', unit: '%', due: '2025-12-31', text: '达100%' },
      { id: 'g2', title: '校际阅读测评成绩差异系数', target: 0.25, comparison: '<', due: '2025-12-31', text: '均小于0.25' },
      {
        id: 'g3',
        title: '培养县级阅读指导骨干教师',
        target: 30,
        comparison: '>=',
        unit: '人',
        due: '2025-12-31',
        text: '培养县级阅读指导骨干教师30人以上',
      },
    ]);
    expect(items(report, 'assumed', 'goals[2].due')[0]?.line).toBe(5);
  });

  it('reads the escalation ladder with its stated grace period', () => {
    const rungs = plan.escalation?.rungs ?? [];
    expect(rungs.map((r) => r.action)).toEqual(['rectification_notice', 'public_criticism', 'admonishment', 'disciplinary']);
    // "限期5个工作日内整改": working days in the plan's holiday calendar.
    expect(rungs.map((r) => r.grace)).toEqual([{ workingDays: 5 }, 'P7D', 'P7D', undefined]);
    expect(items(report, 'found', 'escalation.rungs[0].grace')[0]).toMatchObject({ line: 44 });
    expect(items(report, 'assumed', 'escalation.rungs[1].grace')).toHaveLength(1);
  });

  it('needs only the reported items to pass the schema', () => {
    expect(PlanDefinitionSchema.safeParse(plan).success).toBe(false);
    expect(unreportedProblems(plan, report)).toEqual([]);
    const filled = fillBlanks(plan, [
      ['2023-09-01', '2023-12-31'],
      ['2024-01-01', '2024-08-31'],
      ['2024-09-01', '2025-07-31'],
      ['2025-09-01', '2025-12-31'],
    ]);
    const parsed = PlanDefinitionSchema.safeParse(filled);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});

describe('school plan: ① numbering, parenthetical fields, prose leadership group', () => {
  const text = fixture('school-circled-plan.txt');
  const { plan, report } = importPlanDocument(text, { sourceName: 'school-circled-plan.txt' });
  const person = (id: string) => plan.people.find((p) => p.id === id);
  const unit = (id: string) => plan.units.find((u) => u.id === id)?.name;

  it('reads the title with its period and the group from prose', () => {
    expect(plan.title).toBe('红星路小学“五育并举”三年行动计划（2024—2026年）');
    const g = plan.leadershipGroup;
    expect(person(g.leader)).toMatchObject({ name: '王建民', title: '校长' });
    expect(g.deputies?.map((d) => [person(d)?.name, person(d)?.title])).toEqual([
      ['刘芳', '副校长'],
      ['何平', '教导主任'],
    ]);
    expect(g.members).toEqual([]);
    expect(items(report, 'found', 'leadershipGroup.members')[0]).toMatchObject({ line: 9 });
  });

  it('reads phases written as "2024年3月至8月为准备启动阶段"', () => {
    expect(plan.phases.map((p) => [p.key, p.start, p.end])).toEqual([
      ['launch', '2024-03-01', '2024-08-31'],
      ['promotion', '2024-09-01', '2025-08-31'],
      ['implementation', '2025-09-01', '2026-06-30'],
      ['evaluation', '2026-07-01', '2026-12-31'],
    ]);
    expect(report.filter((r) => r.kind === 'defect')).toEqual([]);
  });

  it('reads ① … ⑥ as six tasks in three areas', () => {
    expect(plan.areas?.map((a) => a.title)).toEqual(['德育铸魂', '智育提质', '体育强身']);
    expect(plan.tasks).toHaveLength(6);
    expect(plan.tasks.map((t) => t.area)).toEqual(['a1', 'a1', 'a2', 'a2', 'a3', 'a3']);
    const [t1, t2, t3, t4, t5, t6] = plan.tasks;
    expect(unit(t1!.leadDepartment)).toBe('德育处');
    expect(t1!.cooperatingUnits?.map(unit)).toEqual(['少先队大队部', '各年级组']);
    expect(t1!.duties).not.toContain('牵头单位');
    expect(unit(t2!.leadDepartment)).toBe('德育处');
    expect(unit(t3!.leadDepartment)).toBe('教导处');
    expect(t4!.cooperatingUnits?.map(unit)).toEqual(['教科室']);
    expect(unit(t5!.leadDepartment)).toBe('体育组');
    expect(t6!.leadDepartment).toBe('tbd');
    expect(items(report, 'missing', 'tasks[5]')[0]?.line).toBe(23);
  });

  it('reads "2025年12月底前" in a field and in the text, and each semester', () => {
    const [t1, t2, t3, t4, t5] = plan.tasks;
    expect(t1!.deadline).toBe('2024-07-31'); // 每学期: first semester with three months left
    expect(t2!.deadline).toBe('2025-06-30');
    expect(t3!.deadline).toBe('2025-12-31');
    expect(t4!.deadline).toBe('2024-06-30'); // 6月底前, year from the first phase
    expect(t5!.deadline).toBe('');
    expect(items(report, 'missing', 'tasks[4].deadline')[0]?.line).toBe(22);
  });

  it('takes a year for "6月底前" from the year option when given', () => {
    const withYear = importPlanDocument(text, { sourceName: 'school-circled-plan.txt', year: 2025 });
    expect(withYear.plan.tasks[3]!.deadline).toBe('2025-06-30');
    expect(items(withYear.report, 'assumed', 'tasks[3].deadline')[0]?.en).toContain('the year option');
  });

  it('reads goals including a 30% → 60% → 90% path, kept as one indicator', () => {
    expect(plan.goals?.map((g) => [g.title, g.comparison, g.target, g.unit, g.due])).toEqual([
      ['学生体质健康测试优良率', '>=', 60, '%', '2026-12-31'],
      ['家校共育课程覆盖率', '>=', 80, '%', '2026-12-31'],
      ['家校共育课程覆盖率', '>=', 90, '%', '2026-12-31'],
    ]);
    expect(plan.goals?.[2]?.path).toEqual([
      { year: 2024, value: 30 },
      { year: 2025, value: 60 },
      { year: 2026, value: 90 },
    ]);
  });

  it('says when the document has no escalation ladder', () => {
    expect(plan.escalation).toBeUndefined();
    expect(items(report, 'missing', 'escalation')).toHaveLength(1);
  });

  it('passes the schema once the reported blanks are filled', () => {
    expect(unreportedProblems(plan, report)).toEqual([]);
    const parsed = PlanDefinitionSchema.safeParse(fillBlanks(plan));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});
