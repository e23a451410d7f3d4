/**
 * Sign-in as people expect (issue 9, item 5): accounts the office sets up without
 * ever knowing a password, one-time links that make the person choose one, cookie
 * sessions with CSRF protection, rate limits and a record of every attempt, and API
 * tokens that are named, listed, expiring and revocable — and no way, for an admin,
 * an office or anyone else, to get a credential that acts as another person.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILURES_PER_LOGIN } from '../../src/auth/sign-in-guard.js';
import { client } from '../helpers/http.js';
import { seedScenario, type Scenario } from '../web/scenario.js';
import { webRuntime, type WebRuntime } from '../web/web-runtime.js';

interface Browser {
  cookies: Map<string, string>;
  csrf(): string;
}

describe('sign-in', () => {
  let rt: WebRuntime;
  let s: Scenario;
  let call: ReturnType<typeof client>;
  let office: string;
  let admin: string;

  beforeAll(async () => {
    rt = await webRuntime();
    s = await seedScenario(rt);
    call = client(rt.port!);
    office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    admin = await rt.tokens.issue({ kind: 'admin' });
  });
  afterAll(() => rt?.close());

  /** A request as a browser makes it: the cookies it holds, and what it sets. */
  async function send(b: Browser | null, method: string, path: string, o: { body?: unknown; csrf?: string | null } = {}) {
    const headers: Record<string, string> = {};
    if (b) headers.cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const csrf = o.csrf === undefined ? b?.csrf() : o.csrf;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    const res = await fetch(`${rt.base}${path}`, { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const [k, v] = pair!.split('=');
      if (b) {
        if (/Max-Age=0/.test(set)) b.cookies.delete(k!);
        else b.cookies.set(k!, v!);
      }
    }
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null, setCookies: res.headers.getSetCookie() };
  }
  const browser = (): Browser => {
    const cookies = new Map<string, string>();
    return { cookies, csrf: () => decodeURIComponent(cookies.get('duban_csrf') ?? '') };
  };

  /** The office sets up `personId`'s account and issues a link; returns the link's secret. */
  async function invite(personId: string, logins: string[], o: { reset?: boolean } = {}): Promise<string> {
    const put = await call('PUT', `/api/v1/plans/${s.planId}/accounts/${personId}`, { token: office, body: { logins } });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    const link = await call('POST', `/api/v1/plans/${s.planId}/accounts/${personId}/link`, { token: office, body: o });
    expect(link.status).toBe(201);
    expect(link.json.setsPassword).toBe(true);
    return new URL(link.json.link).hash.replace('#/link/', '');
  }

  async function signIn(login: string, password: string) {
    const b = browser();
    const res = await send(b, 'POST', '/api/v1/session', { body: { login, password } });
    return { b, res };
  }

  it('a one-time link makes the person choose a password, signs them in, and works once', async () => {
    const secret = await invite('p-wang', ['13800000001', 'wang@example.org']);
    const info = await send(null, 'GET', `/api/v1/session/link/${secret}`);
    expect(info.json).toMatchObject({ name: '王建国', logins: ['13800000001', 'wang@example.org'] });

    const b = browser();
    // The link opens nothing without a new password of at least 8 characters.
    expect((await send(b, 'POST', '/api/v1/session/link', { body: { secret, password: 'short' } })).status).toBe(400);
    const used = await send(b, 'POST', '/api/v1/session/link', { body: { secret, password: 'wang-password-1' } });
    expect(used.status).toBe(200);
    expect(used.json.principal).toEqual({ kind: 'person', personId: 'p-wang' });
    expect((await send(b, 'GET', '/api/v1/me')).json.principal.personId).toBe('p-wang');

    const again = await send(browser(), 'POST', '/api/v1/session/link', { body: { secret, password: 'someone-elses-1' } });
    expect(again.status).toBe(401);
    expect(again.json.error.message).toContain('登录链接无效、已使用或已过期');
    expect((await send(null, 'GET', `/api/v1/session/link/${secret}`)).status).toBe(404);
  });

  it('password sign-in sets an httpOnly, SameSite=Strict session cookie; the phone number may be typed with dashes', async () => {
    const { b, res } = await signIn('138-0000-0001', 'wang-password-1');
    expect(res.status).toBe(200);
    const session = res.setCookies.find((c) => c.startsWith('duban_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).toMatch(/Path=\//);
    const csrf = res.setCookies.find((c) => c.startsWith('duban_csrf='))!;
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(res.json.csrf).toBe(b.csrf());
    const me = await send(b, 'GET', '/api/v1/me');
    expect(me.json.principal).toEqual({ kind: 'person', personId: 'p-wang' });
    expect((await send(b, 'GET', `/web-api/plans/${s.planId}/overview`)).status).toBe(200);
    // The email works as well as the phone number.
    expect((await signIn('WANG@example.org', 'wang-password-1')).res.status).toBe(200);
  });

  it('refuses a state-changing request on a session without the CSRF header (403), takes it with one', async () => {
    const { b } = await signIn('13800000001', 'wang-password-1');
    const body = { type: 'task.return', reason: '材料不全' };
    for (const csrf of [null, 'forged']) {
      const res = await send(b, 'POST', `/api/v1/plans/${s.planId}/tasks/t3/events`, { body, csrf });
      expect(res.status).toBe(403);
      expect(res.json.error.message).toBe('缺少或不符的 CSRF 令牌（X-CSRF-Token）：请刷新页面后重试');
    }
    // Same on the workspace's routes, and reads need none.
    expect((await send(b, 'POST', `/web-api/plans/${s.planId}/tasks/t1/files`, { csrf: null })).status).toBe(403);
    const minted = await send(b, 'POST', '/api/v1/tokens', { body: { kind: 'self', label: '夜间导出', expiresInDays: 7 } });
    expect(minted.status).toBe(201);
    expect(minted.json.principal).toEqual({ kind: 'person', personId: 'p-wang' });
  });

  it('sign-out ends the session on the server: the old cookie no longer works', async () => {
    const { b } = await signIn('13800000001', 'wang-password-1');
    const stolen = new Map(b.cookies);
    expect((await send(b, 'DELETE', '/api/v1/session', { csrf: null })).status).toBe(403);
    expect((await send(b, 'DELETE', '/api/v1/session')).status).toBe(204);
    expect(b.cookies.size).toBe(0);
    const replay = await send({ cookies: stolen, csrf: () => decodeURIComponent(stolen.get('duban_csrf')!) }, 'GET', '/api/v1/me');
    expect(replay.status).toBe(401);
    expect(replay.json.error.message).toBe('登录已过期或已退出：请重新登录');
  });

  it('counts wrong passwords toward a per-login limit and records every attempt', async () => {
    await invite('p-li', ['li']);
    const secret = await invite('p-li', ['li']);
    expect((await send(browser(), 'POST', '/api/v1/session/link', { body: { secret, password: 'li-password-1' } })).status).toBe(200);
    for (let i = 0; i < MAX_FAILURES_PER_LOGIN; i++) {
      const wrong = await signIn('li', 'not-it');
      expect(wrong.res.status).toBe(401);
      expect(wrong.res.json.error.message).toBe('登录名或密码不正确');
    }
    // Past the limit even the right password is refused, before it is checked.
    const limited = await signIn('li', 'li-password-1');
    expect(limited.res.status).toBe(429);
    expect(limited.res.json.error.message).toContain('登录失败次数过多');
    // Another login from the same address is not locked out by li's failures.
    expect((await signIn('13800000001', 'wang-password-1')).res.status).toBe(200);

    const record = await call('GET', `/api/v1/plans/${s.planId}/accounts/p-li/sign-ins`, { token: office });
    const attempts = record.json.attempts as { login: string; success: boolean; reason?: string; method: string; ip: string; at: string }[];
    expect(attempts[0]).toMatchObject({ login: 'li', success: false, reason: 'limited', method: 'password' });
    expect(attempts.filter((a) => a.reason === 'password')).toHaveLength(MAX_FAILURES_PER_LOGIN);
    expect(attempts.at(-1)).toMatchObject({ method: 'link', success: true });
    for (const a of attempts) expect(Date.parse(a.at)).toBeGreaterThan(0);
    // Only the office reads the record.
    expect((await call('GET', `/api/v1/plans/${s.planId}/accounts/p-li/sign-ins`, { token: s.tokens['p-zhang'] })).status).toBe(403);
  });

  it('lists a principal its own tokens without secrets, lets them expire and be revoked', async () => {
    const { b } = await signIn('13800000001', 'wang-password-1');
    const minted = await send(b, 'POST', '/api/v1/tokens', { body: { kind: 'self', label: '统计脚本', expiresInDays: 30 } });
    const token = minted.json.token as string;
    expect(Date.parse(minted.json.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await call('GET', '/api/v1/me', { token })).json.principal.personId).toBe('p-wang');

    const listed = await call('GET', '/api/v1/tokens', { token });
    // The scenario's own token for him (unnamed), then the two he minted.
    expect(listed.json.tokens.map((t: { label: string }) => t.label)).toEqual(['', '夜间导出', '统计脚本']);
    expect(JSON.stringify(listed.json)).not.toContain(token);
    expect(JSON.stringify(listed.json)).not.toMatch(/dbn_|hash/);
    // Nobody else's list shows them; nobody else can revoke them.
    // (the office's list holds just the office token this test started with)
    expect((await call('GET', '/api/v1/tokens', { token: office })).json.tokens.map((t: { id: string }) => t.id)).not.toContain(
      minted.json.id,
    );
    expect((await call('DELETE', `/api/v1/tokens/${minted.json.id}`, { token: office })).status).toBe(404);

    expect((await call('DELETE', `/api/v1/tokens/${minted.json.id}`, { token })).status).toBe(204);
    expect((await call('GET', '/api/v1/me', { token })).status).toBe(401);
    expect((await send(b, 'GET', '/api/v1/tokens')).json.tokens.map((t: { label: string }) => t.label)).toEqual(['', '夜间导出']);

    const shortLived = await rt.tokens.issue({ kind: 'person', personId: 'p-wang' }, { label: 'brief', ttlMs: 300 });
    expect((await call('GET', '/api/v1/me', { token: shortLived })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    const expired = await call('GET', '/api/v1/me', { token: shortLived });
    expect(expired.status).toBe(401);
    expect(expired.json.error.message).toContain('已过期');
    expect((await send(b, 'GET', '/api/v1/tokens')).json.tokens.map((t: { label: string }) => t.label)).toEqual(['', '夜间导出']);
    // An expiry is required of every token the API issues, at most a year.
    expect((await send(b, 'POST', '/api/v1/tokens', { body: { kind: 'self', expiresInDays: 400 } })).status).toBe(400);
  });

  describe('no principal can act as the group leader (p-wang)', () => {
    const asWang = () => ({ kind: 'person', personId: 'p-wang' });

    it('admins, offices, the plan office director and other people may not mint a token in his name', async () => {
      const chen = s.tokens['p-chen']!; // the plan's office director
      const li = s.tokens['p-li']!; // a deputy
      for (const token of [admin, office, chen, li]) {
        const res = await call('POST', '/api/v1/tokens', { token, body: asWang() });
        expect(res.status).toBe(403);
        expect(res.json.error.message_en).toBe(
          'No one may issue a credential that acts as someone else: a person issues their own tokens, signed in',
        );
      }
      // Office tokens stay with admins, as before.
      expect((await call('POST', '/api/v1/tokens', { token: office, body: { kind: 'self' } })).status).toBe(403);
      expect((await call('POST', '/api/v1/tokens', { token: admin, body: { kind: 'office', name: '周强', org: 'default' } })).status).toBe(
        201,
      );
    });

    it('the office cannot choose his password, nor sign in with a link without choosing a new one', async () => {
      // A password in the account body is not a field the office has: it is ignored.
      const put = await call('PUT', `/api/v1/plans/${s.planId}/accounts/p-zhao`, {
        token: office,
        body: { logins: ['zhao'], password: 'office-chosen-1' },
      });
      expect(put.json.account.hasPassword).toBe(false);
      expect((await signIn('zhao', 'office-chosen-1')).res.status).toBe(401);
      // A link alone gives no session: the only way in sets a password.
      const link = await call('POST', `/api/v1/plans/${s.planId}/accounts/p-zhao/link`, { token: office });
      const secret = new URL(link.json.link).hash.replace('#/link/', '');
      expect((await send(browser(), 'POST', '/api/v1/session/link', { body: { secret } })).status).toBe(400);
    });

    it('a reset clears his password and ends his sessions; the new link is the only way back in', async () => {
      const { b } = await signIn('13800000001', 'wang-password-1');
      const secret = await invite('p-wang', ['13800000001', 'wang@example.org'], { reset: true });
      expect((await send(b, 'GET', '/api/v1/me')).status).toBe(401);
      expect((await signIn('13800000001', 'wang-password-1')).res.status).toBe(401);
      expect((await send(browser(), 'POST', '/api/v1/session/link', { body: { secret, password: 'wang-password-2' } })).status).toBe(200);
      expect((await signIn('13800000001', 'wang-password-2')).res.status).toBe(200);
    });

    it('an API token exchanged for a session acts as its own principal, never a person', async () => {
      const b = browser();
      const res = await send(b, 'POST', '/api/v1/session', { body: { token: office } });
      expect(res.json.principal).toEqual({ kind: 'office', name: '陈静', org: 'default' });
      const accept = await send(b, 'POST', `/api/v1/plans/${s.planId}/tasks/t1/events`, { body: { type: 'task.accept' } });
      expect(accept.status).toBe(403);
    });

    it('only the plan office (or an admin) sets up accounts', async () => {
      for (const token of [s.tokens['p-li']!, s.tokens['p-zhang']!]) {
        const res = await call('PUT', `/api/v1/plans/${s.planId}/accounts/p-wang`, { token, body: { logins: ['mine'] } });
        expect(res.status).toBe(403);
      }
      // A login held by someone else is refused, and changes nothing.
      const taken = await call('PUT', `/api/v1/plans/${s.planId}/accounts/p-sun`, {
        token: office,
        body: { logins: ['sun', '13800000001'] },
      });
      expect(taken.status).toBe(409);
      expect((await call('PUT', `/api/v1/plans/${s.planId}/accounts/p-sun`, { token: office, body: { logins: ['sun'] } })).status).toBe(
        200,
      );
    });
  });
});
