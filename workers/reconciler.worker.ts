/**
 * Reconciler: a BullMQ job scheduler runs this every `everyMs` on exactly one of
 * the workers, re-arming any due timer whose job went missing (a process died
 * between commit and add, or a job exhausted its retries).
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import type { Engine } from '../src/engine/engine.js';
import { queuePrefix } from '../src/engine/timer-queue.js';

export const MAINTENANCE_QUEUE = 'maintenance';

export interface ReconcilerOptions {
  engine: Engine;
  connection: ConnectionOptions;
  prefix: string;
  everyMs: number;
  /** A timer is "missing" only once it is this late, so in-flight adds are not raced. */
  slackMs?: number;
}

export async function startReconciler(opts: ReconcilerOptions): Promise<{ close(): Promise<void> }> {
  const prefix = queuePrefix(opts.prefix);
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: opts.connection, prefix });
  await queue.upsertJobScheduler('reconcile', { every: opts.everyMs }, { name: 'reconcile', opts: { removeOnComplete: true, removeOnFail: 100 } });
  const worker = new Worker(MAINTENANCE_QUEUE, async () => opts.engine.reconcile(opts.slackMs ?? Math.min(5_000, opts.everyMs)), {
    connection: opts.connection,
    prefix,
    concurrency: 1,
  });
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
