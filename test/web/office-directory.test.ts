/**
 * The office keeps its organisation's directory in the browser: it imports its address
 * book (a bad row refuses the whole file, named by its line), adds a unit with its head,
 * edits a person, and marks someone who left — who stays in the list.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, openWorkspace, SKIP_REASON, type Workspace } from './browser.js';
import { webRuntime, type WebRuntime } from './web-runtime.js';

if (SKIP_REASON) console.warn(`[test/web/office-directory] skipped: ${SKIP_REASON}`);

const csv = (rows: string[]) => Buffer.from(['姓名,职务,科室,手机,邮箱', ...rows].join('\n'), 'utf8');

describe.skipIf(SKIP_REASON !== null)(`the office's directory${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let rt: WebRuntime;
  let ws: Workspace;
  let page: Page;

  beforeAll(async () => {
    rt = await webRuntime();
    await rt.directory.createOrg({ id: 'hx-school', name: '河西小学', kind: 'school' }, 'admin');
    ws = await openWorkspace(rt.base);
    const token = await rt.tokens.issue({ kind: 'office', name: '教务处', org: 'hx-school' });
    page = await ws.signIn(token, 'office', { ready: '.page[data-ready] .office-home' });
    await open(page, '#/office/people', '.page[data-ready] .office-org-people');
  });
  afterAll(async () => {
    await ws?.close();
    await rt?.close();
  });

  const importFile = async (rows: string[]) => {
    await page.setInputFiles('#address-book', { name: '通讯录.csv', mimeType: 'text/csv', buffer: csv(rows) });
    await page.click('#import-people button[type=submit]');
  };

  it('refuses an address book with a bad row, naming its line, and imports nothing', async () => {
    await importFile(['林芳,教导主任,,13900001111,lin@hx.example.cn', '高远,教师,,1390000,']);
    await page.waitForSelector('.office-status .error-box');
    expect(await page.textContent('.office-status .error-box')).toContain('第 3 行');
    expect(await rt.directory.listPeople('hx-school')).toEqual([]);
  });

  it('imports a good one, adds a unit with its head, edits a person and marks one who left', async () => {
    await importFile(['林芳,教导主任,,13900001111,lin@hx.example.cn', '高远,教师,,13900002222,']);
    await page.waitForSelector('.office-status .ok');
    expect(await page.textContent('.office-status .ok')).toContain('新增 2 人');
    expect(await page.locator('#org-people tbody tr').count()).toBe(2);
    const lin = (await rt.directory.listPeople('hx-school')).find((p) => p.name === '林芳')!;

    await page.fill('#unit-form input[name=unit-id]', 'jwc');
    await page.fill('#unit-form input[name=unit-name]', '教务处');
    await page.selectOption('#unit-form select[name=unit-head]', lin.id);
    await page.click('#unit-form button[type=submit]');
    await page.waitForSelector('.org-units li[data-unit="jwc"]');
    expect(await page.textContent('.org-units li[data-unit="jwc"]')).toContain('林芳');
    expect((await rt.directory.getUnit('hx-school', 'jwc'))?.head).toBe(lin.id);

    await page.click(`button[data-edit="${lin.id}"]`);
    await page.fill('#person-form input[name=title]', '副校长');
    await page.click('#person-form button[type=submit]');
    await expect.poll(async () => (await rt.directory.getPerson(lin.id))?.title).toBe('副校长');

    const gao = (await rt.directory.listPeople('hx-school')).find((p) => p.name === '高远')!;
    page.once('dialog', (d) => void d.accept());
    await page.click(`button[data-leave="${gao.id}"]`);
    await page.waitForSelector(`#org-people tr[data-person="${gao.id}"][data-active="false"]`);
    expect((await rt.directory.getPerson(gao.id))?.active).toBe(false);
  });

  it("names the organisation's leaders, who then see its roll-up", async () => {
    const lin = (await rt.directory.listPeople('hx-school')).find((p) => p.name === '林芳')!;
    await page.check(`#leaders-form input[value="${lin.id}"]`);
    await page.click('#leaders-form button[type=submit]');
    // The status line may still show the last save's ok: wait for this one to land.
    await expect.poll(async () => (await rt.directory.getOrg('hx-school'))?.leaders).toEqual([lin.id]);
    const leader = await ws.signIn(await rt.tokens.issue({ kind: 'person', personId: lin.id }), 'leader', {
      ready: '.page[data-ready] .page-rollup',
    });
    expect(new URL(leader.url()).hash).toBe('#/rollup');
    expect(await leader.textContent('.rollup h2')).toContain('河西小学');
  });

  it('raised no script errors', () => {
    expect(ws.pageErrors).toEqual([]);
  });
});
