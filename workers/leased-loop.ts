/**
 * A periodic job that runs in every worker process but one process at a time: each
 * tick first takes a lease in Redis (SET NX PX on one key of its own, single-key
 * commands only, so it works on a Redis Cluster too), renews it while the run lasts,
 * and skips the run when another process holds it. Nothing else is kept in Redis: if
 * the lease key is lost the next tick simply takes it again.
 *
 * The reconciler and the delivery sweep are both one of these.
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../src/store/batch.js';

export interface LeasedLoopOptions {
  /** A fail-fast client: while Redis is away a tick fails at once and the next one tries again. */
  connection: RedisClient;
  /** The lease's key. */
  key: string;
  /** Period, across all processes together. */
  everyMs: number;
  /** One run, done only while this process holds the lease. */
  run: () => Promise<void>;
  /** A run (or taking the lease) failed; the loop goes on. */
  onError: (err: unknown) => void;
}

export interface LeasedLoop {
  /** Stops ticking and waits for a run in progress, if any. */
  close(): Promise<void>;
}

/**
 * Extends the lease only while this process still holds it.
 * KEYS[1] lease key; ARGV[1] holder id, ARGV[2] new TTL in ms.
 * Returns 1 if extended, 0 if the lease is someone else's or gone.
 */
const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export function leasedLoop(o: LeasedLoopOptions): LeasedLoop {
  const holder = randomBytes(8).toString('hex');
  // A little under the period, so the holder's own next tick finds the lease expired.
  const leaseMs = Math.max(1, Math.floor(o.everyMs * 0.9));
  let closed = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;

  const once = async () => {
    if ((await o.connection.set(o.key, holder, 'PX', leaseMs, 'NX')) !== 'OK') return;
    // A long run keeps its lease, so no other process starts one meanwhile.
    const renew = setInterval(
      () => {
        o.connection.eval(RENEW_LEASE, 1, o.key, holder, leaseMs).catch(() => undefined);
      },
      Math.max(1, Math.floor(leaseMs / 2)),
    );
    try {
      await o.run();
    } finally {
      clearInterval(renew);
    }
  };

  const tick = () => {
    if (closed) return;
    running ??= once()
      .catch(o.onError)
      .finally(() => {
        running = null;
      });
    timer = setTimeout(tick, o.everyMs);
    timer.unref();
  };
  // Processes started together do not all tick at the same moment.
  timer = setTimeout(tick, Math.floor(Math.random() * Math.min(o.everyMs, 1_000)));
  timer.unref();

  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
