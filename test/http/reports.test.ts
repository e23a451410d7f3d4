/**
 * The accountability and semester reports over HTTP, on the workspace scenario run
 * by a real worker: t3 climbs to rung 4, t2 is submitted and accepted on time, t1 is
 * submitted on time and left with its reviewer. Then the .xlsx parsed back with
 * exceljs and the printable 通报; 400s that name the field, 403s that name the rule.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import type { Scenario } from '../web/scenario.js';
import { seededWebRuntime, type WebRuntime } from '../web/web-runtime.js';

describe('the accountability report over HTTP', () => {
  let rt: WebRuntime;
  let s: Scenario;
  let call: ReturnType<typeof client>;
  let office: string;
  let stranger: string;
  const as = (personId: string): Principal => ({ kind: 'person', personId });
  const get = (path: string, token?: string) => fetch(`${rt.base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    ({ rt, scenario: s } = await seededWebRuntime());
    call = client(rt.port!);
    office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    // 马力 is in another plan only.
    const other = fixturePlan({ id: 'other-plan', start: Date.now() });
    other.people.push({ id: 'p-ma', name: '马力', title: '干事', unit: 'jjb' });
    await rt.engine.createPlan(other, { kind: 'office', name: '陈静', org: 'default' }, { publish: true });
    stranger = await rt.tokens.issue({ kind: 'person', personId: 'p-ma' });
    await rt.engine.taskEvent(s.planId, 't2', { type: 'task.submit', evidence: ['https://example.org/t2.pdf'], note: '' }, as('p-zhou'));
    await rt.engine.taskEvent(s.planId, 't2', { type: 'task.accept', note: '同意' }, as('p-li'));
    await rt.engine.taskEvent(s.planId, 't1', { type: 'task.submit', evidence: ['https://example.org/t1.pdf'], note: '' }, as('p-zhao'));
  });
  afterAll(() => rt?.close());

  it('reports per department, person and leader for the whole plan by default', async () => {
    const res = await call('GET', `/api/v1/plans/${s.planId}/report`, { token: office });
    expect(res.status).toBe(200);
    const r = res.json;
    expect(r.period.fromDate <= r.period.lastDate).toBe(true);
    const byDept = Object.fromEntries(r.departments.map((d: { department: string }) => [d.department, d]));
    // t1 is with its reviewer: on time for 基教办, not yet finished.
    expect(byDept.jjb).toMatchObject({ tasks: 1, finished: 0, onTime: 1, overdue: 0, onTimeRate: 1 });
    expect(byDept.rsg).toMatchObject({ tasks: 1, finished: 1, onTime: 1, overdue: 0, onTimeRate: 1 });
    expect(byDept.jyzx).toMatchObject({
      tasks: 1,
      finished: 0,
      onTime: 0,
      overdue: 1,
      onTimeRate: 0,
      escalated: 1,
      highestRung: 4,
      rungs: [1, 1, 1, 1],
    });
    expect(r.people.map((p: { name: string }) => p.name)).toEqual(['赵小红', '周敏', '孙丽']);
    expect(r.leaders.find((l: { leader: string }) => l.leader === 'p-li')).toMatchObject({ tasks: 2, reviews: 1, accepted: 1, pending: 1 });
    expect(r.totals).toMatchObject({ tasks: 3, onTime: 2, overdue: 1, rungs: [1, 1, 1, 1] });
  });

  it('filters by period and reads the semester report', async () => {
    const empty = await call('GET', `/api/v1/plans/${s.planId}/report?from=2099-01-01&to=2099-02-01`, { token: office });
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({
      period: { fromDate: '2099-01-01', toDate: '2099-02-01', lastDate: '2099-01-31' },
      tasks: [],
      departments: [],
    });
    const sem = await call('GET', `/api/v1/plans/${s.planId}/semester-report`, { token: s.tokens['p-wang'] });
    expect(sem.status).toBe(200);
    expect(sem.json.semester.key).toMatch(/^\d{4}-(spring|autumn)$/);
    expect(sem.json.done.map((x: { taskId: string }) => x.taskId)).toEqual(['t2']);
    expect(sem.json.lateNow).toMatchObject([{ taskId: 't3', rung: 4 }]);
    expect(sem.json.climbed.map((x: { rung: number }) => x.rung)).toEqual([1, 2, 3, 4]);
    expect(sem.json.phases).toHaveLength(4);
    const other = await call('GET', `/api/v1/plans/${s.planId}/semester-report?semester=2030-autumn`, { token: office });
    expect(other.json).toMatchObject({ semester: { fromDate: '2030-09-01', toDate: '2031-03-01' }, done: [], climbed: [] });
  });

  it('refuses a bad query with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['report?from=2026-13-01&to=2026-14-01', 'from'],
      ['report?from=2026-03-01', 'to'],
      ['report?from=2026-03-01&to=2026-03-01', 'to'],
      ['report?from=March&to=2026-04-01', 'from'],
      ['semester-report?semester=2026-summer', 'semester'],
    ];
    for (const [path, field] of cases) {
      const res = await call('GET', `/api/v1/plans/${s.planId}/${path}`, { token: office });
      expect(res.status, path).toBe(400);
      expect(
        res.json.error.problems.map((p: { path: string }) => p.path),
        path,
      ).toContain(field);
      expect(res.json.error.problems[0].message, path).toMatch(new RegExp(`^query\\.${field}`));
    }
    expect((await get(`/web-api/plans/${s.planId}/report.xlsx?to=2026-01-01`, office)).status).toBe(400);
  });

  it('is for the office, the leadership group and responsible leaders: 403 for a department head or a stranger', async () => {
    for (const who of ['p-wang', 'p-li', 'p-chen'])
      expect((await call('GET', `/api/v1/plans/${s.planId}/report`, { token: s.tokens[who] })).status, who).toBe(200);
    const head = await call('GET', `/api/v1/plans/${s.planId}/report`, { token: s.tokens['p-zhang'] });
    expect(head.status).toBe(403);
    expect(head.json.error.message).toContain('督导结果仅供领导小组');
    const strange = await call('GET', `/api/v1/plans/${s.planId}/semester-report`, { token: stranger });
    expect(strange.status).toBe(403);
    expect(strange.json.error.message).toContain('只能查看本人所在的方案');
    expect((await get(`/web-api/plans/${s.planId}/report.xlsx`, s.tokens['p-zhao'])).status).toBe(403);
    expect((await get(`/web-api/plans/${s.planId}/report/print`, stranger)).status).toBe(403);
    expect((await get(`/web-api/plans/${s.planId}/report.xlsx`)).status).toBe(401);
  });

  it('exports the three tables as .xlsx with number and percent cells', async () => {
    const res = await get(`/web-api/plans/${s.planId}/report.xlsx`, office);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['责任股室', '责任人', '责任领导']);
    const depts = wb.getWorksheet('责任股室')!;
    expect(depts.getCell(1, 1).text).toContain('督导结果');
    const header = (depts.getRow(2).values as unknown[]).slice(1);
    expect(header.slice(0, 8)).toEqual(['序号', '责任股室', '负责人', '任务数', '已办结', '按时完成', '逾期', '按时完成率']);
    expect(header).toContain('第4级（处理直至处分）');
    const rows = new Map<string, ExcelJS.Row>();
    for (let i = 3; i <= depts.rowCount; i++) rows.set(depts.getRow(i).getCell(2).text, depts.getRow(i));
    const jyzx = rows.get('教研教培中心')!;
    expect(jyzx.getCell(7).value).toBe(1); // overdue, a number
    expect(jyzx.getCell(8).value).toBe(0);
    expect(jyzx.getCell(8).numFmt).toBe('0.0%');
    expect(rows.get('基础教育办公室')!.getCell(8).value).toBe(1);
    expect(rows.get('合计')!.getCell(4).value).toBe(3);
    const leaders = wb.getWorksheet('责任领导')!;
    // In the plan's order of people: 王建国 (t3), then 李明 (t1, t2).
    expect([leaders.getRow(3).getCell(2).text, leaders.getRow(4).getCell(2).text]).toEqual(['王建国', '李明']);
    expect([3, 4, 5, 9].map((c) => leaders.getRow(4).getCell(c).value)).toEqual([2, 1, 1, 1]); // tasks, reviews, accepted, awaiting
    const en = new ExcelJS.Workbook();
    await en.xlsx.load(await (await get(`/web-api/plans/${s.planId}/report.xlsx?lang=en`, office)).arrayBuffer());
    expect(en.worksheets.map((w) => w.name)).toEqual(['Departments', 'People', 'Leaders']);
  });

  it('drafts the printable 通报 in Chinese with full-width punctuation, and in English', async () => {
    const res = await get(`/web-api/plans/${s.planId}/report/print`, s.tokens['p-li']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('青溪区教育局质量提升工作领导小组办公室');
    expect(html).toContain('关于《青溪区义务教育质量提升三年行动计划》督导结果的通报');
    expect(html).toMatch(/督办〔\d{4}〕\u3000号/);
    expect(html).toContain('基础教育办公室、人事股本期承担的任务全部按时完成，予以通报表扬。');
    expect(html).toContain('「组织统一质量检测」（教研教培中心，责任人孙丽）本期逾期不足1天，督办升至第4级（处理直至处分）。');
    const text = html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, '');
    // No ASCII punctuation against Chinese text.
    expect(text).not.toMatch(/[\u4e00-\u9fff][,;:()?!]|[,;:()?!][\u4e00-\u9fff]/);
    const en = await (await get(`/web-api/plans/${s.planId}/report/print?lang=en`, s.tokens['p-li'])).text();
    expect(en).toContain('Bulletin on the supervision results');
    expect(en).toContain('escalated to rung 4 (disciplinary handling)');
  });
});
