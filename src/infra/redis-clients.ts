/**
 * Redis clients for one Duban process, two kinds:
 *
 * - fail-fast clients serve requests (the engine, tokens, the timer queue's adds):
 *   no offline queue, no retry of a command caught by a dropped connection, and a
 *   command timeout. While Redis is away a call fails at once instead of queueing
 *   until it returns, so the API can answer 503 and a shutdown is never stuck
 *   behind a queued command. A commit is one Lua script, so a commit that times
 *   out on our side was applied whole or not at all; the engine re-reads before
 *   its next change either way.
 * - BullMQ workers wait on blocking commands and must ride out an outage, so they
 *   keep BullMQ's settings (maxRetriesPerRequest: null) and are force-closed when
 *   a shutdown cannot wait.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** Options of a fail-fast client; `timeoutMs` bounds every command. */
export function failFastOptions(timeoutMs: number): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    // Redis back from a restart is found within a second.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  };
}

/**
 * Errors that mean Redis is out of reach rather than that the request is wrong:
 * the connection is down or closed, a command timed out, or the server is still
 * loading its data after a restart.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ClusterAllFailedError') return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN'].includes(code)) return true;
  return /^(Command timed out|Connection is closed|Stream isn't writeable|LOADING )/.test(err.message);
}

/** The URL with its password masked, for messages. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Logs an outage once when it starts and once when it ends, instead of one line
 * (or stack trace) per reconnection attempt.
 */
export function reportOutages(client: Redis, log: (line: string) => void): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log(`Redis 连接中断，正在重连 / lost the connection to Redis, reconnecting: ${err.message}`);
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log('Redis 已重新连接 / reconnected to Redis');
  });
}

/** A connected fail-fast client, or an error saying Redis could not be reached within `connectMs`. */
export async function connectFailFast(url: string, o: { timeoutMs: number; connectMs: number; name: string }): Promise<Redis> {
  const client = new Redis(url, { ...failFastOptions(o.timeoutMs), connectionName: o.name, lazyConnect: true });
  let lastError: Error | null = null;
  // Also keeps ioredis from printing every failed reconnection as an unhandled error.
  client.on('error', (err: Error) => {
    lastError = err;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    // connect() resolves once ready, or rejects on the first failure; keep trying until the deadline.
    await Promise.race([
      new Promise<void>((resolve) => {
        client.once('ready', () => resolve());
        client.connect().catch(() => undefined);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `无法连接 Redis / cannot reach Redis at ${displayUrl(url)} within ${o.connectMs} ms${lastError ? `: ${lastError.message}` : ''}`,
              ),
            ),
          o.connectMs,
        );
      }),
    ]);
  } catch (err) {
    client.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return client;
}
