/**
 * The office's side of deliveries: channels registered with bad configuration are
 * refused with every problem by path and nothing stored; a channel answering 500 is
 * tried again with backoff, then failed with its answer; the office resends it under
 * the same id once the channel works; a sent delivery is never resent; secrets never
 * appear in an answer; a person can neither list channels nor resend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually } from '../helpers/runtime.js';
import { deliveryRuntime, oaStandIn } from './outbox-helpers.js';
import type { StandIn } from './stand-in-server.js';

const SECRET = 'oa-shared-secret-5f1c2a9e7b';
const OFFICE = { kind: 'office', name: '陈静', org: 'default' } as const;

describe('channels and deliveries for the office', () => {
  let rt: Runtime;
  let oa: StandIn;
  let office: string;
  let person: string;
  let call: ReturnType<typeof client>;

  beforeAll(async () => {
    oa = await oaStandIn(SECRET);
    rt = await deliveryRuntime();
    office = await rt.tokens.issue(OFFICE);
    call = client(rt.port!);
  });
  afterAll(async () => {
    await rt?.close();
    await oa?.close();
  });

  it('refuses a bad channel with every problem by path and stores nothing', async () => {
    const bad = await call('PUT', '/api/v1/organisations/default/channels/jjb-robot', {
      token: office,
      body: { kind: 'dingtalk', webhook: 'ftp://oapi.dingtalk.com/robot/send', secret: '' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(['secret', 'webhook']);
    const short = await call('PUT', '/api/v1/organisations/default/channels/oa', {
      token: office,
      body: { kind: 'webhook', url: `${oa.base}/notices`, secret: 'short' },
    });
    expect(short.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['secret']);
    const reserved = await call('PUT', '/api/v1/organisations/default/channels/email', {
      token: office,
      body: { kind: 'webhook', url: `${oa.base}/notices`, secret: SECRET },
    });
    expect(reserved.status).toBe(400);
    expect((await call('GET', '/api/v1/organisations/default/channels', { token: office })).json.channels).toEqual([]);
  });

  it('refuses a plan whose routes name a unit it does not have, or an empty quiet window, by path', async () => {
    const plan = fixturePlan({ id: 'bad-routes', start: Date.now() });
    await expect(
      rt.engine.createPlan(
        {
          ...plan,
          delivery: {
            routes: [{ roles: ['responsiblePerson'], units: ['nowhere'], channel: 'oa' }],
            quietHours: { from: '22:00', to: '22:00' },
          },
        },
        OFFICE,
      ),
    ).rejects.toMatchObject({
      problems: expect.arrayContaining([
        expect.objectContaining({ path: 'delivery.routes[0].units[0]' }),
        expect.objectContaining({ path: 'delivery.quietHours.to' }),
      ]),
    });
  });

  it('retries a channel answering 500 with backoff, fails it with the answer, and resends it under the same id', async () => {
    expect(
      (
        await call('PUT', '/api/v1/organisations/default/channels/oa', {
          token: office,
          body: { kind: 'webhook', url: `${oa.base}/notices`, secret: SECRET },
        })
      ).status,
    ).toBe(201);
    oa.mode = 'error500';
    const start = Date.now();
    const plan = fixturePlan({ id: 'retry', start, deadlines: { t1: 2, t2: 3600, t3: 3600 }, reminders: ['PT1S'] });
    await rt.engine.createPlan({ ...plan, delivery: { routes: [{ roles: ['responsiblePerson'], channel: 'oa' }] } }, OFFICE, {
      publish: true,
    });
    person = await rt.tokens.issue({ kind: 'person', personId: 'p-zhao' });

    const failed = await eventually(async () => {
      const r = await call('GET', '/api/v1/plans/retry/deliveries?status=failed', { token: office });
      return r.json.deliveries?.length > 0 ? r.json.deliveries : null;
    });
    const d = failed[0];
    expect(d.id).toMatch(/^t1\.[a-z0-9]+\.m1\/oa\/group$/);
    expect(d.attempts).toBe(3);
    expect(d.answer.httpStatus).toBe(500);
    expect(d.answer.raw).toContain('502 Bad Gateway');
    expect(d.reason.zh).toContain('已尝试3次仍未成功');
    const of = (list: typeof oa.received) => list.filter((r) => r.headers['idempotency-key'] === d.id);
    expect(of(oa.received)).toHaveLength(3);

    // A person of the plan sees where it went, not the channel's answer, and cannot resend or list channels.
    const seen = await call('GET', `/api/v1/plans/retry/notices/${encodeURIComponent(d.noticeId)}`, { token: person });
    expect(seen.json.deliveries[0]).toMatchObject({ channel: 'oa', status: 'failed' });
    expect(seen.json.deliveries[0].answer).toBeUndefined();
    const path = `/api/v1/plans/retry/deliveries/${encodeURIComponent(d.id)}/resend`;
    expect((await call('POST', path, { token: person })).status).toBe(403);
    expect((await call('GET', '/api/v1/organisations/default/channels', { token: person })).status).toBe(403);

    oa.mode = 'normal';
    const resent = await call('POST', path, { token: office });
    expect(resent.status).toBe(200);
    expect(resent.json).toMatchObject({ id: d.id, status: 'queued', attempts: 0 });
    const sent = await eventually(async () => {
      const n = await call('GET', `/api/v1/plans/retry/notices/${encodeURIComponent(d.noticeId)}`, { token: office });
      return n.json.deliveries[0].status === 'sent' ? n.json.deliveries[0] : null;
    });
    expect(sent).toMatchObject({ id: d.id, attempts: 1, messageId: d.id });
    expect(of(oa.accepted)).toHaveLength(1);
    expect((await call('GET', '/api/v1/plans/retry/deliveries?status=failed', { token: office })).json.deliveries).toEqual([]);

    // Sent is final: a resend is refused and nothing goes again.
    expect((await call('POST', path, { token: office })).status).toBe(409);
    expect(of(oa.received)).toHaveLength(4);

    const channels = await call('GET', '/api/v1/organisations/default/channels', { token: office });
    expect(channels.json.channels).toEqual([
      expect.objectContaining({ id: 'oa', kind: 'webhook', signed: true, last: expect.objectContaining({ status: 'sent' }) }),
    ]);
    for (const answer of [channels, seen, sent]) expect(JSON.stringify(answer)).not.toContain(SECRET);
  });

  it('fails a delivery whose channel was deleted, saying so', async () => {
    // A plan naming an unregistered channel is refused (route-check.ts): the channel goes after the plan is stored.
    const plan = fixturePlan({ id: 'gone', start: Date.now() + 1_000, deadlines: { t1: 2, t2: 3600, t3: 3600 }, reminders: ['PT1S'] });
    await rt.engine.createPlan({ ...plan, delivery: { routes: [{ roles: ['responsiblePerson'], channel: 'oa' }] } }, OFFICE);
    expect((await call('DELETE', '/api/v1/organisations/default/channels/oa', { token: office })).status).toBe(204);
    await rt.engine.planEvent('gone', { type: 'plan.publish' }, OFFICE);
    const failed = await eventually(async () => {
      const list = await rt.outbox.list('gone', { status: 'failed' });
      return list.length > 0 ? list : null;
    });
    expect(failed[0]!.reason?.zh).toContain('渠道「oa」已删除或未登记');
    expect(failed[0]!.attempts).toBe(1);
  });
});
