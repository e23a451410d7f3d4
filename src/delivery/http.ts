/**
 * One JSON POST with a deadline, for the robot and webhook channels, and the reading
 * of an HTTP answer every channel shares: 2xx is the platform's to judge (its body
 * carries its own code), 408, 425, 429 and 5xx are worth another try, other 4xx and
 * redirects are not. A timeout or a broken connection is `retry`: the request may or may not have
 * arrived, and the idempotency key is what makes another try safe.
 */
import type { Text } from '../domain/i18n.js';
import { cut, type ChannelAnswer, type ChannelKind, type DeliveryResult } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export type HttpOutcome =
  | { ok: true; status: number; headers: Headers; text: string; json: unknown }
  | { ok: false; reason: 'timeout' | 'aborted' | 'network'; error: string };

export async function postJson(
  url: string,
  body: string,
  o: { timeoutMs: number; signal?: AbortSignal; headers?: Record<string, string> },
): Promise<HttpOutcome> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([timeout, o.signal]) : timeout;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...o.headers },
      body,
      signal,
      // A redirect is answered, not followed: a signed notice goes only where it was addressed,
      // and a moved webhook is for the office to fix (byStatus: failed, with the Location).
      redirect: 'manual',
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: an HTML error page from a proxy, say; the status decides.
    }
    return { ok: true, status: res.status, headers: res.headers, text, json };
  } catch (err) {
    const message =
      err instanceof Error ? `${err.name}: ${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` : String(err);
    if (timeout.aborted) return { ok: false, reason: 'timeout', error: message };
    if (o.signal?.aborted) return { ok: false, reason: 'aborted', error: message };
    return { ok: false, reason: 'network', error: message };
  }
}

const NO_ANSWER: Record<'timeout' | 'aborted' | 'network', (ms: number) => Text> = {
  timeout: (ms) => ({ zh: `${ms / 1000}秒内未应答，稍后重试`, en: `no answer within ${ms / 1000} s; will retry` }),
  aborted: () => ({ zh: '发送被中止，稍后重试', en: 'the attempt was aborted; will retry' }),
  network: () => ({ zh: '无法连接，稍后重试', en: 'could not connect; will retry' }),
};

/** The result for an attempt that got no HTTP answer. */
export function noAnswer(channel: ChannelKind, outcome: Extract<HttpOutcome, { ok: false }>, timeoutMs: number): DeliveryResult {
  return { status: 'retry', channel, reason: NO_ANSWER[outcome.reason](timeoutMs), answer: { message: outcome.error } };
}

/** Seconds of a Retry-After header as ms, when it gives seconds. */
export function retryAfter(headers: Headers): number | undefined {
  const v = headers.get('retry-after');
  return v !== null && /^\d+$/.test(v.trim()) ? Number(v) * 1000 : undefined;
}

/**
 * The result an HTTP status alone decides, or null for a 2xx (the platform's body
 * decides) — and for a 4xx whose body carries a platform code (that code decides).
 */
export function byStatus(channel: ChannelKind, res: Extract<HttpOutcome, { ok: true }>, answer: ChannelAnswer): DeliveryResult | null {
  const s = res.status;
  if (s >= 200 && s < 300) return null;
  if (s === 408 || s === 425 || s === 429 || s >= 500) {
    const after = retryAfter(res.headers);
    return {
      status: 'retry',
      channel,
      reason: { zh: `对方服务器返回 HTTP ${s}，稍后重试`, en: `the server answered HTTP ${s}; will retry` },
      answer,
      ...(after === undefined ? {} : { retryAfterMs: after }),
    };
  }
  if (answer.code !== undefined) return null;
  if (s >= 300 && s < 400) {
    const to = res.headers.get('location') ?? '';
    return {
      status: 'failed',
      channel,
      reason: { zh: `地址已迁移（HTTP ${s}），请更新为：${to}`, en: `the address has moved (HTTP ${s}); update it to: ${to}` },
      answer,
    };
  }
  return { status: 'failed', channel, reason: { zh: `对方拒绝（HTTP ${s}）`, en: `refused (HTTP ${s})` }, answer };
}

export function httpAnswer(res: Extract<HttpOutcome, { ok: true }>, code?: number | string, message?: string): ChannelAnswer {
  return {
    httpStatus: res.status,
    ...(code === undefined ? {} : { code }),
    ...(message === undefined ? {} : { message }),
    raw: cut(res.text),
  };
}

/** A field of a JSON object, when the answer is one. */
export function field(json: unknown, name: string): unknown {
  return json !== null && typeof json === 'object' ? (json as Record<string, unknown>)[name] : undefined;
}
