/**
 * Delivery worker: sends due deliveries (one BullMQ job per delivery, src/engine/outbox-queue.ts)
 * through the sender (src/delivery/sender.ts), which claims each delivery with a
 * compare-and-set and a lease, so two workers never send one delivery at once and a
 * delivery once `sent` is never sent again. A delivery that must wait (quiet hours, a
 * backoff, another worker's lease) moves its job to the delayed set under the same id.
 *
 * The sweep re-queues due deliveries whose job is missing or failed — a process that
 * died between a commit and its enqueue, or mid-send (its lease runs out, and the
 * delivery is claimed again). It runs on an interval in every worker process, one at
 * a time across processes by a lease in Redis, like the reconciler.
 */
import { randomBytes } from 'node:crypto';
import { DelayedError, Worker, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Sender } from '../src/delivery/sender.js';
import type { Outbox } from '../src/engine/outbox.js';
import { DELIVERY_QUEUE, DeliveryJob, type BullDeliveryQueue } from '../src/engine/outbox-queue.js';
import { queuePrefix } from '../src/engine/timer-queue.js';

export interface DeliveryWorkerOptions {
  sender: Sender;
  connection: ConnectionOptions;
  prefix: string;
  concurrency?: number;
  lockDuration?: number;
  stalledInterval?: number;
}

export function createDeliveryWorker(opts: DeliveryWorkerOptions): Worker {
  return new Worker(
    DELIVERY_QUEUE,
    async (job, token) => {
      const data = DeliveryJob.parse(job.data);
      const outcome = await opts.sender.attempt(data.p, data.d);
      if (outcome.kind === 'later') {
        // The same job waits under the same id: no second job for one delivery.
        await job.moveToDelayed(outcome.at, token);
        throw new DelayedError();
      }
      return outcome.kind;
    },
    {
      connection: opts.connection,
      prefix: queuePrefix(opts.prefix),
      concurrency: opts.concurrency ?? 10,
      lockDuration: opts.lockDuration ?? 30_000,
      stalledInterval: opts.stalledInterval ?? 30_000,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 10_000 },
    },
  );
}

export interface DeliverySweepOptions {
  outbox: Outbox;
  queue: BullDeliveryQueue;
  /** Plan ids to sweep (the plan list). */
  plans: () => Promise<string[]>;
  connection: Redis;
  prefix: string;
  everyMs: number;
  /** A delivery is swept only once it is this late, so in-flight enqueues are not raced. */
  slackMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

/** One pass: every due delivery of every plan has a live job afterwards; returns how many it re-queued. */
export async function sweepDeliveries(o: Pick<DeliverySweepOptions, 'outbox' | 'queue' | 'plans' | 'now' | 'slackMs'>): Promise<number> {
  const at = (o.now ?? Date.now)() - (o.slackMs ?? 0);
  let requeued = 0;
  for (const planId of await o.plans()) {
    for (const id of await o.outbox.due(planId, at)) {
      const d = await o.outbox.get(planId, id);
      if (!d || d.status === 'sent' || d.status === 'failed') continue;
      if (d.status === 'sending' && (d.lease ?? 0) > at) continue;
      if (await o.queue.ensure({ planId, id, notBefore: d.notBefore })) requeued++;
    }
  }
  return requeued;
}

export interface DeliverySweep {
  close(): Promise<void>;
}

const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

export function startDeliverySweep(o: DeliverySweepOptions): DeliverySweep {
  const key = `${queuePrefix(o.prefix)}:delivery-sweep`;
  const holder = randomBytes(8).toString('hex');
  const leaseMs = Math.max(1, Math.floor(o.everyMs * 0.9));
  let closed = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    if ((await o.connection.set(key, holder, 'PX', leaseMs, 'NX')) !== 'OK') return;
    const renew = setInterval(
      () => {
        o.connection.eval(RENEW_LEASE, 1, key, holder, leaseMs).catch(() => undefined);
      },
      Math.max(1, leaseMs >> 1),
    );
    try {
      await sweepDeliveries({ ...o, slackMs: o.slackMs ?? Math.min(5_000, o.everyMs) });
    } finally {
      clearInterval(renew);
    }
  };
  const tick = () => {
    if (closed) return;
    running ??= run()
      .catch((err: unknown) => o.log?.(`delivery sweep: ${(err as Error).message}`))
      .finally(() => {
        running = null;
      });
    timer = setTimeout(tick, o.everyMs);
    timer.unref();
  };
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
