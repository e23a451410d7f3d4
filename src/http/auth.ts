/**
 * The one authentication middleware: `/api/v1` and the workspace's `/web-api` both
 * resolve `Authorization: Bearer …` here, so a token means the same principal, and
 * a missing or unknown one the same 401, wherever it is sent.
 */
import type { RequestHandler, Response } from 'express';
import type { TokenStore } from '../auth/tokens.js';
import type { Principal } from '../domain/permissions.js';
import { UnauthenticatedError } from '../errors.js';

const BEARER = /^Bearer\s+(\S+)$/i;

/** Resolves the bearer token to the principal the request acts as, kept in `res.locals`. */
export function authenticate(tokens: TokenStore): RequestHandler {
  return async (req, res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match) {
      throw new UnauthenticatedError({
        zh: '未登录：请在 Authorization 头中携带令牌（Bearer …）',
        en: 'Not signed in: send your token as "Authorization: Bearer …"',
      });
    }
    const principal = await tokens.resolve(match[1]!);
    if (!principal) {
      throw new UnauthenticatedError({
        zh: '令牌无效或已撤销：请核对后重试，或向领导小组办公室索取新令牌',
        en: 'The token is unknown or revoked: check it, or ask the leadership group office for a new one',
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
