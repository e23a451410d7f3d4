/**
 * A worker process's own small HTTP server (DUBAN_WORKER_PORT): a worker has no API,
 * yet a load balancer, a supervisor and Prometheus need to reach it.
 *
 *   GET /healthz   200 { ok: true, redis: 'up', role: 'worker' }, or 503 { ok: false, redis: 'down', … }
 *                  while Redis does not answer; it answers within a second either way
 *   GET /metrics   the runtime's metrics in Prometheus text; open from this machine,
 *                  else with DUBAN_METRICS_TOKEN (metrics-access.ts); answers during an outage
 *
 * Plain node:http: two routes do not need Express.
 */
import { createServer, type Server } from 'node:http';
import { REDIS_UNAVAILABLE, redisAnswers, type RedisStatus } from '../http/redis-ready.js';
import type { Metrics } from './metrics.js';
import { metricsAccess } from './metrics-access.js';

export interface WorkerServerOptions {
  port: number;
  /** Default all interfaces, as the API's. */
  host?: string;
  redis: RedisStatus;
  metrics: Metrics;
  metricsToken?: string | undefined;
  /**
   * When `port` is taken, listen on any free port instead of failing (the default port
   * with several workers on one machine); `onFallback` hears which.
   */
  anyPortIfTaken?: boolean;
  onFallback?: (port: number) => void;
}

export interface WorkerServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startWorkerServer(o: WorkerServerOptions): Promise<WorkerServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      json(res, 405, { error: { code: 'method_not_allowed', message: '只支持 GET', message_en: 'GET only' } });
      return;
    }
    if (path === '/healthz') {
      void redisAnswers(o.redis).then((redis) => {
        if (redis.up) json(res, 200, { ok: true, redis: 'up', role: 'worker' });
        else
          json(res, 503, {
            ok: false,
            redis: 'down',
            role: 'worker',
            error: REDIS_UNAVAILABLE.zh,
            error_en: REDIS_UNAVAILABLE.en,
            detail: redis.reason,
          });
      });
      return;
    }
    if (path === '/metrics') {
      const access = metricsAccess(req, o.metricsToken);
      if (!access.ok) {
        json(res, access.status, {
          error: { code: access.status === 401 ? 'unauthenticated' : 'forbidden', message: access.zh, message_en: access.en },
        });
        return;
      }
      o.metrics.render().then(
        (text) => {
          res.writeHead(200, { 'content-type': o.metrics.contentType });
          res.end(text);
        },
        (err: unknown) =>
          json(res, 500, { error: { code: 'internal', message: '指标读取失败', message_en: `metrics failed: ${(err as Error).message}` } }),
      );
      return;
    }
    json(res, 404, {
      error: { code: 'not_found', message: `没有这个地址：${path}`, message_en: `No such route: ${path} (try /healthz, /metrics)` },
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, o.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(o.port);
  } catch (err) {
    if (!(o.anyPortIfTaken && (err as { code?: string }).code === 'EADDRINUSE')) throw err;
    await listen(0);
    const a = server.address();
    o.onFallback?.(typeof a === 'object' && a ? a.port : 0);
  }
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : o.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Scrapers keep connections alive; they must not hold a stop.
        server.closeAllConnections();
      }),
  };
}
