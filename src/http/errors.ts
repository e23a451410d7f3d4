/** The one place that knows HTTP status codes: typed errors in, JSON problems out. */
import type { ErrorRequestHandler } from 'express';
import {
  AlreadyExistsError,
  ConflictError,
  DubanError,
  EventNotAcceptedError,
  ForbiddenError,
  GoneError,
  InvalidInputError,
  NotFoundError,
  RefusedError,
  ServiceUnavailableError,
  TooManyAttemptsError,
  UnauthenticatedError,
} from '../errors.js';

function status(err: DubanError): number {
  if (err instanceof InvalidInputError) return 400;
  if (err instanceof UnauthenticatedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof GoneError) return 410;
  if (
    err instanceof EventNotAcceptedError ||
    err instanceof ConflictError ||
    err instanceof AlreadyExistsError ||
    err instanceof RefusedError
  )
    return 409;
  if (err instanceof TooManyAttemptsError) return 429;
  if (err instanceof ServiceUnavailableError) return 503;
  return 500;
}

export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof DubanError) {
      res.status(status(err)).json({
        error: {
          code: err.code,
          message: err.text.zh,
          message_en: err.text.en,
          ...(err instanceof InvalidInputError ? { problems: err.problems } : {}),
          ...(err instanceof EventNotAcceptedError ? { event: err.event, state: err.state, accepted: err.accepted } : {}),
        },
      });
      return;
    }
    // body-parser's errors carry a client status (bad JSON, too large).
    const e = err as { status?: number; type?: string; message?: string; limit?: number };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      const tooLarge = e.type === 'entity.too.large';
      // The limit, said as people say sizes: 5 MB, 16 KB.
      const limit =
        typeof e.limit === 'number'
          ? e.limit >= 1024 * 1024
            ? `${Math.round(e.limit / (1024 * 1024))} MB`
            : `${Math.round(e.limit / 1024)} KB`
          : null;
      res.status(e.status).json({
        error: {
          code: tooLarge ? 'too_large' : 'bad_request',
          message: tooLarge ? `请求体过大${limit ? `：至多 ${limit}` : ''}` : '请求体不是有效的 JSON',
          message_en: tooLarge ? `The request body is too large${limit ? `: at most ${limit}` : ''}` : 'The request body is not valid JSON',
        },
      });
      return;
    }
    log(`unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    res.status(500).json({ error: { code: 'internal', message: '服务器内部错误', message_en: 'Internal server error' } });
  };
}
