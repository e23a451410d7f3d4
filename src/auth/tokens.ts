/**
 * API tokens, for machines and scripts. A token is shown once; Redis keeps only its
 * SHA-256, mapped to the principal it acts as, its name and its expiry, and lists it
 * (without the secret) under its owner so the owner can list and revoke it. The first
 * admin token comes from DUBAN_ADMIN_TOKEN, or is generated on the first start and
 * printed then.
 *
 * Stored versions: v1 (before named tokens) was the bare principal JSON; it still
 * resolves, never expires and is not listed. v2 is `StoredToken` below. Principals
 * stored before organisations and the directory are read as they are now (see
 * `StoredPrincipal` and `currentPrincipal`).
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../domain/permissions.js';
import { DEFAULT_ORGANISATION } from '../domain/plan.schema.js';
import type { RedisClient } from '../store/batch.js';
import type { Keys } from '../store/keys.js';
import { authKeys, type AuthKeys } from './auth-keys.js';
import { newSecret, sha256 } from './secrets.js';

/**
 * A principal as credentials store it. Stored before organisations, an office had no
 * `org` (it ran the one organisation there was, `default`), and a person was a plan's
 * person (`planId` + the plan's person id) rather than a directory person: such a
 * principal keeps its `planId` here and `currentPrincipal` maps it to the directory
 * person the migration linked it to.
 */
export const StoredPrincipal = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('admin') }),
  z.object({ kind: z.literal('office'), name: z.string(), org: z.string().default(DEFAULT_ORGANISATION) }),
  z.object({ kind: z.literal('person'), personId: z.string(), planId: z.string().optional() }),
]);
export type StoredPrincipalT = z.infer<typeof StoredPrincipal>;
export type CredentialPrincipal = Exclude<Principal, { kind: 'system' }>;

/**
 * The principal a stored one acts as today: a plan person of before the directory
 * becomes the directory person the migration linked (`legacyPeople`); one it never
 * linked (the plan is gone) acts as no one.
 */
export async function currentPrincipal(redis: RedisClient, auth: AuthKeys, stored: StoredPrincipalT): Promise<CredentialPrincipal | null> {
  if (stored.kind !== 'person') return stored;
  if (stored.planId === undefined) return { kind: 'person', personId: stored.personId };
  const personId = await redis.hget(auth.legacyPeople, `${stored.planId}:${stored.personId}`);
  return personId ? { kind: 'person', personId } : null;
}
const StoredToken = z.object({
  v: z.literal(2),
  id: z.string(),
  principal: StoredPrincipal,
  label: z.string(),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
});

/** What the owner sees of a token: never its secret. */
export interface TokenInfo {
  id: string;
  label: string;
  createdAt: string;
  expiresAt: string | null;
}

export interface IssueOptions {
  /** What the token is for ("nightly export"); shown in the owner's list. */
  label?: string;
  /** Lifetime; none means the token lasts until revoked (the admin's first token, tests). */
  ttlMs?: number;
}

/** The key a principal's tokens are listed under. */
export function ownerOf(p: CredentialPrincipal): string {
  switch (p.kind) {
    case 'admin':
      return 'admin';
    case 'office':
      return `office:${p.org}:${p.name}`;
    case 'person':
      return `person:${p.personId}`;
  }
}

export class TokenStore {
  readonly auth: AuthKeys;

  constructor(
    readonly redis: RedisClient,
    readonly keys: Keys,
    private readonly envAdminToken?: string,
    private readonly now: () => number = Date.now,
  ) {
    this.auth = authKeys(keys);
  }

  /**
   * Issues a new token acting as `principal`; the token itself is not stored. Who may
   * ask for which principal is decided by the caller (tokens.router's rules); this is
   * the internal path the demo and tests use too.
   */
  async issue(principal: CredentialPrincipal, o: IssueOptions = {}): Promise<string> {
    return (await this.issueWithInfo(principal, o)).token;
  }

  async issueWithInfo(principal: CredentialPrincipal, o: IssueOptions = {}): Promise<{ token: string; info: TokenInfo }> {
    const token = newSecret('dbn_');
    const hash = sha256(token);
    const createdAt = this.now();
    const stored: z.infer<typeof StoredToken> = {
      v: 2,
      id: hash.slice(0, 16),
      principal,
      label: o.label ?? '',
      createdAt,
      expiresAt: o.ttlMs ? createdAt + o.ttlMs : null,
    };
    // Two keys in two Cluster slots, so no MULTI: the owner's list first, then the token
    // itself — a start cut short in between leaves a listed token that opens nothing,
    // never a working token its owner cannot see or revoke.
    await this.redis.hset(this.auth.ownerTokens(ownerOf(principal)), stored.id, JSON.stringify({ ...stored, hash }));
    if (o.ttlMs) await this.redis.set(this.keys.token(hash), JSON.stringify(stored), 'PX', o.ttlMs);
    else await this.redis.set(this.keys.token(hash), JSON.stringify(stored));
    return { token, info: infoOf(stored) };
  }

  async resolve(token: string): Promise<Principal | null> {
    if (this.envAdminToken) {
      const a = Buffer.from(sha256(token));
      const b = Buffer.from(sha256(this.envAdminToken));
      if (timingSafeEqual(a, b)) return { kind: 'admin' };
    }
    const raw = await this.redis.get(this.keys.token(sha256(token)));
    if (!raw) return null;
    const json: unknown = JSON.parse(raw);
    const v2 = StoredToken.safeParse(json);
    if (v2.success) {
      if (v2.data.expiresAt !== null && v2.data.expiresAt <= this.now()) return null;
      return currentPrincipal(this.redis, this.auth, v2.data.principal);
    }
    const v1 = StoredPrincipal.safeParse(json);
    return v1.success ? currentPrincipal(this.redis, this.auth, v1.data) : null;
  }

  /** The tokens `owner` holds and that have not expired, oldest first. */
  async list(owner: CredentialPrincipal): Promise<TokenInfo[]> {
    const key = this.auth.ownerTokens(ownerOf(owner));
    const all = Object.values(await this.redis.hgetall(key)).map((raw) => StoredToken.extend({ hash: z.string() }).parse(JSON.parse(raw)));
    const now = this.now();
    const expired = all.filter((t) => t.expiresAt !== null && t.expiresAt <= now);
    if (expired.length) await this.redis.hdel(key, ...expired.map((t) => t.id));
    return all
      .filter((t) => !expired.includes(t))
      .sort((a, b) => a.createdAt - b.createdAt)
      .map(infoOf);
  }

  /** Revokes one of `owner`'s tokens; false when it has no token with that id. */
  async revoke(owner: CredentialPrincipal, id: string): Promise<boolean> {
    const key = this.auth.ownerTokens(ownerOf(owner));
    const raw = await this.redis.hget(key, id);
    if (!raw) return false;
    const { hash } = z.object({ hash: z.string() }).parse(JSON.parse(raw));
    // The token stops working first; its line in the list goes after (another slot under Cluster).
    await this.redis.del(this.keys.token(hash));
    await this.redis.hdel(key, id);
    return true;
  }

  /**
   * Makes sure an admin can sign in. Returns a newly generated token to print, or
   * null when DUBAN_ADMIN_TOKEN is set or an admin token was generated before.
   */
  async ensureAdmin(): Promise<string | null> {
    if (this.envAdminToken) return null;
    if (await this.redis.exists(this.keys.adminToken)) return null;
    const token = newSecret('dbn_');
    const hash = sha256(token);
    // The token works before the marker says one was made (the two keys may sit in different
    // slots, so no transaction): a process killed in between leaves a token nobody holds, and
    // the next start makes another, never a marker with no token behind it.
    await this.redis.set(this.keys.token(hash), JSON.stringify({ kind: 'admin' }));
    if ((await this.redis.set(this.keys.adminToken, hash, 'NX')) === 'OK') return token;
    // Another process made the first token meanwhile: this one is withdrawn unprinted.
    await this.redis.del(this.keys.token(hash));
    return null;
  }
}

function infoOf(t: z.infer<typeof StoredToken>): TokenInfo {
  return {
    id: t.id,
    label: t.label,
    createdAt: new Date(t.createdAt).toISOString(),
    expiresAt: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(),
  };
}
