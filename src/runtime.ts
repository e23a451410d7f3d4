/**
 * Wires one Duban process: Redis connections, the engine, and the roles asked for —
 * the HTTP API, the timer workers with the reconciler, or both.
 */
import type { Server } from 'node:http';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Express } from 'express';
import { TokenStore } from './auth/tokens.js';
import { Engine } from './engine/engine.js';
import { Queries } from './engine/queries.js';
import { BullTimerScheduler } from './engine/timer-queue.js';
import { createApp } from './http/app.js';
import { createTimerWorker } from '../workers/timer.worker.js';
import { startReconciler } from '../workers/reconciler.worker.js';

export interface RuntimeOptions {
  redisUrl: string;
  prefix: string;
  api?: { port: number; extend?: (app: Express, runtime: Runtime) => void };
  worker?: { concurrency: number; reconcileMs: number; lockMs?: number; stalledMs?: number };
  adminToken?: string;
  log: (line: string) => void;
  now?: () => number;
}

export interface Runtime {
  engine: Engine;
  queries: Queries;
  tokens: TokenStore;
  redis: Redis;
  app?: Express;
  server?: Server;
  port?: number;
  close(): Promise<void>;
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  // BullMQ needs maxRetriesPerRequest: null; the engine's own client fails fast instead.
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 3 });
  const queueConnection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const scheduler = new BullTimerScheduler(queueConnection, opts.prefix, opts.now);
  const engine = new Engine({ redis, scheduler, prefix: opts.prefix, log: opts.log, ...(opts.now ? { now: opts.now } : {}) });
  const queries = new Queries(engine);
  const tokens = new TokenStore(redis, engine.keys, opts.adminToken);
  const closers: (() => Promise<unknown>)[] = [];
  const runtime: Runtime = {
    engine,
    queries,
    tokens,
    redis,
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await scheduler.close().catch(() => undefined);
      queueConnection.disconnect();
      redis.disconnect();
    },
  };

  if (opts.worker) {
    const workerConnection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
    const worker: Worker = createTimerWorker({
      engine,
      connection: workerConnection,
      prefix: opts.prefix,
      concurrency: opts.worker.concurrency,
      ...(opts.worker.lockMs ? { lockDuration: opts.worker.lockMs } : {}),
      ...(opts.worker.stalledMs ? { stalledInterval: opts.worker.stalledMs } : {}),
    });
    worker.on('failed', (job, err) => opts.log(`timer job ${job?.id ?? '?'} failed (will retry): ${err.message}`));
    const reconciler = await startReconciler({ engine, connection: workerConnection, prefix: opts.prefix, everyMs: opts.worker.reconcileMs });
    closers.push(async () => {
      await worker.close();
      await reconciler.close();
      workerConnection.disconnect();
    });
  }

  if (opts.api) {
    const app = createApp({
      engine,
      queries,
      tokens,
      log: opts.log,
      ...(opts.api.extend ? { extend: (a: Express) => opts.api!.extend!(a, runtime) } : {}),
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(opts.api!.port, () => resolve(s));
      s.once('error', reject);
    });
    const address = server.address();
    runtime.app = app;
    runtime.server = server;
    runtime.port = typeof address === 'object' && address ? address.port : opts.api.port;
    closers.push(() => new Promise((resolve) => server.close(resolve)));
  }
  return runtime;
}
