#!/usr/bin/env node
// `npm run build`: compiles src/, machines/ and workers/ into dist/ (tsconfig.build.json),
// then copies every file the code reads beside itself at run time — the Lua scripts, the
// web workspace's static files, any data file — into the same place under dist/, so
// `new URL('./commit.lua', import.meta.url)` finds it from either layout. Whatever is
// not TypeScript is copied, so a new asset needs no change here.
//
// dist/ is emptied first (a file deleted from src/ must not live on in the package), and
// dist/.built is stamped with the time the build started: bin/duban.js in a clone runs
// dist/ only while no source is newer than that.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
const SOURCE_DIRS = ['src', 'machines', 'workers'];
// The importer's evaluation (a developer's tool over the test corpus) is not built.
const SKIP = [join('src', 'importer', 'eval')];

const started = new Date();
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (compiled.status !== 0) {
  console.error('构建失败：TypeScript 编译出错 / build failed: tsc reported errors');
  process.exit(compiled.status ?? 1);
}

let copied = 0;
function copyAssets(dir) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (SKIP.includes(path)) continue;
    if (entry.isDirectory()) copyAssets(path);
    else if (entry.isFile() && !entry.name.endsWith('.ts')) {
      mkdirSync(dirname(join(dist, path)), { recursive: true });
      cpSync(join(root, path), join(dist, path));
      copied++;
    }
  }
}
for (const dir of SOURCE_DIRS) copyAssets(dir);

const stamp = join(dist, '.built');
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
console.log(`已构建 / built ${relative(process.cwd(), dist) || '.'}: compiled sources and ${copied} asset files`);
