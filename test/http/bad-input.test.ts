/**
 * Bad input over HTTP (issue 7): a 400 that names what is wrong and where, and
 * nothing stored; never a 500 and never a half-written plan. Also: a person of
 * another plan gets the same 403 on writes as on reads, whether the task exists or
 * not, and concurrent uploads never store more files than a task may hold.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRuntime } from '../../src/runtime.js';
import { EvidenceFiles, MAX_FILES_PER_TASK } from '../../src/web/files.js';
import { mountWeb } from '../../src/web/index.js';
import { enginePrefix, webKeys } from '../../src/web/keys.js';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { webRuntime, type WebRuntime } from '../web/web-runtime.js';

describe('bad input over HTTP', () => {
  let rt: WebRuntime;
  let call: ReturnType<typeof client>;
  let office: string;
  const tok: Record<string, string> = {};
  const good = (id: string) => fixturePlan({ id, start: Date.now(), deadlines: { t1: 3600, t2: 3600, t3: 3600 } });

  /** Every Redis key of a plan: none at all means nothing was stored. */
  const planKeys = (planId: string) => rt.redis.keys(`${enginePrefix(rt.engine)}:{${planId}}*`);

  beforeAll(async () => {
    rt = await webRuntime();
    call = client(rt.port!);
    office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    // Plan B names someone plan A does not: 马力 is a person of another plan.
    const b = good('plan-b');
    b.people.push({ id: 'p-ma', name: '马力', title: '干事', unit: 'jjb' });
    for (const body of [good('plan-a'), b]) {
      const created = await call('POST', '/api/v1/plans?publish=true', { token: office, body });
      expect(created.status).toBe(201);
    }
    for (const p of ['p-zhao', 'p-zhou', 'p-wang']) tok[p] = await rt.tokens.issue({ kind: 'person', personId: p });
    tok['b:p-ma'] = await rt.tokens.issue({ kind: 'person', personId: 'p-ma' });
  });
  afterAll(() => rt?.close());

  it('names the query parameter at fault in Chinese and English, and does not speak of changes on a read', async () => {
    const res = await call('GET', '/api/v1/inbox?open=maybe', { token: tok['p-zhao'] });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe('查询参数有误：open');
    expect(res.json.error.message_en).toBe('Invalid query parameters: open');
    expect(res.json.error.problems).toEqual([expect.objectContaining({ path: 'open' })]);
  });

  describe('absurd durations, dates and offsets in a plan', () => {
    const cases: Array<[string, (p: ReturnType<typeof good>) => void, string, string]> = [
      [
        'a reminder of 99999999 years',
        (p) => (p.escalation!.reminders = ['P1D', 'P99999999Y']),
        'escalation.reminders[1]',
        'escalation.reminders[1]: "P99999999Y" is longer than the longest allowed period (10 years)',
      ],
      [
        'a rung grace of 99999999 years',
        (p) => (p.escalation!.rungs[1]!.grace = 'P99999999Y'),
        'escalation.rungs[1].grace',
        'escalation.rungs[1].grace: "P99999999Y" is longer than the longest allowed period (10 years)',
      ],
      [
        'a deadline in the year 9999',
        (p) => (p.tasks[2]!.deadline = '9999-12-31'),
        'tasks[2].deadline',
        'tasks[2].deadline: "9999-12-31" is outside the years a plan may run in (2000–2100)',
      ],
      [
        'a deadline at UTC+25:00',
        (p) => (p.tasks[0]!.deadline = '2030-06-30T18:00:00+25:00'),
        'tasks[0].deadline',
        'tasks[0].deadline: "2030-06-30T18:00:00+25:00" has the UTC offset +25:00; real offsets run from -12:00 to +14:00',
      ],
      [
        'a time zone of UTC+25',
        (p) => (p.timeZone = 'UTC+25'),
        'timeZone',
        'timeZone: "UTC+25" is a UTC offset no place uses; real offsets run from -12:00 to +14:00',
      ],
    ];

    for (const [what, mutate, path, message] of cases) {
      it(`refuses ${what} on create-and-publish with a 400 naming ${path}, and stores nothing`, async () => {
        const planId = `bad-${path.replace(/[^a-z0-9]/gi, '-').slice(0, 30)}`;
        const plan = good(planId);
        mutate(plan);
        const res = await call('POST', '/api/v1/plans?publish=true', { token: office, body: plan });
        expect(res.status).toBe(400);
        expect(res.json.error.code).toBe('invalid_input');
        expect(res.json.error.problems).toEqual([{ path, message }]);
        expect((await call('GET', `/api/v1/plans/${planId}`, { token: office })).status).toBe(404);
        expect((await call('GET', '/api/v1/plans', { token: office })).json.plans.map((p: { id: string }) => p.id)).not.toContain(planId);
        expect(await planKeys(planId)).toEqual([]);
      });
    }

    it('refuses the same in a draft being replaced, and keeps the draft as it was', async () => {
      const draft = good('draft-plan');
      expect((await call('POST', '/api/v1/plans', { token: office, body: draft })).status).toBe(201);
      const before = (await call('GET', '/api/v1/plans/draft-plan', { token: office })).json;
      const bad = good('draft-plan');
      bad.escalation!.rungs[0]!.grace = 'PT99999999999H';
      const res = await call('PUT', '/api/v1/plans/draft-plan', { token: office, body: bad });
      expect(res.status).toBe(400);
      expect(res.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['escalation.rungs[0].grace']);
      expect((await call('GET', '/api/v1/plans/draft-plan', { token: office })).json).toEqual(before);
    });

    it('refuses a new deadline at UTC+25:00 or in 9999, and changes nothing', async () => {
      const before = (await call('GET', '/api/v1/plans/plan-a/tasks/t2', { token: office })).json;
      for (const deadline of ['2030-06-30T18:00:00+25:00', '9999-12-31', '2030-06-30T18:00:00+08:99']) {
        const res = await call('POST', '/api/v1/plans/plan-a/tasks/t2/events', {
          token: office,
          body: { type: 'task.deadline.change', deadline, reason: '调整' },
        });
        expect(res.status, deadline).toBe(400);
        expect(res.json.error.problems.map((p: { path: string }) => p.path)).toEqual(['deadline']);
      }
      const wrongType = await call('POST', '/api/v1/plans/plan-a/tasks/t2/events', {
        token: office,
        body: { type: 'task.deadline.change', deadline: 5, reason: '调整' },
      });
      expect(wrongType.json.error.problems).toEqual([{ path: 'deadline', message: 'deadline: must be a string or an object' }]);
      expect((await call('GET', '/api/v1/plans/plan-a/tasks/t2', { token: office })).json).toEqual(before);
    });
  });

  describe('evidence links', () => {
    it('refuses javascript:, data: and file: links with a 400 in Chinese first, and changes nothing', async () => {
      const before = (await call('GET', '/api/v1/plans/plan-a/tasks/t1', { token: office })).json;
      for (const link of [
        'javascript:alert(document.cookie)',
        'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
        'file:///etc/passwd',
      ]) {
        const res = await call('POST', '/api/v1/plans/plan-a/tasks/t1/events', {
          token: tok['p-zhao'],
          body: { type: 'task.submit', evidence: ['https://example.org/ok.pdf', link], note: '' },
        });
        expect(res.status, link).toBe(400);
        expect(res.json.error.problems).toEqual([
          {
            path: 'evidence[1]',
            message: `evidence[1]: 只接受 http:// 或 https:// 链接 / only http:// or https:// links are evidence: ${JSON.stringify(link)}`,
          },
        ]);
      }
      expect((await call('GET', '/api/v1/plans/plan-a/tasks/t1', { token: office })).json).toEqual(before);
    });

    it('takes https links and the links of files uploaded in the workspace', async () => {
      const upload = await fetch(`${rt.base}/web-api/plans/plan-a/tasks/t1/files`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${tok['p-zhao']}`,
          'Content-Type': 'application/octet-stream',
          'X-File-Name': encodeURIComponent('方案.pdf'),
        },
        body: Buffer.from('%PDF-1.4 evidence'),
      });
      expect(upload.status).toBe(201);
      const { url } = (await upload.json()) as { url: string };
      const res = await call('POST', '/api/v1/plans/plan-a/tasks/t1/events', {
        token: tok['p-zhao'],
        body: { type: 'task.submit', evidence: [url, 'https://example.org/报告.docx'], note: '' },
      });
      expect(res.status).toBe(200);
      expect(res.json.task.work).toBe('submitted');
    });
  });

  describe('a person of another plan', () => {
    it('gets the same 403 on writes as on reads, for tasks that exist and tasks that do not', async () => {
      const outsider = tok['b:p-ma']!;
      const read = await call('GET', '/api/v1/plans/plan-a', { token: outsider });
      expect(read.status).toBe(403);
      expect(read.json.error.code).toBe('forbidden');
      const submit = { type: 'task.submit', evidence: ['https://example.org/a.pdf'], note: '' };
      const answers = [
        await call('POST', '/api/v1/plans/plan-a/tasks/t2/events', { token: outsider, body: submit }),
        await call('POST', '/api/v1/plans/plan-a/tasks/no-such-task/events', { token: outsider, body: submit }),
        await call('POST', '/api/v1/plans/plan-a/tasks/t2/events', { token: outsider, body: { type: 'task.explode' } }),
        await call('POST', '/api/v1/plans/plan-a/tasks/no-such-task/events', { token: outsider, body: { type: 'task.acknowledge' } }),
        await call('POST', '/api/v1/plans/plan-a/events', { token: outsider, body: { type: 'plan.advance', reason: 'x' } }),
        await call('PUT', '/api/v1/plans/plan-a', { token: outsider, body: good('plan-a') }),
        await call('POST', '/api/v1/plans/no-such-plan/tasks/t1/events', { token: outsider, body: submit }),
        await call('GET', '/api/v1/plans/no-such-plan', { token: outsider }),
      ];
      for (const a of answers) expect(a).toEqual(read);
    });
  });

  describe('uploads under concurrency', () => {
    it('never stores more than the per-task limit, whatever the concurrency, and refuses the rest with a 400', async () => {
      // Several API processes on one Redis, as `duban api` may run: each its own connection.
      const more = await Promise.all(
        [1, 2, 3].map(() =>
          startRuntime({
            redisUrl: inject('redisUrl'),
            prefix: enginePrefix(rt.engine),
            log: () => undefined,
            api: { port: 0, extend: mountWeb },
          }),
        ),
      );
      const bases = [rt.base, ...more.map((m) => `http://127.0.0.1:${m.port}`)];
      const n = MAX_FILES_PER_TASK * 4;
      const send = (i: number) =>
        fetch(`${bases[i % bases.length]}/web-api/plans/plan-a/tasks/t2/files`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${tok['p-zhou']}`, 'Content-Type': 'application/octet-stream', 'X-File-Name': `f${i}.txt` },
          body: Buffer.from(`file ${i}`),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { error?: { code: string; message: string; message_en: string } },
        }));
      const answers = await Promise.all(Array.from({ length: n }, (_, i) => send(i))).finally(() =>
        Promise.all(more.map((m) => m.close())),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_FILES_PER_TASK);
      expect(statuses.filter((s) => s === 400)).toHaveLength(n - MAX_FILES_PER_TASK);
      const refused = answers.find((a) => a.status === 400)!.body.error!;
      expect(refused.code).toBe('invalid_input');
      expect(refused.message).toContain(`最多保存 ${MAX_FILES_PER_TASK} 个文件`);
      const keys = webKeys(rt.engine, 'plan-a');
      expect(await rt.redis.zcard(keys.taskFiles('t2'))).toBe(MAX_FILES_PER_TASK);
      // No file bytes left behind by a refused upload.
      expect(await rt.redis.keys(keys.file('*'))).toHaveLength(MAX_FILES_PER_TASK + 1);
    });

    it('holds the limit in the store itself, for many puts in flight on one connection', async () => {
      const files = new EvidenceFiles(rt.redis, rt.engine, rt.files);
      const put = (i: number) =>
        files.put({
          planId: 'plan-b',
          taskId: 't3',
          name: `f${i}`,
          type: 'text/plain',
          by: 'p-sun',
          at: Date.now(),
          data: Buffer.from(`${i}`),
        });
      const stored = await Promise.all(Array.from({ length: MAX_FILES_PER_TASK * 2 }, (_, i) => put(i)));
      expect(stored.filter((s) => s !== null)).toHaveLength(MAX_FILES_PER_TASK);
      expect(await files.list('plan-b', 't3')).toHaveLength(MAX_FILES_PER_TASK);
      expect(await put(-1)).toBeNull();
    });
  });
});
