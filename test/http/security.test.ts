/**
 * Security basics (issue 9, item 8): the headers every answer carries, a body from a
 * caller who is not signed in refused before it is parsed, and a small burst of
 * exports per token before 429. The workspace running under the policy is checked by
 * the browser tests (test/web/browser.ts counts every CSP refusal as a page error).
 */
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedScenario, type Scenario } from '../web/scenario.js';
import { webRuntime, type WebRuntime } from '../web/web-runtime.js';

const MB = 1024 * 1024;

function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get('content-security-policy') ?? '';
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('security basics', () => {
  let rt: WebRuntime;
  let s: Scenario;
  const get = (path: string, token?: string) => fetch(`${rt.base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const json = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${rt.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      duplex: 'half',
    } as RequestInit);

  beforeAll(async () => {
    rt = await webRuntime();
    s = await seedScenario(rt);
  });
  afterAll(() => rt?.close());
  afterEach(() => vi.restoreAllMocks());

  it('sends the security headers on API and workspace answers alike, and no X-Powered-By', async () => {
    const answers = {
      api: await get('/api/v1/openapi.json'),
      refused: await get('/api/v1/plans'),
      signedIn: await get(`/api/v1/plans/${s.planId}/tasks`, s.tokens['p-li']),
      missing: await get('/api/v1/no-such-route'),
      health: await get('/healthz'),
      workspace: await get('/'),
      script: await get('/app.js'),
      echarts: await get('/vendor/echarts.min.js'),
      webApi: await get('/web-api/labels'),
      notice: await get(`/web-api/plans/${s.planId}/report/print`, s.tokens['p-li']),
    };
    for (const [name, res] of Object.entries(answers)) {
      expect(res.status, name).toBeLessThan(500);
      const policy = csp(res);
      expect(policy.get('default-src'), name).toEqual(["'self'"]);
      expect(policy.get('script-src'), name).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors'), name).toEqual(["'none'"]);
      expect(policy.get('object-src'), name).toEqual(["'none'"]);
      expect(res.headers.get('x-frame-options'), name).toBe('DENY');
      expect(res.headers.get('referrer-policy'), name).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(res.headers.get('x-powered-by'), name).toBeNull();
    }
  });

  it('lets the workspace page show the report bulletin: its one <style> block is allowed by hash', async () => {
    const fragment = await (await get(`/web-api/plans/${s.planId}/report/print`, s.tokens['p-li'])).text();
    const css = /<style>([\s\S]*?)<\/style>/.exec(fragment)?.[1];
    expect(css).toBeDefined();
    const hash = `'sha256-${createHash('sha256').update(css!).digest('base64')}'`;
    const page = csp(await get('/'));
    expect(page.get('style-src-elem')).toEqual(["'self'", hash]);
    // Nothing but a stylesheet from this origin on the API's answers.
    expect(csp(await get('/api/v1/openapi.json')).get('style-src-elem')).toEqual(["'self'"]);
    // The page itself carries no inline script the policy would refuse.
    const html = await (await get('/')).text();
    expect(html.match(/<script\b[^>]*>/g)?.every((tag) => /\ssrc=/.test(tag))).toBe(true);
  });

  it('refuses a 1 MB body from a caller who is not signed in with 401, quickly and unparsed', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const createPlan = vi.spyOn(rt.engine, 'createPlan');
    const body = JSON.stringify({ id: 'big', pad: 'x'.repeat(MB) });
    const callers: Record<string, string>[] = [{}, { Authorization: 'Bearer dbn_not-a-token' }];
    for (const headers of callers) {
      const started = Date.now();
      const res = await json('/api/v1/plans', body, headers);
      expect(res.status).toBe(401);
      const answer = await res.json();
      expect(answer.error.code).toBe('unauthenticated');
      expect(answer.error.message).toContain('16 KB');
      expect(answer.error.message_en).toContain('16 KB');
      expect(Date.now() - started).toBeLessThan(2_000);
    }
    expect(parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 16 * 1024)).toEqual([]);
    expect(createPlan).not.toHaveBeenCalled();
  });

  it('stops a chunked body of unknown length from an anonymous caller at 16 KB with 413 in Chinese and English', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= MB) controller.close();
        else {
          sent += chunk.length;
          controller.enqueue(chunk);
        }
      },
    });
    const res = await json('/api/v1/plans', stream);
    expect(res.status).toBe(413);
    expect((await res.json()).error).toEqual({
      code: 'too_large',
      message: '请求体过大：未登录的请求最多 16 KB',
      message_en: 'The request body is too large: without signing in, at most 16 KB',
    });
    expect(parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 16 * 1024)).toEqual([]);
  });

  it('keeps the plan-sized limit for a signed-in caller, and answers a body past it with 413, never 500', async () => {
    const office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    const auth = { Authorization: `Bearer ${office}` };
    // A megabyte is read and judged as a plan (400 for what it lacks), not refused for its size.
    const big = await json('/api/v1/plans', JSON.stringify({ pad: 'x'.repeat(MB) }), auth);
    expect(big.status).toBe(400);
    const huge = await json('/api/v1/plans', JSON.stringify({ pad: 'x'.repeat(6 * MB) }), auth);
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toMatchObject({
      code: 'too_large',
      message: '请求体过大：至多 5 MB',
      message_en: 'The request body is too large: at most 5 MB',
    });
  });

  it('gives a token a small burst of workbooks, then 429 with Retry-After; other tokens are not held up', async () => {
    const office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    const xlsx = [`/web-api/plans/${s.planId}/ledger.xlsx`, `/web-api/plans/${s.planId}/report.xlsx`];
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(xlsx[i % 2]!, office)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    for (const path of xlsx) {
      const res = await get(path, office);
      expect(res.status).toBe(429);
      const retry = Number(res.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      expect((await res.json()).error).toEqual({
        code: 'rate_limited',
        message: `导出过于频繁：请 ${retry} 秒后再试`,
        message_en: `Too many exports: try again in ${retry} seconds`,
      });
    }
    expect((await get(xlsx[0]!, s.tokens['p-li'])).status).toBe(200);
  });

  it('gives a token a burst of printable pages, then 429 with Retry-After', async () => {
    const office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    const print = `/web-api/plans/${s.planId}/report/print`;
    for (let i = 0; i < 30; i++) expect((await get(print, office)).status).toBe(200);
    const res = await get(print, office);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await res.json()).error.message).toMatch(/^打印页请求过于频繁：请 \d+ 秒后再试$/);
  });
});

describe('requests without a valid sign-in, per IP', () => {
  let rt: WebRuntime;
  beforeAll(async () => {
    rt = await webRuntime();
  });
  afterAll(() => rt?.close());

  it('are answered 401 up to a budget, then 429 with Retry-After', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 100; i++)
      statuses.add((await fetch(`${rt.base}/api/v1/plans`, { headers: { Authorization: `Bearer dbn_guess-${i}` } })).status);
    expect([...statuses]).toEqual([401]);
    const res = await fetch(`${rt.base}/web-api/plans/x/overview`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await res.json()).error.message).toMatch(/^未通过身份验证的请求过多：请 \d+ 秒后再试$/);
    // The workspace's static files are not behind it.
    expect((await fetch(`${rt.base}/`)).status).toBe(200);
  });
});
