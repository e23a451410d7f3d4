/**
 * A department head's landing page in the browser: 孙丽 heads 教研教培中心 and leads no
 * task, so she lands on #/dept; t3 went overdue and its first 整改通知书 waits in her
 * inbox card there. She acknowledges it in place, opens it, downloads it as Word (the
 * .docx carries the office's 文号), and subscribes her phone's calendar.
 */
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually } from '../helpers/runtime.js';
import { ARTIFACTS, openWorkspace, SKIP_REASON, type Workspace } from './browser.js';
import { webRuntime, type WebRuntime } from './web-runtime.js';

if (SKIP_REASON) console.warn(`[test/web/inbox] skipped: ${SKIP_REASON}`);

describe.skipIf(SKIP_REASON !== null)(`a department head's inbox${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let rt: WebRuntime;
  let ws: Workspace;
  const planId = 'inbox-2026';

  beforeAll(async () => {
    rt = await webRuntime({ worker: true });
    const plan = fixturePlan({ id: planId, start: Date.now(), deadlines: { t3: 2 }, reminders: ['PT1S'], grace: 'PT1H' });
    // 孙丽 is a department head here, not in the leadership group.
    plan.leadershipGroup = { ...plan.leadershipGroup, members: [] };
    await rt.engine.createPlan(plan, { kind: 'office', name: '陈静', org: 'default' }, { publish: true });
    const office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    expect(
      (await client(rt.port!)('PUT', '/api/v1/organisations/default/doc-series', { token: office, body: { prefix: 'X教督' } })).status,
    ).toBe(200);
    await eventually(async () => (await rt.queries.task(planId, 't3')).rung === 1, 20_000);
    ws = await openWorkspace(rt.base);
  }, 40_000);
  afterAll(async () => {
    await ws?.close();
    await rt?.close();
  });

  it('lands on #/dept with the rung notice in the inbox card, acknowledges it, downloads it as Word', async () => {
    const token = await rt.tokens.issue({ kind: 'person', personId: 'p-sun' });
    const page = await ws.signIn(token, 'p-sun', { ready: '.page[data-ready] #inbox' });
    expect(new URL(page.url()).hash).toBe('#/dept');
    const item = page.locator('#inbox li.kind-rectification');
    expect(await item.count()).toBe(1);
    expect(await item.textContent()).toContain('第一次整改通知书');
    expect(await page.textContent('#inbox h2')).toContain('待签收通知');
    await page.screenshot({ path: `${ARTIFACTS}dept-inbox.png`, fullPage: true });

    await item.locator('button[data-ack]').click();
    await page.waitForSelector('#inbox li.kind-rectification.acked');
    expect(await item.textContent()).toContain('已签收');
    const noticeId = (await item.getAttribute('data-notice'))!;
    const notice = await rt.queries.notice(planId, noticeId);
    expect(notice.acknowledgements['p-sun']).toBeGreaterThan(0);

    // The notice's page: 下载 Word gives the .docx, numbered like the page.
    await item.locator('a').click();
    await page.waitForSelector('.notice-doc .nd-number');
    const year = DateTime.now().setZone('Asia/Shanghai').year;
    expect(await page.textContent('.notice-doc .nd-number')).toBe(`X教督〔${year}〕1号`);
    expect(await page.textContent('#notice-docx')).toBe('下载 Word');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#notice-docx')]);
    expect(download.suggestedFilename()).toBe(`X教督〔${year}〕1号.docx`);
    const xml = strFromU8(unzipSync(new Uint8Array(readFileSync(await download.path())))['word/document.xml']!);
    expect(xml).toContain(`X教督〔${year}〕1号`);
    expect(xml).toContain('第一次整改通知书');
    expect(ws.pageErrors).toEqual([]);
  });

  it('gives her a calendar feed link once, which a calendar app can read', async () => {
    const token = await rt.tokens.issue({ kind: 'person', personId: 'p-sun' });
    const page = await ws.signIn(token, 'p-sun-calendar', { ready: '.page[data-ready] #inbox' });
    await page.click('#calendar-feed-make');
    await page.waitForSelector('#calendar-feed-link');
    const url = await page.inputValue('#calendar-feed-link');
    expect(url).toMatch(/\/calendar\/cal_[A-Za-z0-9_-]+\.ics$/);
    const ics = await (await fetch(url)).text();
    expect(ics.replace(/\r\n /g, '')).toContain('SUMMARY:整改时限（第1级）：组织统一质量检测');
    await page.waitForSelector('#calendar-feed-revoke:not([hidden])');
    page.once('dialog', (d) => void d.accept());
    await page.click('#calendar-feed-revoke');
    await eventually(async () => (await fetch(url)).status === 404, 5_000);
    expect(ws.pageErrors).toEqual([]);
  });
});
