/**
 * The 督导结果 view in Debian's headless Chromium: the group leader opens it from
 * the leadership view, reads the three tables and the semester report, narrows the
 * period, downloads the .xlsx and opens the printable 通报; a department head has
 * no link to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { ARTIFACTS, open, openWorkspace, SKIP_REASON, type Workspace } from './browser.js';
import type { Scenario } from './scenario.js';
import { seededWebRuntime, type WebRuntime } from './web-runtime.js';

if (SKIP_REASON) console.warn(`[test/web/report] skipped: ${SKIP_REASON}`);

describe.skipIf(SKIP_REASON !== null)(`the 督导结果 view${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let rt: WebRuntime;
  let s: Scenario;
  let ws: Workspace;
  const as = (personId: string): Principal => ({ kind: 'person', personId });

  beforeAll(async () => {
    ({ rt, scenario: s } = await seededWebRuntime());
    // t2 done on time; t3 has climbed to rung 4 under the worker.
    await rt.engine.taskEvent(s.planId, 't2', { type: 'task.submit', evidence: ['https://example.org/t2.pdf'], note: '' }, as('p-zhou'));
    await rt.engine.taskEvent(s.planId, 't2', { type: 'task.accept', note: '同意' }, as('p-li'));
    ws = await openWorkspace(rt.base);
  });
  afterAll(async () => {
    await ws?.close();
    await rt?.close();
  });

  it('shows the tables and the semester report, exports the .xlsx and opens the printable 通报', async () => {
    const page = await ws.signIn(s.tokens['p-wang']!, 'p-wang');
    expect(new URL(page.url()).hash).toBe('#/leader');
    await page.click('#nav-report');
    await page.waitForSelector('.page[data-ready] .page-report');
    expect(await page.textContent('#report-head h1')).toBe('督导结果');

    const row = (table: string, key: string) => page.locator(`#${table} tr[data-key="${key}"]`);
    expect(await page.locator('#report-departments tbody tr').count()).toBe(4); // three departments and the total
    const jyzx = await row('report-departments', 'jyzx').locator('td').allTextContents();
    // head, tasks, finished, on time, overdue, rate, rungs 1–4, returns, extensions
    expect(jyzx).toEqual(['孙丽', '1', '0', '0', '1', '0%', '1', '1', '1', '1', '0', '0/0']);
    expect(await row('report-departments', 'rsg').locator('td').nth(5).textContent()).toBe('100%');
    expect(await row('report-people', 'p-sun').locator('th').textContent()).toBe('孙丽');
    expect(await row('report-leaders', 'p-li').locator('td').allTextContents()).toEqual(['2', '1', '0', '0', '0']);
    expect(await page.textContent('#semester-late')).toContain('组织统一质量检测');
    expect(await page.locator('#semester-climbed li').count()).toBe(4);
    expect(await page.textContent('#semester-done')).toContain('出台职称倾斜政策');
    expect(await page.locator('#semester-phases tbody tr').count()).toBe(4);
    await page.screenshot({ path: `${ARTIFACTS}report-zh.png`, fullPage: true });

    const download = page.waitForEvent('download');
    await page.click('#report-xlsx');
    expect((await download).suggestedFilename()).toMatch(/^qx-2026-督导结果-.*\.xlsx$/);

    // A period with nothing in it: the form's last day is inclusive, the hash carries [from, to).
    await page.fill('#report-from', '2099-01-01');
    await page.fill('#report-last', '2099-01-31');
    await page.click('#report-period button[type=submit]');
    await page.waitForFunction(() => location.hash === '#/report?from=2099-01-01&to=2099-02-01');
    await page.waitForSelector('.page[data-ready] #report-departments p.muted');
    expect(await page.textContent('#report-period-text')).toBe('统计期间：2099-01-01 至 2099-01-31');
    await page.click('#report-whole');
    await page.waitForFunction(() => location.hash === '#/report');
    await page.waitForSelector('.page[data-ready] #report-departments table');

    await page.click('#report-print');
    await page.waitForSelector('.page[data-ready] .report-doc');
    expect(await page.textContent('.report-doc .rd-title')).toBe('关于《青溪区义务教育质量提升三年行动计划》督导结果的通报');
    expect(await page.textContent('.report-doc')).toContain('督办升至第4级（处理直至处分）');
    expect(await page.locator('.report-doc table').count()).toBe(3);
    await page.screenshot({ path: `${ARTIFACTS}report-print-zh.png`, fullPage: true });

    // A department head has no link to it, and the route refuses.
    const head = await ws.signIn(s.tokens['p-zhang']!, 'p-zhang');
    expect(await head.locator('#nav-report').count()).toBe(0);
    await open(head, '#/report', '.page[data-ready] .error-box');
    expect(await head.textContent('.error-box')).toContain('督导结果仅供领导小组');
    expect(ws.pageErrors).toEqual([]);
  });
});
