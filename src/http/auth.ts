import type { RequestHandler, Response } from 'express';
import type { TokenStore } from '../auth/tokens.js';
import type { Principal } from '../domain/permissions.js';
import { UnauthenticatedError } from '../errors.js';

/** Resolves `Authorization: Bearer …` to the principal the request acts as. */
export function authenticate(tokens: TokenStore): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new UnauthenticatedError({
        zh: '未登录:请在 Authorization 头中携带令牌(Bearer …)',
        en: 'Not signed in: send your token as "Authorization: Bearer …"',
      });
    }
    const principal = await tokens.resolve(match[1]!);
    if (!principal) throw new UnauthenticatedError({ zh: '令牌无效或已撤销', en: 'The token is unknown or revoked' });
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}
