/**
 * Wires one Duban process: Redis connections, the engine, and the roles asked for —
 * the HTTP API, the timer workers with the reconciler, or both — and stops them in
 * order, within a bound even when Redis is gone.
 */
import type { Server } from 'node:http';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Express } from 'express';
import { TokenStore } from './auth/tokens.js';
import { planDirectory } from './directory/admit.js';
import { adoptStoredPlans } from './directory/adopt-stored.js';
import { Directory } from './directory/store.js';
import { keysFor } from './store/keys.js';
import { Engine } from './engine/engine.js';
import { Queries } from './engine/queries.js';
import { BullTimerScheduler } from './engine/timer-queue.js';
import { createApp } from './http/app.js';
import { connectFailFast, isRedisUnavailable, reportOutages } from './infra/redis-clients.js';
import { createTimerWorker } from '../workers/timer.worker.js';
import { startReconciler, type Reconciler } from '../workers/reconciler.worker.js';

export interface RuntimeOptions {
  redisUrl: string;
  prefix: string;
  api?: { port: number; extend?: (app: Express, runtime: Runtime) => void; trustProxy?: string };
  worker?: { concurrency: number; reconcileMs: number; lockMs?: number; stalledMs?: number };
  adminToken?: string;
  log: (line: string) => void;
  now?: () => number;
  /** A timer run later than this after it was due issues its step now, saying so (default a minute). */
  lateAfterMs?: number;
  /** Bound on every Redis command a request makes (default 3 s); past it the request answers 503. */
  redisTimeoutMs?: number;
  /** How long start-up waits for Redis (default 10 s). */
  connectMs?: number;
  /** How long close() lets requests and jobs in flight finish before cutting connections (default 5 s). */
  shutdownMs?: number;
}

export interface Runtime {
  engine: Engine;
  queries: Queries;
  tokens: TokenStore;
  /** Organisations, their units and people (src/directory). */
  directory: Directory;
  redis: Redis;
  app?: Express;
  server?: Server;
  port?: number;
  /**
   * Stops the API, then the workers, then the connections. Waits up to `shutdownMs`
   * for work in flight while Redis is up, about a second while it is down, then
   * disconnects by force. Never hangs; safe to call twice.
   */
  close(): Promise<void>;
}

/** Resolves true when `work` settles within `ms`, false when the time is up first. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const timeoutMs = opts.redisTimeoutMs ?? 3_000;
  const connectMs = opts.connectMs ?? 10_000;
  const shutdownMs = opts.shutdownMs ?? 5_000;
  // The engine's client and the timer queue's fail fast (see src/infra/redis-clients.ts).
  const redis = await connectFailFast(opts.redisUrl, { timeoutMs, connectMs, name: 'duban' });
  reportOutages(redis, opts.log);
  const queueConnection = await connectFailFast(opts.redisUrl, { timeoutMs, connectMs, name: 'duban:timers' }).catch((err: unknown) => {
    redis.disconnect();
    throw err;
  });
  const scheduler = new BullTimerScheduler(queueConnection, opts.prefix, opts.now);
  // One directory of organisations and people outside plans; plans are admitted to it.
  const directory = new Directory(redis, keysFor(opts.prefix), opts.now);
  const engine = new Engine({
    redis,
    scheduler,
    directory: planDirectory(directory),
    prefix: opts.prefix,
    log: opts.log,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.lateAfterMs !== undefined ? { lateAfterMs: opts.lateAfterMs } : {}),
  });
  const queries = new Queries(engine);
  const tokens = new TokenStore(redis, engine.keys, opts.adminToken);
  // Before any role starts: plans and credentials stored before the directory join it.
  try {
    await adoptStoredPlans(engine, directory, tokens.auth, opts.log);
  } catch (err) {
    queueConnection.disconnect();
    redis.disconnect();
    throw err;
  }

  let server: Server | undefined;
  let worker: Worker | undefined;
  let reconciler: Reconciler | undefined;

  /** In order: stop taking requests and finish those in flight, stop the workers, close the queue. */
  const stopRoles = async (redisUp: boolean) => {
    if (server) {
      const s = server;
      await new Promise((resolve) => s.close(resolve));
    }
    // Jobs in flight are left to finish only while Redis is there to record them.
    await worker?.close(!redisUp);
    await reconciler?.close();
    await scheduler.close();
  };

  /** What is left after the bound: cut every connection, and let nothing keep the process waiting. */
  const cutConnections = () => {
    server?.closeAllConnections();
    worker?.disconnect().catch(() => undefined);
    scheduler.queue.disconnect().catch(() => undefined);
  };

  let closing: Promise<void> | undefined;
  const runtime: Runtime = {
    engine,
    queries,
    tokens,
    directory,
    redis,
    close() {
      closing ??= (async () => {
        const redisUp = redis.status === 'ready';
        const stopping = stopRoles(redisUp);
        if (!(await within(stopping, redisUp ? shutdownMs : Math.min(1_000, shutdownMs)))) {
          opts.log(`停止超时，强制断开 Redis 连接 / shutdown took too long, cutting the Redis connections`);
          cutConnections();
          await within(stopping, 1_000);
        }
        queueConnection.disconnect();
        redis.disconnect();
      })();
      return closing;
    },
  };

  try {
    if (opts.worker) {
      // BullMQ workers block on Redis and must outlast an outage: they keep BullMQ's
      // own reconnecting client (maxRetriesPerRequest: null), owned and closed by the worker.
      worker = createTimerWorker({
        engine,
        connection: { url: opts.redisUrl, maxRetriesPerRequest: null, connectionName: 'duban:worker' },
        prefix: opts.prefix,
        concurrency: opts.worker.concurrency,
        ...(opts.worker.lockMs ? { lockDuration: opts.worker.lockMs } : {}),
        ...(opts.worker.stalledMs ? { stalledInterval: opts.worker.stalledMs } : {}),
      });
      worker.on('failed', (job, err) => {
        if (!isRedisUnavailable(err)) opts.log(`timer job ${job?.id ?? '?'} failed (will retry): ${err.message}`);
      });
      // Outages are reported once by the engine's client; other errors are news.
      worker.on('error', (err) => {
        if (!isRedisUnavailable(err)) opts.log(`timer worker: ${err.message}`);
      });
      reconciler = startReconciler({ engine, connection: redis, prefix: opts.prefix, everyMs: opts.worker.reconcileMs, log: opts.log });
    }

    if (opts.api) {
      const app = createApp({
        engine,
        queries,
        tokens,
        directory,
        ...(opts.api.trustProxy !== undefined ? { trustProxy: opts.api.trustProxy } : {}),
        log: opts.log,
        ...(opts.api.extend ? { extend: (a: Express) => opts.api!.extend!(a, runtime) } : {}),
      });
      server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(opts.api!.port, () => resolve(s));
        s.once('error', reject);
      });
      const address = server.address();
      runtime.app = app;
      runtime.server = server;
      runtime.port = typeof address === 'object' && address ? address.port : opts.api.port;
    }
  } catch (err) {
    await runtime.close();
    throw err;
  }
  return runtime;
}
