/**
 * Wires one Duban process: Redis connections, the engine, and the roles asked for —
 * the HTTP API, the timer workers with the reconciler, or both — and stops them in
 * order, within a bound even when Redis is gone.
 */
import type { Server } from 'node:http';
import type { Worker } from 'bullmq';
import type { Express } from 'express';
import { TokenStore } from './auth/tokens.js';
import { planDirectory } from './directory/admit.js';
import { adoptStoredPlans } from './directory/adopt-stored.js';
import { Directory } from './directory/store.js';
import { keysFor } from './store/keys.js';
import { Engine } from './engine/engine.js';
import { Queries } from './engine/queries.js';
import { BullTimerScheduler, resolveShards } from './engine/timer-queue.js';
import { createApp } from './http/app.js';
import { redisAnswers } from './http/redis-ready.js';
import {
  connectFailFast,
  isRedisUnavailable,
  reportOutages,
  workerConnection,
  type RedisSpec,
  type WorkerConnection,
} from './infra/redis-clients.js';
import type { RedisClient } from './store/batch.js';
import { createTimerWorkers, type TimerWorkers } from '../workers/timer.worker.js';
import { startReconciler, type Reconciler } from '../workers/reconciler.worker.js';
import { createDeliveryWorker, startDeliverySweep, type DeliverySweep } from '../workers/delivery.worker.js';
import { ChannelStore } from './delivery/channel-store.js';
import { createSender } from './delivery/sender.js';
import { buildChannels } from './delivery/setup.js';
import { withRouteChannels } from './delivery/route-check.js';
import { NoticeNumbers } from './documents/notice-numbers.js';
import { Outbox } from './engine/outbox.js';
import { BullDeliveryQueue } from './engine/outbox-queue.js';
import { loggerFromLines, type Logger } from './infra/logger.js';
import { Metrics } from './infra/metrics.js';
import { startWorkerServer, type WorkerServer } from './infra/worker-server.js';
import type { FileStore } from './files/file-store.js';
import { LocalFileStore } from './files/local-file-store.js';
import { migrateEvidence } from './files/migrate-evidence.js';
import { migrateArchiveReaders } from './engine/archive.js';
import { afterPlanCommit, buildPlanIndexes } from './engine/plan-index.js';

export interface RuntimeOptions {
  /** Where Redis is: one server, a cluster or Sentinel (src/infra/redis-connect.ts). Wins over `redisUrl`. */
  redis?: RedisSpec;
  /** One Redis server, as a URL: the same as `redis: { kind: 'single', url }`. */
  redisUrl?: string;
  prefix: string;
  api?: { port: number; extend?: (app: Express, runtime: Runtime) => void; trustProxy?: string };
  worker?: { concurrency: number; reconcileMs: number; lockMs?: number; stalledMs?: number };
  /** Wake-up queue shards when this deployment first starts (later starts use the stored number; timer-queue.ts). */
  timerShards?: number;
  /** How far ahead wake-ups are armed as jobs; further ones by the reconciler (scheduler.ts). Default 10 minutes. */
  wakeHorizonMs?: number;
  /** Plan-definition text each process holds parsed (src/engine/definitions.ts). Default 64 MiB. */
  definitionCacheBytes?: number;
  adminToken?: string;
  log: (line: string) => void;
  /** Levels and request logs (src/infra/logger.ts); absent, records reach `log` as lines. */
  logger?: Logger;
  /** The runtime's metrics; absent, a new one (never prom-client's global registry). */
  metrics?: Metrics;
  /** DUBAN_METRICS_TOKEN: /metrics from other machines needs it (src/infra/metrics-access.ts). */
  metricsToken?: string;
  /** With `worker`: a port of its own for /healthz and /metrics (src/infra/worker-server.ts); 0 picks one. */
  workerPort?: number;
  /** The worker port is only the default: when it is taken, use any free port and say which. */
  workerPortIsDefault?: boolean;
  now?: () => number;
  /** A timer run later than this after it was due issues its step now, saying so (default a minute). */
  lateAfterMs?: number;
  /** Bound on every Redis command a request makes (default 3 s); past it the request answers 503. */
  redisTimeoutMs?: number;
  /** How long start-up waits for Redis (default 10 s). */
  connectMs?: number;
  /** How long close() lets requests and jobs in flight finish before cutting connections (default 5 s). */
  shutdownMs?: number;
  /** Notices leaving the app (src/delivery): mail server, tries and backoff. */
  delivery?: DeliveryOptions;
  /** Where evidence files and plan archives go (src/files); default a LocalFileStore in `dataDir`. */
  files?: FileStore;
  /** The data folder (DUBAN_DATA_DIR) for the default file store; default ./data. */
  dataDir?: string;
}

export interface DeliveryOptions {
  /** DUBAN_SMTP_URL and DUBAN_MAIL_FROM; without both, email deliveries fail saying so. */
  smtpUrl?: string;
  mailFrom?: string;
  maxAttempts?: number;
  backoffMs?: number;
  /** Per request to a channel (default 10 s); a sender's lease is twice this and five seconds. */
  timeoutMs?: number;
  /** How often the sweep re-queues due deliveries whose job is missing (default: the reconciler's period). */
  sweepMs?: number;
  /** The workspace's public address, for links in messages (https://duban.example.org). */
  publicUrl?: string;
}

export interface Runtime {
  engine: Engine;
  queries: Queries;
  tokens: TokenStore;
  /** Organisations, their units and people (src/directory). */
  directory: Directory;
  /** Notices' deliveries (src/engine/outbox.ts) and the organisations' channels (src/delivery). */
  outbox: Outbox;
  channelStore: ChannelStore;
  deliveryQueue: BullDeliveryQueue;
  /** Evidence bytes and plan archives (src/files). */
  files: FileStore;
  /** Plans' wake-up queues (src/engine/timer-queue.ts). */
  scheduler: BullTimerScheduler;
  redis: RedisClient;
  app?: Express;
  server?: Server;
  port?: number;
  /** Prometheus metrics of this process, served at /metrics. */
  metrics: Metrics;
  logger: Logger;
  /** The worker's /healthz and /metrics port, when `workerPort` was given. */
  workerPort?: number;
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
  const logger = opts.logger ?? loggerFromLines(opts.log);
  const metrics = opts.metrics ?? new Metrics();
  const spec: RedisSpec | undefined = opts.redis ?? (opts.redisUrl !== undefined ? { kind: 'single', url: opts.redisUrl } : undefined);
  if (!spec) throw new Error('startRuntime needs `redis` or `redisUrl`');
  // The engine's client and the timer queue's fail fast (see src/infra/redis-clients.ts).
  const redis = await connectFailFast(spec, { timeoutMs, connectMs, name: 'duban' });
  reportOutages(
    redis,
    (line) => logger.warn(line),
    () => metrics.redisOutage(),
  );
  metrics.redisReachable(async () => (await redisAnswers(redis)).up);
  const queueConnection = await connectFailFast(spec, { timeoutMs, connectMs, name: 'duban:timers' }).catch((err: unknown) => {
    redis.disconnect();
    throw err;
  });
  const shards = await resolveShards(redis, opts.prefix, opts.timerShards, opts.log).catch((err: unknown) => {
    queueConnection.disconnect();
    redis.disconnect();
    throw err;
  });
  const scheduler = new BullTimerScheduler(queueConnection, opts.prefix, shards, opts.now, opts.wakeHorizonMs);
  // Every role commits notices, so every role queues their deliveries; only workers send them.
  const deliveryQueue = new BullDeliveryQueue(queueConnection, opts.prefix, opts.now);
  // One directory of organisations and people outside plans; plans are admitted to it.
  const directory = new Directory(redis, keysFor(opts.prefix), opts.now);
  const channelStore = new ChannelStore(redis, keysFor(opts.prefix), opts.now);
  const engine = new Engine({
    redis,
    scheduler,
    // A plan's routes must name channels its organisation registered (route-check.ts).
    directory: withRouteChannels(planDirectory(directory), channelStore),
    prefix: opts.prefix,
    log: opts.log,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.lateAfterMs !== undefined ? { lateAfterMs: opts.lateAfterMs } : {}),
    ...(opts.definitionCacheBytes !== undefined ? { definitionCacheBytes: opts.definitionCacheBytes } : {}),
    outbox: deliveryQueue,
    metrics,
  });
  const outbox = new Outbox(redis, (planId) => engine.pk(planId));
  const queries = new Queries(engine);
  const files = opts.files ?? new LocalFileStore(opts.dataDir ?? './data');
  const tokens = new TokenStore(redis, engine.keys, opts.adminToken);
  // Before any role starts: plans and credentials stored before the directory join it.
  try {
    await adoptStoredPlans(engine, directory, tokens.auth, opts.log, (def) =>
      afterPlanCommit({ redis, keys: engine.keys, log: opts.log }, def),
    );
    // Data growth (issue 13): the plan indexes built once, evidence bytes moved out of Redis once.
    await buildPlanIndexes(redis, engine.keys.plans, (id) => engine.currentDefinition(id).catch(() => null), opts.log);
    await migrateEvidence(engine, files, opts.log);
    await migrateArchiveReaders(engine, files, opts.log);
  } catch (err) {
    queueConnection.disconnect();
    redis.disconnect();
    throw err;
  }

  let server: Server | undefined;
  let worker: TimerWorkers | undefined;
  /** The workers' own connections (a cluster's are made here), closed once the workers have stopped. */
  const workerConnections: WorkerConnection[] = [];
  const connectionFor = (name: string) => {
    const c = workerConnection(spec, name);
    workerConnections.push(c);
    return c.connection;
  };
  let reconciler: Reconciler | undefined;
  let deliveryWorker: Worker | undefined;
  let deliverySweep: DeliverySweep | undefined;
  let closeChannels: (() => void) | undefined;
  let workerServer: WorkerServer | undefined;
  metrics.definitionCache(() => engine.definitionCache());
  // Queue depths are read at each scrape, one queue at a time (each is one slot on a cluster).
  // Every shard's queue has the same BullMQ name: labelled by shard, or the last read would hide the others.
  metrics.queueDepths(async () => {
    const queues = [
      ...scheduler.queues.map((q, shard) => ({ label: `${q.name}-${shard}`, q })),
      { label: deliveryQueue.queue.name, q: deliveryQueue.queue },
    ];
    const counts = await Promise.all(queues.map(({ q }) => q.getJobCounts('waiting', 'delayed', 'active', 'failed')));
    return counts.flatMap((c, i) => Object.entries(c).map(([state, count]) => ({ queue: queues[i]!.label, state, count })));
  });

  /** In order: stop taking requests and finish those in flight, stop the workers, close the queue. */
  const stopRoles = async (redisUp: boolean) => {
    await workerServer?.close();
    if (server) {
      const s = server;
      await new Promise((resolve) => s.close(resolve));
    }
    // Jobs in flight are left to finish only while Redis is there to record them.
    await worker?.close(!redisUp);
    await deliveryWorker?.close(!redisUp);
    await reconciler?.close();
    await deliverySweep?.close();
    closeChannels?.();
    await scheduler.close();
    await deliveryQueue.close();
  };

  /** What is left after the bound: cut every connection, and let nothing keep the process waiting. */
  const cutConnections = () => {
    workerServer?.server.closeAllConnections();
    server?.closeAllConnections();
    worker?.disconnect().catch(() => undefined);
    deliveryWorker?.disconnect().catch(() => undefined);
    for (const q of scheduler.queues) q.disconnect().catch(() => undefined);
    deliveryQueue.queue.disconnect().catch(() => undefined);
  };

  let closing: Promise<void> | undefined;
  const runtime: Runtime = {
    engine,
    queries,
    tokens,
    directory,
    outbox,
    channelStore,
    deliveryQueue,
    files,
    scheduler,
    redis,
    metrics,
    logger,
    close() {
      closing ??= (async () => {
        const redisUp = redis.status === 'ready';
        const stopping = stopRoles(redisUp);
        if (!(await within(stopping, redisUp ? shutdownMs : Math.min(1_000, shutdownMs)))) {
          opts.log(`停止超时，强制断开 Redis 连接 / shutdown took too long, cutting the Redis connections`);
          cutConnections();
          await within(stopping, 1_000);
        }
        for (const c of workerConnections) c.close();
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
      worker = createTimerWorkers({
        engine,
        connection: connectionFor('duban:worker'),
        prefix: opts.prefix,
        shards,
        concurrency: opts.worker.concurrency,
        ...(opts.worker.lockMs ? { lockDuration: opts.worker.lockMs } : {}),
        ...(opts.worker.stalledMs ? { stalledInterval: opts.worker.stalledMs } : {}),
      });
      worker.on('failed', (job, err) => {
        if (isRedisUnavailable(err)) return;
        metrics.failure('timer');
        logger.warn(`唤醒失败，将重试 / wake-up ${job?.id ?? '?'} failed, will retry: ${err.message}`);
      });
      // Outages are reported once by the engine's client; other errors are news.
      worker.on('error', (err) => {
        if (isRedisUnavailable(err)) return;
        metrics.failure('timer');
        logger.error(`定时任务处理出错 / timer worker: ${err.message}`);
      });
      reconciler = startReconciler({ engine, connection: redis, prefix: opts.prefix, everyMs: opts.worker.reconcileMs, logger, metrics });

      // Deliveries go out from the worker role, beside the timers.
      const d = opts.delivery ?? {};
      const timeoutMs = d.timeoutMs ?? 10_000;
      const built = buildChannels({ smtpUrl: d.smtpUrl, mailFrom: d.mailFrom, timeoutMs, now: opts.now });
      closeChannels = () => built.close();
      const sender = createSender({
        redis,
        pk: (planId) => engine.pk(planId),
        outbox,
        channelStore,
        channels: built.channels,
        definition: (planId) => engine.currentDefinition(planId),
        contact: async (id) => (await directory.getPerson(id))?.contacts ?? null,
        leaseMs: 2 * timeoutMs + 5_000,
        numbers: new NoticeNumbers(redis, engine.keys),
        ...(opts.now ? { now: opts.now } : {}),
        ...(d.maxAttempts !== undefined ? { maxAttempts: d.maxAttempts } : {}),
        ...(d.backoffMs !== undefined ? { backoffMs: d.backoffMs } : {}),
        ...(d.publicUrl
          ? {
              link: (planId: string, noticeId: string) =>
                `${d.publicUrl!.replace(/\/$/, '')}/#/notice/${encodeURIComponent(planId)}/${encodeURIComponent(noticeId)}`,
            }
          : {}),
        log: (line) => logger.warn(line),
        metrics,
      });
      deliveryWorker = createDeliveryWorker({
        sender,
        connection: connectionFor('duban:delivery'),
        prefix: opts.prefix,
        concurrency: opts.worker.concurrency,
        ...(opts.worker.lockMs ? { lockDuration: opts.worker.lockMs } : {}),
        ...(opts.worker.stalledMs ? { stalledInterval: opts.worker.stalledMs } : {}),
      });
      deliveryWorker.on('error', (err) => {
        if (isRedisUnavailable(err)) return;
        metrics.failure('delivery-worker');
        logger.error(`投递处理出错 / delivery worker: ${err.message}`);
      });
      // A job that throws is the sender's bug or Redis's absence (a channel's answer is a result, not a throw).
      deliveryWorker.on('failed', (job, err) => {
        if (isRedisUnavailable(err)) return;
        metrics.failure('delivery');
        logger.error({ err, job: job?.id }, '投递任务失败，将由补发扫描重试 / delivery job failed; the sweep will retry it');
      });
      deliverySweep = startDeliverySweep({
        outbox,
        queue: deliveryQueue,
        plans: () => redis.zrange(engine.keys.plans, '0', '-1'),
        connection: redis,
        prefix: opts.prefix,
        everyMs: d.sweepMs ?? opts.worker.reconcileMs,
        ...(opts.now ? { now: opts.now } : {}),
        logger,
        metrics,
      });
      if (opts.workerPort !== undefined) {
        workerServer = await startWorkerServer({
          port: opts.workerPort,
          redis,
          metrics,
          metricsToken: opts.metricsToken,
          anyPortIfTaken: opts.workerPortIsDefault ?? false,
          onFallback: (port) =>
            logger.warn(
              `端口 ${opts.workerPort} 已被占用，健康检查和指标改用端口 ${port} / port ${opts.workerPort} is taken: /healthz and /metrics are on port ${port}`,
            ),
        });
        runtime.workerPort = workerServer.port;
      }
    }

    if (opts.api) {
      const app = createApp({
        engine,
        queries,
        tokens,
        directory,
        files,
        delivery: { outbox, channels: channelStore, queue: deliveryQueue, ...(opts.now ? { now: opts.now } : {}) },
        ...(opts.api.trustProxy !== undefined ? { trustProxy: opts.api.trustProxy } : {}),
        log: opts.log,
        logger,
        metrics,
        ...(opts.metricsToken ? { metricsToken: opts.metricsToken } : {}),
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
