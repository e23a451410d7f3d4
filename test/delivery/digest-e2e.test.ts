/**
 * Digests end to end, on the test Redis with a real SMTP server and a Feishu stand-in
 * that checks the signature as Feishu documents it. A plan on second-scale time starts
 * at 07:59:50 in Shanghai (the runtime's clock is shifted) with its digest at 08:00 and
 * its weekly bulletin on Wednesday 08:00: by then one task has climbed to rung 4, one
 * waits for its leader's review and one has an extension request. The reconciler's pass
 * makes each digest once per (person, day) — and sweeps run again, three at a time,
 * make nothing more — and the worker sends each once per channel. Also: a channel that
 * never answers is tried, retried and then failed with its reason.
 */
import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually } from '../helpers/runtime.js';
import { deliveryRuntime, oaStandIn, setContacts, startMailbox, type Mailbox } from './outbox-helpers.js';
import { startStandIn, type StandIn } from './stand-in-server.js';

const SECRET = 'feishu-secret-0123456789';
const OFFICE = { kind: 'office', name: '陈静', org: 'default' } as const;
type Runtime = Awaited<ReturnType<typeof deliveryRuntime>>;
const person = (personId: string) => ({ kind: 'person', personId }) as const;

describe('daily digests and the weekly bulletin', () => {
  let rt: Runtime;
  let mail: Mailbox;
  let feishu: StandIn;
  const start = DateTime.fromISO('2026-12-09T07:59:50', { zone: 'Asia/Shanghai' }).toMillis(); // a Wednesday
  const offset = start - Date.now();
  const now = () => Date.now() + offset;
  const SLOT = DateTime.fromISO('2026-12-09T08:00:00', { zone: 'Asia/Shanghai' }).toMillis();

  beforeAll(async () => {
    mail = await startMailbox();
    // Feishu's 签名校验, recomputed from the published recipe on the runtime's clock.
    feishu = await startStandIn((req) => {
      const body = JSON.parse(req.body) as { timestamp?: string; sign?: string; msg_type?: string };
      const expected = createHmac('sha256', `${body.timestamp}\n${SECRET}`).update('').digest('base64');
      if (body.sign !== expected || Math.abs(now() / 1000 - Number(body.timestamp)) > 3600) {
        return { json: { code: 19021, data: {}, msg: 'sign match fail or timestamp is not within one hour from current time' } };
      }
      return { json: { code: 0, data: {}, msg: 'success' }, accepted: body.msg_type === 'post' };
    });
    rt = await deliveryRuntime({
      now,
      delivery: { smtpUrl: `smtp://127.0.0.1:${mail.port}`, mailFrom: '青溪区教育局督办系统 <duban@jy.example.gov.cn>' },
    });
  });
  afterAll(async () => {
    await rt?.close();
    await Promise.all([mail?.close(), feishu?.close()]);
  });

  it('makes each digest once per person and day, sends it once per channel, and keeps a leader’s reminders for it', async () => {
    await rt.channelStore.put(
      'default',
      'jjb-feishu',
      { kind: 'feishu', webhook: `${feishu.base}/open-apis/bot/v2/hook/x`, secret: SECRET, format: 'post' },
      'test',
    );
    const base = fixturePlan({ id: 'dg-e2e', start: now(), deadlines: { t1: 3, t2: 2 * 86400, t3: 3 * 86400 }, reminders: ['PT1S'] });
    const plan: PlanDefinitionInput = {
      ...base,
      delivery: {
        routes: [
          { roles: ['responsiblePerson', 'departmentHead'], units: ['jjb'], channel: 'jjb-feishu' },
          { roles: ['responsibleLeader', 'groupLeader'], channel: 'email' },
        ],
        digest: { at: '08:00', digestInsteadOfPushes: true, weekly: { weekday: 3, at: '08:00' } },
      },
    };
    await rt.engine.createPlan(plan, OFFICE);
    for (const [id, address] of Object.entries({
      'p-li': 'liming',
      'p-wang': 'wangjg',
      'p-zhang': 'zhanghua',
      'p-sun': 'sunli',
      'p-chen': 'chenjing',
    })) {
      await setContacts(rt, id, { email: `${address}@jy.example.gov.cn` });
    }
    // The group leader wants no daily digest; the head of 基教办 asks for one.
    const wang = (await rt.directory.getPerson('p-wang'))!;
    await rt.directory.putPerson({ ...wang, digest: 'none' }, 'test');
    const zhang = (await rt.directory.getPerson('p-zhang'))!;
    await rt.directory.putPerson({ ...zhang, digest: 'daily' }, 'test');
    await rt.engine.planEvent('dg-e2e', { type: 'plan.publish' }, OFFICE);

    // t2 waits for p-li's review; t3's responsible person asks for more time.
    await rt.engine.taskEvent(
      'dg-e2e',
      't2',
      { type: 'task.submit', evidence: ['https://example.org/t2.pdf'], note: '' },
      person('p-zhou'),
    );
    await rt.engine.taskEvent(
      'dg-e2e',
      't3',
      { type: 'task.extension.request', deadline: { workingDays: 20 }, reason: '需协调考点' },
      person('p-sun'),
    );

    // The reconciler makes the day's digests once 08:00 has come; three more sweeps at once make nothing.
    await eventually(() => Promise.resolve(now() >= SLOT + 500), 30_000, 100);
    const again = await Promise.all([1, 2, 3].map(() => rt.engine.digests.sweepPlan('dg-e2e', now())));
    const made = await eventually(
      async () => {
        const ids = await rt.redis.zrange(`${rt.prefix}:{dg-e2e}:dgs`, '0', '-1');
        return ids.length === 3 ? ids : null;
      },
      30_000,
      100,
    );
    expect(made.sort()).toEqual(['bulletin.2026-W50', 'digest.2026-12-09.p-li', 'digest.2026-12-09.p-zhang']);
    const byAgain = again.flat();
    expect(new Set(byAgain).size).toBe(byAgain.length); // no id made twice by the racing sweeps
    expect(await Promise.all([1, 2].map(() => rt.engine.digests.sweepPlan('dg-e2e', now())))).toEqual([[], []]);

    const digests = await eventually(
      async () => {
        const all = (await rt.outbox.list('dg-e2e')).filter((d) => d.source === 'digest');
        return all.length === 7 && all.every((d) => d.status === 'sent') ? all : null;
      },
      30_000,
      200,
    );
    expect(digests.map((d) => d.id).sort()).toEqual([
      'bulletin.2026-W50/email/p-chen',
      'bulletin.2026-W50/email/p-li',
      'bulletin.2026-W50/email/p-sun',
      'bulletin.2026-W50/email/p-wang',
      'digest.2026-12-09.p-li/email/p-li',
      'digest.2026-12-09.p-zhang/email/p-zhang',
      'digest.2026-12-09.p-zhang/jjb-feishu/group',
    ]);
    for (const d of digests) expect(d.sentAt!).toBeGreaterThanOrEqual(SLOT);

    // Once per channel: one mail per mail delivery, one Feishu message for p-zhang's digest.
    const mailed = mail.mails.map((m) => m.headers['x-duban-delivery']!).filter((id) => /^(digest|bulletin)\./.test(id));
    expect(mailed.sort()).toEqual(
      digests
        .filter((d) => d.channel === 'email')
        .map((d) => d.id)
        .sort(),
    );
    const feishuDigests = feishu.accepted.filter((r) => r.body.includes('每日督办摘要'));
    expect(feishuDigests).toHaveLength(1);
    expect(feishu.received.filter((r) => r.body.includes('每日督办摘要'))).toHaveLength(1); // signed right the first time

    // p-li's digest: the review owed, t1's climb, and the subject in Chinese.
    const liMail = mail.mails.find((m) => m.headers['x-duban-delivery'] === 'digest.2026-12-09.p-li/email/p-li')!;
    expect(liMail.to).toEqual(['liming@jy.example.gov.cn']);
    const doc = JSON.parse((await rt.redis.hget(`${rt.prefix}:{dg-e2e}:dg:digest.2026-12-09.p-li`, 'doc'))!) as {
      reviews: { taskId: string }[];
      climbed: { taskId: string; rung: number }[];
    };
    expect(doc.reviews.map((r) => r.taskId)).toEqual(['t2']);
    expect(doc.climbed.filter((c) => c.taskId === 't1').map((c) => c.rung)).toContain(1);

    // digestInsteadOfPushes: the 待验收 notice to p-li was not mailed; t1's rungs to p-li were.
    const notices = (await rt.outbox.list('dg-e2e')).filter((d) => d.source !== 'digest');
    expect(notices.some((d) => d.noticeId.startsWith('t2.') && d.noticeId.endsWith('.s'))).toBe(false);
    expect(notices.some((d) => /^t1\..*\.r2$/.test(d.noticeId) && d.id.endsWith('/email/p-li'))).toBe(true);
    // Feishu end to end: t1's rung notices reached 基教办's group, signed.
    expect(feishu.accepted.some((r) => r.body.includes('第一次整改通知书'))).toBe(true);
  });
});

describe('a channel that never answers', () => {
  let rt: Runtime;
  let oa: StandIn;
  const OA_SECRET = 'oa-secret-0123456789abcdef';

  beforeAll(async () => {
    oa = await oaStandIn(OA_SECRET);
    oa.mode = 'hang';
    rt = await deliveryRuntime({ delivery: { timeoutMs: 300 } });
  });
  afterAll(async () => {
    await rt?.close();
    await oa?.close();
  });

  it('is tried, retried with backoff and then failed, saying it never answered', async () => {
    await rt.channelStore.put('default', 'oa', { kind: 'webhook', url: `${oa.base}/notices`, secret: OA_SECRET }, 'test');
    const plan = fixturePlan({ id: 'silent', start: Date.now(), deadlines: { t1: 2, t2: 3600, t3: 3600 }, reminders: ['PT1S'] });
    await rt.engine.createPlan(
      { ...plan, delivery: { routes: [{ roles: ['responsiblePerson'], units: ['jjb'], channel: 'oa' }] } },
      OFFICE,
      {
        publish: true,
      },
    );
    const failed = await eventually(
      async () => {
        const list = await rt.outbox.list('silent', { status: 'failed' });
        return list.find((d) => d.noticeId.endsWith('.m1')) ?? null;
      },
      30_000,
      100,
    );
    expect(failed.attempts).toBe(3);
    expect(failed.reason?.zh).toContain('已尝试3次仍未成功');
    expect(oa.received.filter((r) => r.headers['idempotency-key'] === failed.id)).toHaveLength(3);
    expect(oa.accepted).toHaveLength(0);
  });
});

describe('what a sent notice carries back and forth', () => {
  let rt: Runtime;
  let oa: StandIn;
  const OA_SECRET = 'oa-secret-abcdef0123456789';

  beforeAll(async () => {
    oa = await oaStandIn(OA_SECRET);
    rt = await deliveryRuntime();
  });
  afterAll(async () => {
    await rt?.close();
    await oa?.close();
  });

  it('sends a rung with its organisation’s 文号, shows a read receipt once its recipients sign for it, and refuses a route to no channel', async () => {
    const plan = fixturePlan({ id: 'docno', start: Date.now(), deadlines: { t1: 2, t2: 3600, t3: 3600 }, reminders: ['PT1S'] });
    const routed = {
      ...plan,
      delivery: { routes: [{ roles: ['responsiblePerson' as const, 'departmentHead' as const], units: ['jjb'], channel: 'oa' }] },
    };
    // The route names a channel nobody registered: 400 at its path, nothing stored.
    await expect(rt.engine.createPlan(routed, OFFICE)).rejects.toMatchObject({
      problems: [expect.objectContaining({ path: 'delivery.routes[0].channel', message: expect.stringContaining('没有登记渠道「oa」') })],
    });
    expect(await rt.redis.exists(`${rt.prefix}:{docno}:plan`)).toBe(0);

    await rt.channelStore.put('default', 'oa', { kind: 'webhook', url: `${oa.base}/notices`, secret: OA_SECRET }, 'test');
    const call = client(rt.port!);
    const office = await rt.tokens.issue(OFFICE);
    expect(
      (await call('PUT', '/api/v1/organisations/default/doc-series', { token: office, body: { prefix: '青教督' } })).status,
    ).toBeLessThan(300);
    await rt.engine.createPlan(routed, OFFICE, { publish: true });

    const rung = await eventually(async () => {
      const list = await rt.outbox.list('docno');
      return list.find((d) => d.noticeId.startsWith('t1.') && d.noticeId.endsWith('.r1') && d.status === 'sent') ?? null;
    });
    const sent = oa.accepted.map((r) => JSON.parse(r.body) as { notice: { id: string; number: string | null } });
    const r1 = sent.find((m) => m.notice.id === rung.noticeId)!;
    expect(r1.notice.number).toMatch(/^青教督〔\d{4}〕\d+号$/);
    // The reminder is no 公文: no number.
    expect(sent.find((m) => m.notice.id.endsWith('.m1'))!.notice.number).toBeNull();
    // The number the message carried is the notice's, everywhere.
    const before = await call('GET', `/api/v1/plans/docno/notices/${encodeURIComponent(rung.noticeId)}`, { token: office });
    expect(before.json.number).toBe(r1.notice.number);
    expect(before.json.deliveries[0]).toMatchObject({ status: 'sent', acknowledged: false, acknowledgedAt: null, acknowledgedBy: [] });

    // One of its two addressees signs: not yet read; both: read, with the time.
    await rt.queries.acknowledge('docno', 'p-zhao', rung.noticeId);
    const half = await call('GET', `/api/v1/plans/docno/notices/${encodeURIComponent(rung.noticeId)}`, { token: office });
    expect(half.json.deliveries[0]).toMatchObject({
      acknowledged: false,
      acknowledgedBy: [expect.objectContaining({ id: 'p-zhao', name: '赵小红' })],
    });
    await rt.queries.acknowledge('docno', 'p-zhang', rung.noticeId);
    const read = await call('GET', '/api/v1/plans/docno/deliveries', { token: office });
    const receipt = read.json.deliveries.find((d: { id: string }) => d.id === rung.id);
    expect(receipt.acknowledged).toBe(true);
    expect(receipt.acknowledgedAt).toBe(Math.max(...receipt.acknowledgedBy.map((a: { at: number }) => a.at)));
  });
});
