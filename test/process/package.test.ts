/**
 * The npm package runs on its own: `npm pack` (which builds dist/ first) ships only
 * what runs, and the tarball installed with no dev dependencies — no TypeScript, no
 * tsx — gives a `duban` that prints its help and serves the API, the workspace and
 * the CLI's calls against a real Redis.
 *
 * The pack runs in a copy of the working tree, so its build never writes the
 * repository's dist/ while other tests run bin/duban.js from it.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from './processes.js';

const run = promisify(execFile);
/**
 * npm as a user runs it, minus its update check; and npx that never fetches a package of
 * the same name from the registry when the installed bin is missing — it fails instead.
 */
const NPM_ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_yes: 'false' };
/** Top-level entries of the clone that are not the project: installs, builds, data, git. */
const NOT_COPIED = new Set(['node_modules', 'dist', 'data', 'test-artifacts', '.git']);

describe.skipIf(process.platform !== 'linux')('the npm package', () => {
  let dir = '';
  let app = '';
  let files: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-package-'));
    const tree = join(dir, 'tree');
    cpSync(ROOT, tree, { recursive: true, filter: (src) => !NOT_COPIED.has(src.slice(ROOT.length + 1).split('/')[0]!) });
    symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
    mkdirSync(join(dir, 'packed'));
    await run('npm', ['pack', '--pack-destination', join(dir, 'packed')], { cwd: tree, env: NPM_ENV, maxBuffer: 16 << 20 });
    const tarballs = readdirSync(join(dir, 'packed')).filter((f) => f.endsWith('.tgz'));
    expect(tarballs).toHaveLength(1);
    const tarball = join(dir, 'packed', tarballs[0]!);
    files = (await run('tar', ['-tzf', tarball], { maxBuffer: 16 << 20 })).stdout.split('\n').filter(Boolean);

    // An empty project on a machine that installs only what the package needs to run.
    app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'duban-package-test', private: true }));
    await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
      cwd: app,
      env: NPM_ENV,
      maxBuffer: 16 << 20,
    });
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships the build, the bin and the README, and no tests, benchmarks or TypeScript sources', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/README.md',
        'package/bin/duban.js',
        'package/dist/src/cli/main.js',
        'package/dist/machines/task.machine.js',
        'package/dist/workers/timer.worker.js',
        // Read beside the code at run time.
        'package/dist/src/store/commit.lua',
        'package/dist/src/web/public/index.html',
        'package/dist/src/web/public/app.js',
      ]),
    );
    expect(files.every((f) => f.startsWith('package/'))).toBe(true);
    const stray = files.filter(
      (f) => /^package\/(test|bench|src|scripts|\.ci|data)\//.test(f) || (/\.tsx?$/.test(f) && !f.endsWith('.d.ts')) || /\/eval\//.test(f),
    );
    expect(stray).toEqual([]);
  });

  it('installs without dev dependencies and `npx duban --help` prints the Chinese help', async () => {
    for (const dev of ['typescript', 'tsx', 'vitest']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'duban', 'src'))).toBe(false);
    const { stdout } = await run('npx', ['duban', '--help'], { cwd: app, env: NPM_ENV });
    expect(stdout).toContain('督办：行动计划督办引擎');
    expect(stdout).toMatch(/用法 \/ usage:\n\s+duban start/);
  }, 60_000);

  it('`duban start` serves the API, the workspace and the CLI against Redis, and stops on SIGTERM', async () => {
    const env = {
      ...NPM_ENV,
      REDIS_URL: inject('redisUrl'),
      DUBAN_PREFIX: `pkg${randomBytes(4).toString('hex')}`,
      DUBAN_DATA_DIR: join(app, 'data'),
    };
    // What npx runs: the bin npm linked, started directly so the signal reaches duban itself.
    const child = spawn(join(app, 'node_modules', '.bin', 'duban'), ['start', '--port', '0'], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!/已就绪 \/ ready: http:\/\/127\.0\.0\.1:\d+\//.test(out)) {
        if (child.exitCode !== null) throw new Error(`duban exited (${child.exitCode}):\n${out}`);
        if (Date.now() > deadline) throw new Error(`not ready within 60 s:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const base = out.match(/ready: (http:\/\/127\.0\.0\.1:\d+)\//)![1]!;
      const token = out.match(/first admin token \(shown once\): (\S+)/)?.[1];
      expect(token, out).toBeDefined();

      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true, redis: 'up' });
      // The workspace's static files and the chart library, found from the installed package.
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>督办');
      expect((await fetch(`${base}/app.js`)).status).toBe(200);
      expect((await fetch(`${base}/vendor/echarts.min.js`)).status).toBe(200);

      // The CLI as an API client, writing through the directory's Lua script.
      const cli = (args: string[]) => run('npx', ['duban', ...args, '--server', base, '--token', token!], { cwd: app, env });
      const created = await cli(['org', 'create', 'pkg-bureau', '--name', '打包测试教育局', '--kind', 'bureau']);
      expect(created.stdout).toContain('已创建组织 / created: pkg-bureau 打包测试教育局');
      const listed = await fetch(`${base}/api/v1/organisations`, { headers: { authorization: `Bearer ${token}` } });
      expect(listed.status).toBe(200);
      expect((await listed.json()).organisations).toContainEqual(
        expect.objectContaining({ id: 'pkg-bureau', name: '打包测试教育局', kind: 'bureau' }),
      );

      child.kill('SIGTERM');
      const code = await Promise.race([exit, new Promise((r) => setTimeout(() => r('still running'), 15_000))]);
      expect(code, out).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
