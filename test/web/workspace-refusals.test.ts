/**
 * When the server refuses an action the workspace says why, as the server did: a
 * 400 lists every problem by field, a 403 names the rule, a 409 says which events
 * the task's state takes now — in Chinese with full-width punctuation, or in
 * English when the page is.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { ARTIFACTS, openWorkspace, SKIP_REASON, type Workspace } from './browser.js';
import { seedScenario, type Scenario } from './scenario.js';
import { webRuntime, type WebRuntime } from './web-runtime.js';

if (SKIP_REASON) console.warn(`[test/web/workspace-refusals] skipped: ${SKIP_REASON}`);

/** ASCII punctuation touching a Chinese character: what full-width text never has. */
const HALF_WIDTH_IN_CHINESE = /[\p{Script=Han}][,;:()!?]|[,;:()!?][\p{Script=Han}]/u;

describe.skipIf(SKIP_REASON !== null)(`refused actions in the workspace${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let rt: WebRuntime;
  let s: Scenario;
  let ws: Workspace;

  beforeAll(async () => {
    rt = await webRuntime();
    s = await seedScenario(rt);
    ws = await openWorkspace(rt.base);
  });
  afterAll(async () => {
    await ws?.close();
    await rt?.close();
  });

  /** t1's card in the department view with its forms open. */
  async function t1Card(page: Page): Promise<Locator> {
    const card = page.locator('article[data-task="t1"]');
    await card.locator('.card-actions summary').click();
    return card;
  }

  /** The refusal shown under a task's forms once the server has answered. */
  async function refusal(where: Locator, status: number): Promise<{ title: string; items: string[]; text: string }> {
    const box = where.locator(`.refusal[data-status="${status}"]`);
    await box.waitFor();
    return {
      title: (await box.locator('.refusal-title').textContent()) ?? '',
      items: await box.locator('li').allTextContents(),
      text: (await box.textContent()) ?? '',
    };
  }

  it('400: lists every problem of a submission by field', async () => {
    const zhang = await ws.signIn(s.tokens['p-zhang']!, 'p-zhang');
    const card = await t1Card(zhang);
    const submit = card.locator('form[data-action="task.submit"]');
    await submit.locator('textarea[name=evidence]').fill('example.org/qx/t1.pdf\nexample.org/qx/t1-annex.pdf');
    await submit.locator('button[type=submit]').click();
    const r = await refusal(card, 400);
    expect(r.title).toBe('未办理，请修改以下内容后重试：');
    // Each link by its place in the list, said in Chinese (the server's wording may change).
    expect(r.items).toHaveLength(2);
    expect(r.items[0]).toMatch(/^佐证材料第 1 项：.*http:\/\/ 或 https:\/\//);
    expect(r.items[1]).toMatch(/^佐证材料第 2 项：.*http:\/\/ 或 https:\/\//);
    expect(r.text).not.toMatch(/ is not | only /);
    expect(r.text).not.toMatch(HALF_WIDTH_IN_CHINESE);
    await card.screenshot({ path: `${ARTIFACTS}refusal-400.png` });
    expect((await rt.queries.task(s.planId, 't1')).work).toBe('inProgress');
  });

  it('400: names the field the engine refused, in Chinese and in English', async () => {
    const chen = await ws.signIn(s.tokens['p-chen']!, 'p-chen');
    await chen.evaluate(() => (location.hash = '#/task/t1'));
    await chen.waitForSelector('.page-task[data-task="t1"]');
    const change = chen.locator('form[data-action="task.deadline.change"]');
    await change.locator('textarea[name=reason]').fill('按局党组会议要求调整');
    await change.locator('input[name=deadline]').fill('2020-01-01');
    await change.locator('button[type=submit]').click();
    const actions = chen.locator('#task-actions');
    const zh = await refusal(actions, 400);
    expect(zh.items).toEqual(['新的完成时限：「2020-01-01」不是将来的时间']);
    expect(zh.text).not.toContain('输入有误,');

    await chen.click('#lang-toggle');
    await chen.waitForSelector('.page[data-ready] .page-task');
    const changeEn = chen.locator('form[data-action="task.deadline.change"]');
    await changeEn.locator('textarea[name=reason]').fill('As the bureau decided');
    await changeEn.locator('input[name=deadline]').fill('2020-01-01');
    await changeEn.locator('button[type=submit]').click();
    const en = await refusal(chen.locator('#task-actions'), 400);
    expect(en.title).toBe('Nothing was done; please correct the following and try again:');
    expect(en.items).toEqual(['New deadline: "2020-01-01" is not in the future']);
  });

  it('403: names the rule that forbids it, in Chinese and in English', async () => {
    const zhang = await ws.signIn(s.tokens['p-zhang']!, 'p-zhang');
    // The page offers t1's forms; the request goes to t3, another department's task.
    await zhang.route('**/api/v1/plans/*/tasks/t1/events', (route) =>
      route.continue({ url: route.request().url().replace('/tasks/t1/', '/tasks/t3/') }),
    );
    const card = await t1Card(zhang);
    const progress = card.locator('form[data-action="task.progress"]');
    await progress.locator('input[name=percent]').fill('60');
    await progress.locator('button[type=submit]').click();
    const zh = await refusal(card, 403);
    expect(zh.title).toBe('未办理：您无权办理此事项。');
    expect(zh.items).toEqual(['只有责任人或责任股室负责人可以签收、报告进展或提交该任务']);

    await zhang.click('#lang-toggle');
    await zhang.waitForSelector('.page[data-ready] .page-dept');
    const cardEn = await t1Card(zhang);
    await cardEn.locator('form[data-action="task.progress"] input[name=percent]').fill('60');
    await cardEn.locator('form[data-action="task.progress"] button[type=submit]').click();
    const en = await refusal(cardEn, 403);
    expect(en.title).toBe('Nothing was done: you may not do this.');
    expect(en.items).toEqual([
      'Only the responsible person or the head of the lead department may acknowledge, report on or submit this task',
    ]);
  });

  it('409: says which events the task takes now, in Chinese and in English', async () => {
    // Two heads' pages show t1 in progress, one of them in English ...
    const zh = await ws.signIn(s.tokens['p-zhang']!, 'p-zhang');
    const en = await ws.signIn(s.tokens['p-zhang']!, 'p-zhang (en)');
    await en.click('#lang-toggle');
    await en.waitForSelector('.page[data-ready] .page-dept');
    const cards = [await t1Card(zh), await t1Card(en)];
    // ... when the responsible person submits it: their progress forms are out of date.
    const zhao: Principal = { kind: 'person', personId: 'p-zhao' };
    await rt.engine.taskEvent(s.planId, 't1', { type: 'task.submit', evidence: ['https://example.org/t1.pdf'], note: '' }, zhao);
    for (const card of cards) {
      await card.locator('form[data-action="task.progress"] input[name=percent]').fill('90');
      await card.locator('form[data-action="task.progress"] button[type=submit]').click();
    }
    const inZh = await refusal(cards[0]!, 409);
    expect(inZh.title).toBe('未办理：该任务现为「已提交验收」，不能「报告进展」。');
    expect(inZh.items).toHaveLength(1);
    expect(inZh.items[0]).toMatch(/^此状态下可办理的事项：/);
    for (const event of ['开始审核', '验收通过', '退回整改', '调整完成时限']) expect(inZh.items[0]).toContain(event);
    expect(inZh.text).not.toMatch(HALF_WIDTH_IN_CHINESE);
    await cards[0]!.screenshot({ path: `${ARTIFACTS}refusal-409.png` });

    const inEn = await refusal(cards[1]!, 409);
    expect(inEn.title).toBe('Nothing was done: the task is now "submitted", which does not take "report progress".');
    expect(inEn.items[0]).toMatch(/^This state takes: /);
    for (const event of ['start review', 'accept', 'return for rectification', 'change deadline']) expect(inEn.items[0]).toContain(event);
  });

  it('raised no script errors on any page', () => {
    expect(ws.pageErrors).toEqual([]);
  });
});
