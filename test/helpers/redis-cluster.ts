/**
 * A real, private Redis Cluster for the tests: three masters (no replicas) on free
 * ports, their data and cluster config files in a temp folder, joined with
 * `redis-cli --cluster create`. Started once per run by test/setup/global-redis.ts;
 * tests reach it through `inject('redisClusterNodes')` (see testRuntime's `cluster`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { infoFields } from '../../src/infra/redis-connect.js';
import { startRedisServer, type RedisServerHandle } from '../../src/infra/redis-server.js';

export interface RedisClusterHandle {
  /** `127.0.0.1:port` of every master. */
  nodes: string[];
  /** Stops one node (SIGTERM), as an outage of that node's slots. */
  stopNode(index: number): Promise<void>;
  /** Stops every node and removes their files. */
  stop(): Promise<void>;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${out}`))));
  });
}

/** Waits until `url` sees the cluster as `ok`, with every slot served. */
async function waitClusterOk(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = infoFields(String(await client.call('CLUSTER', 'INFO')));
      if (info['cluster_state'] === 'ok' && info['cluster_slots_ok'] === '16384') return;
      if (Date.now() > deadline) throw new Error(`cluster at ${url} not ok within ${timeoutMs} ms: ${JSON.stringify(info)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    client.disconnect();
  }
}

/** Starts a three-master cluster and waits until every node sees it `ok`. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-test-cluster-'));
  const servers: RedisServerHandle[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const nodeDir = join(dir, `node-${i}`);
      servers.push(
        await startRedisServer(nodeDir, {
          persist: false,
          extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', join(nodeDir, 'nodes.conf'), '--cluster-node-timeout', '2000'],
        }),
      );
    }
    const nodes = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(servers.map((s) => waitClusterOk(s.url, 20_000)));
    return { nodes, stopNode: (i) => servers[i]!.stop(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
