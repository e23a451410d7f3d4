/** A Duban runtime on the test run's private Redis (or its Redis Cluster), with a key prefix of its own. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { RedisSpec } from '../../src/infra/redis-connect.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';

export interface TestRuntimeOptions {
  api?: boolean;
  worker?: boolean;
  reconcileMs?: number;
  now?: () => number;
  lateAfterMs?: number;
  /** The data folder (file store); default a fresh temp folder. */
  dataDir?: string;
  /** Run on the test run's Redis Cluster instead of its single server. */
  cluster?: boolean;
  /** With `cluster`: the node to connect through (default the first); the others are found from it. */
  clusterNode?: number;
}

/** The two kinds of Redis the integration tests run on. */
export const TEST_REDIS = ['single', 'cluster'] as const;

/** The spec of the run's cluster, seeded with one node (or all). */
export function testClusterSpec(node?: number): RedisSpec {
  const all = inject('redisClusterNodes').map((n) => {
    const [host, port] = n.split(':');
    return { host: host!, port: Number(port) };
  });
  return { kind: 'cluster', nodes: node === undefined ? all : [all[node % all.length]!] };
}

export function testPrefix(): string {
  return `t${randomBytes(4).toString('hex')}`;
}

export async function testRuntime(o: TestRuntimeOptions = {}, prefix = testPrefix()): Promise<Runtime & { prefix: string; url: string }> {
  const url = inject('redisUrl');
  const runtime = await startRuntime({
    // DUBAN_TEST_CLUSTER=1 runs any test's runtimes on the cluster, to try a suite there (a test that
    // opens its own client on inject('redisUrl') or lists keys with KEYS still looks at the single server).
    ...((o.cluster ?? process.env.DUBAN_TEST_CLUSTER === '1') ? { redis: testClusterSpec(o.clusterNode ?? 0) } : { redisUrl: url }),
    prefix,
    // DUBAN_TEST_LOG=1 prints the runtime's log lines (errors behind a 500, for one).
    log: process.env.DUBAN_TEST_LOG ? (line: string) => console.error(line) : () => undefined,
    ...(o.api ? { api: { port: 0 } } : {}),
    ...(o.worker ? { worker: { concurrency: 20, reconcileMs: o.reconcileMs ?? 1_000, lockMs: 2_000, stalledMs: 1_000 } } : {}),
    ...(o.now ? { now: o.now } : {}),
    ...(o.lateAfterMs !== undefined ? { lateAfterMs: o.lateAfterMs } : {}),
    // Each runtime keeps its files in a temp folder of its own, never the repository's ./data.
    dataDir: o.dataDir ?? mkdtempSync(join(tmpdir(), 'duban-test-data-')),
  });
  return Object.assign(runtime, { prefix, url });
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
}
