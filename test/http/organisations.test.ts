/**
 * Organisations as a new office meets them: an admin creates a bureau and its two
 * schools and gives each school's office an account; each office signs in with a
 * password, imports its own plan, and sees and runs only its own; a bureau leader sees
 * the roll-up of both schools without being named in either plan; the admin, who runs
 * the server, reads no plan at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

describe('organisations', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let call: ReturnType<typeof client>;
  let admin: string;
  let base: string;

  /** A browser's session: the cookies the server set and the CSRF token it echoes. */
  const sessions: Record<string, { cookie: string; csrf: string }> = {};
  async function as(who: string, method: string, path: string, body?: unknown) {
    const s = sessions[who]!;
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  /** The admin sets up an office account; the office opens the link, chooses a password and signs in with it. */
  async function officeSignsIn(org: string, name: string, login: string) {
    expect(
      (
        await call('PUT', `/api/v1/organisations/${org}/office-accounts/${encodeURIComponent(name)}`, {
          token: admin,
          body: { logins: [login] },
        })
      ).status,
    ).toBe(200);
    const link = await call('POST', `/api/v1/organisations/${org}/office-accounts/${encodeURIComponent(name)}/link`, {
      token: admin,
      body: {},
    });
    expect(link.status).toBe(201);
    const secret = new URL(link.json.link).hash.replace('#/link/', '');
    const info = await call('GET', `/api/v1/session/link/${secret}`);
    expect(info.json).toMatchObject({ name, office: true });
    expect((await call('POST', '/api/v1/session/link', { body: { secret, password: `${org}-password-1` } })).status).toBe(200);
    const res = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password: `${org}-password-1` }),
    });
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const csrf = decodeURIComponent(cookies.find((c) => c.startsWith('duban_csrf='))!.split('=')[1]!);
    sessions[org] = { cookie: cookies.join('; '), csrf };
    expect((await as(org, 'GET', '/api/v1/me')).json.principal).toEqual({ kind: 'office', name, org });
  }

  beforeAll(async () => {
    rt = await testRuntime({ api: true });
    base = `http://127.0.0.1:${rt.port}`;
    call = client(rt.port!);
    admin = await rt.tokens.issue({ kind: 'admin' });
    for (const body of [
      { id: 'qx-bureau', name: '青溪区教育局', kind: 'bureau' },
      { id: 'school-a', name: '青溪区第一中学', kind: 'school', parent: 'qx-bureau' },
      { id: 'school-b', name: '青溪区第二中学', kind: 'school', parent: 'qx-bureau' },
    ]) {
      expect((await call('POST', '/api/v1/organisations', { token: admin, body })).status).toBe(201);
    }
    await officeSignsIn('qx-bureau', '教育局督导室', 'dudao@qx.example.cn');
    await officeSignsIn('school-a', '一中办公室', '13800000101');
    await officeSignsIn('school-b', '二中办公室', '13800000102');
  });
  afterAll(() => rt?.close());

  it("each school's office creates its own plan, which belongs to its school", async () => {
    const a = await as('school-a', 'POST', '/api/v1/plans?publish=true', fixturePlan({ id: 'a-plan', start: Date.now() }));
    expect(a.status, JSON.stringify(a.json)).toBe(201);
    const b = fixturePlan({ id: 'b-plan', start: Date.now() });
    b.people.push({ id: 'p-ma', name: '马力', title: '干事', unit: 'jjb' });
    expect((await as('school-b', 'POST', '/api/v1/plans?publish=true', b)).status).toBe(201);
    expect((await rt.engine.currentDefinition('a-plan')).organisation).toBe('school-a');
    expect((await rt.engine.currentDefinition('b-plan')).organisation).toBe('school-b');
    // Its people joined the directory: one person, whatever plans they are in.
    expect(await rt.directory.getPerson('p-ma')).toMatchObject({ name: '马力', org: 'school-b' });
  });

  it("a school's office finds no trace of another school's plans, and cannot act on them", async () => {
    expect((await as('school-a', 'GET', '/api/v1/plans')).json.plans.map((p: { id: string }) => p.id)).toEqual(['a-plan']);
    for (const [method, path, body] of [
      ['GET', '/api/v1/plans/b-plan', undefined],
      ['GET', '/api/v1/plans/b-plan/tasks', undefined],
      ['GET', '/api/v1/plans/b-plan/report', undefined],
      ['GET', '/api/v1/plans/b-plan/history', undefined],
      ['POST', '/api/v1/plans/b-plan/events', { type: 'plan.suspend', reason: '试试' }],
      ['POST', '/api/v1/plans/b-plan/tasks/t1/events', { type: 'task.urge', note: '' }],
      ['GET', '/api/v1/plans/b-plan/accounts', undefined],
      ['POST', '/api/v1/plans/b-plan/personnel-changes', { role: 'unitHead', unit: 'jjb', to: 'p-zhao', reason: '试试' }],
    ] as const) {
      const res = await as('school-a', method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    // Nor make one in the other school's name.
    const forged = await as('school-a', 'POST', '/api/v1/plans', {
      ...fixturePlan({ id: 'forged', start: Date.now() }),
      organisation: 'school-b',
    });
    expect(forged.status).toBe(403);
    expect(forged.json.error.message).toBe('办公室只能为本单位创建和管理方案');
    // A person of school B's plan reads that plan, not school A's.
    const ma = await rt.tokens.issue({ kind: 'person', personId: 'p-ma' });
    expect((await call('GET', '/api/v1/plans', { token: ma })).json.plans.map((p: { id: string }) => p.id)).toEqual(['b-plan']);
    expect((await call('GET', '/api/v1/plans/a-plan', { token: ma })).status).toBe(403);
  });

  it('a plan that names someone under a directory id the directory knows as someone else is refused, naming the person', async () => {
    const clash = fixturePlan({ id: 'b-plan-2', start: Date.now() });
    clash.people = clash.people.map((p) => (p.id === 'p-wang' ? { ...p, name: '王小二' } : p));
    const res = await as('school-b', 'POST', '/api/v1/plans', clash);
    expect(res.status).toBe(400);
    const problem = res.json.error.problems.find((p: { path: string }) => p.path.startsWith('people['));
    expect(problem.message).toContain('王小二');
    expect((await call('GET', '/api/v1/plans/b-plan-2', { token: admin })).status).not.toBe(200);
    expect(await rt.redis.exists(rt.engine.pk('b-plan-2').plan)).toBe(0);
  });

  it("the bureau's leader sees both schools' roll-up without being named in their plans", async () => {
    expect(
      (await as('qx-bureau', 'PUT', '/api/v1/organisations/qx-bureau/people/p-director', { name: '郑局长', title: '局长' })).status,
    ).toBe(200);
    expect((await as('qx-bureau', 'PATCH', '/api/v1/organisations/qx-bureau', { leaders: ['p-director'] })).status).toBe(200);
    const director = await rt.tokens.issue({ kind: 'person', personId: 'p-director' });
    const { json } = await call('GET', '/api/v1/rollup', { token: director });
    expect(json.organisations.map((o: { id: string }) => o.id)).toEqual(['qx-bureau']);
    const bureau = json.organisations[0];
    expect(bureau.children.map((c: { id: string; plans: { id: string }[] }) => [c.id, c.plans.map((p) => p.id)])).toEqual([
      ['school-a', ['a-plan']],
      ['school-b', ['b-plan']],
    ]);
    expect(bureau.overall).toMatchObject({ plans: 2, tasks: 6 });
    // Counts, not records: the schools' plans themselves stay the schools'.
    expect((await call('GET', '/api/v1/plans/a-plan', { token: director })).status).toBe(403);
    // The bureau's office sees the roll-up too; a school's office sees its own, not the bureau's.
    expect((await as('qx-bureau', 'GET', '/api/v1/organisations/qx-bureau/rollup')).status).toBe(200);
    expect((await as('school-a', 'GET', '/api/v1/organisations/qx-bureau/rollup')).status).toBe(403);
    expect((await as('school-a', 'GET', '/api/v1/organisations/school-b/rollup')).status).toBe(403);
    const own = await as('school-a', 'GET', '/api/v1/organisations/school-a/rollup');
    expect(own.json.plans.map((p: { id: string }) => p.id)).toEqual(['a-plan']);
  });

  it('the admin runs the server, not the work: no plan to read, create or run', async () => {
    expect((await call('GET', '/api/v1/plans', { token: admin })).json.plans).toEqual([]);
    expect((await call('GET', '/api/v1/plans/a-plan', { token: admin })).status).toBe(403);
    expect((await call('POST', '/api/v1/plans', { token: admin, body: fixturePlan({ id: 'by-admin', start: Date.now() }) })).status).toBe(
      403,
    );
    expect(
      (await call('POST', '/api/v1/plans/a-plan/tasks/t1/events', { token: admin, body: { type: 'task.urge', note: '' } })).status,
    ).toBe(403);
    // Nor act as an office through a token for an organisation that does not exist.
    expect((await call('POST', '/api/v1/tokens', { token: admin, body: { kind: 'office', name: 'x', org: 'nowhere' } })).status).toBe(404);
    // An office cannot mint office credentials, for itself or another school.
    expect((await as('school-a', 'POST', '/api/v1/tokens', { kind: 'office', name: '冒充', org: 'school-b' })).status).toBe(403);
    expect((await as('school-a', 'PUT', '/api/v1/organisations/school-b/office-accounts/x', { logins: ['x@example.org'] })).status).toBe(
      403,
    );
  });
});
