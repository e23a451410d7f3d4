/**
 * The workspace in a real browser: Debian's headless Chromium driven by
 * playwright-core (no browser download). A department head reports progress and
 * submits t1 with an uploaded file and a link; the responsible leader returns it
 * with a reason, the head sees why and submits again, the leader accepts it; each
 * sees only their own buttons. Screenshots go to test-artifacts/. The office and
 * admins are in workspace-roles.test.ts, refused actions in workspace-refusals.test.ts.
 *
 * Skipped, saying why, when /usr/bin/chromium is missing outside CI; in CI it runs.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, DESKTOP, open, openWorkspace, PHONE, SKIP_REASON, type Workspace } from './browser.js';
import { seededWebRuntime, type WebRuntime } from './web-runtime.js';
import type { Scenario } from './scenario.js';

if (SKIP_REASON) console.warn(`[test/web/workspace] skipped: ${SKIP_REASON}`);

/** A plan date (YYYY-MM-DD) `days` from now in the plan's zone. */
function planDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    Date.now() + days * 86_400_000,
  );
}

describe.skipIf(SKIP_REASON !== null)(`web workspace in headless Chromium${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let rt: WebRuntime;
  let s: Scenario;
  let ws: Workspace;

  beforeAll(async () => {
    ({ rt, scenario: s } = await seededWebRuntime());
    ws = await openWorkspace(rt.base);
  });
  afterAll(async () => {
    await ws?.close();
    await rt?.close();
  });

  /** A fresh browser profile for one person, signed in through the sign-in form. */
  const signIn = (personId: string, viewport = DESKTOP): Promise<Page> => ws.signIn(s.tokens[personId]!, personId, { viewport });

  async function actionsOn(page: Page, taskId: string): Promise<string> {
    await open(page, `#/task/${taskId}`, `.page-task[data-task="${taskId}"]`);
    return (await page.getAttribute('#task-actions .actions', 'data-actions')) ?? '';
  }

  it('rejects a wrong token and keeps the sign-in form', async () => {
    const page = await ws.blank('wrong token');
    await page.click('#use-token summary');
    await page.fill('#token', 'dbn_wrong');
    await page.click('#token-button');
    await expect.poll(() => page.textContent('#use-token .form-error')).toContain('令牌无效');
  });

  it('a department head reports progress and submits t1 with an uploaded file and a link', async () => {
    const zhang = await signIn('p-zhang');
    // Not in the leadership group: the department view opens first, on his own department.
    expect(new URL(zhang.url()).hash).toBe('#/dept');
    expect(await zhang.textContent('.toolbar h1')).toContain('基础教育办公室');
    const card = zhang.locator('article[data-task="t1"]');
    expect(await card.locator('.card-actions summary').textContent()).toContain('提交验收');
    expect(await card.locator('.card-actions summary').textContent()).not.toContain('验收通过');

    await card.locator('.card-actions summary').click();
    await card.locator('form[data-action="task.progress"] input[name=percent]').fill('80');
    await card.locator('form[data-action="task.progress"] textarea[name=note]').fill('已完成征求意见稿');
    await card.locator('form[data-action="task.progress"] button[type=submit]').click();
    await expect.poll(() => card.locator('.progress').textContent()).toContain('完成 80%');

    await zhang.setViewportSize(PHONE);
    await zhang.screenshot({ path: `${ARTIFACTS}department-phone.png`, fullPage: true });
    await zhang.setViewportSize(DESKTOP);

    await card.locator('.card-actions summary').click();
    const submit = card.locator('form[data-action="task.submit"]');
    await submit.locator('textarea[name=evidence]').fill('https://example.org/qx/t1-plan.pdf');
    await submit
      .locator('input[type=file]')
      .setInputFiles({ name: '质量监测实施方案.txt', mimeType: 'text/plain', buffer: Buffer.from('质量监测实施方案(送审稿)') });
    await submit.locator('textarea[name=note]').fill('送审稿及附件');
    await submit.locator('button[type=submit]').click();
    await zhang.waitForSelector('article[data-task="t1"][data-work="submitted"]');

    const t1 = await rt.queries.task(s.planId, 't1');
    expect(t1.work).toBe('submitted');
    const evidence = t1.history.at(-1)!.data!.evidence as string[];
    expect(evidence).toHaveLength(2);
    expect(evidence[0]).toMatch(new RegExp(`^${rt.base}/web-api/files/${s.planId}/`));
    expect(evidence[1]).toBe('https://example.org/qx/t1-plan.pdf');

    // After submitting there is nothing left for him to do but wait.
    expect(await actionsOn(zhang, 't1')).toBe('');
    expect(await zhang.textContent('#task-actions')).toContain('没有可办理的事项');
    expect(await zhang.textContent('#files')).toContain('质量监测实施方案.txt');
  });

  it('the responsible leader sees the plan, signs a notice, and returns t1 with a reason', async () => {
    const li = await signIn('p-li');
    expect(new URL(li.url()).hash).toBe('#/leader');
    expect(await li.textContent('#who')).toBe('李明（副局长）');
    await li.waitForSelector('#chart-timeline canvas');
    expect(await li.textContent('.tile.red .tile-n')).toBe('1');
    expect(await li.textContent('.tile.awaiting .tile-n')).toBe('1');
    // Where each task stands: t3 is still only issued (launch), red; t1 submitted (evaluation).
    expect(await li.locator('#matrix tr[data-department="jyzx"] td[data-stage="launch"] li[data-task="t3"].light-red').count()).toBe(1);
    expect(
      await li.locator('#matrix tr[data-department="jjb"] td[data-stage="evaluation"] li[data-task="t1"].light-awaiting').count(),
    ).toBe(1);
    expect(await li.textContent('#overdue .rung-group[data-rung="4"]')).toContain('组织统一质量检测');
    // t1 waits on him: at the top of his page.
    expect(await li.locator('.page-leader > section').first().getAttribute('id')).toBe('review-queue');
    expect(await li.textContent('#review-queue li[data-task="t1"]')).toContain('制定质量监测实施方案');

    // Notices waiting for him: the rung-4 notice of t3, t1's submission and the launch notice.
    const openNotices = (await rt.queries.inbox(s.planId, 'p-li', { open: true })).length;
    expect(openNotices).toBe(3);
    expect(await li.textContent('#inbox li.kind-submitted')).toContain('待验收通知');
    const r4 = li.locator('#inbox li[data-notice$=".r4"]');
    await r4.locator('button[data-ack]').click();
    await expect.poll(() => r4.getAttribute('class')).toContain('acked');
    expect((await rt.queries.inbox(s.planId, 'p-li', { open: true })).length).toBe(2);

    await li.screenshot({ path: `${ARTIFACTS}leadership-desktop.png`, fullPage: true });
    await li.setViewportSize(PHONE);
    await open(li, '#/dept', '.page-dept');
    await open(li, '#/leader', '#chart-timeline canvas');
    await li.waitForTimeout(300);
    await li.screenshot({ path: `${ARTIFACTS}leadership-phone.png`, fullPage: true });
    await li.setViewportSize(DESKTOP);

    // On t1 he may accept or return, never submit.
    const allowed = (await actionsOn(li, 't1')).split(' ');
    expect(allowed).toEqual(expect.arrayContaining(['task.review', 'task.accept', 'task.return']));
    expect(allowed).not.toContain('task.submit');
    const chain = await li.textContent('#chain');
    for (const name of ['赵小红', '张华', '基础教育办公室', '李明', '王建国']) expect(chain).toContain(name);
    expect(await li.locator('#machine-diagram [data-state="task.work.evaluation.submitted"].active').count()).toBe(1);
    expect(await li.locator('#machine-diagram [data-state="task.work.promotion.inProgress"].active').count()).toBe(0);
    // Submitted, t1 is the reviewer's to act on: the department's clocks have stopped, his runs.
    const timers = await li.textContent('#timers');
    expect(timers).toContain('验收提醒或验收时限检查');
    expect(timers).not.toContain('下一次提醒或到期检查');
    expect(await li.textContent('#task-state')).toContain('待领导验收');
    expect(await li.textContent('#review-deadline')).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await li.textContent('#history')).toContain('质量监测实施方案.txt');

    const ret = li.locator('form[data-action="task.return"]');
    await ret.locator('textarea[name=reason]').fill('缺少监测指标体系,请补充后重新提交');
    await ret.locator('input[name=deadline]').fill(planDate(3));
    await ret.locator('button[type=submit]').click();
    await li.waitForSelector('#task-state [data-work="rectification"]');
    expect(await li.textContent('#history .tl-item[data-event="task.return"]')).toContain('缺少监测指标体系');
    // Back with the department, chased again towards the new deadline.
    expect(await li.textContent('#timers')).toContain('下一次提醒或到期检查');
  });

  it('the department head sees why t1 came back and submits it again', async () => {
    const zhang = await signIn('p-zhang', PHONE);
    const card = zhang.locator('article[data-task="t1"]');
    await card.waitFor();
    expect(await card.getAttribute('data-work')).toBe('rectification');
    expect(await card.locator('.returned .return-reason').textContent()).toBe('缺少监测指标体系,请补充后重新提交');
    expect(await card.locator('.returned').textContent()).toContain('李明');
    await card.locator('.card-actions summary').click();
    const submit = card.locator('form[data-action="task.submit"]');
    await submit.locator('textarea[name=evidence]').fill('https://example.org/qx/t1-indicators.pdf');
    await submit.locator('button[type=submit]').click();
    await zhang.waitForSelector('article[data-task="t1"][data-work="submitted"]');
  });

  it('the leader accepts t1; afterwards neither of them has anything left to do on it', async () => {
    const li = await signIn('p-li');
    expect(await actionsOn(li, 't1')).toContain('task.accept');
    await li.locator('form[data-action="task.accept"] textarea[name=note]').fill('同意验收');
    await li.locator('form[data-action="task.accept"] button[type=submit]').click();
    await li.waitForSelector('#task-state [data-work="accepted"]');
    expect(await li.getAttribute('#task-actions .actions', 'data-actions')).toBe('');
    expect(await li.locator('#machine-diagram [data-state="task.work.accepted"].active').count()).toBe(1);
    expect(await li.locator('#machine-diagram [data-state="task.supervision.closed"].active').count()).toBe(1);
    expect(await li.textContent('#timers')).toContain('没有待发的提醒或升级');
    await li.screenshot({ path: `${ARTIFACTS}task-desktop.png`, fullPage: true });
    await li.setViewportSize(PHONE);
    await li.screenshot({ path: `${ARTIFACTS}task-phone.png`, fullPage: true });

    const t1 = await rt.queries.task(s.planId, 't1');
    expect(t1.work).toBe('accepted');
    expect(t1.history.map((h) => h.event)).toEqual(
      expect.arrayContaining(['task.progress', 'task.submit', 'task.return', 'task.submit', 'task.accept']),
    );

    const zhang = await signIn('p-zhang');
    expect(await actionsOn(zhang, 't1')).toBe('');
    expect(await zhang.textContent('#task-state')).toContain('已验收');
  });

  it('switches to English and prints a rectification notice in the official layout', async () => {
    const wang = await signIn('p-wang');
    await wang.click('#lang-toggle');
    await expect.poll(() => wang.textContent('.nav')).toContain('Leadership');
    expect(await wang.textContent('#inbox h2')).toContain('Notices to acknowledge');
    await wang.click('#lang-toggle');
    await expect.poll(() => wang.textContent('.nav')).toContain('领导视图');

    const r1 = (await rt.queries.inbox(s.planId, 'p-wang')).find((n) => n.id.endsWith('.r3'))!;
    await open(wang, `#/notice/${r1.id}`, '.notice-doc');
    expect(await wang.textContent('.notice-doc .nd-issuer')).toBe('青溪区教育局质量提升工作领导小组办公室');
    expect(await wang.textContent('.notice-doc .nd-number')).toBe('文号未设置');
    expect(await wang.textContent('.notice-doc .nd-to')).toContain('王建国');
    await wang.screenshot({ path: `${ARTIFACTS}notice-desktop.png`, fullPage: true });
    await wang.click('#notice-ack');
    await wang.waitForSelector('.notice-doc');
    await expect.poll(async () => (await rt.queries.notice(s.planId, r1.id)).acknowledgements['p-wang']).toBeDefined();
    // Printing shows the document alone.
    await wang.emulateMedia({ media: 'print' });
    expect(await wang.isVisible('.topbar')).toBe(false);
    expect(await wang.isVisible('.notice-doc')).toBe(true);
  });

  it('raised no script errors on any page', () => {
    expect(ws.pageErrors).toEqual([]);
  });
});
