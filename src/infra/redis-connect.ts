/**
 * Where Duban's Redis is — one server, a Redis Cluster or a master behind Sentinel —
 * and the checks made before trusting it. A misconfiguration is found at start and
 * reported once, in one line, instead of surfacing later as MOVED errors (a cluster
 * node used as a single server) or as endless reconnection attempts.
 */
import { Redis, type RedisOptions } from 'ioredis';

export interface HostPort {
  host: string;
  port: number;
}

/** How to reach Redis: config.ts builds it from REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS. */
export type RedisSpec =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: HostPort[]; username?: string; password?: string }
  | {
      kind: 'sentinel';
      sentinels: HostPort[];
      /** The master's name as the sentinels know it (REDIS_SENTINEL_NAME). */
      name: string;
      username?: string;
      password?: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
    };

/** `host:port`, the host in brackets when it is an IPv6 address. */
export function hostPort(n: HostPort): string {
  return n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`;
}

/** The URL with its password masked, for messages. */
export function displayUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** Where the spec points, for messages (never a password). */
export function describeSpec(spec: RedisSpec): string {
  switch (spec.kind) {
    case 'single':
      return displayUrl(spec.url);
    case 'cluster':
      return `集群 / cluster ${spec.nodes.map(hostPort).join(',')}`;
    case 'sentinel':
      return `哨兵 / sentinel ${spec.sentinels.map(hostPort).join(',')}（主节点 / master ${spec.name}）`;
  }
}

/**
 * Parses `host:port,host:port` (REDIS_CLUSTER_NODES, REDIS_SENTINELS); an IPv6 host
 * goes in brackets. Returns the problem in words when the list is malformed.
 */
export function parseHostPorts(list: string): HostPort[] | string {
  const nodes: HostPort[] = [];
  for (const raw of list.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(item);
    const port = m ? Number(m[3]) : NaN;
    if (!m || !(port > 0 && port <= 65535)) return `「${item}」不是 主机:端口 / "${item}" is not host:port (e.g. 10.0.0.5:6379)`;
    nodes.push({ host: m[1] ?? m[2]!, port });
  }
  if (nodes.length === 0) return '至少需要一个 主机:端口 / needs at least one host:port';
  return nodes;
}

/** The fields of an INFO section (`INFO cluster`), as `name → value`. */
export function infoFields(info: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) fields[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return fields;
}

/** Whether the server behind `client` runs in cluster mode (`INFO cluster` → `cluster_enabled:1`). */
export async function isClusterNode(client: Redis): Promise<boolean> {
  return infoFields(await client.info('cluster'))['cluster_enabled'] === '1';
}

/** A server's answer means it will not take us at all: no retrying can help. */
function isRefusal(err: Error): boolean {
  return /^(NOAUTH|WRONGPASS|NOPERM|ERR AUTH|ERR invalid password|ERR Client sent AUTH)/.test(err.message);
}

/**
 * Runs `work` on a plain connection to one node, retrying the connection until
 * `deadline`: a node that is still starting is waited for, a refusal is not.
 * Resolves `{ error }` when the node could not be reached or refused us.
 */
async function onNode<T>(
  node: HostPort,
  options: RedisOptions,
  deadline: number,
  work: (client: Redis) => Promise<T>,
): Promise<{ value: T } | { error: string }> {
  let last: string;
  for (;;) {
    const client = new Redis({
      host: node.host,
      port: node.port,
      ...options,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: Math.max(200, Math.min(2_000, deadline - Date.now())),
      commandTimeout: 2_000,
    });
    // The connection's own error says why (ECONNREFUSED …); the rejection only says "Connection is closed."
    let cause = '';
    client.on('error', (err: Error) => (cause = err.message));
    try {
      await client.connect();
      return { value: await work(client) };
    } catch (err) {
      last = cause && /^Connection is closed/.test((err as Error).message) ? cause : (err as Error).message;
      if (isRefusal(err as Error)) return { error: last };
    } finally {
      client.disconnect();
    }
    if (Date.now() + 100 >= deadline) return { error: last };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Checks every node of REDIS_CLUSTER_NODES before the cluster client is made:
 * each must answer, run in cluster mode, and see the cluster as `ok` (waited for
 * until `deadline`, as a cluster that is still forming settles within seconds).
 * Throws one error naming every node that fails, and why.
 */
export async function checkClusterNodes(spec: Extract<RedisSpec, { kind: 'cluster' }>, deadline: number): Promise<void> {
  const auth: RedisOptions = {
    ...(spec.username ? { username: spec.username } : {}),
    ...(spec.password ? { password: spec.password } : {}),
  };
  const results = await Promise.all(
    spec.nodes.map(async (node) => {
      for (;;) {
        const r = await onNode(node, auth, deadline, async (c) => {
          if (!(await isClusterNode(c))) return 'standalone';
          return infoFields(String(await c.call('CLUSTER', 'INFO')))['cluster_state'] ?? 'unknown';
        });
        if ('error' in r) return `${hostPort(node)} 无法连接 / unreachable: ${r.error}`;
        if (r.value === 'standalone')
          return `${hostPort(node)} 不是集群节点（cluster_enabled:0），单机 Redis 请用 REDIS_URL / is not a cluster node (cluster_enabled:0); give a single server as REDIS_URL`;
        if (r.value === 'ok') return null;
        if (Date.now() + 200 >= deadline)
          return `${hostPort(node)} 集群状态为 ${r.value}，不是 ok / sees the cluster as ${r.value}, not ok`;
        await new Promise((res) => setTimeout(res, 200));
      }
    }),
  );
  const problems = results.filter((p): p is string => p !== null);
  if (problems.length > 0) throw new Error(`Redis 集群配置有误 / REDIS_CLUSTER_NODES is wrong: ${problems.join('；')}`);
}

/**
 * Checks the sentinels of REDIS_SENTINELS: at least one must answer, and those that
 * answer must know a master named REDIS_SENTINEL_NAME. Throws one error saying which.
 */
export async function checkSentinels(spec: Extract<RedisSpec, { kind: 'sentinel' }>, deadline: number): Promise<void> {
  const auth: RedisOptions = {
    ...(spec.sentinelUsername ? { username: spec.sentinelUsername } : {}),
    ...(spec.sentinelPassword ? { password: spec.sentinelPassword } : {}),
  };
  // One sentinel that names the master is enough: a dead one is not waited for until the deadline.
  const results: { node: HostPort; r: Awaited<ReturnType<typeof onNode<unknown>>> }[] = [];
  const named = await new Promise<boolean>((resolve) => {
    let left = spec.sentinels.length;
    for (const node of spec.sentinels) {
      void onNode(node, auth, deadline, async (c) => c.call('SENTINEL', 'get-master-addr-by-name', spec.name)).then((r) => {
        results.push({ node, r });
        if ('value' in r && r.value !== null) resolve(true);
        else if (--left === 0) resolve(false);
      });
    }
  });
  if (named) return;
  const answered = results.filter((x) => 'value' in x.r);
  if (answered.length === 0) {
    const why = results.map((x) => `${hostPort(x.node)}: ${'error' in x.r ? x.r.error : ''}`).join('；');
    throw new Error(`无法连接任何哨兵 / no sentinel of REDIS_SENTINELS answers: ${why}`);
  }
  if (answered.every((x) => 'value' in x.r && x.r.value === null)) {
    throw new Error(
      `哨兵不认识名为「${spec.name}」的主节点，请检查 REDIS_SENTINEL_NAME / the sentinels know no master named "${spec.name}": check REDIS_SENTINEL_NAME`,
    );
  }
}
