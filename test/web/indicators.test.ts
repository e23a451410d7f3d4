/**
 * Indicators (指标) in the browser, on the real clock: a plan with four goals read
 * against paths set around this year (as test/integration/indicators.test.ts sets
 * them), so one is red (short of last year's checkpoint, nothing reported), one
 * yellow (reported a little behind its path), one green with nothing expected yet,
 * and one red until its department reports. 张华 heads 基教办: a bad report puts the
 * server's problems beside the fields it names and stores nothing; a good one shows
 * on the page at once and turns the indicator green. 李明 (a leader) sees the RAG
 * summary on his landing page, the years without official holiday data, and every
 * colour with its word on #/indicators. The ledger's 指标 sheet is read back over HTTP.
 */
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedAt } from '../../src/domain/indicators.js';
import type { Principal } from '../../src/domain/permissions.js';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { INDICATOR_COLUMNS } from '../../src/web/ledger.js';
import { client } from '../helpers/http.js';
import { coverageGoal, indicatorPlan } from '../helpers/indicator-plan.js';
import { ARTIFACTS, open, openWorkspace, SKIP_REASON, type Workspace } from './browser.js';
import { webRuntime, type WebRuntime } from './web-runtime.js';

const ZONE = 'Asia/Shanghai';
const planId = 'zb-web';
const office: Principal = { kind: 'office', name: '陈静', org: 'default' };

/** The plan: three years from now; goals around the current year `y`. */
function goalPlan(start: number, y: number): PlanDefinitionInput {
  return indicatorPlan(planId, start, [
    { ...coverageGoal(y), text: `到${y + 1}年底智慧课堂覆盖率达到100%` },
    {
      id: 'g2',
      title: '优质课覆盖率',
      target: 90,
      comparison: '>=',
      unit: '%',
      due: `${y + 1}-12-31`,
      baseline: { value: 40, year: y - 1 },
      path: [{ year: y, value: 70 }],
      department: 'jjb',
      leader: 'p-li',
      tolerance: 10,
    },
    {
      id: 'g3',
      title: '大班额比例',
      target: 5,
      comparison: '<=',
      unit: '%',
      due: `${y + 1}-12-31`,
      baseline: { value: 20, year: y - 2 },
      path: [{ year: y - 1, value: 12 }],
      department: 'rsg',
    },
    { id: 'g4', title: '市级骨干教师', target: 20, comparison: '>=', unit: '人', due: `${y + 2}-08-31`, department: 'jjb' },
  ]);
}

if (SKIP_REASON) console.warn(`[test/web/indicators] skipped: ${SKIP_REASON}`);

describe.skipIf(SKIP_REASON !== null)(`indicators in the workspace${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let rt: WebRuntime;
  let ws: Workspace;
  let call: ReturnType<typeof client>;
  const tok: Record<string, string> = {};
  const today = DateTime.now().setZone(ZONE);
  const todayText = today.toISODate()!;
  const indicators = async () => (await call('GET', `/api/v1/plans/${planId}/indicators`, { token: tok['p-li'] })).json.indicators;
  const byId = async (id: string) => (await indicators()).find((i: { id: string }) => i.id === id);

  beforeAll(async () => {
    rt = await webRuntime();
    call = client(rt.port!);
    await rt.engine.createPlan(goalPlan(Date.now(), today.year), office, { publish: true });
    for (const p of ['p-zhang', 'p-li']) tok[p] = await rt.tokens.issue({ kind: 'person', personId: p });
    // g2 a little behind its path today: within its tolerance (10), so yellow.
    const g2 = await byId('g2');
    const expected = expectedAt(g2.path, DateTime.fromISO(todayText, { zone: ZONE }).toMillis())!;
    const res = await rt.engine.indicators.report(
      planId,
      'g2',
      { value: Math.round((expected - 3) * 10) / 10, asOf: todayText, note: '学期中统计' },
      { kind: 'person', personId: 'p-zhao' },
    );
    expect(res.status).toBe('yellow');
    ws = await openWorkspace(rt.base);
  }, 40_000);
  afterAll(async () => {
    await ws?.close();
    await rt?.close();
  });

  it('the department head reports through the form: a bad value is refused beside its fields, a good one shows at once', async () => {
    expect((await byId('g1')).status).toBe('red');
    const page = await ws.signIn(tok['p-zhang']!, 'p-zhang');
    expect(new URL(page.url()).hash).toBe('#/dept');
    await page.click('#nav-indicators');
    await page.waitForSelector('.page[data-ready] #indicators');
    const card = page.locator('[data-indicator="g1"]');
    expect(await card.getAttribute('data-status')).toBe('red');
    expect(await card.locator('.rag').first().textContent()).toBe('✕偏离');
    expect(await card.locator('.ind-target').textContent()).toBe(`≥ 100%（${today.year + 1}-12-31前）`);
    expect(await card.locator('.ind-text').textContent()).toContain('智慧课堂覆盖率达到100%');
    expect(await card.locator('.ind-reasons').textContent()).toContain('未达到最近节点的目标');
    const checkpoint = await card.locator(`[data-checkpoint="y${today.year - 1}"]`).textContent();
    expect(checkpoint).toContain(`${today.year - 1}年节点`);
    expect(checkpoint).toContain('✕ 未达到');
    // Not his department: 大班额比例 is 人事股's, so no form there.
    expect(await page.locator('#report-g3').count()).toBe(0);

    // A date in the future and a link that is not one: each problem beside its field, nothing stored.
    const form = page.locator('#report-g1');
    await form.locator('input[name=value]').fill('75');
    await form.locator('input[name=asOf]').fill(today.plus({ days: 2 }).toISODate()!);
    await form.locator('textarea[name=evidence]').fill('not a link');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('#report-g1 [data-field="asOf"] .has-problem-note');
    expect(await form.locator('[data-field="asOf"] .has-problem-note').textContent()).toBe('不能晚于今天');
    expect(await form.locator('[data-field="evidence"] .has-problem-note').textContent()).toBe('第 1 项：须为链接（以 https:// 开头）');
    expect(await form.locator('[data-field="value"] .has-problem-note').count()).toBe(0);
    expect(await form.locator('[role=status]').textContent()).toContain('未报送');
    expect((await byId('g1')).values).toHaveLength(0);

    // Corrected: today, a real link. The page shows it, green, with who reported it.
    await form.locator('input[name=value]').fill('90');
    await form.locator('input[name=asOf]').fill(todayText);
    await form.locator('textarea[name=evidence]').fill('https://example.org/g1-survey.pdf');
    await form.locator('textarea[name=note]').fill('全区抽样统计');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('#report-g1 .form-ok');
    expect(await page.textContent('#report-g1 .form-ok')).toBe(`已报送：90%（截至 ${todayText}）。`);
    expect(await card.getAttribute('data-status')).toBe('green');
    expect(await card.locator('.rag').first().textContent()).toBe('✓正常');
    expect(await card.locator('.ind-latest').textContent()).toContain(`90%（截至 ${todayText}，张华报送`);
    const row = card.locator('.ind-values-table tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('https://example.org/g1-survey.pdf');
    expect(await row.textContent()).toContain('全区抽样统计');
    const stored = await byId('g1');
    expect(stored.latest).toMatchObject({ value: 90, by: 'p-zhang', evidence: ['https://example.org/g1-survey.pdf'] });
    // The record behind the fold: the report, by him.
    await card.locator('.ind-log summary').click();
    await card.locator('.ind-log [data-event="indicator.reported"]').waitFor();
    expect(await card.locator('.ind-log').textContent()).toContain('报送实际值 90%');
    expect(ws.pageErrors).toEqual([]);
  });

  it('a leader sees the RAG summary and the calendar warning on his landing page, and every colour with its word', async () => {
    const calendar = (await call('GET', `/api/v1/plans/${planId}/calendar`, { token: tok['p-li'] })).json;
    const page = await ws.signIn(tok['p-li']!, 'p-li', { ready: '.page[data-ready] #indicator-summary' });
    expect(new URL(page.url()).hash).toBe('#/leader');
    const tile = (s: string) => page.textContent(`#indicator-tiles [data-light="${s}"] .tile-n`);
    expect([await tile('red'), await tile('yellow'), await tile('green')]).toEqual(['1', '1', '2']);
    expect(await page.textContent('#indicator-tiles [data-light="red"]')).toContain('✕ 偏离');
    expect(await page.textContent('#indicator-summary .indicator-red')).toContain('大班额比例');
    // The plan reaches years whose State Council notice is not out yet: named by year.
    const years: number[] = calendar.warnings.map((w: { year: number }) => w.year);
    if (years.length > 0) {
      const line = await page.textContent('#calendar-warning');
      for (const y of years) expect(line).toContain(`${y}年`);
      expect(line).toContain('仅周末');
    } else expect(await page.locator('#calendar-warning').count()).toBe(0);

    await page.click('#indicators-link');
    await page.waitForSelector('.page[data-ready] #indicators');
    const status = async (id: string) => [
      await page.getAttribute(`[data-indicator="${id}"]`, 'data-status'),
      await page.textContent(`[data-indicator="${id}"] .rag`),
    ];
    expect(await status('g1')).toEqual(['green', '✓正常']);
    expect(await status('g2')).toEqual(['yellow', '!滞后']);
    expect(await status('g3')).toEqual(['red', '✕偏离']);
    expect(await status('g4')).toEqual(['green', '✓正常']);
    expect(await page.textContent('[data-indicator="g2"] .ind-reasons')).toContain('略低于进度（在容差内）');
    expect(await page.textContent('[data-indicator="g3"] .ind-target')).toBe(`≤ 5%（${today.year + 1}-12-31前）`);
    expect(await page.textContent('[data-indicator="g4"] .ind-expected')).toBe('尚无进度要求');
    // A leader reads; only the reporting department reports.
    expect(await page.locator('form.ind-report').count()).toBe(0);
    expect(await page.locator('[data-indicator] canvas').count()).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: `${ARTIFACTS}indicators-leader.png`, fullPage: true });

    // In English the words follow.
    await page.click('#lang-toggle');
    await page.waitForSelector('.page[data-ready] #indicators');
    expect(await page.textContent('[data-indicator="g3"] .rag')).toBe('✕off path');
    expect(await page.textContent('[data-indicator="g2"] .rag')).toBe('!behind');
    await page.click('#lang-toggle');
    await open(page, '#/leader', '.page[data-ready] #indicator-summary');
    expect(ws.pageErrors).toEqual([]);
  });

  it('the ledger has an 指标 sheet: title, target, expected now, latest value and status', async () => {
    const res = await fetch(`${rt.base}/web-api/plans/${planId}/ledger.xlsx`, { headers: { Authorization: `Bearer ${tok['p-li']}` } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.getWorksheet('任务台账')).toBeDefined();
    const sheet = wb.getWorksheet('指标')!;
    expect(sheet).toBeDefined();
    expect(INDICATOR_COLUMNS.map((_, i) => sheet.getRow(2).getCell(i + 1).value)).toEqual(INDICATOR_COLUMNS.map((c) => c.zh));
    const col = (key: string) => INDICATOR_COLUMNS.findIndex((c) => c.key === key) + 1;
    const rows = new Map<string, (key: string) => unknown>();
    for (let r = 3; r <= sheet.rowCount; r++) {
      const row = sheet.getRow(r);
      rows.set(row.getCell(col('id')).text, (key) => row.getCell(col(key)).value);
    }
    expect([...rows.keys()]).toEqual(['g1', 'g2', 'g3', 'g4']);
    const g1 = rows.get('g1')!;
    expect(g1('title')).toBe('智慧课堂覆盖率');
    expect(g1('target')).toBe('≥ 100%');
    expect(g1('latest')).toBe(90);
    expect(g1('status')).toBe('✓ 正常');
    expect(typeof g1('expected')).toBe('number');
    expect((g1('asOf') as Date).toISOString().slice(0, 10)).toBe(todayText);
    expect(rows.get('g2')!('status')).toBe('! 滞后');
    expect(rows.get('g3')!('status')).toBe('✕ 偏离');
    expect(rows.get('g3')!('reasons')).toBe('未达到最近节点的目标');
    expect(rows.get('g4')!('expected')).toBe('');
    // In English, the sheet is Indicators.
    const en = new ExcelJS.Workbook();
    await en.xlsx.load(
      await (
        await fetch(`${rt.base}/web-api/plans/${planId}/ledger.xlsx?lang=en`, { headers: { Authorization: `Bearer ${tok['p-li']}` } })
      ).arrayBuffer(),
    );
    expect(en.getWorksheet('Indicators')!.getRow(3).getCell(col('status')).value).toBe('✓ on path');
  });
});
