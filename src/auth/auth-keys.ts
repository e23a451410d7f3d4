/**
 * Redis keys of sign-in: accounts, their logins, sessions, one-time links, the
 * attempt counters and the attempt record. All global (outside any plan's slot),
 * like the token keys, and derived from the same prefix.
 */
import type { Keys } from '../store/keys.js';

export interface AuthKeys {
  /** Hash: the account of a person of a plan. */
  account(accountId: string): string;
  /** Hash: `<planId>:<plan person id>` → directory person id, for credentials stored before the directory. */
  legacyPeople: string;
  /** String: a normalised login → account id. */
  login(login: string): string;
  /** Set: account ids of one plan, as stored before the directory (read by the migration only). */
  planAccounts(planId: string): string;
  /** Set: the office account ids of one organisation. */
  officeAccounts(org: string): string;
  /** String with TTL: a session's data under the SHA-256 of its id. */
  session(hash: string): string;
  /** Set: session hashes of one account, so a password reset ends them all. */
  accountSessions(accountId: string): string;
  /** String with TTL: a one-time sign-in link under the SHA-256 of its secret. */
  link(hash: string): string;
  /** Hash: a principal's API tokens by id (name, dates, never the secret). */
  ownerTokens(owner: string): string;
  /** Counter with TTL: failed sign-ins for one login or one address. */
  failures(kind: 'login' | 'ip', value: string): string;
  /** List: every sign-in attempt, newest first (capped). */
  attempts: string;
  /** List: one account's sign-in attempts, newest first (capped). */
  accountAttempts(accountId: string): string;
}

/** The prefix `keysFor` was given, read back from one of its global keys (`<prefix>:admin`). */
function prefixOf(keys: Keys): string {
  return keys.adminToken.slice(0, -':admin'.length);
}

export function authKeys(keys: Keys): AuthKeys {
  const p = `${prefixOf(keys)}:auth`;
  return {
    account: (id) => `${p}:acct:${id}`,
    legacyPeople: `${p}:legacy-people`,
    login: (login) => `${p}:login:${login}`,
    planAccounts: (planId) => `${p}:plan-accts:${planId}`,
    officeAccounts: (org) => `${p}:office-accts:${org}`,
    session: (hash) => `${p}:sess:${hash}`,
    accountSessions: (id) => `${p}:acct-sess:${id}`,
    link: (hash) => `${p}:link:${hash}`,
    ownerTokens: (owner) => `${p}:owner-tok:${owner}`,
    failures: (kind, value) => `${p}:fail:${kind}:${value}`,
    attempts: `${p}:attempts`,
    accountAttempts: (id) => `${p}:attempts:${id}`,
  };
}
