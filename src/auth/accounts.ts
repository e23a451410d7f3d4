/**
 * Accounts of directory people and of organisations' offices: the logins they sign in with (phone number,
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
import { StoredPrincipal, type CredentialPrincipal } from './tokens.js';

/** A sign-in link is good for one use within this time. */
export const LINK_TTL_MS = 2 * 3600_000;

/**
 * An account as stored: the principal it signs in as (a directory person, or an
 * office of one organisation), its logins and password. Accounts stored before the
 * directory were a plan's person's (`planId` + `personId`, id `<plan>:<person>`);
 * the directory migration moves each to its directory person (`adoptLegacyAccounts`).
 */
const StoredAccount = z.object({
  principal: z.string().transform((s) => StoredPrincipal.parse(JSON.parse(s))),
  logins: z.string().transform((s) => z.array(z.string()).parse(JSON.parse(s))),
  passwordHash: z.string(),
  passwordSetAt: z.string(),
  linkHash: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});

/** Whom an account signs in as: a directory person, or the office of one organisation. */
export type AccountPrincipal = Extract<CredentialPrincipal, { kind: 'person' | 'office' }>;

export interface Account {
  id: string;
  principal: AccountPrincipal;
  logins: string[];
  hasPassword: boolean;
  passwordSetAt: string | null;
  /** A sign-in link was issued and is not used yet (it may have expired). */
  linkPending: boolean;
  createdAt: string;
  createdBy: string;
}

const LinkRecord = z.object({ accountId: z.string(), issuedBy: z.string(), issuedAt: z.string() });

/** A person's account id is their directory id; an office account's names its organisation (ids have no ":"). */
export const accountIdOf = (p: AccountPrincipal): string => (p.kind === 'person' ? p.personId : `office:${p.org}:${p.name}`);

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
    if (!fields.principal) return null;
    return StoredAccount.parse(fields);
  }

  async get(id: string): Promise<Account | null> {
    const a = await this.raw(id);
    return a ? view(id, a) : null;
  }

  /** The accounts of these ids that exist, by id. */
  async getMany(ids: string[]): Promise<Map<string, Account>> {
    const out = new Map<string, Account>();
    for (const id of ids) {
      const a = await this.get(id);
      if (a) out.set(id, a);
    }
    return out;
  }

  /** The office accounts of one organisation. */
  async listOffice(org: string): Promise<Account[]> {
    const ids = (await this.redis.smembers(this.keys.officeAccounts(org))).sort();
    return [...(await this.getMany(ids)).values()];
  }

  /**
   * Creates the account of a person or an office, or replaces its logins. A login
   * another account holds is refused (409) and nothing changes.
   */
  async upsert(principal: AccountPrincipal, rawLogins: string[], by: string): Promise<Account> {
    const id = accountIdOf(principal);
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
      await Promise.all(claimed.map((l) => this.redis.del(this.keys.login(l))));
      throw new AlreadyExistsError({
        zh: `登录名已被他人使用：${taken.join('、')}`,
        en: `Login already in use by someone else: ${taken.join(', ')}`,
      });
    }
    // One key per command (logins, the account and the office's list are in different
    // Cluster slots): the account and its list first, logins it no longer has after.
    await this.redis.hset(this.keys.account(id), {
      principal: JSON.stringify(principal),
      logins: JSON.stringify(logins),
      passwordHash: existing?.passwordHash ?? '',
      passwordSetAt: existing?.passwordSetAt ?? '',
      linkHash: existing?.linkHash ?? '',
      createdAt: existing?.createdAt ?? this.iso(),
      createdBy: existing?.createdBy ?? by,
    });
    if (principal.kind === 'office') await this.redis.sadd(this.keys.officeAccounts(principal.org), id);
    const dropped = (existing?.logins ?? []).filter((old) => !logins.includes(old));
    await Promise.all(dropped.map((old) => this.redis.del(this.keys.login(old))));
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
    // The account first (a reset password stops working at once), then the new link, then
    // the old one goes: three Cluster slots, so three commands rather than one MULTI.
    await this.redis.hset(this.keys.account(id), { linkHash: hash, ...(o.reset ? { passwordHash: '', passwordSetAt: '' } : {}) });
    await this.redis.set(this.keys.link(hash), JSON.stringify(record), 'PX', LINK_TTL_MS);
    if (account.linkHash) await this.redis.del(this.keys.link(account.linkHash));
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
    principal: a.principal.kind === 'person' ? { kind: 'person', personId: a.principal.personId } : (a.principal as AccountPrincipal),
    logins: a.logins,
    hasPassword: a.passwordHash !== '',
    passwordSetAt: a.passwordSetAt || null,
    linkPending: a.linkHash !== '',
    createdAt: a.createdAt,
    createdBy: a.createdBy,
  };
}
