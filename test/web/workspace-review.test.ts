/**
 * Machine v3 in the browser: whoever holds a task is the one chased, and the record
 * is never erased. A department head submits and the leader finds it under 待我验收
 * at the top of his page and accepts it there; a department requests an extension
 * through the form drawn from the server's command table and the leader approves it
 * from 待我审批的延期申请; the office moves the deadline of a task at rung 4 and its
 * page still shows every rung with its 文号, the original deadline and the change.
 *
 * Skipped, saying why, when /usr/bin/chromium is missing outside CI; in CI it runs.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPlanTime, resolvePlanDate } from '../../src/domain/time.js';
import { ARTIFACTS, DESKTOP, open, openWorkspace, PHONE, SKIP_REASON, type Workspace } from './browser.js';
import type { Scenario } from './scenario.js';
import { seededWebRuntime, type WebRuntime } from './web-runtime.js';

if (SKIP_REASON) console.warn(`[test/web/workspace-review] skipped: ${SKIP_REASON}`);

/** ASCII punctuation touching a Chinese character: what full-width text never has. */
const HALF_WIDTH_IN_CHINESE = /[\p{Script=Han}][,;:()!?]|[,;:()!?][\p{Script=Han}]/u;

/** A plan date (YYYY-MM-DD) `days` from now in the plan's zone. */
function planDate(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    Date.now() + days * 86_400_000,
  );
}

describe.skipIf(SKIP_REASON !== null)(
  `review, extensions and the record in the workspace${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`,
  () => {
    let rt: WebRuntime;
    let s: Scenario;
    let ws: Workspace;

    beforeAll(async () => {
      ({ rt, scenario: s } = await seededWebRuntime());
      // 人事股's head, for t2.
      s.tokens['p-liu'] = await rt.tokens.issue({ kind: 'person', personId: 'p-liu' });
      ws = await openWorkspace(rt.base);
    });
    afterAll(async () => {
      await ws?.close();
      await rt?.close();
    });

    const signIn = (personId: string, viewport = DESKTOP): Promise<Page> => ws.signIn(s.tokens[personId]!, personId, { viewport });

    it('a leader sees 待我验收 after a submission, at the top of his page, and accepts it there', async () => {
      const liu = await signIn('p-liu');
      const card = liu.locator('article[data-task="t2"]');
      await card.locator('.card-actions summary').click();
      const submit = card.locator('form[data-action="task.submit"]');
      await submit.locator('textarea[name=evidence]').fill('https://example.org/rsg/t2-policy.pdf');
      await submit.locator('textarea[name=note]').fill('职称倾斜政策已印发');
      await submit.locator('button[type=submit]').click();
      await liu.waitForSelector('article[data-task="t2"][data-work="submitted"]');
      // The department waits for its leader: not overdue, not due soon, its clock stopped.
      const submitted = liu.locator('article[data-task="t2"]');
      expect(await submitted.getAttribute('data-supervision')).toBe('withReviewer');
      expect(await submitted.locator('.chip.awaiting').textContent()).toBe('待领导验收');
      expect(await submitted.textContent()).toContain('已提交验收，部门计时已停止');
      expect(await submitted.textContent()).not.toMatch(/逾期|还剩/);
      expect(await submitted.locator('.review-deadline').textContent()).toMatch(/^验收时限 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      expect(await liu.textContent('#dept-summary')).toContain('待领导验收 1');

      const li = await signIn('p-li');
      const queue = li.locator('#review-queue');
      expect(await li.locator('.page-leader > section').first().getAttribute('id')).toBe('review-queue');
      const item = queue.locator('li[data-task="t2"]');
      expect(await item.locator('.desk-title').textContent()).toBe('出台职称倾斜政策');
      expect(await item.textContent()).toContain('人事股');
      expect(await item.locator('.waited').textContent()).toMatch(/^已等待 (不足 1 分钟|\d+ 分钟)$/);
      expect(await item.locator('.review-deadline').textContent()).toMatch(
        /^验收时限：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（距验收时限还有 \d+ 天/,
      );
      // He is told, too.
      expect(await li.textContent('#inbox')).toContain('待验收：「出台职称倾斜政策」已提交');
      await li.screenshot({ path: `${ARTIFACTS}review-queue-desktop.png` });

      await item.locator('.card-actions summary').click();
      const accept = item.locator('form[data-action="task.accept"]');
      expect(await item.locator('form[data-action="task.return"] button[type=submit]').getAttribute('class')).toBe('danger');
      await accept.locator('textarea[name=note]').fill('同意验收');
      await accept.locator('button[type=submit]').click();
      await li.waitForSelector('.page[data-ready] #review-queue:not(:has(li[data-task="t2"]))');
      expect(await li.textContent('#review-queue')).toContain('没有待您验收的任务');
      const t2 = await rt.queries.task(s.planId, 't2');
      expect(t2.work).toBe('accepted');
      expect(t2.record.submissions).toMatchObject([{ onTime: true, outcome: 'accepted', reviewedBy: 'p-li' }]);
    });

    it('a department requests an extension with the generated form and the leader approves it', async () => {
      const zhang = await signIn('p-zhang');
      const card = zhang.locator('article[data-task="t1"]');
      expect(await card.locator('.card-actions summary').textContent()).toContain('申请延期');
      await card.locator('.card-actions summary').click();
      const form = card.locator('form[data-action="task.extension.request"]');
      // Drawn from the command table: its own labels, a date (or working days) and a reason.
      expect(await form.locator('.field > span').allTextContents()).toEqual(expect.arrayContaining(['申请延至', '延期理由']));
      expect(await form.locator('input[name="deadline-workingDays"]').count()).toBe(1);
      await form.locator('input[name=deadline]').fill(planDate(5));
      await form.locator('textarea[name=reason]').fill('全区监测数据尚未汇总，需延后一周');
      await form.locator('button[type=submit]').click();
      await zhang.waitForSelector('article[data-task="t1"] .extension-pending');
      expect(await zhang.textContent('article[data-task="t1"] .extension-pending')).toContain('全区监测数据尚未汇总');
      // No second request while one is pending.
      expect(await zhang.getAttribute('#task-cards article[data-task="t1"] .actions', 'data-actions')).not.toContain(
        'task.extension.request',
      );

      const li = await signIn('p-li');
      const item = li.locator('#extension-queue li[data-task="t1"]');
      expect(await item.locator('.requested-deadline').textContent()).toBe(`申请延至：${planDate(5)} 24:00`);
      expect(await item.textContent()).toContain('原因：全区监测数据尚未汇总，需延后一周');
      expect(await item.textContent()).toContain('申请人：张华');
      expect(await item.getAttribute('class')).toBe('desk-item');
      expect(await item.locator('form[data-action="task.extension.reject"] button[type=submit]').getAttribute('class')).toBe('danger');
      await li.screenshot({ path: `${ARTIFACTS}extension-queue-desktop.png` });
      const approve = item.locator('form[data-action="task.extension.approve"]');
      await approve.locator('textarea[name=note]').fill('同意延期至下周');
      await approve.locator('button[type=submit]').click();
      await expect.poll(() => li.locator('.page[data-ready] #extension-queue').count()).toBe(0);

      const t1 = await rt.queries.task(s.planId, 't1');
      expect(t1.deadlineMs).toBe(resolvePlanDate(planDate(5), 'Asia/Shanghai', 'end'));
      expect(t1.record.extensions).toMatchObject([{ outcome: 'approved', by: 'p-zhang', decidedBy: 'p-li', note: '同意延期至下周' }]);

      // The task page keeps it on the record: the request, its outcome, and the deadline it moved.
      await open(li, '#/task/t1', '.page-task[data-task="t1"]');
      const row = li.locator('#record-extensions tr[data-outcome="approved"]');
      expect(await row.textContent()).toContain('全区监测数据尚未汇总');
      expect(await row.textContent()).toContain('已批准');
      expect(await row.textContent()).toContain('同意延期至下周');
      const change = li.locator('#record-deadlines tr[data-kind="extension"]');
      expect(await change.textContent()).toContain('批准延期');
      expect(await change.locator('td').nth(4).textContent()).toBe('张华');
      expect(await change.locator('td').nth(5).textContent()).toBe('李明');
    });

    it('the task page shows the record after the office moves a deadline at rung 4', async () => {
      const before = await rt.queries.task(s.planId, 't3');
      expect(before.rung).toBe(4);
      const chen = await signIn('p-chen');
      await open(chen, '#/task/t3', '.page-task[data-task="t3"]');
      const change = chen.locator('form[data-action="task.deadline.change"]');
      await change.locator('textarea[name=reason]').fill('按局党组会议要求调整检测时间');
      await change.locator('input[name=deadline]').fill(planDate(10));
      await change.locator('button[type=submit]').click();
      await chen.waitForSelector('.page[data-ready] #task-state [data-supervision="onTrack"]');
      // A new clock: no rung now ...
      expect(await chen.locator('#task-state [data-rung]').count()).toBe(0);
      // ... and the record of the old one kept: the original deadline, the change with who and why,
      // every rung with its date and 文号, the highest rung, days overdue, 签收.
      const original = formatPlanTime(before.record.originalDeadline, 'Asia/Shanghai').slice(0, 16);
      expect(await chen.textContent('#record-original')).toBe(original);
      const moved = chen.locator('#record-deadlines tr[data-kind="office"]');
      expect(await moved.textContent()).toContain('办公室调整');
      expect(await moved.textContent()).toContain('按局党组会议要求调整检测时间');
      expect(await moved.textContent()).toContain(`${original} → ${planDate(10)} 24:00`);
      expect(await moved.locator('td').nth(4).textContent()).toBe('陈静');
      const rungs = chen.locator('#record-rungs tbody tr');
      expect(await rungs.count()).toBe(4);
      for (let n = 1; n <= 4; n++) {
        const row = chen.locator(`#record-rungs tr[data-rung="${n}"]`);
        // Not printed yet: no 文号 is issued until the notice becomes a document.
        expect(await row.locator('a.doc-number').textContent()).toBe('未编号（打印或下载时编号）');
        expect(await row.locator('td').nth(1).textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      }
      expect(await chen.textContent('#record-rungs tr[data-rung="4"]')).toContain('处理直至处分');
      expect(await chen.getAttribute('#record-highest', 'data-rung')).toBe('4');
      expect(await chen.textContent('#record-highest')).toBe('第4级 · 处理直至处分');
      expect(await chen.textContent('#record-overdue')).toMatch(/^\d+(\.\d)? 天$/);
      // Issued an hour ago with two working days to sign for it: not yet acknowledged, not late.
      expect(await chen.getAttribute('#record-ack', 'data-ack')).toBe('pending');
      expect(await chen.textContent('#record-ack')).toContain('待签收');
      expect(await chen.textContent('#record-ack')).toMatch(/签收时限 \d{4}-\d{2}-\d{2}/);
      expect(await chen.textContent('#record')).not.toMatch(HALF_WIDTH_IN_CHINESE);
      // A rung's 文号 opens its notice.
      await chen.locator('#record-rungs tr[data-rung="2"] a.doc-number').click();
      await chen.waitForSelector('.notice-doc');
      expect(await chen.textContent('.notice-doc .nd-number')).toBe('文号未设置');
      await open(chen, '#/task/t3', '.page-task[data-task="t3"]');
      await chen.locator('#record').screenshot({ path: `${ARTIFACTS}task-record-desktop.png` });
      await chen.setViewportSize(PHONE);
      await chen.screenshot({ path: `${ARTIFACTS}task-record-phone.png`, fullPage: true });

      // In English, too.
      await chen.click('#lang-toggle');
      await chen.waitForSelector('.page[data-ready] .page-task');
      expect(await chen.textContent('#record h2')).toBe('Supervision record');
      expect(await chen.textContent('#record-deadlines tr[data-kind="office"]')).toContain('moved by the office');
      expect(await chen.textContent('#record-highest')).toBe('Rung 4 · disciplinary handling');
    });

    it("draws every command's form from the table the server serves, a command it has never seen included", async () => {
      const page = await signIn('p-zhang');
      // A string, so the test runner leaves its dynamic imports to the browser.
      const drawn: {
        types: string[];
        forms: { type: string; names: string[]; button: string; danger: boolean }[];
        fields: Record<string, { fields: { name: string }[]; danger: boolean }>;
      } = await page.evaluate(`(async () => {
      const i18n = await import('/i18n.js');
      const { actionForms } = await import('/actions.js');
      const table = await (await fetch('/web-api/labels')).json();
      // A command this page has no code for, with one field of every kind.
      table.commands['task.someday'] = {
        danger: true,
        fields: ['percent', 'note', 'reason', 'deadline', 'evidence'].map((kind) => ({ name: 'f_' + kind, kind, label: { zh: '字段' + kind, en: kind } })),
      };
      table.event['task.someday'] = { zh: '将来的事项', en: 'some day' };
      i18n.setLabels(table);
      const types = Object.keys(table.commands);
      const el = actionForms({ planId: 'x' }, { id: 't1' }, types, () => undefined);
      return {
        types,
        forms: [...el.querySelectorAll('form')].map((f) => ({
          type: f.dataset.action,
          names: [...f.querySelectorAll('input, textarea')].map((i) => i.getAttribute('name')),
          button: f.querySelector('button').textContent,
          danger: f.querySelector('button').className === 'danger',
        })),
        fields: table.commands,
      };
    })()`);
      expect(drawn.forms.map((f) => f.type)).toEqual(drawn.types);
      for (const form of drawn.forms) {
        // Every field of the table has its control, under the field's own name.
        for (const f of drawn.fields[form.type]!.fields) expect(form.names).toContain(f.name);
        expect(form.danger).toBe(drawn.fields[form.type]!.danger);
      }
      const someday = drawn.forms.find((f) => f.type === 'task.someday')!;
      expect(someday.button).toBe('将来的事项');
      expect(someday.names).toEqual(['f_percent', 'f_note', 'f_reason', 'f_deadline', 'f_deadline-workingDays', 'f_evidence', 'files']);
    });

    it('raised no script errors on any page', () => {
      expect(ws.pageErrors).toEqual([]);
    });
  },
);
