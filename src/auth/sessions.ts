/**
 * Web sessions. The browser holds a random session id in an httpOnly cookie; Redis
 * keeps, under the id's SHA-256 and with a TTL, the principal and the CSRF token the
 * browser must echo in a header on every state-changing request. Signing out deletes
 * the key, so a stolen cookie dies with the session.
 */
import { z } from 'zod';
import type { RedisClient } from '../store/batch.js';
import type { AuthKeys } from './auth-keys.js';
import { newSecret, sha256 } from './secrets.js';
import { currentPrincipal, StoredPrincipal, type CredentialPrincipal } from './tokens.js';

/** A plain sign-in lasts a working day; "keep me signed in" a month. */
export const SESSION_TTL_MS = 12 * 3600_000;
export const REMEMBERED_SESSION_TTL_MS = 30 * 86_400_000;

const StoredSession = z.object({
  principal: StoredPrincipal,
  csrf: z.string(),
  accountId: z.string().nullable(),
  createdAt: z.number(),
});
export type Session = Omit<z.infer<typeof StoredSession>, 'principal'> & { principal: CredentialPrincipal };

export class SessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: AuthKeys,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a session; returns its id (for the cookie) and its CSRF token. */
  async start(principal: CredentialPrincipal, o: { accountId?: string | null; ttlMs: number }): Promise<{ id: string; csrf: string }> {
    const id = newSecret('', 32);
    const csrf = newSecret('', 24);
    const session: Session = { principal, csrf, accountId: o.accountId ?? null, createdAt: this.now() };
    // The account's list first (another Cluster slot than the session): a password reset
    // then always finds the session; an entry whose session never started is harmless.
    if (o.accountId) await this.redis.sadd(this.keys.accountSessions(o.accountId), sha256(id));
    await this.redis.set(this.keys.session(sha256(id)), JSON.stringify(session), 'PX', o.ttlMs);
    return { id, csrf };
  }

  async get(id: string): Promise<Session | null> {
    const raw = await this.redis.get(this.keys.session(sha256(id)));
    if (!raw) return null;
    const parsed = StoredSession.safeParse(JSON.parse(raw));
    if (!parsed.success) return null;
    const principal = await currentPrincipal(this.redis, this.keys, parsed.data.principal);
    return principal ? { ...parsed.data, principal } : null;
  }

  async end(id: string): Promise<void> {
    const session = await this.get(id);
    // The session ends first; the account's list is tidied after (one key per command, for Cluster).
    await this.redis.del(this.keys.session(sha256(id)));
    if (session?.accountId) await this.redis.srem(this.keys.accountSessions(session.accountId), sha256(id));
  }

  /** Ends every session of an account (its password was reset). */
  async endAll(accountId: string): Promise<void> {
    const hashes = await this.redis.smembers(this.keys.accountSessions(accountId));
    // Every session first, each key alone (they are in many Cluster slots), then the list.
    await Promise.all(hashes.map((h) => this.redis.del(this.keys.session(h))));
    await this.redis.del(this.keys.accountSessions(accountId));
  }
}
