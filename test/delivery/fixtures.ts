/**
 * One plan and its notices as the delivery and document tests read them: a rung-1
 * rectification notice (整改通知书) for 「制定质量监测实施方案」, due 2026-12-02 17:00 in
 * Shanghai and issued a week late, and the rung-4 handling notice of the same task.
 */
import { renderNotice, type Notice, type NoticeFacts } from '../../src/domain/notices.js';
import { PlanDefinitionSchema, type PlanDefinition } from '../../src/domain/plan.schema.js';
import { outboundMessage } from '../../src/delivery/render.js';
import type { OutboundMessage } from '../../src/delivery/types.js';
import { fixturePlan } from '../helpers/plan-fixture.js';

export const DEADLINE = Date.parse('2026-12-02T17:00:00+08:00');
export const ISSUED = Date.parse('2026-12-09T10:30:00+08:00');
export const RECTIFY_BY = Date.parse('2026-12-16T17:00:00+08:00');

export const MOBILES: Record<string, string> = { 'p-zhao': '13800000001', 'p-zhang': '13800000002' };

export function plan(): PlanDefinition {
  const p = fixturePlan({ start: Date.parse('2026-09-01T00:00:00+08:00'), deadlines: { t1: 3600, t2: 3600, t3: 3600 } });
  return PlanDefinitionSchema.parse(p);
}

export function rungFacts(rung: 1 | 4): NoticeFacts {
  return {
    id: `t1.${DEADLINE.toString(36)}.r${rung}`,
    planId: 'qx-2026',
    taskId: 't1',
    kind: 'rectification',
    rung,
    action: rung === 1 ? 'rectification_notice' : 'disciplinary',
    recipients:
      rung === 1
        ? [
            { id: 'p-zhao', roles: ['responsiblePerson'] },
            { id: 'p-zhang', roles: ['departmentHead'] },
          ]
        : [
            { id: 'p-zhao', roles: ['responsiblePerson'] },
            { id: 'p-zhang', roles: ['departmentHead'] },
            { id: 'p-li', roles: ['responsibleLeader'] },
            { id: 'p-wang', roles: ['groupLeader'] },
          ],
    deadline: DEADLINE,
    rectificationDeadline: rung === 1 ? RECTIFY_BY : null,
    createdAt: ISSUED,
    phase: null,
  };
}

export function notice(rung: 1 | 4 = 1): Notice {
  return renderNotice(plan(), rungFacts(rung));
}

export function message(o: { rung?: 1 | 4; deliveryId?: string; number?: string } = {}): OutboundMessage {
  const n = notice(o.rung ?? 1);
  return outboundMessage(plan(), n, {
    deliveryId: o.deliveryId ?? `qx-2026/${n.id}/dingtalk:jjb`,
    number: o.number ?? 'X教督〔2026〕7号',
    link: 'https://duban.example.org/#/notice/qx-2026/t1',
    mobileOf: (id) => MOBILES[id],
  });
}
