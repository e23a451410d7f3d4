/**
 * Web sessions: sign in with a login and password (or a one-time link, which makes
 * the person set their own password first), or exchange an API token for a session;
 * sign out. Mounted before authentication: these routes are how one gets a session.
 *
 *   POST   /session             { login, password, remember? } | { token, remember? }
 *   GET    /session/link/:secret  who a link is for (does not use it up)
 *   POST   /session/link        { secret, password, remember? }
 *   PUT    /session/password    { current, password }  (signed in)
 *   DELETE /session             signs out (CSRF header required)
 *
 * Every attempt is rate-limited per login and per address and recorded.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { cookie, CSRF_COOKIE, SESSION_COOKIE } from '../auth/cookies.js';
import { authOf } from '../auth/index.js';
import { normaliseLogin } from '../auth/logins.js';
import { REMEMBERED_SESSION_TTL_MS, SESSION_TTL_MS } from '../auth/sessions.js';
import type { CredentialPrincipal, TokenStore } from '../auth/tokens.js';
import { sha256 } from '../auth/secrets.js';
import { NotFoundError, UnauthenticatedError } from '../errors.js';
import { authenticate, principalOf, sessionIdOf, sessionOf } from './auth.js';
import { parse } from './parse.js';

const SignInBody = z.union([
  z.object({ login: z.string().min(1).max(200), password: z.string().min(1).max(500), remember: z.boolean().default(false) }),
  z.object({ token: z.string().min(1).max(500), remember: z.boolean().default(false) }),
]);
const LinkBody = z.object({ secret: z.string().min(1).max(200), password: z.string(), remember: z.boolean().default(false) });
const PasswordBody = z.object({ current: z.string().max(500), password: z.string() });

const BAD_PASSWORD = { zh: '登录名或密码不正确', en: 'Wrong login or password' };
const BAD_LINK = {
  zh: '登录链接无效、已使用或已过期：请向领导小组办公室索取新的链接',
  en: 'The sign-in link is unknown, used or expired: ask the leadership group office for a new one',
};

const ipOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Names the sign-in page shows for an account: the directory's. */
export interface SignInNames {
  personName(personId: string): Promise<string | null>;
  personOrganisation(personId: string): Promise<string | null>;
  organisationName(org: string): Promise<string | null>;
}

export function sessionRouter(tokens: TokenStore, names?: SignInNames): Router {
  const { sessions, accounts, guard } = authOf(tokens);
  const r = Router();

  async function startSession(req: Request, res: Response, principal: CredentialPrincipal, accountId: string | null, remember: boolean) {
    const ttlMs = remember ? REMEMBERED_SESSION_TTL_MS : SESSION_TTL_MS;
    const { id, csrf } = await sessions.start(principal, { accountId, ttlMs });
    const maxAge = remember ? { maxAge: ttlMs / 1000 } : {};
    res.append('Set-Cookie', cookie(SESSION_COOKIE, id, { httpOnly: true, secure: req.secure, ...maxAge }));
    res.append('Set-Cookie', cookie(CSRF_COOKIE, csrf, { httpOnly: false, secure: req.secure, ...maxAge }));
    res.json({ principal, csrf });
  }

  r.post('/session', async (req, res) => {
    const body = parse(SignInBody, req.body, 'body');
    const ip = ipOf(req);
    if ('token' in body) {
      // An API token in the sign-in form (office and admin tokens have no account yet).
      const login = `token:${sha256(body.token).slice(0, 12)}`;
      await guard.check(login, ip);
      const principal = await tokens.resolve(body.token);
      await guard.record({
        login,
        accountId: null,
        ip,
        method: 'token',
        success: principal !== null,
        ...(principal ? {} : { reason: 'unknown' }),
      });
      if (!principal || principal.kind === 'system') throw new UnauthenticatedError(BAD_PASSWORD);
      await startSession(req, res, principal, null, body.remember);
      return;
    }
    const login = normaliseLogin(body.login);
    const accountId = await accounts.idOf(login);
    try {
      await guard.check(login, ip);
    } catch (err) {
      await guard.record({ login, accountId, ip, method: 'password', success: false, reason: 'limited' });
      throw err;
    }
    const { account, known } = await accounts.verify(login, body.password);
    await guard.record({
      login,
      accountId,
      ip,
      method: 'password',
      success: account !== null,
      ...(account ? {} : { reason: known ? 'password' : 'unknown' }),
    });
    if (!account) throw new UnauthenticatedError(BAD_PASSWORD);
    await startSession(req, res, account.principal, account.id, body.remember);
  });

  r.get('/session/link/:secret', async (req, res) => {
    const account = await accounts.peekLink(req.params.secret);
    if (!account) throw new NotFoundError(BAD_LINK);
    const p = account.principal;
    const name = p.kind === 'person' ? ((await names?.personName(p.personId)) ?? p.personId) : p.name;
    const org = p.kind === 'person' ? await names?.personOrganisation(p.personId) : p.org;
    const organisation = org ? ((await names?.organisationName(org)) ?? org) : null;
    res.json({ name, organisation, office: p.kind === 'office', logins: account.logins });
  });

  r.post('/session/link', async (req, res) => {
    const body = parse(LinkBody, req.body, 'body');
    const ip = ipOf(req);
    await guard.check('link', ip);
    const account = await accounts.useLink(body.secret, body.password);
    await guard.record({
      login: 'link',
      accountId: account?.id ?? null,
      ip,
      method: 'link',
      success: account !== null,
      ...(account ? {} : { reason: 'expired' }),
    });
    if (!account) throw new UnauthenticatedError(BAD_LINK);
    await sessions.endAll(account.id);
    await startSession(req, res, account.principal, account.id, body.remember);
  });

  const signedIn = authenticate(tokens);
  r.put('/session/password', signedIn, async (req, res) => {
    const body = parse(PasswordBody, req.body, 'body');
    const session = sessionOf(res);
    if (!session?.accountId) throw new NotFoundError({ zh: '当前登录没有账号密码', en: 'This sign-in has no account password' });
    if (!(await accounts.changePassword(session.accountId, body.current, body.password))) throw new UnauthenticatedError(BAD_PASSWORD);
    res.json({ principal: principalOf(res) });
  });

  r.delete('/session', signedIn, async (req, res) => {
    const id = sessionIdOf(req);
    if (id && sessionOf(res)) await sessions.end(id);
    res.append('Set-Cookie', cookie(SESSION_COOKIE, '', { httpOnly: true, secure: req.secure, maxAge: 0 }));
    res.append('Set-Cookie', cookie(CSRF_COOKIE, '', { httpOnly: false, secure: req.secure, maxAge: 0 }));
    res.status(204).end();
  });
  return r;
}
