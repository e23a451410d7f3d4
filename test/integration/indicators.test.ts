/**
 * Indicators (指标) on real Redis through the HTTP API, on the test's clock: the
 * reporting department reports values with evidence, everyone reads them against the
 * path with a colour; only that department reports; bad values are refused with every
 * problem and nothing stored; a three-year path that falls behind gives its off-path
 * notice once at the year's end however often (or concurrently) the sweep runs, then
 * climbs the ladder one rung per grace period, up the chain, and stops once back on path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { client } from '../helpers/http.js';
import { coverageGoal, indicatorPlan } from '../helpers/indicator-plan.js';
import { testRuntime } from '../helpers/runtime.js';

const DAY = 86_400_000;
const at = (text: string) => Date.parse(text);

function threeYearPlan(start: number): PlanDefinitionInput {
  const g1 = coverageGoal(2026);
  return indicatorPlan('zb', start, [
    { ...g1, path: [...g1.path!, { year: 2027, value: 100 }], cadence: 'semester' },
    { id: 'g2', title: '大班额比例', target: 5, comparison: '<=', unit: '%', due: '2026-08-31' },
  ]);
}

describe('indicators', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let call: ReturnType<typeof client>;
  let now = at('2025-03-01T09:00:00+08:00');
  const tok: Record<string, string> = {};
  let office: string;
  const list = async (who = 'p-wang') => (await call('GET', '/api/v1/plans/zb/indicators', { token: tok[who] })).json;
  const g1 = async (who = 'p-wang') => (await list(who)).indicators.find((i: { id: string }) => i.id === 'g1');
  const report = (who: string, body: unknown) => call('POST', '/api/v1/plans/zb/indicators/g1/values', { token: tok[who], body });
  const offPathNotices = async (person: string) =>
    (await rt.queries.inbox('zb', person)).filter((n) => n.kind === 'indicatorOffPath').map((n) => ({ id: n.id, rung: n.rung }));

  beforeAll(async () => {
    rt = await testRuntime({ api: true, now: () => now });
    call = client(rt.port!);
    office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    for (const p of ['p-zhang', 'p-zhao', 'p-liu', 'p-li', 'p-wang']) tok[p] = await rt.tokens.issue({ kind: 'person', personId: p });
    const created = await call('POST', '/api/v1/plans?publish=true', { token: office, body: threeYearPlan(now) });
    expect(created.status).toBe(201);
  });
  afterAll(() => rt.close());

  it('refuses a plan whose indicator names a unit or leader it does not have, by path', async () => {
    const bad = threeYearPlan(now);
    bad.id = 'zb-bad';
    bad.goals![0]!.department = 'nowhere';
    bad.goals![0]!.leader = 'p-nobody';
    const res = await call('POST', '/api/v1/plans', { token: office, body: bad });
    expect(res.status).toBe(400);
    const paths = res.json.error.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['goals[0].department', 'goals[0].leader']));
  });

  it('lists each indicator with its department, leader, path and, before any report, green with nothing expected of the value', async () => {
    const ind = await g1();
    expect(ind.department).toEqual({ id: 'jjb', name: '基础教育办公室' });
    expect(ind.leader).toEqual({ id: 'p-li', name: '李明' });
    expect(ind.path.map((p: { key: string }) => p.key)).toEqual(['base', 'y2025', 'y2026', 'due']);
    expect(ind.latest).toBeNull();
    expect(ind.status).toBe('green');
    // g2 reports default to the office's unit and the group leader.
    const g2 = (await list()).indicators.find((i: { id: string }) => i.id === 'g2');
    expect(g2.department.id).toBe('bgs');
    expect(g2.leader.id).toBe('p-wang');
  });

  it('the department head reports a value with evidence: it is on the record with who and when, and judged against the path at its date', async () => {
    now = at('2025-07-01T10:00:00+08:00');
    const res = await report('p-zhang', {
      value: 52,
      asOf: '2025-06-30',
      evidence: ['https://example.org/survey.pdf'],
      note: '上半年抽样',
    });
    expect(res.status).toBe(201);
    expect(res.json.indicator.latest).toMatchObject({
      value: 52,
      by: 'p-zhang',
      evidence: ['https://example.org/survey.pdf'],
      note: '上半年抽样',
    });
    const ind = await g1('p-li');
    // 40 at the end of 2024 → 60 at the end of 2025: about 49.9 on 30 June.
    expect(ind.expectedAtLatest).toBeGreaterThan(49);
    expect(ind.expectedAtLatest).toBeLessThan(51);
    expect(ind.status).toBe('green');
    const history = (await call('GET', '/api/v1/plans/zb/indicators/g1/history', { token: tok['p-li'] })).json.history;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ event: 'indicator.reported', by: 'p-zhang', to: 52 });
    expect(history[0].hash).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a person of the department may report; nobody outside it may, the office and leaders included (403 naming the rule)', async () => {
    expect((await report('p-zhao', { value: 53, asOf: '2025-06-30' })).status).toBe(201);
    for (const who of ['p-liu', 'p-li', 'p-wang']) {
      const res = await report(who, { value: 99, asOf: '2025-06-30' });
      expect(res.status).toBe(403);
      expect(res.json.error.message).toContain('报送部门');
    }
    const byOffice = await call('POST', '/api/v1/plans/zb/indicators/g1/values', {
      token: office,
      body: { value: 99, asOf: '2025-06-30' },
    });
    expect(byOffice.status).toBe(403);
    expect((await g1()).values).toHaveLength(2);
  });

  it('bad values are refused with every problem by path, and nothing is stored', async () => {
    const res = await report('p-zhang', { value: '七十', asOf: '2025-13-01', evidence: ['not a link'], extra: 1 });
    expect(res.status).toBe(400);
    const paths = res.json.error.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['value', 'asOf', 'evidence[0]', 'extra']));
    const future = await report('p-zhang', { value: 70, asOf: '2025-12-31' });
    expect(future.status).toBe(400);
    expect(future.json.error.problems[0].path).toBe('asOf');
    expect((await g1()).values).toHaveLength(2);
  });

  it('a little behind its path is yellow', async () => {
    now = at('2025-10-16T10:00:00+08:00');
    expect((await report('p-zhang', { value: 54, asOf: '2025-10-15' })).status).toBe(201);
    const ind = await g1();
    expect(ind.status).toBe('yellow');
    expect(ind.reasons).toContain('behind');
  });

  it('off its path at the year’s end: red, one notice to its department head and leader however often the sweep runs, then up the ladder', async () => {
    now = at('2026-01-02T09:00:00+08:00');
    const ind = await g1();
    expect(ind.status).toBe('red');
    expect(ind.reasons).toContain('offPathAtCheckpoint');

    await Promise.all([rt.engine.indicators.sweep(), rt.engine.indicators.sweep(), rt.engine.indicators.sweepPlan('zb')]);
    await rt.engine.indicators.sweep();
    expect(await offPathNotices('p-zhang')).toEqual([{ id: 'goal.g1.y2025.r1', rung: 1 }]);
    expect(await offPathNotices('p-li')).toEqual([{ id: 'goal.g1.y2025.r1', rung: 1 }]);
    expect(await offPathNotices('p-wang')).toEqual([]);
    const notice = (await rt.queries.inbox('zb', 'p-li')).find((n) => n.id === 'goal.g1.y2025.r1')!;
    expect(notice.title.zh).toContain('指标偏离进度');
    expect(notice.body.zh).toContain('应达到 60%');
    expect(notice.body.zh).toContain('54%');

    // Within the rung's grace (P7D) nothing more.
    now += 3 * DAY;
    await rt.engine.indicators.sweep();
    expect(await offPathNotices('p-zhang')).toHaveLength(1);

    // Past it, still off path: rung 2, once.
    now += 5 * DAY;
    await Promise.all([rt.engine.indicators.sweep(), rt.engine.indicators.sweep()]);
    expect((await offPathNotices('p-zhang')).map((n) => n.rung).sort()).toEqual([1, 2]);

    // Rung 3 reaches the group leader (组长).
    now += 8 * DAY;
    await rt.engine.indicators.sweep();
    await rt.engine.indicators.sweep();
    expect(await offPathNotices('p-wang')).toEqual([{ id: 'goal.g1.y2025.r3', rung: 3 }]);
    expect((await g1()).checkpoints.find((c: { key: string }) => c.key === 'y2025').rung).toBe(3);
  });

  it('back on its path, the ladder stops and the colour is green', async () => {
    expect((await report('p-zhang', { value: 66, asOf: '2026-01-15' })).status).toBe(201);
    now += 30 * DAY;
    await rt.engine.indicators.sweep();
    expect((await offPathNotices('p-wang')).map((n) => n.rung)).toEqual([3]);
    const ind = await g1();
    expect(ind.status).toBe('green');
    const history = (await call('GET', '/api/v1/plans/zb/indicators/g1/history', { token: tok['p-wang'] })).json.history;
    expect(history.filter((h: { event: string }) => h.event === 'indicator.offPath').map((h: { to: number }) => h.to)).toEqual([1, 2, 3]);
  });

  it('a person outside the plan reads nothing of its indicators', async () => {
    const stranger = await rt.tokens.issue({ kind: 'person', personId: 'p-stranger' });
    expect((await call('GET', '/api/v1/plans/zb/indicators', { token: stranger })).status).toBe(403);
  });
});
