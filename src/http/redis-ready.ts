/**
 * Redis readiness for the HTTP layer. While Redis is unreachable every API call
 * answers 503 at once with a message that says why, instead of waiting on a
 * reconnecting client and ending in a 500. The Redis client itself fails fast
 * (no offline queue, a command timeout: see src/runtime.ts); this turns what it
 * throws into ServiceUnavailableError, which the error handler maps to 503.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Text } from '../domain/i18n.js';
import { ServiceUnavailableError } from '../errors.js';
import { isRedisUnavailable } from '../infra/redis-clients.js';

export const REDIS_UNAVAILABLE: Text = {
  zh: '服务暂不可用：无法连接 Redis，请稍后重试。',
  en: 'Service unavailable: Redis cannot be reached; please retry shortly.',
};

/** Seconds a client is told to wait before retrying. */
const RETRY_AFTER_S = '5';

/** The part of an ioredis client (standalone or cluster) readiness looks at. */
export interface RedisStatus {
  status: string;
  ping(): Promise<unknown>;
  /** A cluster's nodes: its masters are each asked, since the cluster stays 'ready' while one is away. */
  nodes?: (role: 'master') => { options: { host?: string; port?: number }; ping(): Promise<unknown> }[];
  /** A cluster's slot table: `host:port` of each slot's master first. */
  slots?: (string[] | undefined)[];
}

/** A slot owner the cluster client has no connection to any more (it drops a node whose connection ended). */
function ownerGone(redis: RedisStatus, live: string[]): string | null {
  const have = new Set(live);
  for (const owners of redis.slots ?? []) {
    const owner = owners?.[0];
    if (owner && !have.has(owner)) return owner;
  }
  return null;
}

function unavailable(): ServiceUnavailableError {
  return new ServiceUnavailableError(REDIS_UNAVAILABLE);
}

/** Answers 503 before any work is done while the client is not connected. */
export function requireRedis(redis: RedisStatus): RequestHandler {
  return (_req, res, next) => {
    if (redis.status === 'ready') return next();
    res.set('Retry-After', RETRY_AFTER_S);
    next(unavailable());
  };
}

/** Turns a Redis connection failure met halfway through a request into a 503. */
export function redisFailuresAsUnavailable(): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (!isRedisUnavailable(err)) return next(err);
    res.set('Retry-After', RETRY_AFTER_S);
    next(unavailable());
  };
}

/**
 * Whether Redis answers a PING within `timeoutMs`. A client that is not connected
 * is down at once; a connected one that does not answer (a hung server) is down
 * when the time is up.
 */
export async function redisAnswers(redis: RedisStatus, timeoutMs = 800): Promise<{ up: true } | { up: false; reason: string }> {
  if (redis.status !== 'ready') return { up: false, reason: `connection ${redis.status}` };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer to PING within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    // On a cluster every master must answer: with one away, the commands of its slots fail.
    const masters = redis.nodes?.('master');
    if (masters) {
      const gone = ownerGone(
        redis,
        masters.map((n) => `${n.options.host}:${n.options.port}`),
      );
      if (gone) return { up: false, reason: `cluster node ${gone}: not connected` };
    }
    const asked = masters
      ? masters.map((n) =>
          n.ping().then(
            () => null,
            (err: Error) => `cluster node ${n.options.host ?? '?'}:${n.options.port ?? '?'}: ${err.message}`,
          ),
        )
      : [redis.ping().then(() => null)];
    const reason = await Promise.race([Promise.all(asked).then((rs) => rs.find((r) => r !== null) ?? null), late]);
    return reason === null ? { up: true } : { up: false, reason };
  } catch (err) {
    return { up: false, reason: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
