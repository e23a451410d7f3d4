/**
 * The secrets of people's calendar feeds. A feed URL is its own credential (a phone's
 * calendar sends nothing else), so only the secret's SHA-256 is stored, beside the
 * person it serves; each person has at most one: creating again rotates it (the old
 * URL stops at once) and revoking removes it.
 */
import { newSecret, sha256 } from '../auth/secrets.js';
import type { RedisClient } from '../store/batch.js';

export interface FeedInfo {
  createdAt: number;
}

export class CalendarFeedSecrets {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private bySecret(hash: string): string {
    return `${this.prefix}:calfeed:${hash}`;
  }

  private ofPerson(personId: string): string {
    return `${this.prefix}:calfeed-of:${personId}`;
  }

  /** A new secret for the person, replacing any earlier one; returned once, never stored. */
  async rotate(personId: string, now: number): Promise<string> {
    const secret = newSecret('cal_', 24);
    const hash = sha256(secret);
    const old = await this.redis.hget(this.ofPerson(personId), 'hash');
    // The old secret goes before the new one is handed out: there is never a moment with two.
    if (old) await this.redis.del(this.bySecret(old));
    await this.redis.set(this.bySecret(hash), personId);
    await this.redis.hset(this.ofPerson(personId), { hash, createdAt: String(now) });
    return secret;
  }

  /** Revokes the person's feed; false when they had none. */
  async revoke(personId: string): Promise<boolean> {
    const old = await this.redis.hget(this.ofPerson(personId), 'hash');
    if (!old) return false;
    await this.redis.del(this.bySecret(old));
    await this.redis.del(this.ofPerson(personId));
    return true;
  }

  async info(personId: string): Promise<FeedInfo | null> {
    const createdAt = await this.redis.hget(this.ofPerson(personId), 'createdAt');
    return createdAt === null ? null : { createdAt: Number(createdAt) };
  }

  /** The directory person a secret serves, or null (unknown, rotated or revoked). */
  async personOf(secret: string): Promise<string | null> {
    return this.redis.get(this.bySecret(sha256(secret)));
  }
}
