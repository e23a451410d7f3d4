/**
 * Amending a published plan: one atomic revision, validated like a new plan, with a
 * diff on the record; a new holder is told what they inherit and chased from then on;
 * running ladders keep their policy; what may not change is refused with nothing changed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import type { Principal } from '../../src/domain/permissions.js';
import { fixturePlan, iso } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const DAY = 86_400_000;
const office: Principal = { kind: 'office', name: 'office', org: 'default' };
let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

async function running() {
  const start = Date.now() + DAY;
  let now = start;
  rt = await testRuntime({ now: () => now });
  const plan = fixturePlan({
    id: 'am',
    start,
    deadlines: { t1: 10 * 86_400, t2: 10 * 86_400, t3: 10 * 86_400 },
    phases: [0, 20 * 86_400, 40 * 86_400, 60 * 86_400, 80 * 86_400],
    reminders: [],
    grace: 'P2D',
  });
  await rt.engine.createPlan(plan, office, { publish: true });
  return { r: rt, plan, start, setNow: (at: number) => (now = at) };
}
const clone = (p: PlanDefinitionInput): PlanDefinitionInput => JSON.parse(JSON.stringify(p)) as PlanDefinitionInput;

describe('amending a published plan', () => {
  it('hands a task over, moves a deadline, adds a task — one revision, the new holder told and chased', async () => {
    const { r, plan, start, setNow } = await running();
    const next = clone(plan);
    next.tasks[0]!.responsiblePerson = 'p-zhou'; // 赵小红 → 周敏
    next.units = next.units.map((u) => (u.id === 'jyzx' ? { ...u, head: 'p-wang' } : u)); // 教研教培中心: 孙丽 → 王建国
    next.tasks[1]!.deadline = iso(start + 15 * DAY);
    next.tasks.push({
      id: 't4',
      area: 'a1',
      title: '建立质量监测数据平台',
      responsibleLeader: 'p-li',
      leadDepartment: 'jjb',
      responsiblePerson: 'p-zhao',
      deadline: iso(start + 30 * DAY),
    });
    next.escalation = { ...next.escalation!, rungs: next.escalation!.rungs.map((g, i) => (i < 3 ? { ...g, grace: 'P5D' } : g)) };
    setNow(start + DAY);
    const out = await r.engine.amendPlan('am', next, office, { reason: '人员调整及中期调整' });
    expect(out.diff).toMatchObject({
      tasksAdded: ['t4'],
      deadlines: [{ task: 't2', from: start + 10 * DAY, to: start + 15 * DAY }],
      handovers: [
        { task: 't1', role: 'responsiblePerson', from: 'p-zhao', to: 'p-zhou' },
        { task: 't3', role: 'departmentHead', from: 'p-sun', to: 'p-wang' },
      ],
      policyChanged: true,
      policyMigrated: false,
    });
    const summary = await r.queries.planSummary('am');
    expect(summary.revision).toBe(2);
    expect(summary.counts.tasks).toBe(4);
    const history = await r.queries.history('am');
    expect(history.at(-1)).toMatchObject({ event: 'plan.amended', data: { reason: '人员调整及中期调整', rev: 2 } });
    // The new holder is told what they inherit.
    const zhou = await r.queries.inbox('am', 'p-zhou');
    expect(zhou.find((n) => n.kind === 'handover')!.body.zh).toContain('制定质量监测实施方案');
    const wang = await r.queries.inbox('am', 'p-wang');
    expect(wang.find((n) => n.kind === 'handover')!.body.zh).toContain('组织统一质量检测');
    // t2's deadline moved and its clock with it; t4 is issued with its clocks running.
    const t2 = await r.queries.task('am', 't2');
    expect(t2.deadlineMs).toBe(start + 15 * DAY);
    expect(t2.record.deadlineChanges).toMatchObject([{ kind: 'office', to: start + 15 * DAY, reason: '人员调整及中期调整' }]);
    const t4 = await r.queries.task('am', 't4');
    expect(t4.supervision).toBe('onTrack');
    expect(t4.pendingTimers.map((p) => p.timer).sort()).toEqual(['ackCheck', 'checkpoint']);
    // t1 is chased at its person's new holder; its ladder keeps the grace it started with.
    setNow(start + 10 * DAY);
    const t1 = await r.engine.loadTask('am', 't1');
    const checkpoint = Object.entries(t1.timers).find(([id]) => id.includes('.checkpoint.'))![1];
    await r.engine.fireTimer('am', 't1', checkpoint.tok);
    const rung1 = (await r.queries.inbox('am', 'p-zhou')).find((n) => n.kind === 'rectification')!;
    expect(rung1.recipients.map((x) => x.id)).toContain('p-zhou');
    expect(rung1.recipients.map((x) => x.id)).not.toContain('p-zhao');
    expect(rung1.rectificationDeadline).toBe(start + 12 * DAY); // P2D, the policy it started with
    // t3's department changed heads: its rung goes to the new head as department head.
    const t3 = await r.engine.loadTask('am', 't3');
    const t3check = Object.entries(t3.timers).find(([id]) => id.includes('.checkpoint.'))![1];
    await r.engine.fireTimer('am', 't3', t3check.tok);
    const t3rung = (await r.queries.inbox('am', 'p-wang')).find((n) => n.kind === 'rectification' && n.taskId === 't3')!;
    expect(t3rung.recipients.find((x) => x.id === 'p-wang')!.roles).toContain('departmentHead');
    expect(t3rung.recipients.find((x) => x.id === 'p-sun')!.roles).not.toContain('departmentHead');
  });

  it("tells a unit's new head only of its open tasks: an accepted one stays with whom it was done", async () => {
    const { r, plan, start, setNow } = await running();
    setNow(start + DAY);
    // 基础教育办公室 has t1 (accepted) and t4 (open).
    await r.engine.taskEvent(
      'am',
      't1',
      { type: 'task.submit', evidence: ['https://example.org/t1.pdf'], note: '' },
      { kind: 'person', personId: 'p-zhao' },
    );
    await r.engine.taskEvent('am', 't1', { type: 'task.accept', note: '' }, { kind: 'person', personId: 'p-li' });
    const withT4 = clone(plan);
    withT4.tasks.push({
      id: 't4',
      title: '建立质量监测数据平台',
      responsibleLeader: 'p-li',
      leadDepartment: 'jjb',
      responsiblePerson: 'p-zhao',
      deadline: iso(start + 30 * DAY),
    });
    await r.engine.amendPlan('am', withT4, office, { reason: '增加任务' });
    const next = clone(withT4);
    next.units = next.units.map((u) => (u.id === 'jjb' ? { ...u, head: 'p-zhou' } : u)); // 张华 → 周敏
    await r.engine.amendPlan('am', next, office, { reason: '人员调整' });
    const handover = (await r.queries.inbox('am', 'p-zhou')).filter((n) => n.kind === 'handover');
    expect(handover).toHaveLength(1);
    expect(handover[0]!.body.zh).toContain('建立质量监测数据平台');
    expect(handover[0]!.body.zh).not.toContain('制定质量监测实施方案');
  });

  it('moves running ladders to a new policy only when told to', async () => {
    const { r, plan, start, setNow } = await running();
    const next = clone(plan);
    next.escalation = { ...next.escalation!, rungs: next.escalation!.rungs.map((g, i) => (i < 3 ? { ...g, grace: 'P5D' } : g)) };
    setNow(start + DAY);
    await r.engine.amendPlan('am', next, office, { reason: '统一整改期限', migratePolicy: true });
    setNow(start + 10 * DAY);
    const t1 = await r.engine.loadTask('am', 't1');
    const checkpoint = Object.entries(t1.timers).find(([id]) => id.includes('.checkpoint.'))![1];
    await r.engine.fireTimer('am', 't1', checkpoint.tok);
    expect((await r.queries.task('am', 't1')).record.rungs[0]).toBeDefined();
    const n = (await r.queries.inbox('am', 'p-zhao')).find((x) => x.kind === 'rectification')!;
    expect(n.rectificationDeadline).toBe(start + 15 * DAY);
  });

  it('refuses what may not change, listing every problem, and changes nothing; a dry run only shows the diff', async () => {
    const { r, plan, start, setNow } = await running();
    setNow(start + 25 * DAY); // in the promotion phase
    const bad = clone(plan);
    bad.tasks = bad.tasks.slice(1); // t1 removed
    bad.phases[1] = { ...bad.phases[1]!, start: iso(start + 21 * DAY) }; // a past boundary
    bad.timeZone = 'Asia/Urumqi';
    const err = await r.engine.amendPlan('am', bad, office, { reason: '调整' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_input' });
    const paths = (err as { problems: { path: string }[] }).problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['timeZone', 'tasks[0]', 'phases']));
    expect((await r.queries.planSummary('am')).revision).toBe(1);

    const next = clone(plan);
    next.tasks[2]!.title = '组织全区统一质量检测';
    const dry = await r.engine.amendPlan('am', next, office, { reason: '改标题', dryRun: true });
    expect(dry.diff.tasksEdited).toEqual(['t3']);
    expect((await r.queries.planSummary('am')).revision).toBe(1);
    await expect(r.engine.amendPlan('am', next, { kind: 'person', personId: 'p-zhao' }, { reason: 'x' })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
