/**
 * Who may read /metrics (on the API and on a worker's port). Metrics name plans'
 * volumes and failures, not secrets, but they are not for everyone:
 *
 * - from the same machine (a loopback socket address, and no X-Forwarded-For or
 *   Forwarded header — a reverse proxy on this machine must not open it to the world),
 *   open;
 * - otherwise only with `Authorization: Bearer <DUBAN_METRICS_TOKEN>`; without that
 *   variable, not at all (403).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.test(address);
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export type MetricsAccess = { ok: true } | { ok: false; status: 401 | 403; zh: string; en: string };

export function metricsAccess(req: IncomingMessage, token: string | undefined): MetricsAccess {
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  if (isLoopback(req.socket.remoteAddress) && !proxied) return { ok: true };
  if (!token) {
    return {
      ok: false,
      status: 403,
      zh: '指标只对本机开放：远程读取请设置 DUBAN_METRICS_TOKEN 并以 Bearer 令牌访问',
      en: 'Metrics are open to this machine only: set DUBAN_METRICS_TOKEN and send it as a Bearer token to read them remotely',
    };
  }
  const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  // Compared as digests: equal lengths, constant time.
  if (given && timingSafeEqual(digest(given), digest(token))) return { ok: true };
  return {
    ok: false,
    status: 401,
    zh: '读取指标需要令牌：Authorization: Bearer <DUBAN_METRICS_TOKEN>',
    en: 'Reading metrics needs the token: Authorization: Bearer <DUBAN_METRICS_TOKEN>',
  };
}
