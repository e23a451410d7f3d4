/**
 * API tokens. A token is shown once; Redis keeps only its SHA-256, mapped to the
 * principal it acts as. The first admin token comes from DUBAN_ADMIN_TOKEN, or is
 * generated on the first start and printed then.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../domain/permissions.js';
import type { RedisClient } from '../store/batch.js';
import type { Keys } from '../store/keys.js';

const StoredPrincipal = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('admin') }),
  z.object({ kind: z.literal('office'), name: z.string() }),
  z.object({ kind: z.literal('person'), planId: z.string(), personId: z.string() }),
]);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export class TokenStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly envAdminToken?: string,
  ) {}

  /** Issues a new token acting as `principal`; the token itself is not stored. */
  async issue(principal: Exclude<Principal, { kind: 'system' }>): Promise<string> {
    const token = `dbn_${randomBytes(24).toString('base64url')}`;
    await this.redis.set(this.keys.token(sha256(token)), JSON.stringify(principal));
    return token;
  }

  async resolve(token: string): Promise<Principal | null> {
    if (this.envAdminToken) {
      const a = Buffer.from(sha256(token));
      const b = Buffer.from(sha256(this.envAdminToken));
      if (timingSafeEqual(a, b)) return { kind: 'admin' };
    }
    const raw = await this.redis.get(this.keys.token(sha256(token)));
    if (!raw) return null;
    const parsed = StoredPrincipal.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  /**
   * Makes sure an admin can sign in. Returns a newly generated token to print, or
   * null when DUBAN_ADMIN_TOKEN is set or an admin token was generated before.
   */
  async ensureAdmin(): Promise<string | null> {
    if (this.envAdminToken) return null;
    const token = `dbn_${randomBytes(24).toString('base64url')}`;
    const created = await this.redis.set(this.keys.adminToken, sha256(token), 'NX');
    if (created !== 'OK') return null;
    await this.redis.set(this.keys.token(sha256(token)), JSON.stringify({ kind: 'admin' }));
    return token;
  }
}
