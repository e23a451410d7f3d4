/** What the numbers were measured on. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import type { Redis } from 'ioredis';
import { info } from './redis.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  redis: string;
  bullmq: string;
  xstate: string;
  ioredis: string;
  date: string;
  loadAtStart: string;
  /** The code measured: commit, and the engine-side files that differed from it. */
  code: string;
}

function codeVersion(): string {
  try {
    const git = (...a: string[]) => execFileSync('git', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const head = git('rev-parse', '--short', 'HEAD').trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'machines', 'workers')
      .split('\n')
      .filter((l) => l.length > 3)
      .map((l) => l.slice(3));
    return dirty.length ? `${head} + uncommitted changes in ${dirty.join(', ')}` : head;
  } catch {
    return '?';
  }
}

function pkgVersion(name: string): string {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line ? line.slice(line.indexOf(':') + 1).trim() : '?';
  } catch {
    return '?';
  }
}

export async function machine(admin: Redis): Promise<Machine> {
  const server = await info(admin, 'server');
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: totalmem() / 2 ** 30,
    kernel: release(),
    node: process.version,
    redis: server.redis_version ?? '?',
    bullmq: pkgVersion('bullmq'),
    xstate: pkgVersion('xstate'),
    ioredis: pkgVersion('ioredis'),
    date: new Date().toISOString(),
    loadAtStart: loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    code: codeVersion(),
  };
}
