/**
 * Duban on a real Redis Cluster (the run's three masters, test/helpers/redis-cluster.ts):
 * the API connected through one node and the worker through another run a plan whose
 * ladder climbs to rung 4, and every way of pointing Duban at the wrong kind of Redis
 * stops the start with one clear message. Sentinel: test/process/sentinel.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { RedisConfigError, loadConfig, redisSpec } from '../../src/config.js';
import { freePort } from '../../src/infra/redis-server.js';
import { startRuntime } from '../../src/runtime.js';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { startRedisCluster } from '../helpers/redis-cluster.js';
import { spawnDuban } from './processes.js';
import { eventually, testPrefix, testRuntime } from '../helpers/runtime.js';

const quiet = () => undefined;

describe('on a Redis Cluster', () => {
  const runtimes: Awaited<ReturnType<typeof testRuntime>>[] = [];
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.close()));
  });

  it('the API through one node and the worker through another run a plan up to rung 4', async () => {
    const prefix = testPrefix();
    const api = await testRuntime({ api: true, cluster: true, clusterNode: 0 }, prefix);
    runtimes.push(api);
    const worker = await testRuntime({ worker: true, cluster: true, clusterNode: 1 }, prefix);
    runtimes.push(worker);
    expect(api.redis.isCluster && worker.redis.isCluster).toBe(true);

    const call = client(api.port!);
    const admin = (await api.tokens.ensureAdmin())!;
    const issued = await call('POST', '/api/v1/tokens', { token: admin, body: { kind: 'office', name: '陈静', org: 'default' } });
    expect(issued.status).toBe(201);
    const office = issued.json.token as string;
    // Deadlines, reminders and rungs are ISO 8601 durations of seconds (PT2S, PT1S…).
    const plan = fixturePlan({ id: 'cl-plan', start: Date.now() + 500, phases: [0, 2, 4, 6, 8], deadlines: { t1: 3, t2: 3, t3: 3 } });
    const created = await call('POST', '/api/v1/plans?publish=true', { token: office, body: plan });
    expect(created.status).toBe(201);
    const head = await api.tokens.issue({ kind: 'person', personId: 'p-zhou' });
    expect((await call('POST', '/api/v1/plans/cl-plan/tasks/t2/events', { token: head, body: { type: 'task.acknowledge' } })).status).toBe(
      200,
    );

    // Only the worker runs timers: t1 climbs rung by rung to the top.
    const t1 = await eventually(async () => {
      const res = await call('GET', '/api/v1/plans/cl-plan/tasks/t1', { token: office });
      return res.status === 200 && res.json.rung === 4 ? res.json : null;
    }, 30_000);
    // Reminders, then rungs 1..4 in order, each notice once.
    const notices = (t1.history as { notices?: string[] }[]).flatMap((h) => h.notices ?? []);
    expect(notices.map((id) => id.split('.').pop())).toEqual(['m1', 'm2', 'r1', 'r2', 'r3', 'r4']);
    // The office's list reads the plan index and plan keys across the cluster's slots.
    const list = await call('GET', '/api/v1/plans', { token: office });
    expect(list.json.plans.map((p: { id: string }) => p.id)).toEqual(['cl-plan']);
  });

  it('a cluster node given as REDIS_URL stops the start with one clear message', async () => {
    const node = inject('redisClusterNodes')[0]!;
    const start = startRuntime({ redisUrl: `redis://${node}`, prefix: testPrefix(), log: quiet, connectMs: 5_000 });
    await expect(start).rejects.toThrow(
      `redis://${node} 是 Redis 集群节点，请用 REDIS_CLUSTER_NODES=主机:端口,… 代替 REDIS_URL / is a Redis Cluster node: give the cluster's nodes as REDIS_CLUSTER_NODES=host:port,… instead of REDIS_URL`,
    );
  });

  it('duban api on a cluster node as REDIS_URL, or on two kinds of Redis at once, exits with the message', async () => {
    const node = inject('redisClusterNodes')[0]!;
    const api = spawnDuban(['api', '--port', '0'], { env: { REDIS_URL: `redis://${node}`, DUBAN_LOG_FORMAT: 'pretty' } });
    expect((await api.exited(30_000))?.code).toBe(1);
    expect(api.output()).toContain(
      `启动失败 / could not start: redis://${node} 是 Redis 集群节点，请用 REDIS_CLUSTER_NODES=主机:端口,… 代替 REDIS_URL`,
    );
    const both = spawnDuban(['worker'], { env: { REDIS_URL: inject('redisUrl'), REDIS_CLUSTER_NODES: node } });
    expect((await both.exited(30_000))?.code).toBe(1);
    expect(both.output()).toContain(
      'REDIS_URL、REDIS_CLUSTER_NODES 只能设置一个（单机、集群或哨兵）/ set only one of REDIS_URL, REDIS_CLUSTER_NODES',
    );
  });

  it('a single server, or a node that does not answer, in REDIS_CLUSTER_NODES stops the start naming it', async () => {
    const single = new URL(inject('redisUrl'));
    const dead = await freePort();
    const spec = redisSpec(
      loadConfig({ REDIS_CLUSTER_NODES: `${inject('redisClusterNodes')[0]},127.0.0.1:${single.port},127.0.0.1:${dead}` }),
    );
    const start = startRuntime({ redis: spec!, prefix: testPrefix(), log: quiet, connectMs: 1_500 });
    const err = (await start.catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^Redis 集群配置有误 \/ REDIS_CLUSTER_NODES is wrong: /);
    expect(err.message).toContain(`127.0.0.1:${single.port} 不是集群节点（cluster_enabled:0），单机 Redis 请用 REDIS_URL`);
    expect(err.message).toContain(`127.0.0.1:${dead} 无法连接 / unreachable`);
    expect(err.message).not.toContain(inject('redisClusterNodes')[0]!);
  });

  it('takes the cluster from REDIS_CLUSTER_NODES with credentials, and refuses two kinds of Redis at once', () => {
    expect(redisSpec(loadConfig({ REDIS_CLUSTER_NODES: 'redis://duban:s%40cret@10.0.0.1:7000, 10.0.0.2:7001' }))).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      username: 'duban',
      password: 's@cret',
    });
    expect(redisSpec(loadConfig({ REDIS_CLUSTER_NODES: '[::1]:7000', REDIS_PASSWORD: 'p' }))).toEqual({
      kind: 'cluster',
      nodes: [{ host: '::1', port: 7000 }],
      password: 'p',
    });
    expect(() => redisSpec(loadConfig({ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'b:7000' }))).toThrow(
      new RedisConfigError(
        'REDIS_URL、REDIS_CLUSTER_NODES 只能设置一个（单机、集群或哨兵）/ set only one of REDIS_URL, REDIS_CLUSTER_NODES (one server, a cluster or Sentinel)',
      ),
    );
    expect(() => redisSpec(loadConfig({ REDIS_CLUSTER_NODES: 'b:70000' }))).toThrow(/REDIS_CLUSTER_NODES：「b:70000」不是 主机:端口/);
    expect(() => redisSpec(loadConfig({ REDIS_SENTINELS: 'b:26379' }))).toThrow(/REDIS_SENTINELS 需要 REDIS_SENTINEL_NAME/);
  });
});

describe('a cluster node going away', () => {
  it("its plans' requests answer 503 at once, and the outage is logged once with the node's address", async () => {
    // A cluster of its own: the run's shared one must not lose a node.
    const cluster = await startRedisCluster();
    const lines: string[] = [];
    const [host, port] = cluster.nodes[0]!.split(':');
    const prefix = testPrefix();
    const rt = await startRuntime({
      redis: { kind: 'cluster', nodes: [{ host: host!, port: Number(port) }] },
      prefix,
      log: (line) => lines.push(line),
      redisTimeoutMs: 1_000,
      api: { port: 0 },
      dataDir: mkdtempSync(join(tmpdir(), 'duban-test-data-')),
    });
    try {
      const call = client(rt.port!);
      // Which node holds what: stop one that holds a plan but neither the token nor the directory.
      // The node that owns a key's slot: the one that answers, or the one it sends us to (MOVED).
      const first = (rt.redis as import('ioredis').Cluster).nodes('master')[0]!;
      const holder = async (key: string) => {
        try {
          await first.exists(key);
          return `${first.options.host}:${first.options.port}`;
        } catch (err) {
          return /MOVED \d+ (\S+)/.exec((err as Error).message)?.[1] ?? null;
        }
      };
      const dirAt = await holder(`${prefix}:dir:{dir}:orgs`);
      // A token's key is random: take one that shares a node with the directory or lives on the
      // node we connect through, so that a third node holds neither and can be stopped.
      let office = '';
      for (let i = 0; i < 100 && !office; i++) {
        const t = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
        const at = await holder(`${prefix}:tok:${createHash('sha256').update(t).digest('hex')}`);
        if (at === dirAt || at === cluster.nodes[0]) office = t;
      }
      expect(office).not.toBe('');
      const spared = new Set([dirAt, cluster.nodes[0]]);
      let victim: { id: string; node: number } | undefined;
      let survivor: string | undefined;
      for (let i = 0; i < 500 && (!victim || !survivor); i++) {
        const id = `node-${i}`;
        const at = await holder(rt.engine.pk(id).plan);
        if (!victim && !spared.has(at)) victim = { id, node: cluster.nodes.indexOf(at!) };
        else if (!survivor && at === cluster.nodes[0]) survivor = id;
      }
      expect(victim).toBeDefined();
      for (const id of [victim!.id, survivor].filter((x): x is string => !!x))
        await rt.engine.createPlan(fixturePlan({ id, start: Date.now(), deadlines: { t1: 3600, t2: 3600, t3: 3600 } }), {
          kind: 'office',
          name: '陈静',
          org: 'default',
        });
      await cluster.stopNode(victim!.node);

      const started = Date.now();
      const res = await call('GET', `/api/v1/plans/${victim!.id}`, { token: office });
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5_000);
      if (survivor) expect((await call('GET', `/api/v1/plans/${survivor}`, { token: office })).status).toBe(200);
      // The cluster stays 'ready' with a master away; health and metrics ask every master, so they say it.
      const [health, healthMs] = await (async () => {
        const t0 = Date.now();
        const r = await call('GET', '/healthz');
        return [r, Date.now() - t0] as const;
      })();
      expect(health.status).toBe(503);
      expect(healthMs).toBeLessThan(1_500);
      expect(health.json.detail).toContain(`cluster node ${cluster.nodes[victim!.node]}`);
      expect(String((await call('GET', '/metrics')).json)).toMatch(/^duban_redis_up 0$/m);
      await call('GET', `/api/v1/plans/${victim!.id}`, { token: office });
      const reported = lines.filter((l) => l.includes('连接中断'));
      expect(reported).toHaveLength(1);
      expect(reported[0]).toContain(
        `Redis 集群节点 ${cluster.nodes[victim!.node]} 连接中断，正在重连 / lost the connection to cluster node`,
      );
    } finally {
      await rt.close();
      await cluster.stop();
    }
  });
});
