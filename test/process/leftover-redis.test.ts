/**
 * The data folder belongs to one redis-server at a time. A `duban start` killed with
 * SIGKILL leaves its redis-server running; the next start must find it through the
 * lock in the data folder and use it, never open a second server on the same
 * append-only files. A second start while the first still runs is refused.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, redisServersIn, spawnDuban, until, type DubanProcess } from './processes.js';

const ADMIN = 'leftover-admin-token-0123456789';
const auth = { authorization: `Bearer ${ADMIN}` };

describe.skipIf(process.platform !== 'linux')('a redis-server left running by a killed start', () => {
  let dir = '';
  const started: DubanProcess[] = [];
  const start = (args: string[]) => {
    const p = spawnDuban(['start', '--port', '0', ...args], { cwd: dir, env: { DUBAN_ADMIN_TOKEN: ADMIN }, detached: true });
    started.push(p);
    return p;
  };
  afterEach(() => {
    for (const p of started.splice(0)) killLeftovers(p, join(dir, 'data'));
    rmSync(dir, { recursive: true, force: true });
  });

  it('is reused by the next start: one server on the data folder, the data intact', async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-leftover-'));
    mkdirSync(join(dir, 'data'));
    const first = start(['--demo', '--beat', '0.5']);
    // The demo names its plan in full-width brackets: （demo-…）.
    const [, planId] = await first.waitFor(/（(demo-[^）\s]+)）/);
    await first.waitFor('催办提醒');
    const [leftover] = redisServersIn(join(dir, 'data'));
    expect(leftover).toBeDefined();
    first.child.kill('SIGKILL');
    await first.exited(5_000);
    expect(redisServersIn(join(dir, 'data')), 'the killed start left its redis-server').toEqual([leftover]);

    const second = start([]);
    const [, port] = await second.waitFor(/ready: http:\/\/127\.0\.0\.1:(\d+)\//);
    expect(redisServersIn(join(dir, 'data'))).toEqual([leftover]);
    const lock = JSON.parse(readFileSync(join(dir, 'data', 'duban-redis.json'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(leftover);

    // What the first start wrote is all there, served by the second — to an office: an admin reads no plan.
    const issued = await fetch(`http://127.0.0.1:${port}/api/v1/tokens`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'office', name: '办公室', org: 'default' }),
    });
    const office = { authorization: `Bearer ${((await issued.json()) as { token: string }).token}` };
    const plans = (await (await fetch(`http://127.0.0.1:${port}/api/v1/plans`, { headers: office })).json()) as { plans: { id: string }[] };
    expect(plans.plans.map((x) => x.id)).toContain(planId);
    const tasks = await fetch(`http://127.0.0.1:${port}/api/v1/plans/${planId}/tasks`, { headers: office });
    expect(((await tasks.json()) as { tasks: unknown[] }).tasks).toHaveLength(4);

    // And it is stopped with the start that adopted it.
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await second.exited(15_000), second.output()).toEqual({ code: 0, signal: null });
    expect(await until(() => redisServersIn(join(dir, 'data')).length === 0, 2_000)).toBe(true);
  }, 60_000);

  it('is not shared with a second start while the first still runs', async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-twostarts-'));
    mkdirSync(join(dir, 'data'));
    const first = start([]);
    await first.waitFor('ready');
    const second = start([]);
    const exit = await second.exited(20_000);
    expect(exit?.code, second.output()).not.toBe(0);
    expect(second.output()).toContain('数据目录');
    expect(second.output()).toContain('REDIS_URL');
    expect(redisServersIn(join(dir, 'data'))).toHaveLength(1);
    expect(first.child.exitCode).toBeNull();
    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.exited(15_000)).toEqual({ code: 0, signal: null });
  }, 60_000);
});
