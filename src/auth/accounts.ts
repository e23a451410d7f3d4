/**
 * Accounts of the people of a plan: the logins they sign in with (phone number,
 * email, login name) and an Argon2id password hash. The office sets accounts up and
 * resets passwords, but never chooses or sees a password: it issues a one-time
 * sign-in link, and whoever opens it must set the password there before any session
 * starts. A reset clears the password and ends the person's sessions.
 */
import { z } from 'zod';
import { AlreadyExistsError, InvalidInputError, NotFoundError } from '../errors.js';
import type { RedisClient } from '../store/batch.js';
import type { AuthKeys } from './auth-keys.js';
import { normaliseLogin } from './logins.js';
import { hashPassword, PASSWORD_MAX, PASSWORD_MIN, verifyPassword } from './passwords.js';
import { newSecret, sha256 } from './secrets.js';

/** A sign-in link is good for one use within this time. */
export const LINK_TTL_MS = 2 * 3600_000;

const StoredAccount = z.object({
  planId: z.string(),
  personId: z.string(),
  logins: z.string().transform((s) => z.array(z.string()).parse(JSON.parse(s))),
  passwordHash: z.string(),
  passwordSetAt: z.string(),
  linkHash: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});

export interface Account {
  id: string;
  planId: string;
  personId: string;
  logins: string[];
  hasPassword: boolean;
  passwordSetAt: string | null;
  /** A sign-in link was issued and is not used yet (it may have expired). */
  linkPending: boolean;
  createdAt: string;
  createdBy: string;
}

const LinkRecord = z.object({ accountId: z.string(), issuedBy: z.string(), issuedAt: z.string() });

export const accountIdOf = (planId: string, personId: string): string => `${planId}:${personId}`;

export class AccountStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: AuthKeys,
    private readonly now: () => number = Date.now,
  ) {}

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private async raw(id: string) {
    const fields = await this.redis.hgetall(this.keys.account(id));
    if (!fields.planId) return null;
    return StoredAccount.parse(fields);
  }

  async get(id: string): Promise<Account | null> {
    const a = await this.raw(id);
    return a ? view(id, a) : null;
  }

  async listForPlan(planId: string): Promise<Account[]> {
    const ids = (await this.redis.smembers(this.keys.planAccounts(planId))).sort();
    const out: Account[] = [];
    for (const id of ids) {
      const a = await this.get(id);
      if (a) out.push(a);
    }
    return out;
  }

  /**
   * Creates the account of a person, or replaces its logins. A login another account
   * holds is refused (409) and nothing changes.
   */
  async upsert(planId: string, personId: string, rawLogins: string[], by: string): Promise<Account> {
    const id = accountIdOf(planId, personId);
    const logins = [...new Set(rawLogins.map(normaliseLogin))];
    const existing = await this.raw(id);
    const taken: string[] = [];
    const claimed: string[] = [];
    for (const login of logins) {
      const ok = await this.redis.set(this.keys.login(login), id, 'NX');
      if (ok === 'OK') claimed.push(login);
      else if ((await this.redis.get(this.keys.login(login))) !== id) taken.push(login);
    }
    if (taken.length) {
      if (claimed.length) await this.redis.del(...claimed.map((l) => this.keys.login(l)));
      throw new AlreadyExistsError({
        zh: `登录名已被他人使用：${taken.join('、')}`,
        en: `Login already in use by someone else: ${taken.join(', ')}`,
      });
    }
    const tx = this.redis.multi();
    for (const old of existing?.logins ?? []) if (!logins.includes(old)) tx.del(this.keys.login(old));
    tx.hset(this.keys.account(id), {
      planId,
      personId,
      logins: JSON.stringify(logins),
      passwordHash: existing?.passwordHash ?? '',
      passwordSetAt: existing?.passwordSetAt ?? '',
      linkHash: existing?.linkHash ?? '',
      createdAt: existing?.createdAt ?? this.iso(),
      createdBy: existing?.createdBy ?? by,
    });
    tx.sadd(this.keys.planAccounts(planId), id);
    await tx.exec();
    return (await this.get(id))!;
  }

  /**
   * Issues a one-time sign-in link secret for an account, replacing any earlier one.
   * With `reset`, the current password stops working at once.
   */
  async issueLink(id: string, by: string, o: { reset?: boolean } = {}): Promise<{ secret: string; expiresAt: string }> {
    const account = await this.raw(id);
    if (!account) throw new NotFoundError({ zh: `没有账号 ${id}`, en: `No account ${id}` });
    const secret = newSecret('', 32);
    const hash = sha256(secret);
    const record: z.infer<typeof LinkRecord> = { accountId: id, issuedBy: by, issuedAt: this.iso() };
    const tx = this.redis.multi();
    if (account.linkHash) tx.del(this.keys.link(account.linkHash));
    tx.set(this.keys.link(hash), JSON.stringify(record), 'PX', LINK_TTL_MS);
    tx.hset(this.keys.account(id), { linkHash: hash, ...(o.reset ? { passwordHash: '', passwordSetAt: '' } : {}) });
    await tx.exec();
    return { secret, expiresAt: new Date(this.now() + LINK_TTL_MS).toISOString() };
  }

  /** The account a link secret opens, without using it up; null when unknown, used or expired. */
  async peekLink(secret: string): Promise<Account | null> {
    const raw = await this.redis.get(this.keys.link(sha256(secret)));
    if (!raw) return null;
    return this.get(LinkRecord.parse(JSON.parse(raw)).accountId);
  }

  /**
   * Uses a link: it is deleted in the same step it is read (GETDEL), so it works once
   * however many tabs race; then the person's own new password is set.
   */
  async useLink(secret: string, password: string): Promise<Account | null> {
    checkPassword(password);
    const hash = sha256(secret);
    const raw = await this.redis.getdel(this.keys.link(hash));
    if (!raw) return null;
    const { accountId } = LinkRecord.parse(JSON.parse(raw));
    const account = await this.raw(accountId);
    if (!account) return null;
    await this.redis.hset(this.keys.account(accountId), {
      passwordHash: await hashPassword(password),
      passwordSetAt: this.iso(),
      ...(account.linkHash === hash ? { linkHash: '' } : {}),
    });
    return this.get(accountId);
  }

  /** The account id a login belongs to, or null. */
  idOf(login: string): Promise<string | null> {
    return this.redis.get(this.keys.login(normaliseLogin(login)));
  }

  /** The account a login and password open, or null (after the same work either way). */
  async verify(login: string, password: string): Promise<{ account: Account | null; known: boolean }> {
    const id = await this.redis.get(this.keys.login(normaliseLogin(login)));
    const account = id ? await this.raw(id) : null;
    const ok = await verifyPassword(account?.passwordHash || null, password);
    return { account: ok && id && account ? view(id, account) : null, known: account !== null };
  }

  /** A signed-in person changes their own password, proving the current one. */
  async changePassword(id: string, current: string, next: string): Promise<boolean> {
    checkPassword(next);
    const account = await this.raw(id);
    if (!account || !(await verifyPassword(account.passwordHash || null, current))) return false;
    await this.redis.hset(this.keys.account(id), { passwordHash: await hashPassword(next), passwordSetAt: this.iso() });
    return true;
  }
}

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new InvalidInputError([
      {
        path: 'password',
        message: `密码须为 ${PASSWORD_MIN}–${PASSWORD_MAX} 个字符 / a password has ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
      },
    ]);
  }
}

function view(id: string, a: z.infer<typeof StoredAccount>): Account {
  return {
    id,
    planId: a.planId,
    personId: a.personId,
    logins: a.logins,
    hasPassword: a.passwordHash !== '',
    passwordSetAt: a.passwordSetAt || null,
    linkPending: a.linkHash !== '',
    createdAt: a.createdAt,
    createdBy: a.createdBy,
  };
}
