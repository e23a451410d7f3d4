/**
 * The office's workspace in a real browser (Chromium) with many plans: the plan list
 * comes a page at a time with 加载更多, and a closed plan has 归档, which asks first,
 * archives the plan, takes its card away and lists the archive for download.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { ARTIFACTS, openWorkspace, SKIP_REASON, type Workspace } from '../web/browser.js';
import { webRuntime, type WebRuntime } from '../web/web-runtime.js';

if (SKIP_REASON) console.warn(`[test/growth/workspace] skipped: ${SKIP_REASON}`);

const office: Principal = { kind: 'office', name: '陈静', org: 'default' };

describe.skipIf(SKIP_REASON !== null)(
  `the office pages its plans and archives a closed one${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`,
  () => {
    let rt: WebRuntime;
    let ws: Workspace;

    beforeAll(async () => {
      rt = await webRuntime();
      // The oldest plan is closed; 59 newer ones run, so it sits on the second page.
      await rt.engine.createPlan(fixturePlan({ id: 'closed-2025', start: Date.now() }), office, { publish: true });
      for (let i = 0; i < 4; i++) await rt.engine.planEvent('closed-2025', { type: 'plan.advance', reason: '按计划推进' }, office);
      for (let i = 0; i < 59; i++)
        await rt.engine.createPlan(fixturePlan({ id: `run-${String(i).padStart(2, '0')}`, start: Date.now() }), office);
      ws = await openWorkspace(rt.base);
    }, 90_000);
    afterAll(async () => {
      await ws?.close();
      await rt?.close();
    });

    it('shows 50 plans, loads the rest with 加载更多, and archives the closed one after asking', async () => {
      const token = await rt.tokens.issue(office);
      const page = await ws.signIn(token, 'office', { ready: '.page[data-ready] .office-home' });
      const cards = page.locator('#office-plans li.office-plan-card');
      expect(await cards.count()).toBe(50);
      expect(await page.locator('#office-plans [data-plan="closed-2025"]').count()).toBe(0);
      expect(await page.textContent('#plans-more')).toBe('加载更多');
      await page.click('#plans-more');
      await expect.poll(() => cards.count()).toBe(60);
      expect(await page.isHidden('#plans-more')).toBe(true);
      const ids = await cards.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.plan));
      expect(new Set(ids).size).toBe(60);
      // Only the closed plan can be archived.
      expect(await page.locator('#office-plans button[data-archive]').count()).toBe(1);
      await page.screenshot({ path: `${ARTIFACTS}office-plans-paged.png`, fullPage: true });

      // Declining the confirmation changes nothing.
      page.once('dialog', (d) => void d.dismiss());
      await page.click('button[data-archive="closed-2025"]');
      expect(await page.locator('#office-plans [data-plan="closed-2025"]').count()).toBe(1);
      expect(await rt.redis.zscore(rt.engine.keys.plans, 'closed-2025')).not.toBeNull();

      let asked = '';
      page.once('dialog', (d) => {
        asked = d.message();
        void d.accept();
      });
      await page.click('button[data-archive="closed-2025"]');
      await page.waitForSelector('#office-archives [data-archived="closed-2025"]');
      expect(asked).toContain('归档');
      expect(await page.locator('#office-plans [data-plan="closed-2025"]').count()).toBe(0);
      expect(await rt.redis.keys(`${rt.engine.keys.plans.slice(0, -':plans'.length)}:{closed-2025}*`)).toEqual([]);
      const download = page.waitForEvent('download');
      await page.click('#office-archives button[data-download="closed-2025"]');
      expect((await download).suggestedFilename()).toBe('closed-2025-archive.json');
      await page.screenshot({ path: `${ARTIFACTS}office-archived.png`, fullPage: true });
    });

    it('lists archives a page at a time too, with their own 加载更多', async () => {
      const token = await rt.tokens.issue(office);
      for (let i = 0; i < 51; i++) {
        const id = `old-${String(i).padStart(2, '0')}`;
        await rt.engine.createPlan(fixturePlan({ id, start: Date.now() }), office, { publish: true });
        for (let k = 0; k < 4; k++) await rt.engine.planEvent(id, { type: 'plan.advance', reason: '按计划推进' }, office);
        const res = await fetch(`${rt.base}/api/v1/plans/${id}/archive`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
        expect(res.status).toBe(201);
      }
      const page = await ws.signIn(token, 'office', { ready: '.page[data-ready] .office-home' });
      const items = page.locator('#office-archives [data-archived]');
      expect(await items.count()).toBe(50);
      await page.click('#archives-more');
      // The 51 just archived and the one of the test before: every archive once.
      await expect.poll(() => items.count()).toBe(52);
      expect(await page.isHidden('#archives-more')).toBe(true);
      const ids = await items.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.archived));
      expect(new Set(ids).size).toBe(52);
    }, 90_000);
  },
);
