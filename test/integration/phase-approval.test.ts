/**
 * A phase that needs the group leader's approval, through the engine on real Redis:
 * its date proposes it, the group leader is told, only the group leader decides.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { eventually, testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: 'office', org: 'default' };
const as = (personId: string): Principal => ({ kind: 'person', personId });
let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

describe('phase approval', () => {
  it('waits at the boundary for the group leader, who alone approves', async () => {
    rt = await testRuntime({ worker: true });
    const plan = fixturePlan({ id: 'appr', start: Date.now(), phases: [0, 1, 3600, 7200, 10800] });
    plan.phases[1] = { ...plan.phases[1]!, requiresApproval: true };
    await rt.engine.createPlan(plan, office, { publish: true });
    const inbox = await eventually(async () => {
      const notices = await rt!.queries.inbox('appr', 'p-wang');
      return notices.some((n) => n.kind === 'phaseProposed') ? notices : null;
    });
    expect(inbox.find((n) => n.kind === 'phaseProposed')!.title.zh).toContain('请审批');
    expect((await rt.queries.planSummary('appr')).stage).toBe('launch');
    await expect(rt.engine.planEvent('appr', { type: 'plan.phase.approve', note: '' }, office)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(rt.engine.planEvent('appr', { type: 'plan.phase.approve', note: '' }, as('p-li'))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await rt.engine.planEvent('appr', { type: 'plan.phase.approve', note: '同意' }, as('p-wang'));
    expect((await rt.queries.planSummary('appr')).stage).toBe('promotion');
    const history = await rt.queries.history('appr');
    expect(history.at(-1)).toMatchObject({ by: 'p-wang', event: 'plan.phase.approve', to: 'promotion', data: { note: '同意' } });
  });
});
