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
 * a time across processes by a lease in Redis (leased-loop.ts), like the reconciler.
 */
import { DelayedError, Worker, type ConnectionOptions } from 'bullmq';
import type { RedisClient } from '../src/store/batch.js';
import type { Sender } from '../src/delivery/sender.js';
import type { Outbox } from '../src/engine/outbox.js';
import { DELIVERY_QUEUE, DeliveryJob, type BullDeliveryQueue } from '../src/engine/outbox-queue.js';
import { queuePrefix } from '../src/engine/timer-queue.js';
import type { Logger } from '../src/infra/logger.js';
import type { Metrics } from '../src/infra/metrics.js';
import { isRedisUnavailable } from '../src/infra/redis-clients.js';
import { leasedLoop, type LeasedLoop } from './leased-loop.js';

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
  connection: RedisClient;
  prefix: string;
  everyMs: number;
  /** A delivery is swept only once it is this late, so in-flight enqueues are not raced. */
  slackMs?: number;
  now?: () => number;
  /** Failed sweeps are logged here at error level (an outage only once, by the client). */
  logger?: Pick<Logger, 'error'>;
  /** Without a logger: failed sweeps as lines. */
  log?: (line: string) => void;
  metrics?: Pick<Metrics, 'failure'>;
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

export type DeliverySweep = LeasedLoop;

export function deliverySweepLeaseKey(prefix: string): string {
  return `${queuePrefix(prefix)}:delivery-sweep`;
}

export function startDeliverySweep(o: DeliverySweepOptions): DeliverySweep {
  return leasedLoop({
    connection: o.connection,
    key: deliverySweepLeaseKey(o.prefix),
    everyMs: o.everyMs,
    run: async () => {
      await sweepDeliveries({ ...o, slackMs: o.slackMs ?? Math.min(5_000, o.everyMs) });
    },
    onError: (err) => {
      if (isRedisUnavailable(err)) return;
      o.metrics?.failure('delivery-sweep');
      if (o.logger) o.logger.error({ err }, '投递补发扫描失败 / delivery sweep failed');
      else o.log?.(`投递补发扫描失败 / delivery sweep failed: ${(err as Error).message}`);
    },
  });
}
