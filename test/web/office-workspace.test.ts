/**
 * The office's workspace in a real browser, as a new office would use it: it lands on
 * its workspace, imports a plan document, sees the blank highlighted beside its source
 * line, fixes it, has the draft checked (a bad date named beside its field), publishes;
 * then on the running plan cancels a task with a reason, suspends and resumes the
 * whole plan, urges a task's holder (the notice lands in the holder's inbox), amends a
 * deadline after seeing the dry run's diff, and sets up a person's account and issues
 * the one-time link that person then signs in with.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, open, openWorkspace, SKIP_REASON, type Workspace } from './browser.js';
import { webRuntime, type WebRuntime } from './web-runtime.js';

if (SKIP_REASON) console.warn(`[test/web/office-workspace] skipped: ${SKIP_REASON}`);

const DOCUMENT = fileURLToPath(new URL('./fixtures/office-import-plan.txt', import.meta.url));
const PLAN = 'office-import-plan';

describe.skipIf(SKIP_REASON !== null)(`the office's workspace${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let rt: WebRuntime;
  let ws: Workspace;
  let page: Page;

  beforeAll(async () => {
    rt = await webRuntime({ worker: true });
    ws = await openWorkspace(rt.base);
  });
  afterAll(async () => {
    await ws?.close();
    await rt?.close();
  });

  it('lands on the office workspace, even with no plan yet, and offers the import', async () => {
    // A new office: its organisation exists, it has no plan yet.
    await rt.directory.createOrg({ id: 'qx-edu', name: '青溪区教育局', kind: 'bureau' }, 'admin');
    const token = await rt.tokens.issue({ kind: 'office', name: '邓颖', org: 'qx-edu' });
    page = await ws.signIn(token, 'office', { ready: '.page[data-ready] .office-home' });
    expect(new URL(page.url()).hash).toBe('#/office');
    expect(await page.textContent('#nav-office')).toBe('办公室工作台');
    expect(await page.textContent('.office-home')).toContain('还没有方案');
    // The zh/en switch reaches the office's pages too.
    await page.click('#lang-toggle');
    await expect.poll(() => page.textContent('.office-home h1')).toBe('Office workspace');
    await page.click('#lang-toggle');
    await expect.poll(() => page.textContent('.office-home h1')).toBe('办公室工作台');
    await page.click('#go-import');
    await page.waitForSelector('#import-file');
  });

  it('imports a document and shows its blank beside the source line; clicking it goes to the line and the field', async () => {
    await page.setInputFiles('#import-file', DOCUMENT);
    await page.click('#import-button');
    await page.waitForSelector('#import-review .plan-editor');
    expect(await page.textContent('#import-counts')).toContain('空白 1');

    const blank = page.locator('#import-report li[data-kind="blank"]');
    expect(await blank.count()).toBe(1);
    expect(await blank.textContent()).toContain('第 17 行');
    expect(await blank.textContent()).toContain('任务 2 · 责任领导');
    expect(await blank.locator('.report-quote').textContent()).toBe('「责任领导：」');
    // The line in the document and the field in the draft are both marked.
    expect(await page.getAttribute('#src-line-17', 'class')).toContain('flag-blank');
    expect(await page.textContent('#src-line-17 .line-text')).toBe('责任领导：');
    const field = page.locator('.plan-editor [data-path="tasks[1].responsibleLeader"]');
    expect(await field.getAttribute('class')).toContain('flagged');
    expect(await field.locator('.field-note').textContent()).toBe('空白（原文第 17 行）');
    expect(await field.locator('select').inputValue()).toBe('tbd');

    await blank.locator('button').click();
    expect(await page.getAttribute('#src-line-17', 'class')).toContain('current');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('tasks[1].responsibleLeader');
    await page.screenshot({ path: `${ARTIFACTS}office-import-review.png`, fullPage: true });
  });

  it('checks the draft on the server: the placeholder and a bad date are named beside their fields until fixed', async () => {
    await page.fill('.plan-editor input[name="tasks[0].deadline"]', '2027-02-30');
    await page.click('#validate-button');
    await page.waitForSelector('#import-problems li');
    const problems = await page.locator('#import-problems li').allTextContents();
    expect(problems).toEqual(
      expect.arrayContaining([
        '任务 2 · 责任领导：原文空白，仍为占位「待定」，请选择人员',
        '任务 1 · 完成时限：「2027-02-30」不是有效的日期',
      ]),
    );
    expect(await page.textContent('.plan-editor [data-path="tasks[0].deadline"] .has-problem-note')).toBe('「2027-02-30」不是有效的日期');
    expect(await page.getAttribute('.plan-editor [data-path="tasks[1].responsibleLeader"]', 'class')).toContain('has-problem');

    await page.fill('.plan-editor input[name="tasks[0].deadline"]', '2027-08-31');
    await page.selectOption('.plan-editor select[name="tasks[1].responsibleLeader"]', { label: '许嘉 · 副局长' });
    await page.click('#validate-button');
    await expect.poll(() => page.textContent('#import-message')).toBe('校验通过：可以发布。');
    expect(await page.locator('.plan-editor .has-problem').count()).toBe(0);
    // A check stores nothing.
    await expect(rt.engine.loadPlan(PLAN)).rejects.toThrow();
  });

  it('publishes the checked draft and opens it to run', async () => {
    await page.click('#publish-button');
    await page.waitForSelector(`.office-plan[data-plan="${PLAN}"] #office-tasks`);
    const summary = await rt.queries.planSummary(PLAN);
    expect(summary.stage).not.toBe('draft');
    const { def } = await rt.engine.loadPlan(PLAN);
    expect(def.tasks[1]!.responsibleLeader).toBe('p2');
    expect(def.tasks[0]!.deadline).toBe('2027-08-31');
    expect(await page.textContent('#plan-stage')).not.toContain('草稿');
  });

  it('cancels a task with a reason', async () => {
    await page.click('button[data-handle="t1"]');
    const cancel = page.locator('tr[data-actions-for="t1"] form[data-action="task.cancel"]');
    await cancel.locator('textarea[name=reason]').fill('基地建设并入区级统筹项目');
    await cancel.locator('button[type=submit]').click();
    await page.waitForSelector('tr[data-task="t1"][data-work="cancelled"]');
    expect(await page.textContent('tr[data-task="t1"] .task-state')).toContain('已撤销');
    const t1 = await rt.queries.task(PLAN, 't1');
    expect(t1.work).toBe('cancelled');
    expect(JSON.stringify(t1.history.at(-1))).toContain('基地建设并入区级统筹项目');
  });

  it('suspends the whole plan with a reason, then resumes it', async () => {
    await page.fill('#plan-suspend textarea', '寒假期间暂停督办');
    await page.click('#plan-suspend button[type=submit]');
    await page.waitForSelector('#plan-suspended');
    expect(await page.textContent('#plan-suspended')).toBe('方案已挂起：寒假期间暂停督办');
    expect((await rt.queries.task(PLAN, 't2')).supervision).toBe('suspended');
    expect(await page.getAttribute('tr[data-task="t2"]', 'data-supervision')).toBe('suspended');

    await page.fill('#plan-resume textarea', '开学恢复');
    await page.click('#plan-resume button[type=submit]');
    await page.waitForSelector('#plan-suspend');
    expect(await page.locator('#plan-suspended').count()).toBe(0);
    expect((await rt.queries.task(PLAN, 't2')).supervision).not.toBe('suspended');
  });

  it('urges a task: the notice lands in its holder’s inbox', async () => {
    await page.click('button[data-handle="t2"]');
    const urge = page.locator('tr[data-actions-for="t2"] form[data-action="task.urge"]');
    await urge.locator('textarea[name=note]').fill('请本周内报送课程初稿');
    await urge.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('.action-message.form-ok, tr[data-task="t2"]').count()).toBeGreaterThan(0);
    const holder = await rt.tokens.issue({ kind: 'person', personId: 'p5' });
    const inbox = await (await fetch(`${rt.base}/api/v1/inbox`, { headers: { authorization: `Bearer ${holder}` } })).json();
    const urged = (inbox.notices as { kind: string; taskId: string }[]).filter((n) => n.kind === 'urge');
    expect(urged).toHaveLength(1);
    expect(urged[0]!.taskId).toBe('t2');
  });

  it('amends a deadline: the dry run shows the change, then the amendment applies it', async () => {
    await page.click('#amend summary');
    await page.fill('#amend input[name="tasks[1].deadline"]', '2027-11-30');
    await page.fill('#amend-reason', '区教育局调整课程评审时间');
    await page.click('#amend-preview');
    await page.waitForSelector('#amend-diff li');
    expect(await page.textContent('#amend-diff')).toContain('任务 t2 完成时限：2027-12-31 24:00 → 2027-11-30 24:00');
    expect((await rt.engine.loadPlan(PLAN)).def.tasks[1]!.deadline).toBe('2027-12-31');
    await page.click('#amend-apply');
    await expect.poll(async () => (await rt.engine.loadPlan(PLAN)).def.tasks[1]!.deadline).toBe('2027-11-30');
    // The page is drawn again from the amended plan: the task's row shows its new deadline.
    await expect.poll(() => page.textContent('.office-plan tr[data-task="t2"]'), { timeout: 15_000 }).toContain('2027-11-30 24:00');
  });

  it('replaces a task’s responsible person; a change that changes nothing is named beside its field', async () => {
    // A fresh page, so the amendment's redraw cannot land between this test's clicks.
    await open(page, '#/office', '.page[data-ready] .office-home');
    await open(page, `#/office/plan/${PLAN}`, '.page[data-ready] #reassign-new');
    await page.click('#reassign-new summary');
    const form = page.locator('#reassign');
    await form.locator('select[name=role]').selectOption('responsiblePerson');
    await form.locator('select[name=task]').selectOption('t2');
    await form.locator('select[name=to]').selectOption('p5');
    await form.locator('textarea[name=reason]').fill('工作调整');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('#reassign [data-path="to"] .has-problem-note');
    expect(await page.textContent('#reassign [data-path="to"] .has-problem-note')).toContain('唐悦');

    await form.locator('select[name=to]').selectOption('p4');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('#personnel-changes tr[data-status="applied"]');
    expect(await page.textContent('#personnel-changes tr[data-status="applied"]')).toContain('唐悦 → 罗晨');
    expect((await rt.engine.loadPlan(PLAN)).def.tasks[1]!.responsiblePerson).toBe('p4');
    expect(await page.textContent('tr[data-task="t2"]')).toContain('罗晨');
    await page.screenshot({ path: `${ARTIFACTS}office-plan.png`, fullPage: true });
  });

  it('sets up a person’s login and issues a one-time link, shown once, that the person signs in with', async () => {
    await open(page, `#/office/people/${PLAN}`, '.page[data-ready] #office-people');
    const row = page.locator('tr[data-person="p5"]');
    expect(await row.locator('.account-state').getAttribute('data-state')).toBe('none');
    await row.locator('input[name=logins]').fill('tangyue');
    await row.locator('button[data-act="logins"]').click();
    await page.waitForSelector('tr[data-person="p5"] .account-state[data-state="new"]');
    await page.click('tr[data-person="p5"] button[data-act="link"]');
    const link = await page.locator('tr[data-person="p5"] #issued-link').inputValue();
    expect(link).toMatch(new RegExp(`^${rt.base}/#/link/\\S+$`));
    expect(await page.textContent('tr[data-person="p5"] .link-once')).toContain('只显示这一次');

    const tang = await ws.blank('p5');
    await tang.goto(link);
    await tang.waitForSelector('#new-password');
    await tang.fill('#new-password', 'tang-yue-2027');
    await tang.fill('#repeat-password', 'tang-yue-2027');
    await tang.click('#link-button');
    await tang.waitForSelector('.page[data-ready]');
    expect(await tang.textContent('#who')).toContain('唐悦');

    // The office sees the password set and the sign-in on the record.
    await open(page, '#/office', '.page[data-ready] .office-home');
    await open(page, `#/office/people/${PLAN}`, '.page[data-ready] #office-people');
    expect(await page.getAttribute('tr[data-person="p5"] .account-state', 'data-state')).toBe('active');
    await page.click('tr[data-person="p5"] button[data-act="sign-ins"]');
    await page.waitForSelector('tr[data-person="p5"] .sign-ins tr[data-success="true"]');
    expect(await page.textContent('tr[data-person="p5"] .sign-ins')).toContain('登录链接');
  });

  it('lists its organisation’s people from the directory, the imported plan’s among them', async () => {
    await open(page, '#/office', '.page[data-ready] .office-home');
    await page.click('#go-org-people');
    await page.waitForSelector('.page[data-ready] #org-people');
    const names = await page.locator('#org-people tbody tr td:first-child').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['韩志远', '许嘉', '唐悦']));
    expect(await page.textContent('#org-people tr[data-person="p5"]')).toContain('教研室');
  });

  it('raised no script errors on any page', () => {
    expect(ws.pageErrors).toEqual([]);
  });
});
