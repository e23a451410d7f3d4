/**
 * Request logs: one JSON line per request with method, path, status, duration and the
 * principal's kind; the secret in a calendar feed's or a sign-in link's path and any
 * query string never reach the log; an unexpected error is one line at error level
 * with its message, and /metrics takes DUBAN_METRICS_TOKEN from other machines.
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/infra/logger.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { testPrefix } from '../helpers/runtime.js';
import { find, parsePrometheus, total } from './prom-text.js';

interface Line {
  level: string;
  msg: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  principal: string;
  err?: { message: string; type: string; stack?: string };
}

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

describe('request logs', () => {
  let rt: Runtime | undefined;
  afterEach(async () => {
    await rt?.close();
    rt = undefined;
  });

  it('writes one JSON line per request, secrets redacted, 5xx at error level with the error', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json', destination: { write: (s: string) => void lines.push(s) } });
    rt = await startRuntime({
      redisUrl: inject('redisUrl'),
      prefix: testPrefix(),
      log: (line) => logger.info(line),
      logger,
      metricsToken: METRICS_TOKEN,
      api: {
        port: 0,
        extend: (app) => {
          app.get('/test-boom', () => {
            throw new Error('kaboom: the disk caught fire');
          });
        },
      },
      dataDir: mkdtempSync(join(tmpdir(), 'duban-reqlog-')),
    });
    const base = `http://127.0.0.1:${rt.port}`;
    const token = await rt.tokens.issue({ kind: 'office', name: 'o', org: 'default' });
    const auth = { authorization: `Bearer ${token}` };
    const feedSecret = 'feedSECRETabcdef0123456789';
    const linkSecret = 'linkSECRETabcdef0123456789';
    lines.length = 0;

    const calls: [string, Record<string, string>, number][] = [
      [`/calendar/${feedSecret}.ics`, {}, 404],
      [`/api/v1/session/link/${linkSecret}`, {}, 404],
      [`/api/v1/plans?token=querySECRET123&x=1`, auth, 200],
      ['/api/v1/plans', {}, 401],
      ['/test-boom', {}, 500],
    ];
    for (const [path, headers, status] of calls) {
      expect((await fetch(`${base}${path}`, { headers })).status, path).toBe(status);
    }
    await new Promise((r) => setTimeout(r, 100)); // the last 'finish' event

    const all = lines.join('');
    for (const secret of [feedSecret, linkSecret, 'querySECRET123', token]) expect(all).not.toContain(secret);
    expect(lines).toHaveLength(calls.length);
    for (const l of lines) expect(l.slice(0, -1)).not.toContain('\n');
    const records = lines.map((l) => JSON.parse(l) as Line);
    expect(records.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/calendar/***.ics', 404],
      ['GET', '/api/v1/session/link/***', 404],
      ['GET', '/api/v1/plans', 200],
      ['GET', '/api/v1/plans', 401],
      ['GET', '/test-boom', 500],
    ]);
    expect(records.map((r) => r.principal)).toEqual(['none', 'none', 'office', 'none', 'none']);
    for (const r of records) expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(records.slice(0, 4).map((r) => r.level)).toEqual(['info', 'info', 'info', 'info']);
    const boom = records[4]!;
    expect(boom.level).toBe('error');
    expect(boom.err).toMatchObject({ type: 'Error', message: 'kaboom: the disk caught fire' });
    // Stacks only at debug level.
    expect(boom.err!.stack).toBeUndefined();

    // /metrics: from this machine through a proxy it needs the token; routes are patterns, never secrets.
    expect((await fetch(`${base}/metrics`, { headers: { 'x-forwarded-for': '198.51.100.7' } })).status).toBe(401);
    expect(
      (await fetch(`${base}/metrics`, { headers: { 'x-forwarded-for': '198.51.100.7', authorization: 'Bearer wrong-token-0123456789' } }))
        .status,
    ).toBe(401);
    const res = await fetch(`${base}/metrics`, {
      headers: { 'x-forwarded-for': '198.51.100.7', authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(res.status).toBe(200);
    const m = parsePrometheus(await res.text());
    expect(total(m, 'duban_http_requests_total', { route: '/api/v1/plans', status: '200' })).toBe(1);
    expect(total(m, 'duban_http_requests_total', { route: '/calendar/:secret.ics' })).toBe(1);
    expect(total(m, 'duban_http_requests_total', { route: '(unmatched)', status: '401' })).toBe(1);
    expect(total(m, 'duban_failures_total', { where: 'http' })).toBe(1);
    expect(find(m, 'duban_http_request_duration_seconds_count', { route: '/api/v1/plans', status: '200' })).toHaveLength(1);
    const text = m.samples.map((s) => JSON.stringify(s.labels)).join('');
    for (const secret of [feedSecret, linkSecret, 'querySECRET123']) expect(text).not.toContain(secret);
  });
});
