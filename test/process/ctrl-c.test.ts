/**
 * Ctrl-C on `duban start` in a terminal signals the whole foreground process group.
 * The redis-server that start launched must not be in it: start stops the API and
 * the workers first, then its redis-server, and exits 0.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, processGroupOf, redisServersIn, spawnDuban, until, type DubanProcess } from './processes.js';

describe.skipIf(process.platform !== 'linux')('Ctrl-C on duban start', () => {
  let dir = '';
  let p: DubanProcess | undefined;
  afterEach(() => {
    killLeftovers(p, join(dir, 'data'));
    rmSync(dir, { recursive: true, force: true });
  });

  it('with timers in flight, stops the workers, then its redis-server, and exits 0 promptly', async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-ctrlc-'));
    mkdirSync(join(dir, 'data'));
    p = spawnDuban(['start', '--demo', '--beat', '0.5', '--port', '0'], { cwd: dir, detached: true });
    await p.waitFor('催办提醒'); // reminders are firing: timer jobs are being run and added
    const servers = redisServersIn(join(dir, 'data'));
    expect(servers).toHaveLength(1);
    // Not in the terminal's process group, so Ctrl-C reaches only duban, which stops it last.
    expect(processGroupOf(servers[0]!)).not.toBe(processGroupOf(p.child.pid!));

    process.kill(-p.child.pid!, 'SIGINT'); // the terminal's Ctrl-C: every process in the group
    const exit = await p.exited(15_000);
    expect(exit, p.output()).toEqual({ code: 0, signal: null });
    expect(await until(() => redisServersIn(join(dir, 'data')).length === 0, 2_000), 'redis-server still running').toBe(true);
    expect(p.output()).not.toMatch(/ECONNREFUSED|Unhandled error|Received SIGINT/);
    // It was stopped, not killed: the lock on the data folder is gone with it.
    expect(existsSync(join(dir, 'data', 'duban-redis.json'))).toBe(false);
  }, 60_000);
});
