/**
 * The live calendar over HTTP, on a plan run by a real worker: t3 is overdue at rung 1
 * with an hour to rectify, t1 is submitted to its leader. Each person's secret URL
 * answers text/calendar with their own deadlines only; rotating kills the old URL,
 * revoking kills the feed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually } from '../helpers/runtime.js';
import { webRuntime, type WebRuntime } from '../web/web-runtime.js';

/** The feed's events as SUMMARY lines, unfolded. */
const summaries = (ics: string) =>
  ics
    .replace(/\r\n /g, '')
    .split('\r\n')
    .filter((l) => l.startsWith('SUMMARY:'))
    .map((l) => l.slice(8));

describe('a person’s calendar feed', () => {
  let rt: WebRuntime;
  let call: ReturnType<typeof client>;
  const token: Record<string, string> = {};
  const planId = 'cal-2026';

  beforeAll(async () => {
    rt = await webRuntime({ worker: true });
    call = client(rt.port!);
    const plan = fixturePlan({
      id: planId,
      start: Date.now(),
      deadlines: { t1: 3600, t2: 3600, t3: 2 },
      reminders: ['PT1S'],
      grace: 'PT1H',
    });
    await rt.engine.createPlan(plan, { kind: 'office', name: '陈静', org: 'default' }, { publish: true });
    for (const id of ['p-sun', 'p-zhao', 'p-li']) token[id] = await rt.tokens.issue({ kind: 'person', personId: id });
    token.office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    await rt.engine.taskEvent(
      planId,
      't1',
      { type: 'task.submit', evidence: ['https://example.org/t1.pdf'], note: '' },
      {
        kind: 'person',
        personId: 'p-zhao',
      },
    );
    await eventually(async () => (await rt.queries.task(planId, 't3')).rung === 1, 20_000);
  }, 40_000);
  afterAll(() => rt?.close());

  const feed = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };

  it('gives a signed-in person a secret URL that answers their deadlines and rectification deadline, nobody else’s', async () => {
    const created = await call('POST', '/api/v1/calendar-feed', { token: token['p-sun'] });
    expect(created.status).toBe(201);
    expect(created.json.url).toMatch(new RegExp(`^${rt.base}/calendar/cal_[A-Za-z0-9_-]+\\.ics$`));
    const got = await feed(created.json.url);
    expect(got.status).toBe(200);
    expect(got.type).toContain('text/calendar');
    expect(got.text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(summaries(got.text).sort()).toEqual(['完成时限：组织统一质量检测', '整改时限（第1级）：组织统一质量检测']);
    // The status says there is a feed, never its URL.
    const status = await call('GET', '/api/v1/calendar-feed', { token: token['p-sun'] });
    expect(status.json).toMatchObject({ active: true });
    expect(JSON.stringify(status.json)).not.toContain('cal_');
  });

  it('moves a submitted task from its department’s calendar to its reviewer’s, as a review deadline', async () => {
    const zhao = await feed((await call('POST', '/api/v1/calendar-feed', { token: token['p-zhao'] })).json.url);
    expect(summaries(zhao.text)).toEqual([]);
    const li = await feed((await call('POST', '/api/v1/calendar-feed', { token: token['p-li'] })).json.url);
    expect(summaries(li.text)).toEqual(['验收时限：制定质量监测实施方案']);
  });

  it('rotates: the old URL answers 404 at once, the new one works', async () => {
    const old = (await call('POST', '/api/v1/calendar-feed', { token: token['p-sun'] })).json.url;
    const rotated = (await call('POST', '/api/v1/calendar-feed', { token: token['p-sun'] })).json.url;
    expect(rotated).not.toBe(old);
    const gone = await feed(old);
    expect(gone.status).toBe(404);
    expect(gone.text).toContain('链接已更换或已撤销');
    expect((await feed(rotated)).status).toBe(200);
  });

  it('revokes: the URL answers 404 and the person has no feed', async () => {
    const url = (await call('POST', '/api/v1/calendar-feed', { token: token['p-sun'] })).json.url;
    expect((await call('DELETE', '/api/v1/calendar-feed', { token: token['p-sun'] })).status).toBe(204);
    expect((await feed(url)).status).toBe(404);
    expect((await call('GET', '/api/v1/calendar-feed', { token: token['p-sun'] })).json).toMatchObject({ active: false });
    expect((await call('DELETE', '/api/v1/calendar-feed', { token: token['p-sun'] })).status).toBe(404);
    expect((await feed(`${rt.base}/calendar/not-a-secret.ics`)).status).toBe(404);
  });

  it('is for people only: an office is told so, a caller not signed in gets 401', async () => {
    const office = await call('POST', '/api/v1/calendar-feed', { token: token.office });
    expect(office.status).toBe(400);
    expect(office.json.error.message).toContain('日历订阅属于个人');
    expect((await call('POST', '/api/v1/calendar-feed')).status).toBe(401);
  });
});
