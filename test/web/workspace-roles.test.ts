/**
 * Every kind of token gets a working workspace: the leadership group office and an
 * administrator (who belong to no plan and may see all of them) land on the
 * leadership view with a plan picker, like a person of the plan does; and a token
 * the workspace cannot load a plan for shows an error page with a way to sign out.
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
      { kind: 'admin' },
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

  for (const kind of ['office', 'admin'] as const) {
    it(`an ${kind} token lands on the leadership view, picks a plan and opens a department's tasks`, async () => {
      const token = kind === 'office' ? await rt.tokens.issue({ kind, name: '陈静' }) : await rt.tokens.issue({ kind });
      const page = await ws.signIn(token, kind);
      expect(await page.textContent('#who')).toBe(kind === 'office' ? '办公室 · 陈静' : '管理员');
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
      await expect.poll(() => page.locator('.page[data-ready] .plan-head h1').textContent()).toBe(otherTitle);
      await expectLeadershipView(page, otherTitle);
      await page.screenshot({ path: `${ARTIFACTS}leadership-${kind}.png`, fullPage: true });

      await open(page, '#/dept?unit=jjb', '.page[data-ready] .page-dept');
      expect(await page.textContent('.toolbar h1')).toContain('基础教育办公室');
      expect(await page.locator('article[data-task="t1"]').count()).toBe(1);
      await open(page, '#/task/t1', '.page-task[data-task="t1"]');
      expect(await page.textContent('#chain')).toContain('赵小红');
      // The office may change a deadline, and nothing else on a task.
      expect(await page.getAttribute('#task-actions .actions', 'data-actions')).toBe(
        'task.deadline.change task.urge task.cancel task.suspend',
      );
    });
  }

  it('a token the workspace cannot load a plan for shows the error with a way to sign out', async () => {
    // A person of a plan that is not on this server.
    const token = await rt.tokens.issue({ kind: 'person', personId: 'p-x' });
    const page = await ws.signIn(token, 'stranger', { ready: '.error-box' });
    expect(await page.textContent('.error-box')).toContain('出错了');
    await page.click('.error-box [data-signout]');
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
