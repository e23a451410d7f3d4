/**
 * The one authentication middleware: `/api/v1` and the workspace's `/web-api` both
 * resolve credentials here, so a credential means the same principal, and a missing
 * or unknown one the same 401, wherever it is sent.
 *
 * Two credentials: `Authorization: Bearer …` (API tokens, for machines and scripts)
 * and the workspace's session cookie. A cookie rides along on every request the
 * browser makes, so a state-changing request on a session must also carry the
 * session's CSRF token in `X-CSRF-Token` (a header another site cannot set); bearer
 * tokens are never sent implicitly and need none.
 */
import type { Request, RequestHandler, Response } from 'express';
import { authOf } from '../auth/index.js';
import { CSRF_HEADER, readCookies, SESSION_COOKIE } from '../auth/cookies.js';
import type { Session } from '../auth/sessions.js';
import type { TokenStore } from '../auth/tokens.js';
import type { Principal } from '../domain/permissions.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';

const BEARER = /^Bearer\s+(\S+)$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session cookie's id, when the request carries one. */
export const sessionIdOf = (req: Request): string | undefined => readCookies(req.get('cookie')).get(SESSION_COOKIE);

/** Resolves the credential to the principal the request acts as, kept in `res.locals`. */
export function authenticate(tokens: TokenStore): RequestHandler {
  const { sessions } = authOf(tokens);
  return async (req, res, next) => {
    const header = req.get('authorization');
    const sessionId = header ? undefined : sessionIdOf(req);
    if (sessionId) {
      const session = await sessions.get(sessionId);
      if (!session) {
        throw new UnauthenticatedError({
          zh: '登录已过期或已退出：请重新登录',
          en: 'Your session has ended or expired: sign in again',
        });
      }
      if (!SAFE_METHODS.has(req.method) && req.get(CSRF_HEADER) !== session.csrf) {
        throw new ForbiddenError({
          zh: '缺少或不符的 CSRF 令牌（X-CSRF-Token）：请刷新页面后重试',
          en: 'Missing or wrong CSRF token (X-CSRF-Token): reload the page and try again',
        });
      }
      res.locals.principal = session.principal;
      res.locals.session = session;
      next();
      return;
    }
    const match = BEARER.exec(header ?? '');
    if (!match) {
      throw new UnauthenticatedError({
        zh: '未登录：请先登录，或在 Authorization 头中携带令牌（Bearer …）',
        en: 'Not signed in: sign in, or send your token as "Authorization: Bearer …"',
      });
    }
    const principal = await tokens.resolve(match[1]!);
    if (!principal) {
      throw new UnauthenticatedError({
        zh: '令牌无效、已过期或已撤销：请核对后重试，或重新签发令牌',
        en: 'The token is unknown, expired or revoked: check it, or issue a new one',
      });
    }
    res.locals.principal = principal;
    next();
  };
}

/** The principal `authenticate` resolved for this request. */
export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** The web session the request came in on, or null for a bearer token. */
export function sessionOf(res: Response): Session | null {
  return (res.locals.session as Session | undefined) ?? null;
}
