/**
 * One log line and one metrics observation per HTTP request, written when the answer
 * has gone out: method, path (secrets redacted, no query string), status, duration,
 * the principal's kind; 5xx at error level with the error's message and code — except
 * 503, Redis being away, at warn: the outage itself is logged once by the client.
 *
 * Paths can carry secrets — a calendar feed's `/calendar/<secret>.ics`, a one-time
 * sign-in link's `/api/v1/session/link/<secret>` — and query strings can too, so a
 * logged path never has its query and its secret parts read `***`. Metrics are keyed
 * by the route's pattern (`/api/v1/plans/:planId`), never by the raw path, so their
 * series stay few.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';

/** Path patterns whose marked part is a secret. */
const SECRET_PATHS: RegExp[] = [/^(\/calendar\/)[^/]+?(\.ics)?$/, /^(\/(?:api\/v1|web-api)\/session\/link\/)[^/]+()$/];

/** The path as it may be logged: no query string, secret parts as `***`. */
export function redactPath(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  for (const re of SECRET_PATHS) {
    if (re.test(path)) return path.replace(re, (_m, head: string, tail: string | undefined) => `${head}***${tail ?? ''}`);
  }
  return path;
}

/** The route pattern the request matched, or a fixed word when none did. */
function routeOf(req: Request, res: Response): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  // No route: the workspace's static files when answered, else refused before any route (401, 404, 503).
  return res.statusCode < 400 ? '(static)' : '(unmatched)';
}

const ERROR_KEY = 'requestLogError';

/** Keeps an unexpected error for the request's log line; the error handler still answers. */
export function rememberError(): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    res.locals[ERROR_KEY] = err;
    next(err);
  };
}

export interface RequestLogOptions {
  logger?: Pick<Logger, 'info' | 'warn' | 'error'> | undefined;
  metrics?: Pick<Metrics, 'httpRequest' | 'failure'> | undefined;
}

export function requestLog(o: RequestLogOptions): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.statusCode;
      o.metrics?.httpRequest(req.method, routeOf(req, res), status, seconds);
      if (!o.logger) return;
      const principal = (res.locals.principal as { kind?: string } | undefined)?.kind ?? 'none';
      const path = redactPath(req.originalUrl);
      const fields = { method: req.method, path, status, durationMs: Math.round(seconds * 10_000) / 10, principal };
      if (status === 503) {
        o.logger.warn(fields, `${req.method} ${path} ${status}`);
      } else if (status >= 500) {
        o.metrics?.failure('http');
        const err: unknown = res.locals[ERROR_KEY];
        o.logger.error(err ? { ...fields, err } : fields, `${req.method} ${path} ${status}`);
      } else {
        o.logger.info(fields, `${req.method} ${path} ${status}`);
      }
    });
    next();
  };
}
