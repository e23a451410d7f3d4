/**
 * Deliveries as BullMQ jobs, one per delivery, its job id `${planId}/${deliveryId}`
 * (deterministic, so a second enqueue of one delivery is a no-op while its job lives).
 * Jobs are added after the commit that recorded the deliveries; one that goes missing
 * (a crash between commit and add, a flushed queue) is added again by the sweep
 * (`sweepDeliveries`) from each plan's due set.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';
import type { DeliveryScheduler, DueDelivery } from './outbox.js';
import { queuePrefix } from './timer-queue.js';

export const DELIVERY_QUEUE = 'deliveries';

/** The job payload: plan and delivery. Parsed with zod by the worker. */
export const DeliveryJob = z.object({ p: z.string().min(1), d: z.string().min(1) });
export type DeliveryJob = z.infer<typeof DeliveryJob>;

export const deliveryJobId = (planId: string, deliveryId: string): string => `${planId}/${deliveryId}`;

export class BullDeliveryQueue implements DeliveryScheduler {
  readonly queue: Queue;

  constructor(
    connection: ConnectionOptions,
    prefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.queue = new Queue(DELIVERY_QUEUE, { connection, prefix: queuePrefix(prefix) });
    this.queue.on('error', () => undefined);
  }

  private job(d: DueDelivery) {
    return {
      name: 'd',
      data: { p: d.planId, d: d.id } satisfies DeliveryJob,
      opts: { jobId: deliveryJobId(d.planId, d.id), delay: Math.max(0, d.notBefore - this.now()) },
    };
  }

  async enqueue(deliveries: DueDelivery[]): Promise<void> {
    if (deliveries.length > 0) await this.queue.addBulk(deliveries.map((d) => this.job(d)));
  }

  /** Adds the job of a due delivery when it is missing, or retries it when it failed; true when it did either. */
  async ensure(d: DueDelivery): Promise<boolean> {
    const job = await this.queue.getJob(deliveryJobId(d.planId, d.id));
    if (!job) {
      const j = this.job(d);
      await this.queue.add(j.name, j.data, j.opts);
      return true;
    }
    if ((await job.getState()) === 'failed') {
      await job.retry('failed');
      return true;
    }
    return false;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
