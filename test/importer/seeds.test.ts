/**
 * The two real plans in ../shared/seeds/. They are not part of this repository: the
 * tests skip, saying so, when the folder is absent. The files are read in beforeAll,
 * never in a describe body: vitest runs describe bodies at collection time, even for
 * a skipped describe, so a read there fails a clone that has no ../shared.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { PlanDefinitionSchema } from '../../src/domain/plan.schema.js';
import { importPlanDocument, writePlanYaml, type ImportReportItem, type ImportResult } from '../../src/importer/index.js';
import { parsePlanText } from '../../src/plan-files/index.js';
import { REPO_ROOT, fillBlanks, unreportedProblems } from './fill.js';

const SEEDS = resolve(REPO_ROOT, '../shared/seeds');
const DISTRICT = resolve(SEEDS, 'plan-basic-education-quality.txt');
const SCHOOL = resolve(SEEDS, 'plan-school-three-year.txt');
const importSeed = (file: string): ImportResult => importPlanDocument(readFileSync(file, 'utf8'), { sourceName: basename(file) });
const items = (report: ImportReportItem[], kind: ImportReportItem['kind'], path: string) =>
  report.filter((r) => r.kind === kind && r.path === path);

describe.skipIf(!existsSync(DISTRICT))('seed: district plan (skipped: ../shared/seeds/plan-basic-education-quality.txt not found)', () => {
  let plan: ImportResult['plan'];
  let report: ImportResult['report'];
  let sources: ImportResult['sources'];
  beforeAll(() => ({ plan, report, sources } = importSeed(DISTRICT)));
  const unit = (id: string) => plan.units.find((u) => u.id === id)?.name;

  it('recognises the page dump and drops the site boilerplate', () => {
    expect(plan.title).toBe('基础教育质量和效益提升方案');
    expect(report.some((r) => r.kind === 'found' && r.line === 1 && r.en.includes('page-by-page'))).toBe(true);
    expect(report.some((r) => r.line === 14 && r.en.includes('lines 14–20'))).toBe(true);
    expect(plan.tasks.some((t) => t.duties?.includes('配套讲稿'))).toBe(false);
  });

  it('reads the four phase windows, carrying the year, and reports the defects', () => {
    expect(plan.phases.map((p) => [p.key, p.start, p.end])).toEqual([
      ['launch', '2023-04-01', '2023-08-31'],
      ['promotion', '2023-09-01', '2024-08-31'],
      ['implementation', '2024-09-01', '2024-08-31'],
      ['evaluation', '2024-09-01', '2024-12-31'],
    ]);
    expect(items(report, 'assumed', 'phases[0].end')[0]?.line).toBe(8); // shared month 9月
    expect(items(report, 'defect', 'phases[2].end')[0]).toMatchObject({ line: 9 });
    expect(items(report, 'defect', 'phases[2].end')[0]!.zh).toContain('2024年9月至2024年8月');
    expect(items(report, 'defect', 'phases[3].start')[0]).toMatchObject({ line: 10 });
    expect(report.filter((r) => r.kind === 'defect' && r.path === '').map((r) => r.line)).toEqual([8, 13]); // sections out of order
  });

  it('reads the leadership group, blank and redacted as they are', () => {
    expect(plan.leadershipGroup.leader).toBe('tbd');
    expect(items(report, 'blank', 'leadershipGroup.leader')[0]?.line).toBe(3);
    expect(items(report, 'blank', 'leadershipGroup.office.director')[0]?.en).toContain('redacted');
    expect(plan.issuer).toBe('提升基础教育质量与效益提升工作领导小组办公室');
  });

  it('reads seven tasks from the responsibility blocks', () => {
    expect(plan.tasks).toHaveLength(7);
    const t = plan.tasks[1]!;
    expect(t.title).toBe('抓创新、提升教育发展动力');
    expect(unit(t.leadDepartment)).toBe('基教办');
    expect(t.cooperatingUnits?.map(unit)).toEqual(['教研教培中心', '综合办公室', '督导室', '各学校']);
    expect(t.responsibleLeader).toBe('tbd');
    expect(items(report, 'blank', 'tasks[1].responsibleLeader')[0]?.en).toBe(
      'tasks[1].responsibleLeader (responsible leader) is blank in the document (line 5); the draft uses "tbd" until it is filled',
    );
    expect(t.deadline).toBe('2023-08-31');
    expect(unit(plan.tasks[3]!.leadDepartment)).toBe('人事职改办');
    expect(sources['tasks[1]']).toEqual({ line: 5 });
  });

  it('reads deadlines, milestones, 计划实施末期 and 每学期', () => {
    const [t0, , t2, t3, t4] = plan.tasks;
    expect(t0!.deadline).toBe('2023-09-30'); // 每学期秋季开学
    expect(items(report, 'recurring', 'tasks[0].recurrence')[0]?.line).toBe(5);
    expect(t0!.recurrence?.every).toBe('semester');
    expect(t2!.deadline).toBe('2023-08-31');
    expect(t2!.milestones).toEqual([{ title: '对原捆绑式一体化发展学校工作完成考核评估', due: '2023-07-31' }]);
    expect(t3!.deadline).toBe('2024-08-31'); // end of the (defective) implementation phase
    expect(t3!.milestones).toEqual([{ title: '拿出方案', due: '2023-07-31' }]);
    expect(items(report, 'assumed', 'tasks[3].deadline').some((r) => r.en.includes('defective'))).toBe(true);
    expect(t4!.deadline).toBe('2023-08-31');
  });

  it('reads the escalation ladder of section 五(四)', () => {
    expect(plan.escalation?.rungs.map((r) => r.action)).toEqual([
      'rectification_notice',
      'public_criticism',
      'admonishment',
      'disciplinary',
    ]);
    expect(sources['escalation.rungs[0]']).toEqual({ line: 12 });
  });

  it('passes the schema once the reported blanks and defects are fixed', () => {
    expect(unreportedProblems(plan, report)).toEqual([]);
    const filled = fillBlanks(plan, [
      ['2023-04-01', '2023-08-31'],
      ['2023-09-01', '2024-08-31'],
      ['2024-09-01', '2025-08-31'],
      ['2025-09-01', '2025-12-31'],
    ]);
    expect(PlanDefinitionSchema.safeParse(filled).error?.issues ?? []).toEqual([]);
  });

  it('writes a YAML draft whose load errors are exactly the reported defects', () => {
    const yaml = writePlanYaml(plan, report, { sources, sourceName: 'plan-basic-education-quality.txt' });
    expect(yaml).toContain('# 督办方案草稿');
    expect(yaml).toMatch(/leader: tbd # ⚠ 待填（第 3 行）/);
    const loaded = parsePlanText(yaml, { file: 'draft.yaml' });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.problems.map((p) => p.path).sort()).toEqual(['phases[2].end', 'tasks[5].deadline', 'tasks[6].deadline']);
    }
  });
});

describe.skipIf(!existsSync(SCHOOL))('seed: school three-year plan (skipped: ../shared/seeds/plan-school-three-year.txt not found)', () => {
  let plan: ImportResult['plan'];
  let report: ImportResult['report'];
  beforeAll(() => ({ plan, report } = importSeed(SCHOOL)));
  const unit = (id: string) => plan.units.find((u) => u.id === id)?.name;
  const person = (id: string) => plan.people.find((p) => p.id === id);

  it('reads 18 measures in five areas', () => {
    expect(plan.areas?.map((a) => a.title)).toEqual(['队伍建设行动', '教学提升行动', '管理改进行动', '改革深化行动', '硬件升级行动']);
    expect(plan.tasks).toHaveLength(18);
    expect(plan.tasks[0]!.title).toBe('提升校长领导力');
    expect(plan.tasks[17]!.title).toBe('稳步推进智慧校园建设');
    expect(plan.tasks.map((t) => t.area)).toEqual(
      [...'aaaa'].map(() => 'a1').concat(['a2', 'a2', 'a2', 'a2', 'a3', 'a3', 'a3', 'a3', 'a4', 'a4', 'a4', 'a4', 'a5', 'a5']),
    );
  });

  it('reads 负责部门 / 责任部门 / 责任单位, splitting lead and cooperating units', () => {
    const t4 = plan.tasks[3]!;
    expect(unit(t4.leadDepartment)).toBe('党支部');
    expect(t4.cooperatingUnits?.map(unit)).toEqual(['教导处', '办公室']);
    expect(unit(plan.tasks[8]!.leadDepartment)).toBe('党支部'); // 责任部门
    expect(plan.tasks[8]!.cooperatingUnits?.map(unit)).toEqual(['办公室', '工会']);
    expect(unit(plan.tasks[17]!.leadDepartment)).toBe('总务处'); // 责任单位
    expect(items(report, 'assumed', 'tasks[3].leadDepartment')[0]?.line).toBe(11);
  });

  it('reads the leadership group from prose, with names and titles', () => {
    const g = plan.leadershipGroup;
    expect(person(g.leader)).toMatchObject({ name: '李全林', title: '校长' });
    expect(g.deputies?.map((d) => person(d)?.name).sort()).toEqual(['李雨归', '赵贵强'].sort());
    expect(items(report, 'found', 'leadershipGroup.members')[0]?.line).toBe(32);
    expect(plan.issuer).toBe('兰州市第十九中学');
  });

  it('reports recurring duties (每学期…1次, 每学年…1次) with a first deadline', () => {
    const recurring = report.filter((r) => r.kind === 'recurring').map((r) => [r.path, r.line]);
    // Reported at the task's recurrence; a task's second duty (line 21) is reported beside the first, not dropped.
    expect(recurring).toEqual([
      ['tasks[2].recurrence', 10],
      ['tasks[4].recurrence', 13],
      ['tasks[11].recurrence', 21],
      ['tasks[11].recurrence', 21],
      ['tasks[15].recurrence', 26],
    ]);
    expect(plan.tasks[4]!.recurrence).toMatchObject({ every: 'schoolYear', times: 1 });
    expect(plan.tasks[4]!.deadline).toBe('2023-08-31');
    expect(plan.tasks[2]!.deadline).toMatch(/^2023-/);
  });

  it('reports what the plan does not state: phases, leaders, deadlines', () => {
    // One line for the whole missing schedule rather than one per template phase.
    expect(report.filter((r) => r.kind === 'missing' && /^phases(\[\d\])?$/.test(r.path)).map((r) => r.path)).toEqual(['phases']);
    expect(plan.phases.every((p) => p.start === '' && p.end === '')).toBe(true);
    // No measure names a 责任领导: one line for the plan, not eighteen.
    expect(report.filter((r) => /^tasks\[\d+\]\.responsibleLeader$/.test(r.path))).toEqual([]);
    expect(items(report, 'missing', 'tasks').find((r) => r.zh.includes('责任领导'))).toMatchObject({ line: 8 });
    expect(items(report, 'missing', 'tasks').find((r) => r.zh.includes('责任领导'))?.zh).toMatch(/^全部 18 项任务均未写明责任领导/);
    expect(items(report, 'missing', 'tasks[0].deadline')[0]?.line).toBe(8);
    expect(report.some((r) => r.path === 'title' && r.kind === 'missing')).toBe(true);
  });

  it('passes the schema once phases and deadlines are filled', () => {
    expect(unreportedProblems(plan, report)).toEqual([]);
    const filled = fillBlanks(plan, [
      ['2023-09-01', '2023-12-31'],
      ['2024-01-01', '2024-08-31'],
      ['2024-09-01', '2025-08-31'],
      ['2025-09-01', '2025-12-31'],
    ]);
    expect(PlanDefinitionSchema.safeParse(filled).error?.issues ?? []).toEqual([]);
  });
});
