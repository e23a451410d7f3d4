/**
 * One sign-in rule for the whole server: /api/v1 and the workspace's /web-api take
 * the same bearer tokens through the same middleware, so a missing, malformed or
 * unknown token gets the same 401 — Chinese first, with full-width punctuation —
 * wherever it is sent, and a good token acts as the same principal on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../helpers/http.js';
import { seedScenario, type Scenario } from '../web/scenario.js';
import { webRuntime, type WebRuntime } from '../web/web-runtime.js';

describe('authentication', () => {
  let rt: WebRuntime;
  let s: Scenario;
  let call: ReturnType<typeof client>;
  const paths = () => [
    '/api/v1/plans',
    `/api/v1/plans/${s.planId}/tasks`,
    `/web-api/plans/${s.planId}/overview`,
    `/web-api/plans/${s.planId}/ledger.xlsx`,
  ];

  beforeAll(async () => {
    rt = await webRuntime();
    s = await seedScenario(rt);
    call = client(rt.port!);
  });
  afterAll(() => rt?.close());

  async function refusals(headers: Record<string, string>) {
    const out = [];
    for (const path of paths()) {
      const res = await fetch(`${rt.base}${path}`, { headers });
      out.push({ path, status: res.status, body: await res.json() });
    }
    return out;
  }

  it('answers a request without a token alike on the API and the workspace', async () => {
    const malformed: Record<string, string>[] = [{}, { Authorization: 'Token abc' }, { Authorization: 'Bearer' }];
    for (const headers of malformed) {
      for (const r of await refusals(headers)) {
        expect(r, `${r.path} ${JSON.stringify(headers)}`).toEqual({
          path: r.path,
          status: 401,
          body: {
            error: {
              code: 'unauthenticated',
              message: '未登录：请先登录，或在 Authorization 头中携带令牌（Bearer …）',
              message_en: 'Not signed in: sign in, or send your token as "Authorization: Bearer …"',
            },
          },
        });
      }
    }
  });

  it('answers an unknown token alike on the API and the workspace', async () => {
    for (const r of await refusals({ Authorization: 'Bearer dbn_not-a-token' })) {
      expect(r, r.path).toEqual({
        path: r.path,
        status: 401,
        body: {
          error: {
            code: 'unauthenticated',
            message: '令牌无效、已过期或已撤销：请核对后重试，或重新签发令牌',
            message_en: 'The token is unknown, expired or revoked: check it, or issue a new one',
          },
        },
      });
    }
  });

  it('lets every kind of token through both, as the same principal', async () => {
    const tokens = {
      person: s.tokens['p-li']!,
      office: await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' }),
      admin: await rt.tokens.issue({ kind: 'admin' }),
    };
    for (const [kind, token] of Object.entries(tokens)) {
      const me = await call('GET', '/api/v1/me', { token });
      expect(me.json.principal.kind).toBe(kind);
      // Admins run the server, not the work: a plan is not theirs to read, on either route.
      const status = kind === 'admin' ? 403 : 200;
      expect((await call('GET', `/web-api/plans/${s.planId}/overview`, { token })).status).toBe(status);
      expect((await call('GET', `/api/v1/plans/${s.planId}/tasks`, { token })).status).toBe(status);
    }
    // A person of another plan is known on both, and refused by the same rule.
    const stranger = await rt.tokens.issue({ kind: 'person', personId: 'p-x' });
    const api = await call('GET', `/api/v1/plans/${s.planId}/tasks`, { token: stranger });
    const web = await call('GET', `/web-api/plans/${s.planId}/overview`, { token: stranger });
    expect([api.status, web.status]).toEqual([403, 403]);
    expect(web.json).toEqual(api.json);
  });
});
