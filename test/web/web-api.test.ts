/**
 * The workspace's own routes over HTTP, without a browser: the ledger parsed back
 * with exceljs, the printable notice, the allowed actions, the lights matrix and
 * evidence uploads with their limits and permissions.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { LEDGER_COLUMNS } from '../../src/web/ledger.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { seededWebRuntime, type WebRuntime } from './web-runtime.js';
import { T1_PROGRESS_NOTE, type Scenario } from './scenario.js';

describe('web workspace routes', () => {
  let rt: WebRuntime;
  let s: Scenario;
  const get = (path: string, token?: string) => fetch(`${rt.base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const as = (personId: string): Principal => ({ kind: 'person', personId });

  beforeAll(async () => {
    ({ rt, scenario: s } = await seededWebRuntime());
    // t2 is done: submitted with evidence and accepted, so the ledger has dates to show.
    await rt.engine.taskEvent(
      s.planId,
      't2',
      { type: 'task.submit', evidence: ['https://example.org/t2.pdf'], note: '政策已印发' },
      as('p-zhou'),
    );
    await rt.engine.taskEvent(s.planId, 't2', { type: 'task.accept', note: '同意' }, as('p-li'));
  });
  afterAll(() => rt?.close());

  it('serves the page, the chart library and the labels without a token, and nothing else', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    expect((await get('/vendor/echarts.min.js')).status).toBe(200);
    expect((await (await get('/web-api/labels')).json()).work.rectification.zh).toBe('退回整改');
    const denied = await get(`/web-api/plans/${s.planId}/overview`);
    expect(denied.status).toBe(401);
    expect((await denied.json()).error.code).toBe('unauthenticated');
    expect((await get(`/web-api/plans/${s.planId}/overview`, 'dbn_not-a-token')).status).toBe(401);
  });

  it('exports the ledger as .xlsx in plan order with chain, deadlines, state, rungs, the record and real dates', async () => {
    const res = await get(`/web-api/plans/${s.planId}/ledger.xlsx`, s.tokens['p-chen']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('任务台账')!;
    expect(ws.getCell(1, 1).text).toContain('青溪区义务教育质量提升三年行动计划 任务台账');
    const header = LEDGER_COLUMNS.map((_, i) => ws.getRow(2).getCell(i + 1).value);
    expect(header).toEqual(LEDGER_COLUMNS.map((c) => c.zh));
    for (const name of ['原定时限', '逾期天数', '最高督办级别', '通知书编号', '签收情况', '延期次数', '退回次数'])
      expect(header).toContain(name);
    const col = (key: string) => LEDGER_COLUMNS.findIndex((c) => c.key === key) + 1;
    const rows = new Map<string, Record<string, unknown>>();
    const order: string[] = [];
    for (let r = 3; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      order.push(row.getCell(col('id')).text);
      rows.set(row.getCell(col('id')).text, Object.fromEntries(LEDGER_COLUMNS.map((c, i) => [c.key, row.getCell(i + 1).value])));
    }
    // Plan order, numbered by area and task.
    expect(order).toEqual(['t1', 't2', 't3']);
    expect(order.map((id) => rows.get(id)!.no)).toEqual(['1.1', '1.2', '1.3']);
    expect(rows.get('t1')).toMatchObject({
      title: '制定质量监测实施方案',
      leader: '李明',
      department: '基础教育办公室',
      head: '张华',
      person: '赵小红',
      cooperating: '教研教培中心',
      work: '推进中',
      supervision: '正常推进',
      rung: 0,
      highestRung: 0,
      overdueDays: 0,
      noticeNumbers: '',
      extensions: 0,
      returns: 0,
      percent: 40,
      note: T1_PROGRESS_NOTE,
      phase: '推进阶段',
      stage: '推进阶段',
    });
    expect(rows.get('t1')!.acknowledgement).toMatch(/^按时签收 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // Dates are dates, showing the plan zone's wall clock.
    const t1 = await rt.queries.task(s.planId, 't1');
    const deadline = rows.get('t1')!.deadline as Date;
    expect(deadline).toBeInstanceOf(Date);
    expect(deadline.toISOString().slice(0, 16).replace('T', ' ')).toBe(t1.deadline.slice(0, 16).replace('T', ' '));
    expect(rows.get('t1')!.originalDeadline).toEqual(deadline);
    expect(ws.getRow(3).getCell(col('deadline')).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(rows.get('t2')).toMatchObject({
      work: '已验收',
      supervision: '已办结',
      evidence: 'https://example.org/t2.pdf',
      stage: '已结束',
    });
    expect(rows.get('t2')!.acceptedAt).toBeInstanceOf(Date);
    expect(rows.get('t2')!.submittedAt).toBeInstanceOf(Date);
    // t3 climbed the whole ladder: every notice number, and the days it has been overdue.
    expect(rows.get('t3')).toMatchObject({ supervision: '逾期', rung: 4, highestRung: 4, work: '已下达', stage: '启动阶段' });
    expect(rows.get('t3')!.noticeNumbers).toBe(['第1级（未编号）', '第2级（未编号）', '第3级（未编号）', '第4级（未编号）'].join('\n'));
    expect(typeof rows.get('t3')!.overdueDays).toBe('number');
    expect(rows.get('t3')!.acknowledgement).toBe('待签收');

    const en = new ExcelJS.Workbook();
    await en.xlsx.load(await (await get(`/web-api/plans/${s.planId}/ledger.xlsx?lang=en`, s.tokens['p-li'])).arrayBuffer());
    expect(en.getWorksheet('Ledger')!.getRow(2).getCell(4).value).toBe('Task');
  });

  it('renders a rectification notice as an official document', async () => {
    // t3's responsible leader is p-wang: rung 2 adds him to the notice.
    const inbox = await (await get('/api/v1/inbox', s.tokens['p-wang'])).json();
    const r2 = inbox.notices.find((n: { id: string }) => n.id.endsWith('.r2'));
    expect(r2).toBeDefined();
    const res = await get(`/web-api/plans/${s.planId}/notices/${r2.id}/print`, s.tokens['p-wang']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<div class="nd-issuer">青溪区教育局质量提升工作领导小组办公室</div>');
    // No 文号 series yet: the document says so where the number goes (test/documents/documents-http.test.ts numbers it).
    expect(html).toContain('<div class="nd-number nd-unset">文号未设置</div>');
    expect(html).toContain('组织统一质量检测');
    expect(html).toMatch(/<p class="nd-to">孙丽、王建国：<\/p>/);
    expect(html).toMatch(/<strong class="nd-new-deadline">\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时/);
    expect(html).toMatch(/<div class="nd-date">\d{4}年\d{1,2}月\d{1,2}日<\/div>/);
    const en = await (await get(`/web-api/plans/${s.planId}/notices/${r2.id}/print?lang=en`, s.tokens['p-wang'])).text();
    expect(en).toContain('Rectify by');
    // Another plan's person may not read it.
    const stranger = await rt.tokens.issue({ kind: 'person', personId: 'p-x' });
    expect((await get(`/web-api/plans/${s.planId}/notices/${r2.id}/print`, stranger)).status).toBe(403);
  });

  it("lists only the actions the person may take in the task's state", async () => {
    const actions = async (personId: string) =>
      (await (await get(`/web-api/plans/${s.planId}/actions?tasks=t1,t3`, s.tokens[personId])).json()).tasks;
    const zhang = await actions('p-zhang');
    expect(zhang.t1.actions).toEqual(['task.progress', 'task.submit', 'task.extension.request']);
    expect(zhang.t1.active).toEqual(expect.arrayContaining(['task.work.promotion.inProgress', 'task.supervision.watching.onTrack']));
    expect(zhang.t3.actions).toEqual([]);
    expect((await actions('p-li')).t1.actions).toEqual([]);
    expect((await actions('p-chen')).t1.actions).toEqual(['task.deadline.change', 'task.urge', 'task.cancel', 'task.suspend']);
    expect((await get(`/web-api/plans/${s.planId}/actions`, s.tokens['p-li'])).status).toBe(400);
  });

  it('counts lights by department and the phase each deadline falls in', async () => {
    const o = await (await get(`/web-api/plans/${s.planId}/overview`, s.tokens['p-wang'])).json();
    expect(o.phases.map((p: { key: string }) => p.key)).toEqual(['launch', 'promotion', 'implementation', 'evaluation']);
    expect(o.matrix.columns).toEqual(['launch', 'promotion', 'implementation', 'evaluation']);
    const cell = (dept: string, phase: string) => o.matrix.rows.find((r: { department: string }) => r.department === dept).cells[phase];
    expect(cell('jjb', 'promotion')).toMatchObject({ green: 1, tasks: ['t1'] });
    expect(cell('rsg', 'launch')).toMatchObject({ done: 1, tasks: ['t2'] });
    expect(cell('jyzx', 'launch')).toMatchObject({ red: 1, tasks: ['t3'] });
  });

  it("files each task by its own stage against the plan's current phase, and rolls up each phase's tasks", async () => {
    const o = await (await get(`/web-api/plans/${s.planId}/overview`, s.tokens['p-wang'])).json();
    expect(o.stage).toBe('launch');
    expect(o.stages.current).toBe('launch');
    expect(o.stages.columns).toEqual(['launch', 'promotion', 'implementation', 'evaluation', 'closed']);
    const cell = (dept: string, stage: string) =>
      o.stages.rows.find((r: { department: string }) => r.department === dept).cells[stage].map((e: { id: string }) => e.id);
    expect(cell('jjb', 'promotion')).toEqual(['t1']); // in progress
    expect(cell('rsg', 'closed')).toEqual(['t2']); // accepted
    expect(cell('jyzx', 'launch')).toEqual(['t3']); // issued, never signed for
    // In the launch phase nothing can be behind yet.
    expect(o.stages.behind).toBe(0);
    const rollup = Object.fromEntries(o.rollup.map((r: { phase: string }) => [r.phase, r]));
    expect(rollup.launch).toMatchObject({
      due: 2,
      counts: { done: 1, late: 1, open: 0, unfinished: 0 },
      tasks: { done: ['t2'], late: ['t3'] },
    });
    expect(rollup.promotion).toMatchObject({ due: 1, counts: { open: 1 } });
    expect(rollup.implementation).toMatchObject({ due: 0 });
  });

  it('gives a leader the submissions and extension requests waiting on them, with what they may do', async () => {
    const desk = async (personId: string) => (await get(`/web-api/plans/${s.planId}/desk`, s.tokens[personId])).json();
    expect(await desk('p-li')).toMatchObject({ review: [], extensions: [] });
    await rt.engine.taskEvent(
      s.planId,
      't1',
      { type: 'task.extension.request', deadline: { workingDays: 10 }, reason: '等待监测数据' },
      as('p-zhang'),
    );
    const li = await desk('p-li');
    expect(li.extensions).toHaveLength(1);
    expect(li.extensions[0]).toMatchObject({ id: 't1', reason: '等待监测数据', requestedBy: 'p-zhang' });
    expect(li.extensions[0].actions).toEqual(expect.arrayContaining(['task.extension.approve', 'task.extension.reject']));
    expect(li.extensions[0].requestedDeadline).toBeGreaterThan(li.extensions[0].deadlineMs);
    // The group leader may decide it too; the department head may not.
    expect((await desk('p-wang')).extensions.map((x: { id: string }) => x.id)).toEqual(['t1']);
    expect((await desk('p-zhang')).extensions).toEqual([]);
    await rt.engine.taskEvent(s.planId, 't1', { type: 'task.extension.reject', note: '时限不变' }, as('p-li'));
    expect((await desk('p-li')).extensions).toEqual([]);
  });

  it("files a task due on a phase's last day under that phase, in the matrix and the ledger", async () => {
    // Phases as plans write them, whole days in Asia/Shanghai; t1 is due on launch's last day.
    const base = fixturePlan({ id: 'qx-dated', start: Date.now() });
    const due: Record<string, string> = { t1: '2030-08-31', t2: '2030-09-01', t3: '2031-02-28' };
    await rt.engine.createPlan(
      {
        ...base,
        phases: [
          { key: 'launch', name: '启动阶段', start: '2030-04-01', end: '2030-08-31' },
          { key: 'promotion', name: '推进阶段', start: '2030-09-01', end: '2031-02-28' },
          { key: 'implementation', name: '全面实施阶段', start: '2031-03-01', end: '2032-06-30' },
          { key: 'evaluation', name: '总结评估阶段', start: '2032-07-01', end: '2032-12-31' },
        ],
        tasks: base.tasks.map((t) => ({ ...t, deadline: due[t.id]! })),
      },
      { kind: 'office', name: '陈静', org: 'default' },
      { publish: true },
    );
    const office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });

    const o = await (await get('/web-api/plans/qx-dated/overview', office)).json();
    const tasksIn = (phase: string) =>
      o.matrix.rows.flatMap((r: { cells: Record<string, { tasks: string[] }> }) => r.cells[phase]?.tasks ?? []);
    expect(tasksIn('launch')).toEqual(['t1']);
    expect(tasksIn('promotion').sort()).toEqual(['t2', 't3']);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await get('/web-api/plans/qx-dated/ledger.xlsx', office)).arrayBuffer());
    const ws = wb.getWorksheet('任务台账')!;
    const col = (key: string) => LEDGER_COLUMNS.findIndex((c) => c.key === key) + 1;
    const rows = new Map<string, { deadline: unknown; format: unknown; phase: unknown }>();
    for (let r = 3; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cell = row.getCell(col('deadline'));
      rows.set(row.getCell(col('id')).text, { deadline: cell.value, format: cell.numFmt, phase: row.getCell(col('phase')).value });
    }
    // A deadline that ends a day (8月31日 24:00) is that date, alone.
    const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
    expect(rows.get('t1')).toEqual({ deadline: day('2030-08-31'), format: 'yyyy-mm-dd', phase: '启动阶段' });
    expect(rows.get('t2')).toEqual({ deadline: day('2030-09-01'), format: 'yyyy-mm-dd', phase: '推进阶段' });
    expect(rows.get('t3')).toEqual({ deadline: day('2031-02-28'), format: 'yyyy-mm-dd', phase: '推进阶段' });
  });

  it('keeps uploaded evidence with the task, for those who may submit it, up to 5 MB', async () => {
    const upload = (token: string, body: Uint8Array<ArrayBuffer>, name = '%E6%96%B9%E6%A1%88.txt') =>
      fetch(`${rt.base}/web-api/plans/${s.planId}/tasks/t1/files`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/octet-stream',
          'X-File-Name': name,
          'X-File-Type': 'text/plain',
        },
        body,
      });
    const ok = await upload(s.tokens['p-zhang']!, new TextEncoder().encode('监测方案 v1'));
    expect(ok.status).toBe(201);
    const meta = await ok.json();
    expect(meta).toMatchObject({ name: '方案.txt', type: 'text/plain', size: 15, by: 'p-zhang', taskId: 't1' });
    expect(meta.url).toBe(`${rt.base}/web-api/files/${s.planId}/${meta.id}`);

    const file = await get(new URL(meta.url).pathname, s.tokens['p-li']);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain("attachment; filename*=UTF-8''%E6%96%B9%E6%A1%88.txt");
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await file.text()).toBe('监测方案 v1');
    expect((await get(new URL(meta.url).pathname)).status).toBe(401);

    const listed = await (await get(`/web-api/plans/${s.planId}/tasks/t1/files`, s.tokens['p-wang'])).json();
    expect(listed.files.map((f: { id: string }) => f.id)).toContain(meta.id);

    // The evidence link is accepted by the API's own submit schema.
    await rt.engine.taskEvent(s.planId, 't1', { type: 'task.submit', evidence: [meta.url], note: '' }, as('p-zhang'));

    expect((await upload(s.tokens['p-li']!, new Uint8Array([1]))).status).toBe(403);
    expect((await upload(s.tokens['p-zhang']!, new Uint8Array(5 * 1024 * 1024 + 1))).status).toBe(413);
    expect((await upload(s.tokens['p-zhang']!, new Uint8Array(0))).status).toBe(400);
    expect((await upload(s.tokens['p-zhang']!, new Uint8Array([1]), '%E0%A4%A')).status).toBe(400);
  });
});
