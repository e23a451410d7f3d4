/**
 * Reconciler: re-arms any due timer whose job went missing (a process died between
 * commit and add, a job exhausted its retries, the queue's keys were lost).
 *
 * Every worker process runs a plain interval; a run first takes a short lease in
 * Redis (SET NX PX), so one process reconciles at a time and the whole fleet about
 * once per period. Nothing else is kept in Redis: if the lease key is lost the
 * next tick simply takes it again. (It used to be a BullMQ job scheduler, which
 * stopped for good when its keys were flushed — the very case it exists for.)
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Engine } from '../src/engine/engine.js';
import { queuePrefix } from '../src/engine/timer-queue.js';
import { isRedisUnavailable } from '../src/infra/redis-clients.js';

export interface ReconcilerOptions {
  engine: Pick<Engine, 'reconcile'>;
  /** A fail-fast client: while Redis is away a tick fails at once and the next one tries again. */
  connection: Redis;
  prefix: string;
  /** Period, across all processes together. */
  everyMs: number;
  /** A timer is "missing" only once it is this late, so in-flight adds are not raced. */
  slackMs?: number;
  log?: (line: string) => void;
}

export interface Reconciler {
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

export function reconcilerLeaseKey(prefix: string): string {
  return `${queuePrefix(prefix)}:reconciler`;
}

export function startReconciler(opts: ReconcilerOptions): Reconciler {
  const key = reconcilerLeaseKey(opts.prefix);
  const holder = randomBytes(8).toString('hex');
  // A little under the period, so the holder's own next tick finds the lease expired.
  const leaseMs = Math.max(1, Math.floor(opts.everyMs * 0.9));
  const slackMs = opts.slackMs ?? Math.min(5_000, opts.everyMs);
  let closed = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;

  const run = async () => {
    if ((await opts.connection.set(key, holder, 'PX', leaseMs, 'NX')) !== 'OK') return;
    // A long run keeps its lease, so no other process starts one meanwhile.
    const renew = setInterval(
      () => {
        opts.connection.eval(RENEW_LEASE, 1, key, holder, leaseMs).catch(() => undefined);
      },
      Math.max(1, Math.floor(leaseMs / 2)),
    );
    try {
      await opts.engine.reconcile(slackMs);
    } finally {
      clearInterval(renew);
    }
  };

  const tick = () => {
    if (closed) return;
    if (!running) {
      running = run()
        .catch((err: unknown) => {
          // An outage is reported once by the client, not by every tick.
          if (!isRedisUnavailable(err)) opts.log?.(`reconciler: ${(err as Error).message}`);
        })
        .finally(() => {
          running = null;
        });
    }
    timer = setTimeout(tick, opts.everyMs);
    timer.unref();
  };
  // Processes started together do not all tick at the same moment.
  timer = setTimeout(tick, Math.floor(Math.random() * Math.min(opts.everyMs, 1_000)));
  timer.unref();

  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
