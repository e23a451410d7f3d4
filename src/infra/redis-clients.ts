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
 *
 * Both kinds come for each way of reaching Redis (redis-connect.ts): one server, a
 * Redis Cluster (ioredis `Cluster`: every key of one command, pipeline or script
 * must share a slot — see src/store/keys.ts) or a master found through Sentinel.
 */
import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisClient } from '../store/batch.js';
import { checkClusterNodes, checkSentinels, describeSpec, displayUrl, hostPort, isClusterNode, type RedisSpec } from './redis-connect.js';

export { displayUrl, type RedisSpec } from './redis-connect.js';

/** Reconnect quickly: Redis back from a restart is found within a second. */
const reconnectSoon = (attempt: number) => Math.min(attempt * 100, 1_000);

/** Options of a fail-fast client; `timeoutMs` bounds every command. */
export function failFastOptions(timeoutMs: number): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    retryStrategy: reconnectSoon,
  };
}

/**
 * Errors that mean Redis is out of reach rather than that the request is wrong:
 * the connection is down or closed, a command timed out, the server is still
 * loading its data after a restart, or the cluster has no node (or slot owner) to ask.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ClusterAllFailedError') return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN'].includes(code)) return true;
  // "All sentinels are unreachable" is also what a Sentinel client says while the sentinels fail over to a new master.
  return /^(Command timed out|Connection is closed|Stream isn't writeable|LOADING |CLUSTERDOWN|TRYAGAIN|Too many Cluster redirections|Cluster isn't ready|None of startup nodes is available|Failed to refresh slots cache|All sentinels are unreachable)/.test(
    err.message,
  );
}

/**
 * Logs an outage once when it starts and once when it ends, instead of one line
 * (or stack trace) per reconnection attempt; `onOutage` is called once as it starts
 * (duban_redis_outages_total).
 */
export function reportOutages(client: RedisClient, log: (line: string) => void, onOutage?: () => void): void {
  let down = false;
  const lost = (line: string) => {
    down = true;
    log(line);
    onOutage?.();
  };
  const back = () => {
    if (!down) return;
    down = false;
    log('Redis 已重新连接 / reconnected to Redis');
  };
  client.on('error', (err: Error) => {
    if (!down) lost(`Redis 连接中断，正在重连 / lost the connection to Redis, reconnecting: ${err.message}`);
  });
  client.on('ready', back);
  if (client instanceof Cluster) {
    // A cluster stays 'ready' while one node is away (its slots' commands fail): that
    // node's errors and its return are what to report.
    client.on('node error', (err: Error, address: string) => {
      if (!down)
        lost(`Redis 集群节点 ${address} 连接中断，正在重连 / lost the connection to cluster node ${address}, reconnecting: ${err.message}`);
    });
    const watch = (node: Redis) => node.on('ready', back);
    for (const node of client.nodes()) watch(node);
    client.on('+node', watch);
  }
}

/** The spec of a bare URL, as the many callers that only know one server pass it. */
export function specOf(spec: RedisSpec | string): RedisSpec {
  return typeof spec === 'string' ? { kind: 'single', url: spec } : spec;
}

/** Resolves once `client` is ready, or rejects saying Redis was not reached within `connectMs`. */
async function ready(client: RedisClient, spec: RedisSpec, connectMs: number): Promise<void> {
  let lastError: Error | null = null;
  // Also keeps ioredis from printing every failed reconnection as an unhandled error.
  const onError = (err: Error) => {
    lastError = err;
  };
  client.on('error', onError);
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
                `无法连接 Redis / cannot reach Redis at ${describeSpec(spec)} within ${Math.max(1, Math.round(connectMs / 1000))} s${lastError ? `: ${lastError.message}` : ''}`,
              ),
            ),
          connectMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    client.off('error', onError);
    // An error listener stays, so a later outage never crashes the process unheard.
    if (client.listenerCount('error') === 0) client.on('error', () => undefined);
  }
}

function clusterOptions(
  spec: Extract<RedisSpec, { kind: 'cluster' }>,
  redisOptions: ClusterOptions['redisOptions'],
  more: ClusterOptions,
): ClusterOptions {
  return {
    ...more,
    redisOptions: {
      ...redisOptions,
      ...(spec.username ? { username: spec.username } : {}),
      ...(spec.password ? { password: spec.password } : {}),
    },
  };
}

/** Sentinel's part of a client's options (ioredis asks the sentinels where the master is, and again after a failover). */
function sentinelOptions(
  spec: Extract<RedisSpec, { kind: 'sentinel' }>,
): Pick<RedisOptions, 'sentinels' | 'name' | 'username' | 'password' | 'sentinelUsername' | 'sentinelPassword' | 'sentinelRetryStrategy'> {
  return {
    sentinels: spec.sentinels,
    name: spec.name,
    ...(spec.username ? { username: spec.username } : {}),
    ...(spec.password ? { password: spec.password } : {}),
    ...(spec.sentinelUsername ? { sentinelUsername: spec.sentinelUsername } : {}),
    ...(spec.sentinelPassword ? { sentinelPassword: spec.sentinelPassword } : {}),
    sentinelRetryStrategy: reconnectSoon,
  };
}

/** A fail-fast client for `spec`, not connected yet. */
function failFastClient(spec: RedisSpec, timeoutMs: number, name: string): RedisClient {
  const options: RedisOptions = { ...failFastOptions(timeoutMs), connectionName: name, lazyConnect: true };
  switch (spec.kind) {
    case 'single':
      return new Redis(spec.url, options);
    case 'sentinel':
      return new Redis({ ...options, ...sentinelOptions(spec) });
    case 'cluster': {
      const { retryStrategy: _perNode, enableOfflineQueue: _offline, lazyConnect: _lazy, ...perNode } = options;
      return new Cluster(
        spec.nodes,
        clusterOptions(spec, perNode, {
          lazyConnect: true,
          enableOfflineQueue: false,
          clusterRetryStrategy: reconnectSoon,
          slotsRefreshTimeout: Math.min(timeoutMs, 2_000),
        }),
      );
    }
  }
}

/**
 * A connected fail-fast client, or one error saying what is wrong: Redis could not be
 * reached within `connectMs`, a cluster node was given as REDIS_URL, a node of
 * REDIS_CLUSTER_NODES is not in cluster mode or cannot be reached, or the sentinels
 * know no master of that name.
 */
export async function connectFailFast(
  spec: RedisSpec | string,
  o: { timeoutMs: number; connectMs: number; name: string },
): Promise<RedisClient> {
  const s = specOf(spec);
  const deadline = Date.now() + o.connectMs;
  if (s.kind === 'cluster') await checkClusterNodes(s, deadline);
  if (s.kind === 'sentinel') await checkSentinels(s, deadline);
  const client = failFastClient(s, o.timeoutMs, o.name);
  try {
    await ready(client, s, Math.max(deadline - Date.now(), 1_000));
    if (client instanceof Redis && (await isClusterNode(client))) {
      const where = s.kind === 'single' ? displayUrl(s.url) : describeSpec(s);
      throw new Error(
        `${where} 是 Redis 集群节点，请用 REDIS_CLUSTER_NODES=主机:端口,… 代替 REDIS_URL / is a Redis Cluster node: give the cluster's nodes as REDIS_CLUSTER_NODES=host:port,… instead of REDIS_URL`,
      );
    }
  } catch (err) {
    client.disconnect();
    throw err;
  }
  return client;
}

/** A BullMQ worker's connection, and how to let it go once the worker has closed. */
export interface WorkerConnection {
  connection: ConnectionOptions;
  /** Closes a client made for the worker (a cluster's); BullMQ closes those it made itself. */
  close(): void;
}

/**
 * The connection a BullMQ worker gets for `spec`. Workers block on Redis and must
 * ride out an outage, so they keep BullMQ's settings (maxRetriesPerRequest: null).
 * One server or Sentinel: options, from which BullMQ makes and owns its clients. A
 * cluster: an ioredis `Cluster` (BullMQ takes one as it is and duplicates it for its
 * blocking connection), owned here and closed after the worker by `close()`. Queue
 * prefixes carry a hash tag (`{dnq}`…), so each queue's keys share one slot.
 */
export function workerConnection(spec: RedisSpec | string, name: string): WorkerConnection {
  const s = specOf(spec);
  switch (s.kind) {
    case 'single':
      return { connection: { url: s.url, maxRetriesPerRequest: null, connectionName: name }, close: () => undefined };
    case 'sentinel':
      return { connection: { ...sentinelOptions(s), maxRetriesPerRequest: null, connectionName: name }, close: () => undefined };
    case 'cluster': {
      const cluster = new Cluster(
        s.nodes,
        clusterOptions(s, { maxRetriesPerRequest: null, connectionName: name }, { clusterRetryStrategy: reconnectSoon }),
      );
      cluster.on('error', () => undefined); // the worker reports what matters
      return { connection: cluster, close: () => cluster.disconnect() };
    }
  }
}

/** The nodes a cluster spec names, as `host:port` (for messages and tests). */
export function specNodes(spec: RedisSpec): string[] {
  if (spec.kind === 'cluster') return spec.nodes.map(hostPort);
  if (spec.kind === 'sentinel') return spec.sentinels.map(hostPort);
  return [displayUrl(spec.url)];
}
