/**
 * `duban audit verify PLAN` straight on Redis: a clean trail passes, one entry edited
 * by hand is named and the command exits 1.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const ROOT = resolve(import.meta.dirname, '../..');
const office: Principal = { kind: 'office', name: 'office', org: 'default' };
let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

const audit = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/duban.js'), 'audit', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('duban audit verify', () => {
  it('passes a clean trail and names the entry edited by hand', async () => {
    rt = await testRuntime();
    await rt.engine.createPlan(fixturePlan({ id: 'audited', start: Date.now() }), office, { publish: true });
    await rt.engine.taskEvent(
      'audited',
      't1',
      { type: 'task.progress', percent: 30, note: '起草中' },
      { kind: 'person', personId: 'p-zhao' },
    );
    const env = { DUBAN_PREFIX: rt.prefix, REDIS_URL: rt.url };
    const ok = audit(['verify', 'audited'], env);
    expect(ok.stdout).toContain('留痕完整');
    expect(ok.status).toBe(0);

    const key = rt.engine.pk('audited').history('t1');
    // The first entry lives in the task hash (h0); the list holds entries 2 onwards.
    const entry = (await rt.redis.lindex(key, 0))!;
    await rt.redis.lset(key, 0, entry.replace('起草中', '已完成'));
    const bad = audit(['verify', 'audited'], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('任务 / task t1，第 2 条');
    expect(bad.stderr).toContain('记录内容与其哈希不符');
  });

  it('names the newest entries removed, which leave the chain whole, of a task and of the plan', async () => {
    rt = await testRuntime();
    await rt.engine.createPlan(fixturePlan({ id: 'cut', start: Date.now() }), office, { publish: true });
    const zhao = { kind: 'person', personId: 'p-zhao' } as const;
    await rt.engine.taskEvent('cut', 't1', { type: 'task.progress', percent: 30, note: '起草中' }, zhao);
    await rt.engine.taskEvent('cut', 't1', { type: 'task.progress', percent: 60, note: '修改中' }, zhao);
    const env = { DUBAN_PREFIX: rt.prefix, REDIS_URL: rt.url };
    expect(audit(['verify', 'cut'], env).status).toBe(0);

    const pk = rt.engine.pk('cut');
    await rt.redis.rpop(pk.history('t1'));
    const task = audit(['verify', 'cut'], env);
    expect(task.status).toBe(1);
    expect(task.stderr).toContain('任务 / task t1');
    expect(task.stderr).toContain('最新的 1 条记录缺失');

    // The plan's own newest entry (its publication) removed is named too.
    await rt.engine.createPlan(fixturePlan({ id: 'cut-plan', start: Date.now() }), office, { publish: true });
    expect(audit(['verify', 'cut-plan'], env).status).toBe(0);
    await rt.redis.rpop(rt.engine.pk('cut-plan').history('@plan'));
    const plan = audit(['verify', 'cut-plan'], env);
    expect(plan.status).toBe(1);
    expect(plan.stderr).toContain('方案 / plan');
    expect(plan.stderr).toContain('最新的 1 条记录缺失');
  });

  it('verifies a plan on a Redis Cluster through REDIS_CLUSTER_NODES, and names a node given as --redis for what it is', async () => {
    rt = await testRuntime({ cluster: true });
    await rt.engine.createPlan(fixturePlan({ id: 'on-cluster', start: Date.now() }), office, { publish: true });
    const nodes = inject('redisClusterNodes');
    const env = { DUBAN_PREFIX: rt.prefix, REDIS_URL: '', REDIS_CLUSTER_NODES: nodes.join(',') };
    const ok = audit(['verify', 'on-cluster'], env);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('留痕完整');
    expect(ok.status).toBe(0);
    const one = audit(['verify', 'on-cluster', '--redis', `redis://${nodes[0]}`], {
      DUBAN_PREFIX: rt.prefix,
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: '',
    });
    expect(one.status).toBe(1);
    expect(one.stderr).toContain('是 Redis 集群节点');
    expect(one.stderr).toContain('REDIS_CLUSTER_NODES');
  });

  it('says how to use it when the words are off', () => {
    const r = audit(['check'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('duban audit verify PLAN');
  });
});
