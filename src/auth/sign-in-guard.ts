/**
 * Rate limits and the record of sign-in attempts. Failures are counted per login
 * and per client address in 15-minute windows; past the limit every attempt is
 * refused (429) before any password is checked. Every attempt — who, from where,
 * when, how, whether it worked — is kept in Redis, newest first.
 */
import type { RedisClient } from '../store/batch.js';
import { TooManyAttemptsError } from '../errors.js';
import type { AuthKeys } from './auth-keys.js';

export const FAILURE_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_LOGIN = 5;
export const MAX_FAILURES_PER_IP = 30;
const KEEP_ALL = 10_000;
const KEEP_PER_ACCOUNT = 200;

export interface SignInAttempt {
  at: string;
  /** The login typed (normalised), or `link` for a one-time link. */
  login: string;
  accountId: string | null;
  ip: string;
  method: 'password' | 'link' | 'token';
  success: boolean;
  /** Why it failed: `password`, `unknown`, `limited`, `expired`. */
  reason?: string;
}

export class SignInGuard {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: AuthKeys,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws when this login or address has failed too often lately. */
  async check(login: string, ip: string): Promise<void> {
    // Two GETs, not MGET: the two counters sit in different Cluster slots.
    const [byLogin, byIp] = await Promise.all([
      this.redis.get(this.keys.failures('login', login)),
      this.redis.get(this.keys.failures('ip', ip)),
    ]);
    if (Number(byLogin ?? 0) >= MAX_FAILURES_PER_LOGIN || Number(byIp ?? 0) >= MAX_FAILURES_PER_IP) {
      throw new TooManyAttemptsError({
        zh: '登录失败次数过多，请 15 分钟后再试，或请领导小组办公室重置密码',
        en: 'Too many failed sign-ins: try again in 15 minutes, or ask the leadership group office to reset your password',
      });
    }
  }

  async record(a: Omit<SignInAttempt, 'at'>): Promise<void> {
    const entry = JSON.stringify({ at: new Date(this.now()).toISOString(), ...a });
    // One MULTI per key (each key is its own Cluster slot), all at once.
    const steps = [
      this.redis
        .multi()
        .lpush(this.keys.attempts, entry)
        .ltrim(this.keys.attempts, 0, KEEP_ALL - 1)
        .exec(),
    ];
    if (a.accountId) {
      const key = this.keys.accountAttempts(a.accountId);
      steps.push(
        this.redis
          .multi()
          .lpush(key, entry)
          .ltrim(key, 0, KEEP_PER_ACCOUNT - 1)
          .exec(),
      );
    }
    if (!a.success && a.reason !== 'limited') {
      for (const key of [this.keys.failures('login', a.login), this.keys.failures('ip', a.ip)])
        steps.push(this.redis.multi().incr(key).pexpire(key, FAILURE_WINDOW_MS, 'NX').exec());
    }
    if (a.success) steps.push(this.redis.multi().del(this.keys.failures('login', a.login)).exec());
    await Promise.all(steps);
  }

  /** The latest attempts, of one account or of all. */
  async recent(accountId: string | null, count = 50): Promise<SignInAttempt[]> {
    const key = accountId ? this.keys.accountAttempts(accountId) : this.keys.attempts;
    return (await this.redis.lrange(key, 0, count - 1)).map((raw) => JSON.parse(raw) as SignInAttempt);
  }
}
