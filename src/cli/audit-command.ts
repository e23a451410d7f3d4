/**
 * `duban audit verify PLAN`: checks a plan's hash-chained trail straight in Redis —
 * not through a server, which could be the thing tampered with — and names the first
 * broken entry of each history. Exit 0 when the chain holds, 1 when it does not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, redisSpec } from '../config.js';
import { Engine } from '../engine/engine.js';
import { noTimers } from '../engine/scheduler.js';
import { LOCK_FILE } from '../infra/local-redis.js';
import { connectFailFast } from '../infra/redis-clients.js';
import type { RedisSpec } from '../infra/redis-connect.js';
import type { RedisClient } from '../store/batch.js';
import { PLAN_ENTITY } from '../store/keys.js';
import type { CliCommand } from './command.js';

const USAGE = 'duban audit verify PLAN [--redis URL]';
const HELP = `  核验方案留痕的哈希链，指出第一条被改动、插入或删除的记录。 / Verifies the plan's hash-chained trail and names the first entry edited, inserted or deleted.
  --redis URL   Redis 地址（默认 REDIS_URL、REDIS_CLUSTER_NODES 或 REDIS_SENTINELS，或 duban start 数据目录中的服务器） / Redis (default REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS, or the server of duban start's data folder)`;

/** Reading needs no timers. */

/** --redis, else REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS, else the redis-server `duban start` keeps for its data folder. */
function redisTarget(flag: string | undefined): RedisSpec | null {
  if (flag) return { kind: 'single', url: flag };
  const config = loadConfig();
  const spec = redisSpec(config);
  if (spec) return spec;
  try {
    const lock = JSON.parse(readFileSync(join(config.DUBAN_DATA_DIR, LOCK_FILE), 'utf8')) as { port?: number };
    return lock.port ? { kind: 'single', url: `redis://127.0.0.1:${lock.port}` } : null;
  } catch {
    return null;
  }
}

export const auditCommand: CliCommand = {
  name: 'audit',
  usage: USAGE,
  async run(argv) {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(`${USAGE}\n${HELP}`);
      return 0;
    }
    let values: { redis?: string | undefined };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({ args: argv, options: { redis: { type: 'string' } }, allowPositionals: true, strict: true }));
    } catch (err) {
      console.error(`参数有误 / bad arguments: ${(err as Error).message}\n${USAGE}`);
      return 1;
    }
    const [verb, planId] = positionals;
    if (verb !== 'verify' || !planId) {
      console.error(`用法 / usage: ${USAGE}`);
      return 1;
    }
    let redis: RedisClient;
    try {
      const spec = redisTarget(values.redis);
      if (!spec) {
        console.error(
          '找不到 Redis：请用 --redis、REDIS_URL、REDIS_CLUSTER_NODES 或 REDIS_SENTINELS 指定，或在 duban start 的目录中运行。 / No Redis: pass --redis or set REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS, or run where duban start keeps its data.',
        );
        return 1;
      }
      // Connected as the server connects: a cluster node given as one server is named as such.
      redis = await connectFailFast(spec, { timeoutMs: 10_000, connectMs: 10_000, name: 'duban:audit' });
    } catch (err) {
      console.error(`错误 / error: ${(err as Error).message}`);
      return 1;
    }
    try {
      const engine = new Engine({ redis, scheduler: noTimers, prefix: loadConfig().DUBAN_PREFIX });
      const report = await engine.verifyTrail(planId);
      const entity = (id: string) => (id === PLAN_ENTITY ? '方案 / plan' : `任务 / task ${id}`);
      if (report.ok) {
        console.log(
          `✓ 留痕完整 / the trail holds: ${report.planId}，${report.lists} 份记录 / histories，${report.entries} 条 / entries` +
            (report.unchained > 0
              ? `（其中 ${report.unchained} 条早于哈希链，未能核验 / ${report.unchained} predate the chain and cannot be checked）`
              : ''),
        );
        return 0;
      }
      console.error(`✗ 留痕被改动 / the trail was tampered with: ${report.planId}`);
      for (const b of report.broken) {
        console.error(`  ${entity(b.entity)}，第 ${b.index + 1} 条 / entry ${b.index + 1}：${b.reason.zh} / ${b.reason.en}`);
        console.error(`    ${b.entry.length > 200 ? `${b.entry.slice(0, 200)}…` : b.entry}`);
      }
      return 1;
    } catch (err) {
      console.error(`错误 / error: ${(err as Error).message}`);
      return 1;
    } finally {
      redis.disconnect();
    }
  },
};
