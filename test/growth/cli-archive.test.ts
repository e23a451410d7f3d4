/** `duban archive PLAN` against a running server: a closed plan is archived and saved with --out; a running one is refused. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { verifyArchive, type PlanArchive } from '../../src/engine/archive.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'duban-cli-archive-'));
const office: Principal = { kind: 'office', name: '陈静', org: 'default' };

const duban = (args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/duban.js'), ...args], { cwd: tmp, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });

describe('duban archive', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    rt = await testRuntime({ api: true });
    env = { DUBAN_SERVER: `http://127.0.0.1:${rt.port}`, DUBAN_TOKEN: await rt.tokens.issue(office) };
  });
  afterAll(async () => {
    await rt?.close();
  });

  it('archives a closed plan, saves the document with --out and refuses a running one', async () => {
    await rt.engine.createPlan(fixturePlan({ id: 'cli-done', start: Date.now() }), office, { publish: true });
    for (let i = 0; i < 4; i++) await rt.engine.planEvent('cli-done', { type: 'plan.advance', reason: '按计划推进' }, office);
    await rt.engine.createPlan(fixturePlan({ id: 'cli-running', start: Date.now() }), office, { publish: true });

    const out = join(tmp, 'cli-done.json');
    const done = await duban(['archive', 'cli-done', '--out', out], env);
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    expect(done.stdout).toContain('已归档 / archived：cli-done');
    const doc = JSON.parse(readFileSync(out, 'utf8')) as PlanArchive;
    expect(verifyArchive(doc).ok).toBe(true);
    expect(await rt.redis.keys(`${rt.prefix}:{cli-done}*`)).toEqual([]);

    const running = await duban(['archive', 'cli-running'], env);
    expect(running.status).toBe(1);
    expect(running.stderr).toContain('409');
    expect(running.stderr).toContain('尚未结束');
    expect(await rt.redis.zscore(rt.engine.keys.plans, 'cli-running')).not.toBeNull();
  });

  it('refuses an --out it could not write before archiving anything, and a second archive says where the first went', async () => {
    await rt.engine.createPlan(fixturePlan({ id: 'cli-out', start: Date.now() }), office, { publish: true });
    for (let i = 0; i < 4; i++) await rt.engine.planEvent('cli-out', { type: 'plan.advance', reason: '按计划推进' }, office);
    const keys = (await rt.redis.keys(`${rt.prefix}:{cli-out}*`)).length;
    for (const [out, says] of [
      [join(tmp, 'no-such-folder', 'x.json'), '不存在'],
      [tmp, '文件夹'],
    ] as const) {
      const r = await duban(['archive', 'cli-out', '--out', out], env);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(says);
      expect(r.stderr).toContain('方案未归档');
      expect(r.stdout).not.toContain('已归档');
      expect((await rt.redis.keys(`${rt.prefix}:{cli-out}*`)).length).toBe(keys);
    }
    expect((await duban(['archive', 'cli-out'], env)).status).toBe(0);
    const again = await duban(['archive', 'cli-out'], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('已于');
    expect(again.stderr).toContain('/api/v1/archives/cli-out');
  });
});
