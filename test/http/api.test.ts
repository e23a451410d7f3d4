/**
 * The HTTP API as a client sees it: tokens, permissions that name their rule, bad
 * input that names every problem and changes nothing, 409s that say which events
 * would work, filters, the inbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { client } from '../helpers/http.js';
import { testRuntime } from '../helpers/runtime.js';

describe('HTTP API', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let call: ReturnType<typeof client>;
  let admin: string;
  let office: string;
  const tok: Record<string, string> = {};
  const plan = fixturePlan({ id: 'api-plan', start: Date.now(), deadlines: { t1: 3600, t2: 3600, t3: 3600 } });

  beforeAll(async () => {
    rt = await testRuntime({ api: true });
    call = client(rt.port!);
    admin = (await rt.tokens.ensureAdmin())!;
    const issued = await call('POST', '/api/v1/tokens', { token: admin, body: { kind: 'office', name: '陈静', org: 'default' } });
    expect(issued.status).toBe(201);
    office = issued.json.token;
  });
  afterAll(() => rt.close());

  it('refuses requests without a valid token', async () => {
    const none = await call('GET', '/api/v1/plans');
    expect(none.status).toBe(401);
    expect(none.json.error.message).toContain('未登录');
    expect((await call('GET', '/api/v1/plans', { token: 'dbn_nope' })).status).toBe(401);
  });

  it('answers health and serves OpenAPI generated from the schemas', async () => {
    expect((await call('GET', '/healthz')).json).toEqual({ ok: true, redis: 'up' });
    const doc = (await call('GET', '/api/v1/openapi.json')).json;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/plans/{planId}/tasks/{taskId}/events'].post).toBeDefined();
    expect(doc.components.schemas.Plan.properties.tasks).toBeDefined();
    const types = JSON.stringify(doc.components.schemas.TaskCommand);
    for (const t of ['task.submit', 'task.accept', 'task.return', 'task.deadline.change']) expect(types).toContain(t);
  });

  it('rejects a bad plan with every problem by path, and stores nothing', async () => {
    const bad = structuredClone(plan) as typeof plan & { phases: { start: string; end: string }[] };
    bad.id = 'bad-plan';
    bad.phases[2]!.end = '2020-01-01';
    bad.tasks[1]!.responsibleLeader = 'p-nobody';
    bad.tasks[2]!.deadline = '2023-02-30';
    const res = await call('POST', '/api/v1/plans', { token: office, body: bad });
    expect(res.status).toBe(400);
    const messages = res.json.error.problems.map((p: { message: string }) => p.message);
    expect(messages).toContain('phases[2].end is before phases[2].start');
    expect(messages).toContain('tasks[1].responsibleLeader: no person "p-nobody"');
    expect(messages.some((m: string) => m.startsWith('tasks[2].deadline') && m.includes('2023-02-30'))).toBe(true);
    expect((await call('GET', '/api/v1/plans/bad-plan', { token: office })).status).toBe(404);
    expect((await call('GET', '/api/v1/plans', { token: office })).json.plans).toEqual([]);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await call('POST', '/api/v1/plans', { token: office, raw: '{"id": ' });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
  });

  it("lets only an organisation's office create plans, and only its own organisation's", async () => {
    const person = await rt.tokens.issue({ kind: 'person', personId: 'p-zhao' });
    const res = await call('POST', '/api/v1/plans', { token: person, body: plan });
    expect(res.status).toBe(403);
    expect(res.json.error.message).toBe('只有单位的领导小组办公室可以创建方案（管理员只管理服务器、单位和办公室账号）');
    // Admins run the server, not the work.
    expect((await call('POST', '/api/v1/plans', { token: admin, body: plan })).status).toBe(403);
    const elsewhere = await call('POST', '/api/v1/plans', { token: office, body: { ...plan, organisation: 'school-2' } });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.json.error.message).toBe('办公室只能为本单位创建和管理方案');
    expect((await call('GET', '/api/v1/plans/api-plan', { token: office })).status).toBe(404);
  });

  it('creates, refuses a duplicate, publishes; nobody may mint a token for another person', async () => {
    const created = await call('POST', '/api/v1/plans', { token: office, body: plan });
    expect(created.status).toBe(201);
    expect(created.json.stage).toBe('draft');
    expect((await call('POST', '/api/v1/plans', { token: office, body: plan })).status).toBe(409);
    const published = await call('POST', '/api/v1/plans/api-plan/events', { token: office, body: { type: 'plan.publish' } });
    expect(published.status).toBe(200);
    expect(published.json.plan.stage).toBe('launch');
    expect(published.json.plan.pendingTimers).toHaveLength(1);
    // Person tokens come from the internal path here (each person would mint their own, signed in).
    for (const p of ['p-zhao', 'p-zhang', 'p-li', 'p-wang', 'p-zhou', 'p-sun'])
      tok[p] = await rt.tokens.issue({ kind: 'person', personId: p });
    for (const by of [admin, office]) {
      const r = await call('POST', '/api/v1/tokens', { token: by, body: { kind: 'person', personId: 'p-wang' } });
      expect(r.status).toBe(403);
      expect(r.json.error.message).toBe('任何人都不能签发代表他人的凭证：个人令牌只能由本人登录后签发');
    }
    expect(
      (await call('POST', '/api/v1/tokens', { token: tok['p-zhao'], body: { kind: 'office', name: 'x', org: 'default' } })).status,
    ).toBe(403);
  });

  it('a published plan is no longer a draft to replace', async () => {
    const res = await call('PUT', '/api/v1/plans/api-plan', { token: office, body: plan });
    expect(res.status).toBe(409);
  });

  it('lets only the responsible person or department head submit, naming the rule', async () => {
    const body = { type: 'task.submit', evidence: ['https://example.org/a.pdf'], note: '' };
    const wrong = await call('POST', '/api/v1/plans/api-plan/tasks/t1/events', { token: tok['p-zhou'], body });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.message).toBe('只有责任人或责任股室负责人可以签收、报告进展或提交该任务');
    const adminTry = await call('POST', '/api/v1/plans/api-plan/tasks/t1/events', { token: admin, body });
    expect(adminTry.status).toBe(403);
    const ok = await call('POST', '/api/v1/plans/api-plan/tasks/t1/events', { token: tok['p-zhang'], body });
    expect(ok.status).toBe(200);
    expect(ok.json.task.work).toBe('submitted');
  });

  it('lets only the responsible leader or group leader accept', async () => {
    const wrong = await call('POST', '/api/v1/plans/api-plan/tasks/t1/events', { token: tok['p-zhang'], body: { type: 'task.accept' } });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.message_en).toContain('responsible leader or the group leader');
    const ok = await call('POST', '/api/v1/plans/api-plan/tasks/t1/events', {
      token: tok['p-wang'],
      body: { type: 'task.accept', note: '同意' },
    });
    expect(ok.status).toBe(200);
    expect(ok.json.task.supervision).toBe('closed');
  });

  it('answers an event the state does not take with 409 and the events it does take', async () => {
    const res = await call('POST', '/api/v1/plans/api-plan/tasks/t2/events', { token: tok['p-li'], body: { type: 'task.accept' } });
    expect(res.status).toBe(409);
    expect(res.json.error.accepted).toEqual(expect.arrayContaining(['task.acknowledge', 'task.progress', 'task.submit']));
    expect(res.json.error.accepted).not.toContain('task.accept');
  });

  it('names the field of a bad event body, and changes nothing', async () => {
    const before = (await call('GET', '/api/v1/plans/api-plan/tasks/t2', { token: tok['p-zhou'] })).json;
    const pct = await call('POST', '/api/v1/plans/api-plan/tasks/t2/events', {
      token: tok['p-zhou'],
      body: { type: 'task.progress', percent: 150 },
    });
    expect(pct.status).toBe(400);
    expect(pct.json.error.problems[0].path).toBe('percent');
    const unknown = await call('POST', '/api/v1/plans/api-plan/tasks/t2/events', { token: tok['p-zhou'], body: { type: 'task.explode' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.problems[0].path).toBe('type');
    const past = await call('POST', '/api/v1/plans/api-plan/tasks/t2/events', {
      token: office,
      body: { type: 'task.deadline.change', deadline: '2020-01-01', reason: '调整' },
    });
    expect(past.status).toBe(400);
    expect(past.json.error.problems[0].message).toContain('not in the future');
    const noEvidence = await call('POST', '/api/v1/plans/api-plan/tasks/t2/events', {
      token: tok['p-zhou'],
      body: { type: 'task.submit', evidence: [] },
    });
    expect(noEvidence.status).toBe(400);
    const after = (await call('GET', '/api/v1/plans/api-plan/tasks/t2', { token: tok['p-zhou'] })).json;
    expect(after.version).toBe(before.version);
    expect(after.history).toEqual(before.history);
  });

  it('returns 404 for unknown plans and tasks, and keeps people to their own plan', async () => {
    expect((await call('GET', '/api/v1/plans/nope', { token: office })).status).toBe(404);
    expect((await call('GET', '/api/v1/plans/api-plan/tasks/nope', { token: office })).status).toBe(404);
    const other = await rt.tokens.issue({ kind: 'person', personId: 'x' });
    expect((await call('GET', '/api/v1/plans/api-plan', { token: other })).status).toBe(403);
  });

  it('filters tasks by department, person, state and overdue through indexes', async () => {
    const byDept = (await call('GET', '/api/v1/plans/api-plan/tasks?department=rsg', { token: office })).json.tasks;
    expect(byDept.map((t: { id: string }) => t.id)).toEqual(['t2']);
    const byPerson = (await call('GET', '/api/v1/plans/api-plan/tasks?person=p-li', { token: office })).json.tasks;
    expect(byPerson.map((t: { id: string }) => t.id).sort()).toEqual(['t1', 't2']);
    const accepted = (await call('GET', '/api/v1/plans/api-plan/tasks?state=accepted', { token: office })).json.tasks;
    expect(accepted.map((t: { id: string }) => t.id)).toEqual(['t1']);
    const onTrack = (await call('GET', '/api/v1/plans/api-plan/tasks?state=onTrack', { token: office })).json.tasks;
    expect(onTrack.map((t: { id: string }) => t.id).sort()).toEqual(['t2', 't3']);
    expect((await call('GET', '/api/v1/plans/api-plan/tasks?overdue=true', { token: office })).json.tasks).toEqual([]);
    expect((await call('GET', '/api/v1/plans/api-plan/tasks?rung=x', { token: office })).status).toBe(400);
  });

  it('shows a task with its chain, pending timers and history', async () => {
    const t = (await call('GET', '/api/v1/plans/api-plan/tasks/t2', { token: tok['p-zhou'] })).json;
    expect(t.chain.responsiblePerson).toEqual({ id: 'p-zhou', name: '周敏' });
    expect(t.chain.departmentHead).toEqual({ id: 'p-liu', name: '刘强' });
    expect(t.chain.responsibleLeader.name).toBe('李明');
    // The deadline's next checkpoint, and the 签收 clock until it is signed for.
    expect(t.pendingTimers.map((p: { timer: string }) => p.timer).sort()).toEqual(['ackCheck', 'checkpoint']);
    expect(t.history.map((h: { event: string }) => h.event)).toEqual(['task.activate']);
  });

  it('lists and acknowledges notices; only recipients may acknowledge', async () => {
    const inbox = (await call('GET', '/api/v1/inbox', { token: tok['p-wang'] })).json;
    expect(inbox.notices.map((n: { kind: string }) => n.kind)).toEqual(['phase']);
    const id = inbox.notices[0].id;
    // Someone else's notice is not in your inbox, whatever plans you share.
    const other = await call('POST', `/api/v1/inbox/${id}/ack`, { token: tok['p-zhou'] });
    expect(other.status).toBe(404);
    expect(other.json.error.message).toBe(`收件箱中没有通知 ${id}`);
    const acked = await call('POST', `/api/v1/inbox/${id}/ack`, { token: tok['p-wang'] });
    expect(acked.status).toBe(200);
    expect(Object.keys(acked.json.acknowledgements)).toEqual(['p-wang']);
    expect((await call('GET', '/api/v1/inbox?open=true', { token: tok['p-wang'] })).json.notices).toEqual([]);
    expect((await call('GET', '/api/v1/inbox', { token: office })).status).toBe(400);
  });

  it('returns a task with a new deadline given in working days', async () => {
    const submit = { type: 'task.submit', evidence: ['https://example.org/t3.pdf'], note: '' };
    expect((await call('POST', '/api/v1/plans/api-plan/tasks/t3/events', { token: tok['p-sun'], body: submit })).status).toBe(200);
    const ret = await call('POST', '/api/v1/plans/api-plan/tasks/t3/events', {
      token: tok['p-wang'],
      body: { type: 'task.return', reason: '材料不全', deadline: { workingDays: 3 } },
    });
    expect(ret.status).toBe(200);
    expect(ret.json.task.work).toBe('rectification');
    const days = (ret.json.task.deadlineMs - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(3);
    expect(days).toBeLessThan(15);
    const bad = await call('POST', '/api/v1/plans/api-plan/tasks/t3/events', {
      token: office,
      body: { type: 'task.deadline.change', deadline: { workingDays: 0 }, reason: 'x' },
    });
    expect(bad.status).toBe(400);
  });

  it('lets only the office advance the phase by hand, with a reason, and records who and why', async () => {
    const byPerson = await call('POST', '/api/v1/plans/api-plan/events', {
      token: tok['p-zhang'],
      body: { type: 'plan.advance', reason: '提前' },
    });
    expect(byPerson.status).toBe(403);
    const noReason = await call('POST', '/api/v1/plans/api-plan/events', { token: office, body: { type: 'plan.advance' } });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.problems[0].path).toBe('reason');
    const advanced = await call('POST', '/api/v1/plans/api-plan/events', {
      token: office,
      body: { type: 'plan.advance', reason: '启动工作提前完成' },
    });
    expect(advanced.status).toBe(200);
    expect(advanced.json.plan.stage).toBe('promotion');
    const history = (await call('GET', '/api/v1/plans/api-plan/history', { token: office })).json.history;
    expect(history.at(-1)).toMatchObject({
      event: 'plan.advance',
      by: 'office:陈静',
      from: 'launch',
      to: 'promotion',
      data: { reason: '启动工作提前完成' },
    });
    const inbox = (await call('GET', '/api/v1/inbox', { token: tok['p-wang'] })).json.notices;
    expect(inbox[0].title.zh).toContain('进入推进阶段（办公室手动推进）');
  });

  it('a refused command is told what the state takes from a caller: API commands only, never the one refused', async () => {
    const id = 'api-refused';
    const created = await call('POST', '/api/v1/plans?publish=true', { token: office, body: { ...plan, id } });
    expect(created.status).toBe(201);
    for (let i = 0; i < 4; i++) {
      const advanced = await call('POST', `/api/v1/plans/${id}/events`, {
        token: office,
        body: { type: 'plan.advance', reason: '按计划推进' },
      });
      expect(advanced.status).toBe(200);
    }
    // t1 was left unfinished when the plan closed: urging it is refused.
    const res = await call('POST', `/api/v1/plans/${id}/tasks/t1/events`, { token: office, body: { type: 'task.urge', note: '请尽快' } });
    expect(res.status).toBe(409);
    const { message, message_en } = res.json.error as { message: string; message_en: string };
    const offered = message.split('可接受：')[1]!.split('、');
    for (const e of offered) expect(e === '无' || /^task\.[a-z.]+$/.test(e)).toBe(true);
    // Not the plan's own fan-out events, which no caller can send, nor the command just refused.
    for (const internal of ['task.close', 'task.complete', 'task.urge']) expect(offered).not.toContain(internal);
    expect(message_en).not.toContain('task.close');
  });
});
