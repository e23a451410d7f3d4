/**
 * Digests, pure: when a day's and a week's digest are due in the plan's zone, what a
 * person's digest says (what needs them, what climbed, what is due this week), how it
 * is routed (email and the group routes that reach them, held by quiet hours), and that
 * with `digestInsteadOfPushes` a leader's reminders wait for the digest while rungs push.
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dailyDigest, digestMessage, isEmpty, weeklyDigest, type DigestTask } from '../../src/delivery/digest.js';
import { digestDeliveries, planDeliveries } from '../../src/delivery/routes.js';
import { markdown, plainText } from '../../src/delivery/render.js';
import { parsePlanDefinition } from '../../src/engine/plans.js';
import { dailySlot, weeklySlot } from '../../src/engine/digests.js';
import type { NoticeFacts } from '../../src/domain/notices.js';
import { fixturePlan } from '../helpers/plan-fixture.js';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
const NOW = at('2026-12-09T08:00:05');
const DAY = 86_400_000;

const plan = parsePlanDefinition({
  ...fixturePlan({ id: 'dg', start: NOW - DAY }),
  delivery: {
    routes: [
      { roles: ['responsiblePerson', 'departmentHead'], units: ['jjb'], channel: 'jjb-robot' },
      { roles: ['responsibleLeader', 'groupLeader'], channel: 'email' },
    ],
    quietHours: { from: '22:00', to: '07:00', allowRungs: true },
    digest: { at: '08:00', digestInsteadOfPushes: true },
  },
});

const task = (over: Partial<DigestTask> & { id: string }): DigestTask => ({
  title: `任务${over.id}`,
  leadDepartment: 'jjb',
  responsibleLeader: 'p-li',
  responsiblePerson: 'p-zhao',
  work: 'inProgress',
  extension: 'idle',
  rung: 0,
  reviewRung: 0,
  deadline: NOW + 3 * DAY,
  rectificationDeadline: null,
  requestedDeadline: null,
  ...over,
});

describe('digest slots', () => {
  it('is the latest digest time at or before now, in the plan zone', () => {
    expect(dailySlot(NOW, ZONE, '08:00')).toEqual({ slot: at('2026-12-09T08:00'), day: '2026-12-09' });
    expect(dailySlot(at('2026-12-09T07:59:59'), ZONE, '08:00')).toEqual({ slot: at('2026-12-08T08:00'), day: '2026-12-08' });
    // 2026-12-09 is a Wednesday: Monday's bulletin is this week's, Thursday's last week's.
    expect(weeklySlot(NOW, ZONE, 1, '08:30')).toEqual({ slot: at('2026-12-07T08:30'), week: '2026-W50' });
    expect(weeklySlot(NOW, ZONE, 4, '08:30')).toEqual({ slot: at('2026-12-03T08:30'), week: '2026-W49' });
  });
});

describe('a daily digest', () => {
  const tasks = [
    task({ id: 't1', rung: 2, deadline: NOW - 2 * DAY }),
    task({ id: 't2', work: 'submitted', leadDepartment: 'rsg', responsiblePerson: 'p-zhou' }),
    task({ id: 't3', extension: 'pending', requestedDeadline: NOW + 20 * DAY, responsibleLeader: 'p-wang', leadDepartment: 'jyzx' }),
    task({ id: 't4', deadline: NOW + 2 * DAY }),
    task({ id: 't5', deadline: NOW + 9 * DAY }),
  ];
  const climbs = [
    { taskId: 't1', rung: 1, at: NOW - 2 * DAY },
    { taskId: 't1', rung: 2, at: NOW - 3600_000 },
  ];

  it('tells a responsible leader what needs them, what climbed since yesterday and what is due this week', () => {
    const d = dailyDigest(plan, 'p-li', tasks, climbs, {
      id: 'digest.2026-12-09.p-li',
      slot: at('2026-12-09T08:00'),
      at: NOW,
      since: at('2026-12-08T08:00'),
    });
    expect(d.reviews.map((i) => i.taskId)).toEqual(['t2']);
    expect(d.extensions).toEqual([]); // t3's request is p-wang's to decide
    expect(d.climbed.map((i) => [i.taskId, i.rung])).toEqual([['t1', 2]]); // rung 1 was before the last digest
    // A deputy sees the whole plan: t4 and t3 fall within seven days, t5 after.
    expect(d.dueSoon.map((i) => i.taskId)).toEqual(['t4', 't3']);
    expect(isEmpty(d)).toBe(false);

    const m = digestMessage(plan, d, { deliveryId: `${d.id}/email/p-li`, addressees: ['p-li'], link: null });
    expect(m.title.zh).toBe('每日督办摘要（2026年12月9日）：青溪区义务教育质量提升三年行动计划');
    expect(m.body.zh).toBe('需要您办理1项；2026年12月8日8时以来督办升级1项；未来七天到期2项。');
    const text = plainText(m);
    expect(text).toContain('李明：');
    expect(text).toContain('待我验收：「任务t2」（人事股，完成时限');
    expect(text).toContain('督办升级：「任务t1」（基础教育办公室）升至第2级');
    expect(text).toContain('Awaiting your review: "任务t2"');
    expect(markdown(m)).toContain('- **待我验收');
  });

  it('gives the group leader the extension requests and every task of the plan', () => {
    const d = dailyDigest(plan, 'p-wang', tasks, climbs, { id: 'x', slot: NOW, at: NOW, since: NOW - DAY });
    expect(d.extensions.map((i) => i.taskId)).toEqual(['t3']);
    expect(d.climbed.map((i) => i.taskId)).toEqual(['t1']);
    expect(d.reviews).toEqual([]); // t2's review is p-li's until it runs late
  });

  it('is empty for someone with nothing on their chain', () => {
    expect(isEmpty(dailyDigest(plan, 'p-liu', tasks, climbs, { id: 'x', slot: NOW, at: NOW, since: NOW - DAY }))).toBe(true);
  });

  it('sums the plan up for the leadership group once a week', () => {
    const d = weeklyDigest(plan, ['p-wang', 'p-li'], tasks, climbs, { id: 'bulletin.2026-W50', slot: NOW, at: NOW });
    expect(d.totals).toEqual({ open: 5, overdue: 1, byRung: { 2: 1 }, withReviewer: 1 });
    expect(d.climbed.map((i) => i.rung)).toEqual([2, 1]);
    const m = digestMessage(plan, d, { deliveryId: 'b/email/p-wang', addressees: ['p-wang'], link: null });
    expect(m.kind).toBe('bulletin');
    expect(plainText(m)).toContain('总体情况：未完成5项，逾期1项（第2级1项），待验收1项');
  });
});

describe('digest routing', () => {
  it('mails each person and sends to the group routes that reach them; quiet hours hold it', () => {
    const ds = digestDeliveries(plan, 'digest.2026-12-09.p-zhang', ['p-zhang'], NOW);
    expect(ds.map((d) => [d.id, d.addressees, d.status, d.source])).toEqual([
      ['digest.2026-12-09.p-zhang/email/p-zhang', ['p-zhang'], 'queued', 'digest'],
      ['digest.2026-12-09.p-zhang/jjb-robot/group', ['p-zhang'], 'queued', 'digest'],
    ]);
    const night = digestDeliveries(plan, 'd', ['p-li'], at('2026-12-09T06:00'));
    expect(night.map((d) => [d.id, d.status, d.notBefore])).toEqual([['d/email/p-li', 'held', at('2026-12-09T07:00')]]);
  });

  it('keeps a leader’s reminders for the digest but pushes every rung', () => {
    const notice = (kind: NoticeFacts['kind'], id: string): NoticeFacts =>
      ({
        id,
        planId: 'dg',
        taskId: 't1',
        kind,
        rung: kind === 'rectification' ? 2 : null,
        createdAt: NOW,
        recipients: [
          { id: 'p-zhao', roles: ['responsiblePerson'] },
          { id: 'p-li', roles: ['responsibleLeader'] },
        ],
      }) as unknown as NoticeFacts;
    expect(planDeliveries(plan, notice('submitted', 't1.a.s')).map((d) => d.id)).toEqual(['t1.a.s/jjb-robot/group']);
    expect(planDeliveries(plan, notice('rectification', 't1.a.r2')).map((d) => d.id)).toEqual([
      't1.a.r2/jjb-robot/group',
      't1.a.r2/email/p-li',
    ]);
    const pushing = { ...plan, delivery: { ...plan.delivery!, digest: { ...plan.delivery!.digest!, digestInsteadOfPushes: false } } };
    expect(planDeliveries(pushing, notice('submitted', 't1.a.s')).map((d) => d.id)).toEqual([
      't1.a.s/jjb-robot/group',
      't1.a.s/email/p-li',
    ]);
  });
});
