/**
 * Personnel changes (人员调整) on real Redis with the worker running: a unit's new head
 * gets the next rung while notices already sent stay with the old one; a dated change
 * applies when due and not before, exactly once however often or concurrently it is
 * run, and never once cancelled; bad changes are refused with every problem and
 * nothing changed; only the plan's office may make them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reassignCommand } from '../../src/cli/personnel-commands.js';
import type { Principal } from '../../src/domain/permissions.js';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { client } from '../helpers/http.js';
import { fixturePlan, iso } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const DAY = 86_400_000;
const office: Principal = { kind: 'office', name: '陈静', org: 'default' };
type Rt = Awaited<ReturnType<typeof testRuntime>>;
const runtimes: Rt[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

/** A published plan whose three tasks are due ten days in; the clock is the test's. */
async function running(o: { worker?: boolean; api?: boolean; edit?: (plan: PlanDefinitionInput) => void } = {}) {
  const start = Date.now() + DAY;
  let now = start;
  const r = await testRuntime({ now: () => now, worker: o.worker ?? true, reconcileMs: 150, ...(o.api ? { api: true } : {}) });
  runtimes.push(r);
  const plan = fixturePlan({
    id: 'rs',
    start,
    deadlines: { t1: 10 * 86_400, t2: 10 * 86_400, t3: 10 * 86_400 },
    phases: [0, 20 * 86_400, 40 * 86_400, 60 * 86_400, 80 * 86_400],
    reminders: [],
    grace: 'P2D',
  });
  o.edit?.(plan);
  await r.engine.createPlan(plan, office, { publish: true });
  /** Fires the task's timers that are due by the test's clock, as the worker would. */
  const fireDue = async (taskId: string) => {
    const task = await r.engine.loadTask('rs', taskId);
    for (const t of Object.values(task.timers)) if (t.at <= now) await r.engine.fireTimer('rs', taskId, t.tok);
  };
  return { r, start, setNow: (at: number) => (now = at), fireDue };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const planHistory = (r: Rt) => r.queries.history('rs');

describe('personnel changes', () => {
  it('a new unit head takes the next rung; the rung already sent stays with the old head; the new head is told what they inherit', async () => {
    const { r, start, setNow, fireDue } = await running();
    setNow(start + 10 * DAY);
    await fireDue('t1'); // rung 1 to 赵小红 and 张华 (head of 基础教育办公室)
    const rung1 = (await r.queries.inbox('rs', 'p-zhang')).find((n) => n.kind === 'rectification' && n.rung === 1)!;
    expect(rung1.recipients.map((x) => x.id)).toContain('p-zhang');

    setNow(start + 10 * DAY + 3_600_000);
    const out = await r.engine.personnel.request(
      'rs',
      { role: 'unitHead', unit: 'jjb', to: 'p-wu', person: { name: '吴刚', title: '基教办主任' }, reason: '张华调任教研中心' },
      office,
    );
    expect(out).toMatchObject({ applied: true, change: { status: 'applied', replaced: 'p-zhang', tasks: ['t1'] } });
    expect(out.change.text.zh).toBe('基础教育办公室负责人由张华改为吴刚（已生效）');
    expect(out.diff!.handovers).toEqual([{ task: 't1', role: 'departmentHead', from: 'p-zhang', to: 'p-wu' }]);
    const def = await r.engine.currentDefinition('rs');
    expect(def.units.find((u) => u.id === 'jjb')!.head).toBe('p-wu');
    expect(def.people.find((p) => p.id === 'p-wu')).toMatchObject({ name: '吴刚', title: '基教办主任', unit: 'jjb' });
    expect((await r.queries.task('rs', 't1')).chain.departmentHead).toEqual({ id: 'p-wu', name: '吴刚' });

    const handover = (await r.queries.inbox('rs', 'p-wu')).find((n) => n.kind === 'handover')!;
    expect(handover.tasks).toEqual(['t1']);
    expect(handover.body.zh).toContain('制定质量监测实施方案');

    // The next rung goes to the new head as department head, not to the old one.
    setNow(start + 12 * DAY);
    await fireDue('t1');
    const rung2 = (await r.queries.inbox('rs', 'p-wu')).find((n) => n.kind === 'rectification' && n.rung === 2)!;
    expect(rung2.recipients.find((x) => x.id === 'p-wu')!.roles).toContain('departmentHead');
    expect(rung2.recipients.map((x) => x.id)).not.toContain('p-zhang');
    expect((await r.queries.inbox('rs', 'p-zhang')).some((n) => n.rung === 2)).toBe(false);
    // The rung sent before the change still names whom it went to.
    const before = await r.queries.notice('rs', rung1.id);
    expect(before.recipients).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'p-zhang', name: '张华' })]));
    expect(before.recipients.map((x) => x.id)).not.toContain('p-wu');

    // The record says who held what from when.
    const history = await planHistory(r);
    const changed = history.find((h) => h.event === 'personnel.changed')!;
    expect(changed).toMatchObject({
      by: 'office:陈静',
      from: 'p-zhang',
      to: 'p-wu',
      data: { role: 'unitHead', unit: 'jjb', tasks: ['t1'], effective: start + 10 * DAY + 3_600_000, reason: '张华调任教研中心' },
    });
    const amended = history.find((h) => h.event === 'plan.amended')!;
    expect(amended.data!.reason).toBe('人员调整：基础教育办公室负责人由张华改为吴刚；张华调任教研中心');
  });

  it('reaches open tasks only: a closed task keeps the holders its record names; filling a vacant post tells the new holder', async () => {
    const { r, start, setNow } = await running({
      worker: false,
      edit: (plan) => {
        delete plan.units.find((u) => u.id === 'jyzx')!.head; // 教研教培中心 has no head yet
      },
    });
    setNow(start + DAY);
    const as = (personId: string): Principal => ({ kind: 'person', personId });
    await r.engine.taskEvent('rs', 't1', { type: 'task.submit', evidence: ['https://example.org/plan.pdf'], note: '' }, as('p-zhao'));
    await r.engine.taskEvent('rs', 't1', { type: 'task.accept', note: '' }, as('p-li'));

    const leader = await r.engine.personnel.request(
      'rs',
      { role: 'responsibleLeader', from: 'p-li', to: 'p-wang', reason: '李明分工调整' },
      office,
    );
    expect(leader.change).toMatchObject({ status: 'applied', replaced: 'p-li', tasks: ['t2'] });
    const def = await r.engine.currentDefinition('rs');
    expect(def.tasks.map((t) => t.responsibleLeader)).toEqual(['p-li', 'p-wang', 'p-wang']);
    expect((await r.queries.inbox('rs', 'p-wang')).find((n) => n.kind === 'handover')!.tasks).toEqual(['t2']);
    await expect(
      r.engine.personnel.request('rs', { role: 'responsiblePerson', task: 't1', to: 'p-zhou', reason: '补记' }, office),
    ).rejects.toMatchObject({ code: 'invalid_input', problems: [{ path: 'task', message: expect.stringContaining('已结束') }] });

    const head = await r.engine.personnel.request('rs', { role: 'unitHead', unit: 'jyzx', to: 'p-sun', reason: '任命负责人' }, office);
    expect(head.change).toMatchObject({ replaced: null, tasks: ['t3'] });
    expect(head.change.text.zh).toBe('教研教培中心负责人原空缺，由孙丽担任（已生效）');
    expect((await r.queries.inbox('rs', 'p-sun')).find((n) => n.kind === 'handover')!.tasks).toEqual(['t3']);
  });

  it('a dated change applies when its date comes, through the worker, and not before', async () => {
    const { r, start, setNow } = await running();
    setNow(start + DAY);
    const out = await r.engine.personnel.request(
      'rs',
      { role: 'groupLeader', to: 'p-li', effective: iso(start + 5 * DAY), reason: '王建国退休' },
      office,
    );
    expect(out).toMatchObject({ applied: false, change: { status: 'pending', effectiveAt: start + 5 * DAY } });
    expect(await r.engine.personnel.list('rs', office)).toMatchObject([{ id: out.change.id, status: 'pending' }]);

    setNow(start + 5 * DAY - 1_000);
    await sleep(1_000); // several reconciler runs
    expect((await r.engine.currentDefinition('rs')).leadershipGroup.leader).toBe('p-wang');
    expect((await r.queries.planSummary('rs')).revision).toBe(1);

    setNow(start + 5 * DAY + 1_000);
    const applied = await eventuallyStatus(r, out.change.id, 'applied');
    expect(applied).toMatchObject({ replaced: 'p-wang', appliedAt: start + 5 * DAY + 1_000, tasks: ['t1', 't2', 't3'] });
    expect((await r.engine.currentDefinition('rs')).leadershipGroup.leader).toBe('p-li');
    expect((await r.queries.planSummary('rs')).revision).toBe(2);
    // The new group leader is told which open tasks now reach them.
    const handover = (await r.queries.inbox('rs', 'p-li')).find((n) => n.kind === 'handover')!;
    expect(handover.tasks).toEqual(['t1', 't2', 't3']);
    const changed = (await planHistory(r)).filter((h) => h.event === 'personnel.changed');
    expect(changed).toMatchObject([
      { by: 'office:陈静', from: 'p-wang', to: 'p-li', data: { role: 'groupLeader', effective: start + 5 * DAY } },
    ]);
    expect((await planHistory(r)).map((h) => h.event)).toContain('personnel.scheduled');
  });

  it('applies once when two workers race to apply it and when it is run again later', async () => {
    const { r, start, setNow } = await running({ worker: false });
    const other = await testRuntime({ now: () => start + 6 * DAY }, r.prefix);
    runtimes.push(other);
    setNow(start + DAY);
    const { change } = await r.engine.personnel.request(
      'rs',
      { role: 'unitHead', unit: 'jyzx', to: 'p-zhou', effective: iso(start + 5 * DAY), reason: '孙丽调任' },
      office,
    );
    setNow(start + 6 * DAY);
    const results = await Promise.all([
      r.engine.personnel.apply('rs', change.id),
      other.engine.personnel.apply('rs', change.id),
      other.engine.personnel.apply('rs', change.id),
    ]);
    expect(results.sort()).toEqual(['applied', 'skipped', 'skipped']);
    expect(await r.engine.personnel.apply('rs', change.id)).toBe('skipped');
    expect(await other.engine.personnel.applyDue()).toBe(0);

    expect((await r.queries.planSummary('rs')).revision).toBe(2);
    const events = (await planHistory(r)).map((h) => h.event);
    expect(events.filter((e) => e === 'personnel.changed')).toHaveLength(1);
    expect(events.filter((e) => e === 'plan.amended')).toHaveLength(1);
    expect((await r.queries.inbox('rs', 'p-zhou')).filter((n) => n.kind === 'handover')).toHaveLength(1);
    expect(await r.redis.zcard(r.engine.pk('rs').personnelPending)).toBe(0);
  });

  it('a dated change the plan has outgrown by its date is marked failed with why, and changes nothing', async () => {
    const { r, start, setNow } = await running({ worker: false });
    setNow(start + DAY);
    const later = { role: 'responsiblePerson', task: 't2', from: 'p-zhou', to: 'p-zhao', effective: iso(start + 5 * DAY), reason: '轮岗' };
    const { change } = await r.engine.personnel.request('rs', later, office);
    await r.engine.personnel.request('rs', { role: 'responsiblePerson', task: 't2', to: 'p-liu', reason: '周敏借调' }, office);
    setNow(start + 6 * DAY);
    expect(await r.engine.personnel.applyDue()).toBe(0);
    const failed = (await r.engine.personnel.list('rs', office)).find((c) => c.id === change.id)!;
    expect(failed).toMatchObject({ status: 'failed', problems: [{ path: 'from', message: expect.stringContaining('现为 刘强') }] });
    expect(failed.text.zh).toContain('未能生效');
    expect((await r.engine.currentDefinition('rs')).tasks[1]!.responsiblePerson).toBe('p-liu');
    expect((await planHistory(r)).at(-1)).toMatchObject({ event: 'personnel.failed', by: 'system', data: { change: change.id } });
    expect(await r.engine.personnel.apply('rs', change.id)).toBe('skipped');
  });

  it('a cancelled change never applies, and a cancellation racing the application loses or wins whole', async () => {
    const { r, start, setNow } = await running();
    setNow(start + DAY);
    const ask = (to: string) =>
      r.engine.personnel.request(
        'rs',
        { role: 'responsibleLeader', task: 't2', to, effective: iso(start + 5 * DAY), reason: '分工调整' },
        office,
      );
    const { change } = await ask('p-wang');
    const cancelled = await r.engine.personnel.cancel('rs', change.id, office);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: 'office:陈静' });
    await expect(r.engine.personnel.cancel('rs', change.id, office)).rejects.toMatchObject({ code: 'refused' });

    setNow(start + 6 * DAY);
    await sleep(1_000); // several reconciler runs past its date
    expect(await r.engine.personnel.apply('rs', change.id)).toBe('skipped');
    expect((await r.engine.currentDefinition('rs')).tasks[1]!.responsibleLeader).toBe('p-li');
    expect((await r.queries.planSummary('rs')).revision).toBe(1);
    const events = (await planHistory(r)).map((h) => h.event);
    expect(events).toEqual(expect.arrayContaining(['personnel.scheduled', 'personnel.cancelled']));
    expect(events).not.toContain('personnel.changed');

    // Cancelling while it applies: exactly one of the two happens.
    setNow(start + 2 * DAY);
    const second = (await ask('p-wang')).change;
    setNow(start + 6 * DAY);
    const [applied, cancel] = await Promise.allSettled([
      r.engine.personnel.apply('rs', second.id),
      r.engine.personnel.cancel('rs', second.id, office),
    ]);
    const status = (await r.engine.personnel.list('rs', office)).find((c) => c.id === second.id)!.status;
    const leader = (await r.engine.currentDefinition('rs')).tasks[1]!.responsibleLeader;
    if (status === 'applied') {
      expect(applied).toMatchObject({ status: 'fulfilled', value: 'applied' });
      expect(cancel).toMatchObject({ status: 'rejected', reason: { code: 'refused' } });
      expect(leader).toBe('p-wang');
    } else {
      expect(status).toBe('cancelled');
      expect(applied).toMatchObject({ status: 'fulfilled', value: 'skipped' });
      expect(cancel.status).toBe('fulfilled');
      expect(leader).toBe('p-li');
    }
  });

  it('refuses a bad change over HTTP with every problem by path, and changes nothing', async () => {
    const { r, start, setNow } = await running({ api: true });
    setNow(start + DAY);
    const call = client(r.port!);
    const token = await r.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    const post = (body: unknown) => call('POST', '/api/v1/plans/rs/personnel-changes', { token, body });

    const unknown = await post({ role: 'unitHead', unit: 'zzb', to: 'p-nobody', reason: '调整' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toBe('人员调整有误，未做任何更改');
    expect(unknown.json.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(['to', 'unit']);

    // A date already past means now, so the named predecessor must hold the role now.
    const notHolder = await post({ role: 'unitHead', unit: 'jjb', from: 'p-liu', to: 'p-zhou', effective: '2020-01-01', reason: '调整' });
    expect(notHolder.status).toBe(400);
    expect(notHolder.json.error.problems).toEqual([{ path: 'from', message: expect.stringContaining('现为 张华') }]);

    const shapes = await post({ role: 'groupDeputy', to: 'p-zhou', efective: '2030-01-01', task: 't1' });
    expect(shapes.status).toBe(400);
    expect(shapes.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['reason', 'efective']);

    const rules = await post({ role: 'groupDeputy', to: 'p-zhou', task: 't1', reason: '调整' });
    expect(rules.json.error.problems.map((p: { path: string }) => p.path).sort()).toEqual(['from', 'task']);

    expect((await r.queries.planSummary('rs')).revision).toBe(1);
    expect((await call('GET', '/api/v1/plans/rs/personnel-changes', { token })).json).toEqual({ changes: [] });

    // A good one, dated: 202 and listed in Chinese first; cancelled with DELETE.
    const ok = await post({
      role: 'responsiblePerson',
      from: 'p-zhao',
      to: 'p-zhou',
      effective: iso(start + 3 * DAY),
      reason: '赵小红休产假',
    });
    expect(ok.status).toBe(202);
    expect(ok.json.change.text.zh).toMatch(/^全部未完成任务的责任人由赵小红改为周敏（自 .+ 起生效）$/);
    const del = await call('DELETE', `/api/v1/plans/rs/personnel-changes/${ok.json.change.id as string}`, { token });
    expect(del).toMatchObject({ status: 200, json: { change: { status: 'cancelled' } } });
    expect((await call('DELETE', `/api/v1/plans/rs/personnel-changes/${ok.json.change.id as string}`, { token })).status).toBe(409);
  });

  it('only the plan office may reassign: a department head is refused, the office director is not', async () => {
    const { r, start, setNow } = await running({ api: true });
    setNow(start + DAY);
    const call = client(r.port!);
    const head = await r.tokens.issue({ kind: 'person', personId: 'p-zhang' });
    const body = { role: 'unitHead', unit: 'jjb', to: 'p-zhao', reason: '自行调整' };
    const refused = await call('POST', '/api/v1/plans/rs/personnel-changes', { token: head, body });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain('办公室');
    expect((await call('GET', '/api/v1/plans/rs/personnel-changes', { token: head })).status).toBe(403);
    expect((await call('POST', '/api/v1/plans/nope/personnel-changes', { token: head, body })).status).toBe(403);
    expect((await r.engine.currentDefinition('rs')).units.find((u) => u.id === 'jjb')!.head).toBe('p-zhang');

    const director = await r.tokens.issue({ kind: 'person', personId: 'p-chen' });
    const done = await call('POST', '/api/v1/plans/rs/personnel-changes', { token: director, body: { ...body, reason: '张华调任' } });
    expect(done.status).toBe(201);
    expect((await r.engine.currentDefinition('rs')).units.find((u) => u.id === 'jjb')!.head).toBe('p-zhao');
  });
});

describe('duban reassign', () => {
  it('applies a change now, schedules one from a date, lists them and cancels the pending one, through the API', async () => {
    const { r, start, setNow } = await running({ api: true });
    setNow(start + DAY);
    const token = await r.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    const server = ['--server', `http://127.0.0.1:${r.port!}`, '--token', token];
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const err = vi.spyOn(console, 'error').mockImplementation((line: string) => void out.push(line));
    try {
      const now = ['rs', '--role', 'unitHead', '--unit', 'rsg', '--to', 'p-wu', '--name', '吴刚', '--title', '人事股股长'];
      expect(await reassignCommand.run([...now, '--reason', '刘强退休', ...server])).toBe(0);
      expect(out.join('\n')).toContain('人事股负责人由刘强改为吴刚（已生效）');
      expect(out.join('\n')).toContain('t2 departmentHead: p-liu → p-wu');
      const later = ['rs', '--role', 'responsibleLeader', '--task', 't3', '--to', 'p-li', '--effective', iso(start + 9 * DAY)];
      expect(await reassignCommand.run([...later, '--reason', '分工调整', ...server])).toBe(0);
      expect(out.join('\n')).toContain('已登记，到期生效');
      const pending = (await r.engine.personnel.list('rs', office)).find((c) => c.status === 'pending')!;
      expect(await reassignCommand.run(['rs', '--cancel', pending.id, ...server])).toBe(0);
      out.length = 0;
      expect(await reassignCommand.run(['rs', '--list', ...server])).toBe(0);
      expect(out.join('\n')).toContain('任务「组织统一质量检测」的责任领导改由李明担任（已撤销）');
      expect(out.join('\n')).toContain('人事股负责人由刘强改为吴刚（已生效）');
      out.length = 0;
      expect(await reassignCommand.run(['rs', '--role', 'unitHead', '--unit', 'nope', '--to', 'p-li', '--reason', 'x', ...server])).toBe(1);
      expect(out.join('\n')).toContain('unit: 没有单位「nope」');
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });
});

async function eventuallyStatus(r: Rt, id: string, status: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = (await r.engine.personnel.list('rs', office)).find((c) => c.id === id);
    if (found?.status === status) return found;
    if (Date.now() > deadline) throw new Error(`change ${id} is ${found?.status ?? 'missing'}, not ${status}`);
    await sleep(100);
  }
}
