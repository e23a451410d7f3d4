/**
 * The command line as a newcomer meets it: help, a clear paragraph when Redis is
 * missing, and the README's demo running a plan end to end.
 */
import { spawnSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const duban = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/duban.js'), ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('duban CLI', () => {
  it('explains itself in Chinese and English', () => {
    const r = duban(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('行动计划督办引擎');
    expect(r.stdout).toContain('action-plan supervision engine');
    expect(duban(['start', '--help']).stdout).toContain('--demo');
  });

  it('fails with one clear line on an unknown command or flag', () => {
    const r = duban(['launch-rockets']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('unknown command: launch-rockets');
    expect(duban(['start', '--colour']).status).not.toBe(0);
  });

  it('without redis-server and REDIS_URL, says how to get one and exits non-zero', () => {
    const env = { PATH: '/nonexistent', REDIS_URL: '' };
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/duban.js'), 'start'], {
      cwd: ROOT,
      env: { ...process.env, ...env, REDIS_URL: undefined },
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('apt-get install redis-server');
    expect(r.stderr).toContain('REDIS_URL');
  });

  it("a server's start failure is one JSON line where its log is JSON (stderr not a terminal), the text with pretty logs", () => {
    const json = duban(['worker'], { DUBAN_REDIS_TIMEOUT_MS: 'abc', DUBAN_LOG_FORMAT: undefined });
    expect(json.status).toBe(1);
    const lines = json.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { level: string; role: string; msg: string };
    expect(line).toMatchObject({ level: 'fatal', role: 'worker' });
    expect(line.msg).toContain('DUBAN_REDIS_TIMEOUT_MS「abc」：应为整数');
    const pretty = duban(['worker'], { DUBAN_REDIS_TIMEOUT_MS: 'abc', DUBAN_LOG_FORMAT: 'pretty' });
    expect(pretty.status).toBe(1);
    expect(pretty.stderr.trim()).toBe(`错误 / error: ${line.msg.replace(/^错误 \/ error: /, '')}`);
  });

  it('api and worker need a shared Redis', () => {
    const r = duban(['worker'], { REDIS_URL: undefined });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('needs REDIS_URL');
  });

  it('runs the API alone on a shared Redis, on the port asked for, with the admin token from the environment', async () => {
    const port = 30_000 + Math.floor(Math.random() * 20_000);
    const admin = 'test-admin-token-0123456789';
    const child = spawn(process.execPath, [join(ROOT, 'bin/duban.js'), 'api', '--port', String(port)], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: inject('redisUrl'), DUBAN_PREFIX: `cli${Date.now() % 100000}`, DUBAN_ADMIN_TOKEN: admin },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolveReady, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('ready')) resolveReady();
        });
        child.once('exit', (code) => reject(new Error(`api exited (${code}): ${out}`)));
      });
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ ok: true, redis: 'up' });
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, { headers: { authorization: `Bearer ${admin}` } });
      expect(await me.json()).toEqual({ principal: { kind: 'admin' } });
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/me`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('runs the demo plan end to end with its own redis-server, then exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-demo-'));
    try {
      const child = spawn(process.execPath, [join(ROOT, 'bin/duban.js'), 'start', '--demo', '--beat', '0.8', '--exit', '--port', '0'], {
        cwd: dir,
        env: { ...process.env, REDIS_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      // A demo that has not ended well within the test's time is stopped, so its output shows where it stood.
      const stop = setTimeout(() => child.kill('SIGKILL'), 80_000);
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      clearTimeout(stop);
      expect(code, out).toBe(0);
      expect(out).toContain('首个管理员令牌');
      expect(out).toContain('催办提醒');
      expect(out).toContain('第一次整改通知书');
      expect(out).toContain('第三次整改通知书');
      expect(out).toContain('督办处理通知');
      expect(out).toContain('→ 已结束 / closed');
      // t3 is never done: it climbs to rung 4, then the plan closes with it unfinished.
      expect(out).toMatch(/t3 .*方案结束时未完成，最高督办第 4 级/);
      expect(out).toMatch(/t2 .*已验收.*退回 1 次/);
      expect(out).toContain('演示结束 / demo finished.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
