/**
 * Signing in in a real browser: a person opens the one-time link the office issued,
 * chooses a password and lands in the workspace; later signs in with login and
 * password; a wrong password says so and keeps the form; the session is an httpOnly
 * cookie the page cannot read, and signing out ends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authOf } from '../../src/auth/index.js';
import { accountIdOf } from '../../src/auth/accounts.js';
import { openWorkspace, SKIP_REASON, type Workspace } from '../web/browser.js';
import { seedScenario } from '../web/scenario.js';
import { webRuntime, type WebRuntime } from '../web/web-runtime.js';

if (SKIP_REASON) console.warn(`[test/auth/sign-in.browser] skipped: ${SKIP_REASON}`);

describe.skipIf(SKIP_REASON !== null)(`signing in with a password in the browser${SKIP_REASON ? ` (skipped: ${SKIP_REASON})` : ''}`, () => {
  let rt: WebRuntime;
  let ws: Workspace;

  beforeAll(async () => {
    rt = await webRuntime();
    await seedScenario(rt);
    const { accounts } = authOf(rt.tokens);
    await accounts.upsert({ kind: 'person', personId: 'p-wang' }, ['13900000001', 'wang'], 'office:陈静');
    ws = await openWorkspace(rt.base);
  });
  afterAll(async () => {
    await ws?.close();
    await rt?.close();
  });

  it('a one-time link asks for a new password, then signs the person in; it does not work twice', async () => {
    const { secret } = await authOf(rt.tokens).accounts.issueLink(accountIdOf({ kind: 'person', personId: 'p-wang' }), 'office:陈静');
    const page = await ws.blank('link');
    await page.goto(`${rt.base}/#/link/${secret}`);
    await page.waitForSelector('#new-password');
    expect(await page.textContent('.signin')).toContain('王建国');
    await page.fill('#new-password', 'wang-browser-1');
    await page.fill('#repeat-password', 'wang-browser-2');
    await page.click('#link-button');
    await expect.poll(() => page.textContent('.signin .form-error')).toContain('两次输入的密码不一致');
    await page.fill('#repeat-password', 'wang-browser-1');
    await page.click('#link-button');
    await page.waitForSelector('.page[data-ready]');
    expect(await page.textContent('#who')).toContain('王建国');
    expect(page.url()).not.toContain(secret);

    const again = await ws.blank('link again');
    await again.goto(`${rt.base}/#/link/${secret}`);
    await again.waitForSelector('#link-error');
    expect(await again.textContent('#link-error')).toContain('登录链接无效、已使用或已过期');
  });

  it('a wrong password says so and keeps the form', async () => {
    const page = await ws.blank('wrong password');
    await page.fill('#login', 'wang');
    await page.fill('#password', 'not-his-password');
    await page.click('#signin-button');
    await expect.poll(() => page.textContent('#signin-error')).toContain('登录名或密码不正确');
    expect(await page.isVisible('#login')).toBe(true);
  });

  it('signs in with login and password into an httpOnly session, acts through it, and signs out for good', async () => {
    const page = await ws.signInWithPassword('139 0000 0001', 'wang-browser-1', 'wang');
    expect(new URL(page.url()).hash).toBe('#/leader');
    expect(await page.textContent('#who')).toContain('王建国');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'duban_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('duban_session');
    // A state-changing call from the page, with the CSRF header as api.js sends it, goes through.
    const minted = await page.evaluate(async () => {
      const res = await fetch('/api/v1/tokens', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': decodeURIComponent(/duban_csrf=([^;]+)/.exec(document.cookie)![1]!),
        },
        body: JSON.stringify({ kind: 'self', label: 'browser' }),
      });
      const me = (await (await fetch('/api/v1/me')).json()) as { principal: { personId: string } };
      return { status: res.status, me: me.principal.personId };
    });
    expect(minted).toEqual({ status: 201, me: 'p-wang' });

    await page.click('[data-signout]');
    await page.waitForSelector('#login');
    expect((await page.context().cookies()).map((c) => c.name)).toEqual([]);
    // The old session id is dead on the server too.
    const res = await fetch(`${rt.base}/api/v1/me`, { headers: { cookie: `duban_session=${session.value}` } });
    expect(res.status).toBe(401);
  });

  it('raised no script errors on any page', () => {
    expect(ws.pageErrors).toEqual([]);
  });
});
