/**
 * Helpers for tests that run `duban` as real processes: spawn with the output kept,
 * wait for a line, wait for an exit with a bound, and find the redis-servers that
 * use a data folder (Linux: /proc/<pid>/cwd, since redis-server chdirs into --dir).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface DubanProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves once the output matches `pattern`; rejects if the process exits first or `timeoutMs` passes. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal), or null if the process is still running after `timeoutMs`. */
  exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null>;
}

/**
 * Runs `bin/duban.js args` in `cwd`. `detached` gives it a process group of its own,
 * so a test can signal the whole group as a terminal's Ctrl-C does.
 */
export function spawnDuban(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; detached?: boolean } = {}): DubanProcess {
  const child = spawn(process.execPath, [join(ROOT, 'bin/duban.js'), ...args], {
    cwd: o.cwd ?? ROOT,
    env: { ...process.env, REDIS_URL: '', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: o.detached ?? false,
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  return {
    child,
    output: () => out,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = out.match(pattern);
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`duban exited (${child.exitCode ?? child.signalCode}) before ${String(pattern)}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no ${String(pattern)} within ${timeoutMs} ms:\n${out}`);
    },
    async exited(timeoutMs) {
      return Promise.race([exit, new Promise<null>((r) => setTimeout(() => r(null), timeoutMs))]);
    },
  };
}

/** Pids of the live redis-server processes whose working directory is `dir`. */
export function redisServersIn(dir: string): number[] {
  const want = realpathSync(dir);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith('redis-server')) continue;
      // A zombie waits for its parent to reap it; it holds no files and no port.
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state === 'Z') continue;
      if (realpathSync(`/proc/${entry}/cwd`) === want) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** The process group of `pid` (Linux). */
export function processGroupOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[2]); // state, ppid, pgrp
}

/** Kills whatever a failed test left behind: the process and the redis-servers on `dir`. */
export function killLeftovers(p: DubanProcess | undefined, dir: string): void {
  if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  try {
    for (const pid of redisServersIn(dir)) process.kill(pid, 'SIGKILL');
  } catch {
    // the folder is gone already
  }
}

export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}
