/**
 * The workspace's own routes take the same bearer tokens as /api/v1, resolved by
 * the runtime's token store; the principal lands in `res.locals` as there.
 */
import type { RequestHandler, Response } from 'express';
import type { TokenStore } from '../auth/tokens.js';
import type { Principal } from '../domain/permissions.js';
import { UnauthenticatedError } from '../errors.js';

export function bearer(tokens: TokenStore): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const principal = match ? await tokens.resolve(match[1]!) : null;
    if (!principal) {
      throw new UnauthenticatedError({
        zh: '未登录或令牌无效：请在 Authorization 头中携带有效令牌（Bearer …）',
        en: 'Not signed in or the token is unknown: send a valid token as "Authorization: Bearer …"',
      });
    }
    res.locals.principal = principal;
    next();
  };
}

export function principal(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** `?lang=en` asks for English; everything else reads Chinese. */
export function langOf(query: unknown): 'zh' | 'en' {
  return (query as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'zh';
}
