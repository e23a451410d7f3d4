#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ — what an installed package has — and, in a
// clone, the TypeScript sources through tsx (a dev dependency) unless a build newer
// than every source file is there. So a fresh clone works without a build, and a
// build a developer has since edited past is never run by mistake.
// DUBAN_RUN=dist or DUBAN_RUN=src picks one (to compare start-up times, say).
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const compiled = new URL('dist/src/cli/main.js', root);
const sources = new URL('src/cli/main.ts', root);
const SOURCE_DIRS = ['src/', 'machines/', 'workers/'];

/** True when no file under the source folders changed after the build started (dist/.built). */
function buildIsCurrent() {
  let built;
  try {
    built = statSync(new URL('dist/.built', root)).mtimeMs;
  } catch {
    return false; // a build that did not finish
  }
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const url = new URL(entry.isDirectory() ? `${entry.name}/` : entry.name, dir);
      return entry.isDirectory() ? newer(url) : statSync(url).mtimeMs > built;
    });
  return !SOURCE_DIRS.some((dir) => existsSync(new URL(dir, root)) && newer(new URL(dir, root)));
}

async function runSources() {
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    return false;
  }
  tsx.register();
  await import(sources.href);
  return true;
}

const choice = process.env.DUBAN_RUN;
const hasBuild = existsSync(compiled);
const hasSources = existsSync(sources);

if (choice === 'dist' || (choice !== 'src' && hasBuild && (!hasSources || buildIsCurrent()))) {
  await import(compiled.href);
} else if (!hasSources || !(await runSources())) {
  if (hasBuild && choice !== 'src') {
    console.error(
      '[duban] 未安装 tsx，运行旧的构建 dist/（npm run build 可更新）/ tsx is not installed: running the older build in dist/ (npm run build updates it)',
    );
    await import(compiled.href);
  } else {
    console.error(
      hasSources
        ? '无法运行 duban：没有构建 dist/，也没有安装 tsx。请先运行 npm install（或 npm run build）。/ cannot run duban: no build in dist/ and no tsx; run npm install (or npm run build) first.'
        : '无法运行 duban：缺少 dist/，安装包不完整。/ cannot run duban: dist/ is missing; the installed package is incomplete.',
    );
    process.exit(1);
  }
}
