/**
 * Security basics for a server that holds disciplinary records (issue 9, item 8):
 *
 * - `securityHeaders` — helmet's headers on every answer, API and workspace alike,
 *   with a Content-Security-Policy the workspace runs under: scripts only from this
 *   origin (echarts too: src/web/index.ts serves it from node_modules), no framing,
 *   and no Referer, so a notice's or a token's URL never leaves in one.
 * - `jsonBodies` — a caller that is not signed in may send 16 KB; a larger declared
 *   body from one gets 401 before a byte of it is read, and an undeclared (chunked)
 *   one 413 once it passes 16 KB. Signed-in callers keep the 5 MB plans need.
 * - `exportLimiters` — the ledger and report .xlsx and the printable pages cost a
 *   full read of a plan each: a small burst per token, then 429 with Retry-After.
 * - `unauthenticatedLimit` — per IP, requests that end in 401 are counted; past the
 *   budget the IP's API requests get 429 until the window ends.
 *
 * The limits count in this process's memory: one server, as the runtime is today.
 */
import { createHash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options as RateLimitOptions } from 'express-rate-limit';
import helmet from 'helmet';
import { UnauthenticatedError } from '../errors.js';

/** What a caller that is not signed in may send: a sign-in form, never a plan. */
export const UNAUTHENTICATED_BODY_BYTES = 16 * 1024;
/** A plan file in JSON, the largest body a signed-in caller sends as JSON. */
export const AUTHENTICATED_JSON_BYTES = 5 * 1024 * 1024;

/** The base64 sha256 an inline `<style>` block's text is allowed by, as CSP writes it. */
export function styleHash(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

/**
 * The workspace's policy. Style attributes stay allowed: the page draws progress bars
 * and right-aligned cells with them and echarts writes its tooltips with them; a
 * style attribute runs no code. `<style>` elements need our origin or a listed hash.
 * `style-src` keeps 'unsafe-inline' only for browsers too old to read the two
 * `style-src-*` directives, which override it where they are understood.
 */
export function contentSecurityPolicy(o: { styleHashes?: readonly string[] } = {}): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'style-src-elem': ["'self'", ...(o.styleHashes ?? [])],
    'style-src-attr': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
}

/** The policy as a header value, for a route that serves a page with its own hashes. */
export function contentSecurityPolicyHeader(o: { styleHashes?: readonly string[] } = {}): string {
  return Object.entries(contentSecurityPolicy(o))
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** helmet with the workspace's policy; X-Frame-Options DENY for browsers without frame-ancestors. */
export function securityHeaders(): RequestHandler {
  return helmet({
    // useDefaults off: helmet's defaults add upgrade-insecure-requests, which breaks a
    // server reached over plain http on a school's intranet.
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy() },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Only over https does a browser keep this; not for the bureau's other subdomains.
    strictTransportSecurity: { maxAge: 180 * 24 * 3600, includeSubDomains: false },
  });
}

/** The JSON error shape of src/http/errors.ts, for the answers made here before any route. */
function refuse(res: Response, status: number, code: string, zh: string, en: string): void {
  res.status(status).json({ error: { code, message: zh, message_en: en } });
}

/**
 * Parses JSON bodies with a limit that depends on who sends them. `signedIn` is asked
 * only when a body may be larger than a caller that is not signed in may send.
 */
export function jsonBodies(o: { signedIn: (req: Request, res: Response) => Promise<boolean> }): RequestHandler {
  const small = express.json({ limit: UNAUTHENTICATED_BODY_BYTES });
  const large = express.json({ limit: AUTHENTICATED_JSON_BYTES });
  const kb = UNAUTHENTICATED_BODY_BYTES / 1024;
  return async (req, res, next) => {
    const declared = req.get('content-length');
    const chunked = req.get('transfer-encoding') !== undefined;
    const length = declared === undefined ? (chunked ? Infinity : 0) : Number(declared);
    if (length <= UNAUTHENTICATED_BODY_BYTES) {
      small(req, res, next);
      return;
    }
    if (await o.signedIn(req, res)) {
      large(req, res, next);
      return;
    }
    if (length !== Infinity) {
      // Declared too large: refused unread (Node discards the bytes; nothing parses them).
      throw new UnauthenticatedError({
        zh: `未登录：请求体不得超过 ${kb} KB；请先在 Authorization 头中携带令牌（Bearer …）`,
        en: `Not signed in: a request body may be at most ${kb} KB; send your token as "Authorization: Bearer …" first`,
      });
    }
    small(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
        refuse(
          res,
          413,
          'too_large',
          `请求体过大：未登录的请求最多 ${kb} KB`,
          `The request body is too large: without signing in, at most ${kb} KB`,
        );
        return;
      }
      next(err);
    });
  };
}

/** Whether a middleware that throws or fails to continue (authentication) lets the request through. */
export function passes(check: RequestHandler): (req: Request, res: Response) => Promise<boolean> {
  return (req, res) =>
    new Promise<boolean>((resolve) => {
      Promise.resolve(check(req, res, (err?: unknown) => resolve(err === undefined || err === null))).catch(() => resolve(false));
    });
}

const minutes = (n: number) => n * 60_000;

function limiter(o: Partial<RateLimitOptions> & { zh: string; en: string }): RequestHandler {
  const { zh, en, ...options } = o;
  return rateLimit({
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...options,
    handler: (_req, res) => {
      const retry = res.get('retry-after') ?? '';
      refuse(res, 429, 'rate_limited', zh.replace('{s}', retry), en.replace('{s}', retry));
    },
  });
}

/** The bearer token, hashed so the limiter's memory holds no credential; the IP without one. */
function tokenKey(req: Request): string {
  const auth = req.get('authorization');
  return auth ? `t:${createHash('sha256').update(auth).digest('base64url')}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
}

export interface ExportLimits {
  /** Ledger and report workbooks: a few per minute per token. */
  xlsx: RequestHandler;
  /** Printable notices and reports: the notice view loads one per notice opened. */
  print: RequestHandler;
}

/** One budget per kind, shared by every route of that kind; mount after authentication. */
export function exportLimiters(o: { xlsxPerMinute?: number; printPerMinute?: number } = {}): ExportLimits {
  return {
    xlsx: limiter({
      windowMs: minutes(1),
      limit: o.xlsxPerMinute ?? 6,
      keyGenerator: tokenKey,
      zh: '导出过于频繁：请 {s} 秒后再试',
      en: 'Too many exports: try again in {s} seconds',
    }),
    print: limiter({
      windowMs: minutes(1),
      limit: o.printPerMinute ?? 30,
      keyGenerator: tokenKey,
      zh: '打印页请求过于频繁：请 {s} 秒后再试',
      en: 'Too many printable pages requested: try again in {s} seconds',
    }),
  };
}

/**
 * Per IP, requests answered 401 (no token, a wrong one, a large body without one).
 * Past the budget the IP's API requests get 429 until the window ends: guessing tokens
 * or flooding the server without one stops there.
 */
export function unauthenticatedLimit(o: { per15Minutes?: number } = {}): RequestHandler {
  return limiter({
    windowMs: minutes(15),
    limit: o.per15Minutes ?? 100,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    zh: '未通过身份验证的请求过多：请 {s} 秒后再试',
    en: 'Too many requests without valid sign-in: try again in {s} seconds',
  });
}
