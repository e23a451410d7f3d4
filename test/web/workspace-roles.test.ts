/**
 * Every kind of principal gets a working workspace: the leadership group office (which
 * belongs to no plan and sees its organisation's) picks a plan and reads it like a
 * person of the plan does; an administrator, who runs the server and not the work,
 * lands on the administration and sets up an organisation and its office's account;
 * and someone no plan names is told so, with a way to sign out.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { ARTIFACTS, open, openWorkspace, SKIP_REASON, type Workspace } from './browser.js';
import { seedScenario, type Scenario } from './scenario.js';
import { webRuntime, type WebRuntime } from './web-runtime.js';

if (SKIP_REASON) console.warn(`[test/web/workspace-roles] skipped: ${SKIP_REASON}`);

const SECOND_PLAN = { id: 'qx-teachers', title: '青溪区教师队伍建设行动计划' };

describe.skipIf(SKIP_REASON !== null)(`workspace for every kind of token${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let rt: WebRuntime;
  let s: Scenario;
  let ws: Workspace;

  beforeAll(async () => {
    rt = await webRuntime();
    s = await seedScenario(rt);
    await rt.engine.createPlan(
      { ...fixturePlan({ id: SECOND_PLAN.id, start: Date.now() }), title: SECOND_PLAN.title },
      { kind: 'office', name: '陈静', org: 'default' },
      { publish: true },
    );
    ws = await openWorkspace(rt.base);
  });
  afterAll(async () => {
    await ws?.close();
    await rt?.close();
  });

  /** The leadership view of the chosen plan, drawn in full with no error. */
  async function expectLeadershipView(page: Page, title: string): Promise<void> {
    expect(new URL(page.url()).hash).toBe('#/leader');
    expect(await page.locator('.error-box').count()).toBe(0);
    expect(await page.textContent('.plan-head h1')).toBe(title);
    expect(await page.textContent('#tiles')).toContain('逾期');
    await page.waitForSelector('#chart-timeline canvas');
    expect(await page.locator('#matrix tbody tr').count()).toBe(3);
    expect(await page.locator('#ledger #export-ledger').count()).toBe(1);
  }

  it("an office token lands on its workspace, picks a plan and opens the leadership view and a department's tasks", async () => {
    const token = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    const page = await ws.signIn(token, 'office');
    expect(new URL(page.url()).hash).toBe('#/office');
    expect(await page.textContent('#who')).toBe('办公室 · 陈静');
    await open(page, '#/leader', '.page[data-ready] .plan-head h1');
    // The first plan the server lists is shown; the picker offers both.
    const picker = page.locator('select.plan-picker');
    expect(await picker.locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['青溪区义务教育质量提升三年行动计划', SECOND_PLAN.title]),
    );
    const shown = await picker.inputValue();
    await expectLeadershipView(page, shown === s.planId ? '青溪区义务教育质量提升三年行动计划' : SECOND_PLAN.title);
    // Not a person of a plan: no inbox to sign.
    expect(await page.locator('#inbox').count()).toBe(0);

    const other = shown === s.planId ? SECOND_PLAN.id : s.planId;
    const otherTitle = other === s.planId ? '青溪区义务教育质量提升三年行动计划' : SECOND_PLAN.title;
    await picker.selectOption(other);
    await page.waitForSelector('.page[data-ready]');
    await open(page, '#/leader', '.page[data-ready] .plan-head h1');
    await expect.poll(() => page.locator('.page[data-ready] .plan-head h1').textContent()).toBe(otherTitle);
    await expectLeadershipView(page, otherTitle);
    await page.screenshot({ path: `${ARTIFACTS}leadership-office.png`, fullPage: true });

    await open(page, '#/dept?unit=jjb', '.page[data-ready] .page-dept');
    expect(await page.textContent('.toolbar h1')).toContain('基础教育办公室');
    expect(await page.locator('article[data-task="t1"]').count()).toBe(1);
    await open(page, '#/task/t1', '.page-task[data-task="t1"]');
    expect(await page.textContent('#chain')).toContain('赵小红');
    // The office may change a deadline, urge, cancel and suspend — never do the department's or the reviewer's part.
    expect(await page.getAttribute('#task-actions .actions', 'data-actions')).toBe(
      'task.deadline.change task.urge task.cancel task.suspend',
    );
  });

  it('an admin lands on the administration, creates a school and gives its office an account with a one-time link', async () => {
    const token = await rt.tokens.issue({ kind: 'admin' });
    const page = await ws.signIn(token, 'admin', { ready: '.page[data-ready] .admin' });
    expect(new URL(page.url()).hash).toBe('#/admin');
    expect(await page.textContent('#who')).toBe('管理员');
    // No plan is the admin's to read: no leadership or department view in the menu.
    expect(await page.locator('nav.nav a').allTextContents()).toEqual(['系统管理']);
    await page.fill('#create-org input[name=id]', 'school-x');
    await page.fill('#create-org input[name=name]', '青溪区实验小学');
    await page.selectOption('#create-org select[name=kind]', 'school');
    await page.click('#create-org button[type=submit]');
    const card = page.locator('.admin-org[data-org="school-x"]');
    await card.waitFor();
    await card.locator('input[name=office-name]').fill('实小办公室');
    await card.locator('input[name=logins]').fill('13800000555');
    await card.locator('form.add-office button[type=submit]').click();
    const link = await page.locator('.link-once .link-value').inputValue();
    expect(link).toMatch(/#\/link\/[A-Za-z0-9_-]+$/);
    expect(await page.locator('.admin-org[data-org="school-x"] .office-accounts').textContent()).toContain('实小办公室');

    // The school's office opens the link, chooses its password and lands on its own, empty workspace.
    const office = await ws.blank('school office');
    await office.goto(link);
    await office.waitForSelector('#new-password');
    await office.fill('#new-password', 'shixiao-password-1');
    await office.fill('#repeat-password', 'shixiao-password-1');
    await office.click('#link-button');
    await office.waitForSelector('.page[data-ready] .office-home');
    expect(await office.textContent('#who')).toBe('办公室 · 实小办公室');
    // Another organisation's plans are not there.
    expect(await office.locator('#office-plans').count()).toBe(0);
  });

  it('someone no plan names is told so, with a way to sign out', async () => {
    const token = await rt.tokens.issue({ kind: 'person', personId: 'p-x' });
    const page = await ws.signIn(token, 'stranger', { ready: '#no-plans' });
    expect(await page.textContent('#no-plans')).toContain('还没有方案');
    await page.click('[data-signout]');
    await page.waitForSelector('#login');
    // Signed out on the server: the cookies are gone, and a reload shows the sign-in form again.
    expect(await page.context().cookies()).toEqual([]);
    await page.reload();
    await page.waitForSelector('#login');
  });

  it('raised no script errors on any page', () => {
    expect(ws.pageErrors).toEqual([]);
  });
});
