/**
 * The holiday calendar keeps up: a year without a State Council notice is named as a
 * warning (not an error) when a plan reaches it, on validation and on the plan's page;
 * an admin loads a year's notice as data over HTTP (validated: every problem by path,
 * nothing stored), it is on the record, and working-day arithmetic uses it from then on
 * — in a process that read it before too, once its short cache has passed.
 *
 * The 2028 days below are test data shaped like a notice, not an official schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarYears } from '../../src/calendar/loaded-years.js';
import { noTimers } from '../../src/engine/scheduler.js';
import { CHINA_MAINLAND, isOfficialYear, shiftWorkingDays, unsetCalendarYear } from '../../src/calendar/working-days.js';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const NOTICE_2028 = {
  holidays: [
    ['2028-01-01', '2028-01-03', '元旦'],
    ['2028-01-25', '2028-02-02', '春节'],
  ],
  workdays: [['2028-01-22', '春节'], '2028-02-05'],
  source: '测试用：2028年部分节假日安排（非官方）',
};

describe('holiday years loaded without a release', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let call: ReturnType<typeof client>;
  let admin: string;
  let office: string;
  const plan = fixturePlan({
    id: 'cal-2028',
    start: Date.parse('2027-09-01T00:00:00+08:00'),
    phases: [0, 86_400 * 100, 86_400 * 200, 86_400 * 300, 86_400 * 400],
  });

  beforeAll(async () => {
    rt = await testRuntime({ api: true });
    call = client(rt.port!);
    admin = await rt.tokens.issue({ kind: 'admin' });
    office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
  });
  afterAll(() => rt.close());

  it('validating a plan that reaches years without official data warns, naming each year, and still accepts it', async () => {
    const res = await call('POST', '/api/v1/calendar-check', { token: office, body: plan });
    expect(res.status).toBe(200);
    expect(res.json.valid).toBe(true);
    const years = res.json.warnings.map((w: { year: number }) => w.year);
    expect(years).toEqual([2027, 2028]);
    expect(res.json.warnings[0].message).toContain('2027年的法定节假日安排');
    expect(res.json.warnings[0].message).toContain('no official holiday notice for 2027');
    // A bad plan is still refused as creating it would be.
    expect((await call('POST', '/api/v1/calendar-check', { token: office, body: { ...plan, tasks: [] } })).status).toBe(400);
  });

  it("the plan's page says which of its years are estimated", async () => {
    expect((await call('POST', '/api/v1/plans', { token: office, body: plan })).status).toBe(201);
    const res = await call('GET', '/api/v1/plans/cal-2028/calendar', { token: office });
    expect(res.status).toBe(200);
    expect(res.json.years).toEqual([
      { year: 2027, official: false },
      { year: 2028, official: false },
    ]);
    expect(res.json.warnings.map((w: { year: number }) => w.year)).toEqual([2027, 2028]);
  });

  it('only an admin loads a year; a bad notice is refused with every problem by path and nothing is stored', async () => {
    const byOffice = await call('PUT', '/api/v1/calendars/cn-mainland/years/2028', { token: office, body: NOTICE_2028 });
    expect(byOffice.status).toBe(403);
    expect(byOffice.json.error.message).toContain('管理员');
    const bad = await call('PUT', '/api/v1/calendars/cn-mainland/years/2028', {
      token: admin,
      body: {
        holidays: [
          ['2028-02-02', '2028-01-25', '春节'],
          ['2027-05-01', '2027-05-03', '劳动节'],
        ],
        workdays: ['2028-01-26', '2028-02-30'],
      },
    });
    expect(bad.status).toBe(400);
    const paths = bad.json.error.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['workdays[1]']));
    const semantic = await call('PUT', '/api/v1/calendars/cn-mainland/years/2028', {
      token: admin,
      body: {
        holidays: [
          ['2028-02-02', '2028-01-25', '春节'],
          ['2027-05-01', '2027-05-03', '劳动节'],
        ],
        workdays: ['2028-01-26'],
      },
    });
    expect(semantic.status).toBe(400);
    expect(semantic.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['holidays[0][1]', 'holidays[1][1]', 'workdays[0]']);
    const builtIn = await call('PUT', '/api/v1/calendars/cn-mainland/years/2026', { token: admin, body: NOTICE_2028 });
    expect(builtIn.status).toBe(400);
    expect(builtIn.json.error.problems[0].path).toBe('year');
    expect(isOfficialYear(2028)).toBe(false);
    expect((await call('GET', '/api/v1/calendars/cn-mainland/log', { token: admin })).json.log).toEqual([]);
  });

  it('a loaded year is used by working-day arithmetic at once, recorded, and the warning for it goes', async () => {
    // Before: 2028-01-24 (Monday) + 1 working day is Tuesday the 25th, weekends-only.
    expect(shiftWorkingDays('2028-01-24', 1)).toEqual({ date: '2028-01-25', official: false, estimatedYears: [2028] });
    const res = await call('PUT', '/api/v1/calendars/cn-mainland/years/2028', { token: admin, body: NOTICE_2028 });
    expect(res.status).toBe(201);
    // 春节 25 Jan – 2 Feb off; 5 Feb (Saturday) worked.
    expect(shiftWorkingDays('2028-01-24', 1)).toEqual({ date: '2028-02-03', official: true, estimatedYears: [] });
    expect(shiftWorkingDays('2028-02-04', 1).date).toBe('2028-02-05');
    const log = (await call('GET', '/api/v1/calendars/cn-mainland/log', { token: admin })).json.log;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ event: 'calendar.year.loaded', by: 'admin', year: 2028 });
    expect(log[0].hash).toMatch(/^[0-9a-f]{40}$/);
    const years = (await call('GET', '/api/v1/calendars/cn-mainland/years', { token: office })).json.years;
    expect(years.find((y: { year: number }) => y.year === 2028)).toMatchObject({
      builtIn: false,
      loadedBy: 'admin',
      source: NOTICE_2028.source,
    });
    const page = (await call('GET', '/api/v1/plans/cal-2028/calendar', { token: office })).json;
    expect(page.warnings.map((w: { year: number }) => w.year)).toEqual([2027]);
  });

  it('another process reads the loaded year through from Redis once its short cache has passed', async () => {
    // This process forgets it, as a process started elsewhere never had it.
    unsetCalendarYear(CHINA_MAINLAND, 2028);
    expect(isOfficialYear(2028)).toBe(false);
    const other = new CalendarYears(rt.redis, rt.prefix, 0);
    await other.fresh();
    expect(isOfficialYear(2028)).toBe(true);
    expect(shiftWorkingDays('2028-01-24', 1).date).toBe('2028-02-03');
  });

  it('the engine reads loaded years through before it counts working days', async () => {
    unsetCalendarYear(CHINA_MAINLAND, 2028);
    const engine = new (await import('../../src/engine/engine.js')).Engine({
      redis: rt.redis,
      prefix: rt.prefix,
      scheduler: noTimers,
      calendarTtlMs: 0,
    });
    await engine.reconcile();
    expect(isOfficialYear(2028)).toBe(true);
  });
});
