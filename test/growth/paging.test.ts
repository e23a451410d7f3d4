/**
 * Paged plan lists and inboxes over HTTP on a real Redis: an office and a leader page
 * through 120 plans, and the leader through an inbox of 300 notices, while new plans
 * and notices arrive between pages — newest first, every item once, none skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: '陈静', org: 'default' };
const PLANS = 120;

describe('paged plan lists and inboxes', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let call: ReturnType<typeof client>;
  let officeToken: string;
  let leaderToken: string;
  let made = 0;

  /** A new published plan: its publication sends the leader (p-wang) one notice. */
  const newPlan = async () => {
    const id = `g-${String(made++).padStart(3, '0')}`;
    await rt.engine.createPlan(fixturePlan({ id, start: Date.now() }), office, { publish: true });
    return id;
  };

  beforeAll(async () => {
    rt = await testRuntime({ api: true });
    call = client(rt.port!);
    officeToken = await rt.tokens.issue(office);
    leaderToken = await rt.tokens.issue({ kind: 'person', personId: 'p-wang' });
    for (let i = 0; i < PLANS; i++) await newPlan();
  }, 120_000);
  afterAll(async () => {
    await rt?.close();
  });

  /** Every page from the first, calling `between` after each, until nextCursor is null. */
  async function pages(path: string, token: string, between: () => Promise<unknown> = () => Promise.resolve()) {
    const seen: { id: string; createdAt?: number }[][] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await call('GET', `${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
      expect(res.status).toBe(200);
      seen.push(res.json.items);
      cursor = res.json.nextCursor;
      await between();
    } while (cursor !== null);
    return seen;
  }

  it('pages an office through its 120 plans, newest first, while plans are created between pages', async () => {
    const before = (await rt.queries.listPlans(office)).map((p) => p.id);
    expect(before).toHaveLength(PLANS);
    const added: string[] = [];
    const seen = await pages('/api/v1/plans?limit=50', officeToken, async () => added.push(await newPlan()));
    expect(seen.map((p) => p.length)).toEqual([50, 50, 20]);
    const ids = seen.flat().map((p) => p.id);
    // Exactly the plans there when paging began, once each, newest first; the new ones wait for a fresh first page.
    expect(ids).toEqual(before);
    expect(ids).toEqual([...ids].sort().reverse());
    const first = await call('GET', '/api/v1/plans?limit=5', { token: officeToken });
    expect(first.json.items.map((p: { id: string }) => p.id).slice(0, added.length)).toEqual([...added].reverse());
    // The shape of before paging stays beside the new one.
    expect(first.json.plans).toEqual(first.json.items);
  });

  it('pages a leader through the plans that name him with the default page size', async () => {
    const seen = await pages('/api/v1/plans', leaderToken);
    expect(seen[0]).toHaveLength(50);
    const ids = seen.flat().map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual((await rt.queries.listPlans({ kind: 'person', personId: 'p-wang' })).map((p) => p.id));
    // Someone named in none of them has none.
    const stranger = await rt.tokens.issue({ kind: 'person', personId: 'p-nobody' });
    expect((await call('GET', '/api/v1/plans', { token: stranger })).json.items).toEqual([]);
  });

  it('pages a 300-notice inbox, newest first, while notices arrive between pages', async () => {
    // 123+ publications so far; each advance sends the leadership another phase notice.
    const plans = (await rt.queries.listPlans(office)).map((p) => p.id);
    const inboxSize = async () =>
      (await rt.queries.personInbox({ kind: 'person', personId: 'p-wang' }, {}, { limit: 200, cursor: null })).items.length;
    expect(await inboxSize()).toBe(plans.length);
    for (let i = plans.length; i < 300; i++) {
      await rt.engine.planEvent(plans[i % plans.length]!, { type: 'plan.advance', reason: '按计划推进' }, office);
    }
    const all: { id: string; planId: string; createdAt: number }[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/api/v1/inbox?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
        token: leaderToken,
      });
      all.push(...res.json.items);
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(all.length).toBe(300);

    const arrived: string[] = [];
    const seen = await pages('/api/v1/inbox?limit=40', leaderToken, async () => {
      // A notice arrives between pages: a plan moves on to its next phase.
      // The round of advances goes on where it stopped.
      const id = plans[(300 + arrived.length) % plans.length]!;
      await rt.engine.planEvent(id, { type: 'plan.advance', reason: '按计划推进' }, office);
      arrived.push(id);
    });
    expect(seen.slice(0, -1).every((p) => p.length === 40)).toBe(true);
    const key = (n: { id: string; planId?: string }) => `${n.planId}/${n.id}`;
    const flat = seen.flat() as { id: string; planId: string; createdAt: number; planTitle: string }[];
    // The 300 that were there, in the same order, once each; none of those that arrived meanwhile.
    expect(flat.map(key)).toEqual(all.map(key));
    expect(flat.every((n, i) => i === 0 || flat[i - 1]!.createdAt >= n.createdAt)).toBe(true);
    expect(flat[0]!.planTitle).toBeTruthy();
    const fresh = await call('GET', `/api/v1/inbox?limit=${arrived.length}`, { token: leaderToken });
    expect(fresh.json.items.map((n: { planId: string }) => n.planId).sort()).toEqual([...arrived].sort());

    // One plan's notices only, and the unsigned ones only.
    const one = await call('GET', `/api/v1/inbox?plan=${plans[0]}&open=true`, { token: leaderToken });
    expect(one.json.items.length).toBeGreaterThan(0);
    expect(one.json.items.every((n: { planId: string; acknowledged: boolean }) => n.planId === plans[0] && !n.acknowledged)).toBe(true);
    expect(one.json.notices).toEqual(one.json.items);
  });

  it('refuses a bad limit or cursor with a 400 naming it', async () => {
    for (const limit of ['0', '201', 'ten', '-1', '1.5']) {
      for (const path of ['/api/v1/plans', '/api/v1/inbox']) {
        const res = await call('GET', `${path}?limit=${limit}`, { token: path.endsWith('inbox') ? leaderToken : officeToken });
        expect(res.status, `${path} limit=${limit}`).toBe(400);
        expect(res.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['limit']);
        expect(res.json.error.message).toContain('limit');
      }
    }
    const forged = Buffer.from(JSON.stringify({ s: 'x', k: [] })).toString('base64url');
    for (const cursor of ['not a cursor', 'AAAA', forged]) {
      const res = await call('GET', `/api/v1/plans?cursor=${encodeURIComponent(cursor)}`, { token: officeToken });
      expect(res.status).toBe(400);
      expect(res.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['cursor']);
    }
  });
});
