/**
 * Catch-up after an outage is orderly: Duban down for several rung periods, then
 * back, climbs one rung per wake-up, each issued now with its rectification period
 * counted from now, saying it was issued late. No notice carries a deadline already past.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually, testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: 'office', org: 'default' };
const runtimes: Awaited<ReturnType<typeof testRuntime>>[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

describe('after an outage', () => {
  it('climbs one rung per wake-up, each dated when issued, with a period that starts then', async () => {
    const prefix = `o${Date.now().toString(36)}`;
    // The plan is published, then no worker runs: Duban is "down".
    const api = await testRuntime({}, prefix);
    runtimes.push(api);
    const start = Date.now();
    await api.engine.createPlan(fixturePlan({ id: 'outage', start, deadlines: { t1: 1 }, reminders: [], grace: 'PT2S' }), office, {
      publish: true,
    });
    await api.engine.taskEvent('outage', 't1', { type: 'task.acknowledge' }, { kind: 'person', personId: 'p-zhao' });
    // Down for the deadline and what would have been rungs 1 to 3.
    await new Promise((r) => setTimeout(r, 6_500));
    const back = Date.now();
    const worker = await testRuntime({ worker: true, lateAfterMs: 1_000, reconcileMs: 500 }, prefix);
    runtimes.push(worker);
    // Rung 1 comes at once; rung 2 only after its own period counted from rung 1.
    const rung1 = await eventually(async () => ((await api.queries.task('outage', 't1')).rung >= 1 ? Date.now() : null), 10_000, 50);
    expect((await api.queries.task('outage', 't1')).rung).toBe(1);
    await eventually(async () => (await api.queries.task('outage', 't1')).rung >= 3, 15_000, 100);
    const notices = (await api.queries.inbox('outage', 'p-zhao'))
      .filter((n) => n.kind === 'rectification')
      .sort((a, b) => a.createdAt - b.createdAt);
    expect(notices.map((n) => n.rung)).toEqual([1, 2, 3].slice(0, notices.length));
    const [r1, r2] = notices;
    expect(r1!.createdAt).toBeGreaterThanOrEqual(back);
    expect(r1!.createdAt).toBeLessThanOrEqual(rung1);
    expect(r1!.late).toBe(start + 1_000);
    expect(r1!.body.zh).toContain('延迟');
    expect(r2!.createdAt - r1!.createdAt).toBeGreaterThanOrEqual(2_000);
    for (const n of notices) expect(n.rectificationDeadline === null || n.rectificationDeadline > n.createdAt).toBe(true);
  });
});
