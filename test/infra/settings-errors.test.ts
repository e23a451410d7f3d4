/**
 * A bad setting stops the start with one line, in Chinese and English, naming the
 * setting (or the flag it came from) and the value given — never a secret's value.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const problem = (env: Record<string, string>, labels?: Record<string, string>): string => {
  try {
    loadConfig(env, labels);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('settings that cannot work', () => {
  it('are named with their value and why, in both languages, on one line', () => {
    for (const [env, zh, en] of [
      [{ DUBAN_REDIS_TIMEOUT_MS: 'abc' }, 'DUBAN_REDIS_TIMEOUT_MS「abc」：应为整数', 'DUBAN_REDIS_TIMEOUT_MS must be a whole number'],
      [{ DUBAN_TIMER_SHARDS: '0' }, 'DUBAN_TIMER_SHARDS「0」：不能小于 1', 'must be at least 1'],
      [{ PORT: '99999' }, 'PORT「99999」：不能大于 65535', 'must be at most 65535'],
      [{ DUBAN_LOG_FORMAT: 'xml' }, 'DUBAN_LOG_FORMAT「xml」：应为 json、pretty 之一', 'must be one of json, pretty'],
      [{ REDIS_URL: 'http://127.0.0.1:6379' }, '应以 redis:// 或 rediss:// 开头', 'must start with redis://'],
    ] as const) {
      const message = problem(env);
      expect(message).toContain(zh);
      expect(message).toContain(en);
      expect(message).not.toContain('\n');
      expect(message).not.toContain('Invalid input');
    }
  });

  it('lists every bad setting, names a flag as typed, and never echoes a secret', () => {
    const both = problem({ DUBAN_RECONCILE_MS: '-5', DUBAN_SHUTDOWN_MS: 'x' });
    expect(both).toContain('DUBAN_RECONCILE_MS「-5」');
    expect(both).toContain('DUBAN_SHUTDOWN_MS「x」');
    expect(problem({ PORT: 'abc' }, { PORT: '--port' })).toContain('--port「abc」：应为整数');
    const secret = problem({ DUBAN_ADMIN_TOKEN: 'short-secret' });
    expect(secret).toContain('DUBAN_ADMIN_TOKEN：至少 16 个字符');
    expect(secret).not.toContain('short-secret');
  });
});
