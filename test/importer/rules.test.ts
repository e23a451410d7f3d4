/**
 * The importer's rules for the genre, each on a small made-up document: targets in other
 * word orders, a first measure glued to its heading, 目标 headings holding measures, a
 * post instead of a name, stated spans instead of phases, recurring duties outside the
 * measures, several plans in one document, a text that is not a plan, and a report that
 * says once what no task of a plan states.
 */
import { describe, expect, it } from 'vitest';
import { importPlanDocument, importPlanDocuments, type ImportReportItem } from '../../src/importer/index.js';

const doc = (...lines: string[]) => lines.join('\n');
const read = (text: string) => importPlanDocument(text, { sourceName: 'made-up.txt' });
const items = (report: ImportReportItem[], kind: ImportReportItem['kind'], path: string) =>
  report.filter((r) => r.kind === kind && r.path === path);

describe('targets in other word orders', () => {
  const { plan } = read(
    doc(
      '青石区初中学校提质方案',
      '一、工作目标',
      '到2026年，选拔培养区级骨干校长3~6名，新建标准化实验室2—5间。',
      '全区初中体质健康达标率由2023年的62%提升至80%，学生近视率较上年下降2个百分点。',
      '大班额比例控制在5%以下，教师本科以上学历比例不低于90%；校际均衡差异系数均小于0.4。',
      '课后服务参与率2024年达到60%，2025年达到75%，2026年达到90%。',
      '二、主要任务',
      '1.实施教师轮岗。（责任单位：人事股）',
    ),
  );
  const goal = (title: string) => plan.goals?.find((g) => g.title === title);

  it('reads a verb-first target with a range, the minimum as target', () => {
    expect(goal('选拔培养区级骨干校长')).toMatchObject({
      target: 3,
      range: { min: 3, max: 6 },
      unit: '名',
      comparison: '>=',
      due: '2026-12-31',
    });
    expect(goal('新建标准化实验室')).toMatchObject({ target: 2, range: { min: 2, max: 5 }, unit: '间' });
  });

  it('reads a baseline year and value, and a change in percentage points of the subject before it', () => {
    expect(goal('全区初中体质健康达标率')).toMatchObject({ target: 80, unit: '%', baseline: { value: 62, year: 2023 } });
    expect(goal('学生近视率')).toMatchObject({ target: 2, unit: '个百分点' });
  });

  it('reads bounds written as 控制在…以下, 不低于 and a unitless coefficient under a bound', () => {
    expect(goal('大班额比例')).toMatchObject({ target: 5, comparison: '<=', unit: '%' });
    expect(goal('教师本科以上学历比例')).toMatchObject({ target: 90, comparison: '>=' });
    expect(goal('校际均衡差异系数')).toMatchObject({ target: 0.4, comparison: '<' });
  });

  it('keeps a yearly path as one indicator, each step with its own year', () => {
    const path = plan.goals?.filter((g) => g.title === '课后服务参与率') ?? [];
    expect(path).toHaveLength(1);
    expect(path[0]).toMatchObject({ target: 90, due: '2026-12-31' });
    expect(path[0]!.path).toEqual([
      { year: 2024, value: 60 },
      { year: 2025, value: 75 },
      { year: 2026, value: 90 },
    ]);
  });
});

describe('targets listed as items under a dated lead-in', () => {
  it('dates each item from the lead-in, but not a yearly figure inside a measure', () => {
    const { plan, report } = read(
      doc(
        '竹溪县课后服务提质方案',
        '一、工作目标',
        '到2025年，实现以下目标：',
        '（一）课后服务学生参与率不低于92%。',
        '（二）校外培训机构压减至3家以下。',
        '二、主要任务',
        '到2026年，全县课后服务覆盖率达到100%。',
        '1.丰富服务内容。每年新增特色社团30个以上。（责任单位：基教股）',
      ),
    );
    expect(plan.goals?.map((g) => [g.target, g.due])).toEqual([
      [92, '2025-12-31'],
      [3, '2025-12-31'],
      [100, '2026-12-31'],
      [30, undefined], // 每年…30个以上 is a yearly figure: the section's 2026 is not its date
    ]);
    expect(plan.goals?.[0]?.title).toBe('课后服务学生参与率');
    expect(items(report, 'assumed', 'goals[0].due')[0]).toMatchObject({ line: 4 });
  });
});

describe('a first measure glued to its heading', () => {
  const { plan } = read(
    doc(
      '云岭县义务教育质量提升方案',
      '一、重点任务',
      '（一）课堂提质行动 1.推行大单元教学。2025年6月底前完成全县示范课评选。（责任单位：教研室）',
      '2.开展教学视导。（责任单位：教研室）',
      '（二）教师成长行动 3.组织全员培训。2025年12月底前完成。（责任单位：师训股）',
    ),
  );

  it('splits the action (an area) from its first measure (a task)', () => {
    expect(plan.areas?.map((a) => a.title)).toEqual(['课堂提质行动', '教师成长行动']);
    expect(plan.tasks.map((t) => [t.title, t.area])).toEqual([
      ['推行大单元教学', 'a1'],
      ['开展教学视导', 'a1'],
      ['组织全员培训', 'a2'],
    ]);
    expect(plan.tasks[0]!.deadline).toBe('2025-06-30');
  });
});

describe('a heading with 目标 that holds measures', () => {
  it('reads 目标与主要举措 and 目标任务 as task sections', () => {
    for (const heading of ['二、工作目标与主要举措', '二、目标任务']) {
      const { plan } = read(
        doc(
          '溪口中学作业管理方案',
          '一、指导思想',
          '减轻学生过重作业负担。',
          heading,
          '到2025年，学生作业按时完成率达到95%以上。',
          '1.规范作业布置。2024年10月底前出台作业清单。（负责部门：教务处）',
          '2.开展作业评比。（负责部门：教科室）',
        ),
      );
      expect(
        plan.tasks.map((t) => t.title),
        heading,
      ).toEqual(['规范作业布置', '开展作业评比']);
      expect(plan.goals?.[0], heading).toMatchObject({ title: '学生作业按时完成率', target: 95 });
    }
  });
});

describe('a leadership group named by posts', () => {
  const { plan, report } = read(
    doc(
      '桂花小学阅读推广方案',
      '一、组织领导',
      '成立以校长为组长、分管副校长为副组长、各教研组长为成员的工作小组。',
      '二、主要任务',
      '1.建设班级书架。（负责部门：教导处）',
    ),
  );
  const person = (id: string) => plan.people.find((p) => p.id === id);

  it('makes 校长 the leader as a post to name, never a person called 成立以', () => {
    expect(plan.people.map((p) => p.name)).not.toContain('成立以');
    // The entry is named after the post until someone writes the name in.
    expect(person(plan.leadershipGroup.leader)?.name).toBe('校长');
    expect(items(report, 'assumed', 'leadershipGroup.leader')[0]).toMatchObject({ line: 3 });
    expect(items(report, 'assumed', 'leadershipGroup.leader')[0]!.zh).toContain('请补姓名');
    expect(plan.leadershipGroup.deputies?.map((d) => person(d)?.name)).toEqual(['分管副校长']);
  });
});

describe('a stated span instead of four dated phases', () => {
  it('reads 近期/远期 as the period, dates each term’s targets, and reports the derived phases once', () => {
    const { plan, report } = read(
      doc(
        '石门县学前教育普惠发展规划',
        '一、发展目标',
        '近期（2024—2025年）：普惠性幼儿园覆盖率达到85%。',
        '远期（2026—2028年）：普惠性幼儿园覆盖率达到92%。',
        '二、重点任务',
        '1.新建公办幼儿园。2025年底前完成。（责任单位：发展规划股）',
      ),
    );
    expect(plan.period).toEqual({ start: '2024-01-01', end: '2028-12-31' });
    expect(plan.goals?.map((g) => [g.target, g.due])).toEqual([
      [85, '2025-12-31'],
      [92, '2028-12-31'],
    ]);
    expect(plan.phases[0]!.start).toBe('2024-01-01');
    expect(plan.phases[3]!.end).toBe('2028-12-31');
    expect(report.filter((r) => r.path.startsWith('phases'))).toHaveLength(1);
    expect(items(report, 'assumed', 'phases')[0]).toMatchObject({ line: 3 });
  });

  it('reads 用三年时间(2024—2026年) as the period', () => {
    const { plan, report } = read(
      doc(
        '河西区劳动教育推进方案',
        '一、总体要求',
        '用三年时间（2024—2026年），建成一批劳动教育实践基地。',
        '二、主要任务',
        '1.建设实践基地。（责任单位：基教股）',
      ),
    );
    expect(plan.period).toEqual({ start: '2024-01-01', end: '2026-12-31' });
    expect(items(report, 'assumed', 'phases')[0]!.zh).toContain('用三年时间(2024—2026年)');
  });
});

describe('a recurring duty outside the measures', () => {
  const { plan, report } = read(
    doc(
      '南坪区校园安全整治方案',
      '一、主要任务',
      '1.排查校舍隐患。2024年9月底前完成。（责任单位：安全股）',
      '二、保障措施',
      '区教育局每季度召开一次安全工作推进会。',
    ),
  );

  it('becomes a task of its own after the measures, with its recurrence and first round', () => {
    expect(plan.tasks.map((t) => t.title)).toEqual(['排查校舍隐患', '区教育局每季度召开一次安全工作推进会']);
    expect(plan.tasks[1]!.recurrence).toEqual({ every: 'quarter', times: 1, text: '每季度召开一次安全工作推进会' });
    // The plan has no dates of its own: its first year (2024) starts it, so the first quarter is the first round.
    expect(plan.tasks[1]!.deadline).toBe('2024-03-31');
    expect(items(report, 'found', 'tasks[1]')[0]).toMatchObject({ line: 5 });
    expect(items(report, 'recurring', 'tasks[1].recurrence')[0]).toMatchObject({ line: 5 });
  });
});

describe('several plans in one document', () => {
  const page = doc(
    '北岸县教育局文件汇编',
    '北岸县中小学科学教育提升方案',
    '一、工作目标',
    '到2025年，科学教育特色学校达到12所。',
    '二、主要任务',
    '1.建设科学实验室。2025年8月底前完成。（责任单位：装备股）',
    '北岸县中小学书法教育推进方案',
    '一、主要任务',
    '1.配齐书法教师。2024年12月底前完成。（责任单位：人事股）',
    '2.开设书法课程。（责任单位：基教股）',
  );
  const all = importPlanDocuments(page, { sourceName: 'beian-page.txt' });

  it('gives one draft per plan, with its own tasks, id and report, lines those of the whole document', () => {
    expect(all.drafts.map((d) => [d.plan.id, d.plan.title, d.plan.tasks.map((t) => t.title)])).toEqual([
      ['beian-page-1', '北岸县中小学科学教育提升方案', ['建设科学实验室']],
      ['beian-page-2', '北岸县中小学书法教育推进方案', ['配齐书法教师', '开设书法课程']],
    ]);
    expect(all.drafts[1]!.sources['tasks[0]']).toEqual({ line: 9 });
    expect(all.drafts[0]!.plan.goals).toHaveLength(1);
    expect(all.drafts[1]!.plan.goals).toEqual([]);
    expect(all.report.some((r) => r.zh.includes('原文包含 2 个方案'))).toBe(true);
  });

  it('gives the single-draft reader the first plan and says there are more', () => {
    const one = read(page);
    expect(one.plan.title).toBe('北岸县中小学科学教育提升方案');
    expect(one.report.some((r) => r.en.includes('holds 2 plans'))).toBe(true);
  });
});

describe('a text that is not a plan', () => {
  it('gives no draft and says why', () => {
    const all = importPlanDocuments(
      doc('读书的乐趣', '读书是一件快乐的事。', '每天读一点书，日积月累，眼界就开阔了。', '愿大家都能爱上读书。'),
      { sourceName: 'essay.txt' },
    );
    expect(all.drafts).toEqual([]);
    expect(all.report.map((r) => r.zh).join('\n')).toContain('不是方案');
  });
});

describe('a report without floods', () => {
  it('says once that no task of the plan names its 责任人, and keeps per-task lines for a field only some tasks lack', () => {
    const { report } = read(
      doc(
        '柳岸小学体育节方案',
        '一、主要任务',
        '1.组织田径比赛。2024年10月底前完成。（负责部门：体育组）',
        '2.组织跳绳比赛。（负责部门：体育组）',
        '3.组织趣味运动会。2024年11月底前完成。（负责部门：德育处）',
      ),
    );
    const person = report.filter((r) => r.zh.includes('责任人'));
    expect(person).toHaveLength(1);
    expect(person[0]).toMatchObject({ kind: 'missing', path: 'tasks', line: 3 });
    expect(person[0]!.zh).toMatch(/^全部 3 项任务均未写明责任人/);
    expect(person[0]!.en).toMatch(/^none of the 3 tasks states its responsible person/);
    // Only the second task has no deadline: its own line stays.
    expect(items(report, 'missing', 'tasks[1].deadline')).toHaveLength(1);
    expect(report.filter((r) => /^tasks\[\d\]\.deadline$/.test(r.path) && r.kind === 'missing')).toHaveLength(1);
  });
});
