/**
 * A plan on second-scale time routes its notices to a department's DingTalk robot
 * (signed), the leaders' WeCom robot and the leaders' email (a real SMTP server), and
 * runs to rung 3 during quiet hours (22:00–07:00 in Shanghai, rungs allowed through).
 * Every notice arrives exactly once per configured channel with a valid signature; the
 * reminder is held until 07:00 while the rungs go at once.
 *
 * The clock: the runtime's clock is shifted so the plan starts at 06:59:50 in Shanghai;
 * everything (timers, notices, quiet hours) runs on that clock, so the window's end is
 * ten seconds after the start whatever the real time.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import type { Runtime } from '../../src/runtime.js';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually } from '../helpers/runtime.js';
import { parsePrometheus, total } from '../infra/prom-text.js';
import { dingTalkStandIn, deliveryRuntime, setContacts, startMailbox, weComStandIn, type Mailbox } from './outbox-helpers.js';
import type { StandIn } from './stand-in-server.js';

const SECRET = 'SEC0123456789abcdef0123456789abcdef';
const WECOM_KEY = 'wecom-key-693a91f6';
const OFFICE = { kind: 'office', name: '陈静', org: 'default' } as const;

describe('notices that reach people', () => {
  let rt: Runtime;
  let mail: Mailbox;
  let ding: StandIn;
  let wecom: StandIn;
  let office: string;
  const start = DateTime.fromISO('2026-12-09T06:59:50', { zone: 'Asia/Shanghai' }).toMillis();
  const offset = start - Date.now();
  const now = () => Date.now() + offset;
  const MORNING = DateTime.fromISO('2026-12-09T07:00:00', { zone: 'Asia/Shanghai' }).toMillis();

  beforeAll(async () => {
    [mail, ding, wecom] = await Promise.all([startMailbox(), dingTalkStandIn(SECRET), weComStandIn(WECOM_KEY)]);
    rt = await deliveryRuntime({
      now,
      delivery: { smtpUrl: `smtp://127.0.0.1:${mail.port}`, mailFrom: '青溪区教育局督办系统 <duban@jy.example.gov.cn>' },
    });
    office = await rt.tokens.issue(OFFICE);
  });
  afterAll(async () => {
    await rt?.close();
    await Promise.all([mail?.close(), ding?.close(), wecom?.close()]);
  });

  it('delivers every notice once per configured channel, signed, and holds the reminder until the quiet hours end', async () => {
    const call = client(rt.port!);
    expect(
      (
        await call('PUT', '/api/v1/organisations/default/channels/jjb-robot', {
          token: office,
          body: { kind: 'dingtalk', name: '基教办钉钉群', webhook: `${ding.base}/robot/send?access_token=tok-jjb`, secret: SECRET },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call('PUT', '/api/v1/organisations/default/channels/leaders', {
          token: office,
          body: { kind: 'wecom', webhook: `${wecom.base}/cgi-bin/webhook/send?key=${WECOM_KEY}` },
        })
      ).status,
    ).toBe(201);

    const base = fixturePlan({ id: 'reach', start: now(), deadlines: { t1: 4, t2: 3600, t3: 3600 }, reminders: ['PT2S'] });
    const plan: PlanDefinitionInput = {
      ...base,
      escalation: { ...base.escalation!, rungs: base.escalation!.rungs.slice(0, 3) },
      delivery: {
        routes: [
          { roles: ['responsiblePerson', 'departmentHead'], units: ['jjb'], channel: 'jjb-robot' },
          { roles: ['responsibleLeader', 'groupLeader'], channel: 'leaders' },
          { roles: ['responsibleLeader', 'groupLeader'], channel: 'email' },
        ],
        quietHours: { from: '22:00', to: '07:00', allowRungs: true },
      },
    };
    await rt.engine.createPlan(plan, OFFICE);
    await setContacts(rt, 'p-zhao', { phone: '13800000001' });
    await setContacts(rt, 'p-zhang', { phone: '13800000002' });
    await setContacts(rt, 'p-li', { email: 'liming@jy.example.gov.cn', phone: '13800000003' });
    await setContacts(rt, 'p-wang', { email: 'wangjg@jy.example.gov.cn' });
    await rt.engine.planEvent('reach', { type: 'plan.publish' }, OFFICE);

    // Rung 3 is the last; wait until every delivery recorded is settled and the reminder has gone.
    const settled = await eventually(
      async () => {
        const all = await rt.outbox.list('reach');
        const r3 = all.some((d) => d.noticeId.endsWith('.r3'));
        return r3 && all.every((d) => d.status === 'sent') ? all : null;
      },
      40_000,
      200,
    );

    // What the routes say: rung 1 to the department's robot; rungs 2 and 3 also to the leaders' robot and mail.
    const ids = (suffix: string) =>
      settled
        .filter((d) => d.noticeId.startsWith('t1.') && d.noticeId.endsWith(suffix))
        .map((d) => `${d.channel}/${d.who}`)
        .sort();
    expect(ids('.m1')).toEqual(['jjb-robot/group']);
    expect(ids('.r1')).toEqual(['jjb-robot/group']);
    expect(ids('.r2')).toEqual(['email/p-li', 'jjb-robot/group', 'leaders/group']);
    expect(ids('.r3')).toEqual(['email/p-li', 'email/p-wang', 'jjb-robot/group', 'leaders/group']);

    // Exactly once per channel: one accepted robot message per robot delivery, one mail per mail delivery.
    const count = (channel: string) => settled.filter((d) => d.channel === channel).length;
    expect(ding.accepted).toHaveLength(count('jjb-robot'));
    expect(ding.received).toHaveLength(count('jjb-robot')); // every one signed right the first time
    expect(wecom.accepted).toHaveLength(count('leaders'));
    const mailed = mail.mails.map((m) => m.headers['x-duban-delivery']);
    expect(mailed.sort()).toEqual(
      settled
        .filter((d) => d.channel === 'email')
        .map((d) => d.id)
        .sort(),
    );
    expect(mail.mails.find((m) => m.headers['x-duban-delivery']?.endsWith('/email/p-wang'))?.to).toEqual(['wangjg@jy.example.gov.cn']);

    // The department's robot @-s its own people by mobile, and names them once.
    const r1 = ding.accepted.map((r) => JSON.parse(r.body) as { markdown: { title: string; text: string }; at: { atMobiles: string[] } });
    const rung1 = r1.find((m) => m.markdown.title.includes('第一次整改通知书'))!;
    expect(rung1.at.atMobiles.sort()).toEqual(['13800000001', '13800000002']);

    // Quiet hours: the reminder waited for 07:00; rung 1 went at once, before it.
    const m1 = settled.find((d) => d.noticeId.endsWith('.m1'))!;
    const rung1Delivery = settled.find((d) => d.noticeId.endsWith('.r1') && d.channel === 'jjb-robot')!;
    expect(m1.notBefore).toBe(MORNING);
    expect(m1.sentAt!).toBeGreaterThanOrEqual(MORNING);
    expect(rung1Delivery.sentAt!).toBeLessThan(MORNING);
    const order = r1.map((m) => (m.markdown.title.includes('整改通知书') ? 'rung' : 'reminder'));
    expect(order.indexOf('reminder')).toBeGreaterThan(order.indexOf('rung'));

    // The notice's page says where and when it went.
    const notice = await call('GET', `/api/v1/plans/reach/notices/${encodeURIComponent(rung1Delivery.noticeId)}`, { token: office });
    expect(notice.status).toBe(200);
    expect(notice.json.deliveries).toEqual([
      expect.objectContaining({ channel: 'jjb-robot', status: 'sent', attempts: 1, sentAt: rung1Delivery.sentAt }),
    ]);
    expect(notice.json.deliveries[0].addressees.map((a: { name: string }) => a.name)).toEqual(['赵小红', '张华']);

    // Secrets stay on the server: not in the channel list, the notice, or the delivery list.
    const listed = await call('GET', '/api/v1/organisations/default/channels', { token: office });
    expect(
      listed.json.channels.map((c: { id: string; signed: boolean; last: { status: string } }) => [c.id, c.signed, c.last.status]),
    ).toEqual([
      ['jjb-robot', true, 'sent'],
      ['leaders', false, 'sent'],
    ]);
    const deliveries = await call('GET', '/api/v1/plans/reach/deliveries', { token: office });
    for (const answer of [listed, notice, deliveries]) {
      const text = JSON.stringify(answer.json);
      for (const secret of [SECRET, WECOM_KEY, 'tok-jjb']) expect(text).not.toContain(secret);
    }

    // /metrics counts every delivery once, by the channel's kind: all sent, none retried or failed.
    const m = await eventually(async () => {
      const scrape = parsePrometheus(await rt.metrics.render());
      return total(scrape, 'duban_deliveries_total', { outcome: 'sent' }) === settled.length ? scrape : null;
    }, 5_000);
    expect(total(m, 'duban_deliveries_total', { channel: 'dingtalk', outcome: 'sent' })).toBe(count('jjb-robot'));
    expect(total(m, 'duban_deliveries_total', { channel: 'wecom', outcome: 'sent' })).toBe(count('leaders'));
    expect(total(m, 'duban_deliveries_total', { channel: 'email', outcome: 'sent' })).toBe(mailed.length);
    expect(total(m, 'duban_deliveries_total', { outcome: 'retry' }) + total(m, 'duban_deliveries_total', { outcome: 'failed' })).toBe(0);
  });
});
