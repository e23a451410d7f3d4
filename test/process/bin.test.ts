/**
 * Which code `bin/duban.js` runs: an installed package has only dist/ and runs it; a
 * clone runs its TypeScript sources through tsx unless a build newer than every source
 * file is there, so a fresh clone needs no build and an edited one never runs its old
 * build. Checked on a copy of the bin beside stand-in entry points that say which ran.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from './processes.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('bin/duban.js', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-bin-'));
    cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
    // An ES module package, as the repository's and the installed package's package.json say.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'duban', type: 'module' }));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (env: NodeJS.ProcessEnv = {}) =>
    new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        [join(dir, 'bin/duban.js'), '--help'],
        { env: { ...process.env, DUBAN_RUN: '', ...env } },
        (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      );
    });
  /** A clone: TypeScript sources (only tsx can run the type annotation) and tsx installed. */
  const clone = () => {
    mkdirSync(join(dir, 'src/cli'), { recursive: true });
    writeFileSync(
      join(dir, 'src/cli/main.ts'),
      "const from: string = 'sources';\nconsole.log(`from ${from}`, process.argv.slice(2).join(' '));\n",
    );
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  };
  /** A build, stamped as npm run build stamps it, `ageMs` ago. */
  const build = (ageMs = 0) => {
    mkdirSync(join(dir, 'dist/src/cli'), { recursive: true });
    writeFileSync(join(dir, 'dist/src/cli/main.js'), "console.log('from dist', process.argv.slice(2).join(' '));\n");
    writeFileSync(join(dir, 'dist/.built'), '');
    const at = new Date(Date.now() - ageMs);
    utimesSync(join(dir, 'dist/.built'), at, at);
  };
  const age = (path: string, ageMs: number) => {
    const at = new Date(Date.now() - ageMs);
    utimesSync(join(dir, path), at, at);
  };

  it('runs dist/ in an installed package, which has no sources', async () => {
    build();
    expect(await run()).toMatchObject({ code: 0, stdout: 'from dist --help\n' });
  });

  it('runs the sources through tsx in a clone without a build', async () => {
    clone();
    expect(await run()).toMatchObject({ code: 0, stdout: 'from sources --help\n' });
  });

  it('runs a build made after the last change to the sources, and not one a source changed after', async () => {
    clone();
    age('src/cli/main.ts', 60_000);
    build(30_000);
    expect((await run()).stdout).toBe('from dist --help\n');
    // A source edited after the build (any file under src/, machines/ or workers/).
    mkdirSync(join(dir, 'machines'));
    writeFileSync(join(dir, 'machines/task.machine.ts'), '');
    expect((await run()).stdout).toBe('from sources --help\n');
    expect((await run({ DUBAN_RUN: 'dist' })).stdout).toBe('from dist --help\n');
  });

  it('runs the sources when the build did not finish (no stamp), or when asked to', async () => {
    clone();
    age('src/cli/main.ts', 60_000);
    build(30_000);
    expect((await run({ DUBAN_RUN: 'src' })).stdout).toBe('from sources --help\n');
    rmSync(join(dir, 'dist/.built'));
    expect((await run()).stdout).toBe('from sources --help\n');
  });

  it('without tsx, runs an older build with a warning, or says what to run when there is none', async () => {
    mkdirSync(join(dir, 'src/cli'), { recursive: true });
    writeFileSync(join(dir, 'src/cli/main.ts'), '');
    const none = await run();
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      '没有构建 dist/，也没有安装 tsx。请先运行 npm install（或 npm run build）。/ cannot run duban: no build in dist/ and no tsx',
    );
    build(60_000);
    const stale = await run();
    expect(stale).toMatchObject({ code: 0, stdout: 'from dist --help\n' });
    expect(stale.stderr).toContain('未安装 tsx，运行旧的构建 dist/');
  });
});
