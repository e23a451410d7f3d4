/**
 * Evidence files live in the file store, not in Redis; what earlier builds stored in
 * Redis moves there on start; and the plan indexes are built on start from plans a
 * build without them stored. Real Redis, real files in temp data folders.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { planIndexKeys } from '../../src/engine/plan-index.js';
import { contentKey, sha256 } from '../../src/files/file-store.js';
import { LocalFileStore } from '../../src/files/local-file-store.js';
import { marksKey } from '../../src/store/migration-marks.js';
import { EvidenceFiles } from '../../src/web/files.js';
import { webKeys } from '../../src/web/keys.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testPrefix, testRuntime } from '../helpers/runtime.js';
import { loadPlanKeys, type DumpedKey } from '../migrations/stored-plan.js';
import { webRuntime, type WebRuntime } from '../web/web-runtime.js';

const office: Principal = { kind: 'office', name: '陈静', org: 'default' };
const tempDir = () => mkdtempSync(join(tmpdir(), 'duban-growth-'));

const opened: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const r of opened.splice(0)) await r.close();
});

/** Bytes Redis spends on every key under `prefix`. */
async function redisBytes(redis: Redis, prefix: string): Promise<number> {
  let total = 0;
  for (const key of await redis.keys(`${prefix}:*`)) total += Number(await redis.call('MEMORY', 'USAGE', key));
  return total;
}

describe('evidence files', () => {
  it('keeps an upload’s bytes in the data folder, not in Redis, and downloads them identical behind the read check', async () => {
    const rt: WebRuntime = await webRuntime();
    opened.push(rt);
    await rt.engine.createPlan(fixturePlan({ id: 'ev-2026', start: Date.now() }), office, { publish: true });
    const before = await redisBytes(rt.redis as Redis, rt.engine.keys.plans.slice(0, -':plans'.length));
    const bytes = randomBytes(1024 * 1024);
    const zhao = await rt.tokens.issue({ kind: 'person', personId: 'p-zhao' });
    const up = await fetch(`${rt.base}/web-api/plans/ev-2026/tasks/t1/files`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${zhao}`,
        'Content-Type': 'application/octet-stream',
        'X-File-Name': encodeURIComponent('照片.jpg'),
      },
      body: bytes,
    });
    expect(up.status).toBe(201);
    const meta = (await up.json()) as { id: string; url: string; sha256: string; size: number };
    expect(meta).toMatchObject({ sha256: sha256(bytes), size: bytes.length });

    // The bytes are a file in the data folder, named by their hash …
    const store = rt.files as LocalFileStore;
    expect(readFileSync(store.pathOf(contentKey('evidence', bytes).key)).equals(bytes)).toBe(true);
    // … and Redis grew by a record, not by a megabyte.
    const prefix = rt.engine.keys.plans.slice(0, -':plans'.length);
    expect((await redisBytes(rt.redis as Redis, prefix)) - before).toBeLessThan(20_000);
    expect(await rt.redis.hexists(webKeys(rt.engine, 'ev-2026').file(meta.id), 'data')).toBe(0);

    const down = await fetch(meta.url, { headers: { Authorization: `Bearer ${zhao}` } });
    expect(down.status).toBe(200);
    expect(Buffer.from(await down.arrayBuffer()).equals(bytes)).toBe(true);
    expect(down.headers.get('content-disposition')).toContain(encodeURIComponent('照片.jpg'));
    const stranger = await rt.tokens.issue({ kind: 'person', personId: 'p-nobody' });
    expect((await fetch(meta.url, { headers: { Authorization: `Bearer ${stranger}` } })).status).toBe(403);
  });

  it('refuses a multipart form (it would be stored as its form text) and uploads to a task that is over, storing nothing', async () => {
    const rt: WebRuntime = await webRuntime();
    opened.push(rt);
    await rt.engine.createPlan(fixturePlan({ id: 'ev-over', start: Date.now() }), office, { publish: true });
    const zhao = await rt.tokens.issue({ kind: 'person', personId: 'p-zhao' });
    const upload = (body: BodyInit, type: string) =>
      fetch(`${rt.base}/web-api/plans/ev-over/tasks/t1/files`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${zhao}`,
          'X-File-Name': encodeURIComponent('总结.txt'),
          ...(type ? { 'Content-Type': type } : {}),
        },
        body,
      });
    const form = new FormData();
    form.append('file', new Blob(['进展']), '总结.txt');
    const multipart = await upload(form, '');
    expect(multipart.status).toBe(400);
    expect(((await multipart.json()) as { error: { message: string } }).error.message).toContain('不要用表单');

    // The plan runs to its close with t1 not done: t1 is over, and takes no more evidence.
    for (let i = 0; i < 4; i++) await rt.engine.planEvent('ev-over', { type: 'plan.advance', reason: '按计划推进' }, office);
    const late = await upload(Buffer.from('补交的材料'), 'application/octet-stream');
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { message: string } }).error.message).toContain('不再接收证据文件');
    expect(await rt.redis.zcard(webKeys(rt.engine, 'ev-over').taskFiles('t1'))).toBe(0);
  });

  it("keeps an archived plan's evidence links working for those who may read its archive", async () => {
    const rt: WebRuntime = await webRuntime();
    opened.push(rt);
    await rt.engine.createPlan(fixturePlan({ id: 'ev-arch', start: Date.now() }), office, { publish: true });
    const zhao = await rt.tokens.issue({ kind: 'person', personId: 'p-zhao' });
    const bytes = randomBytes(4096);
    const up = await fetch(`${rt.base}/web-api/plans/ev-arch/tasks/t1/files`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${zhao}`,
        'Content-Type': 'application/octet-stream',
        'X-File-Name': encodeURIComponent('台账.xlsx'),
      },
      body: bytes,
    });
    const { url } = (await up.json()) as { url: string };
    for (let i = 0; i < 4; i++) await rt.engine.planEvent('ev-arch', { type: 'plan.advance', reason: '按计划推进' }, office);
    const officeToken = await rt.tokens.issue(office);
    const archived = await fetch(`${rt.base}/api/v1/plans/ev-arch/archive`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${officeToken}` },
    });
    expect(archived.status).toBe(201);

    const down = await fetch(url, { headers: { Authorization: `Bearer ${officeToken}` } });
    expect(down.status).toBe(200);
    expect(Buffer.from(await down.arrayBuffer()).equals(bytes)).toBe(true);
    expect(down.headers.get('content-disposition')).toContain(encodeURIComponent('台账.xlsx'));
    // Someone who may not read the archive gets no file.
    expect((await fetch(url, { headers: { Authorization: `Bearer ${zhao}` } })).status).toBe(403);
    expect((await fetch(`${url}x`, { headers: { Authorization: `Bearer ${officeToken}` } })).status).toBe(404);
  });

  it('moves the bytes an earlier build kept in Redis to the file store on start, once', async () => {
    const prefix = testPrefix();
    const first = await testRuntime({}, prefix);
    await first.engine.createPlan(fixturePlan({ id: 'old-2026', start: Date.now() }), office, { publish: true });
    // What the previous build's FileStore.put wrote: the bytes in the file's hash (field `data`).
    const keys = webKeys(first.engine, 'old-2026');
    const bytes = Buffer.from(`整改报告 ${randomBytes(2000).toString('hex')}`);
    const at = Date.now();
    await first.redis.hset(keys.file('legacy1'), {
      name: '整改报告.docx',
      type: 'application/octet-stream',
      size: bytes.length,
      taskId: 't2',
      by: 'p-zhou',
      at,
      data: bytes,
    });
    await first.redis.zadd(keys.taskFiles('t2'), at, 'legacy1');
    await first.redis.hdel(marksKey(prefix), 'evidence-to-file-store');
    await first.close();

    const dataDir = tempDir();
    const second = await testRuntime({ dataDir }, prefix);
    opened.push(second);
    expect(await second.redis.hexists(keys.file('legacy1'), 'data')).toBe(0);
    const files = new EvidenceFiles(second.redis, second.engine, second.files);
    expect(await files.list('old-2026', 't2')).toEqual([
      expect.objectContaining({ id: 'legacy1', name: '整改报告.docx', size: bytes.length, sha256: sha256(bytes) }),
    ]);
    const got = await files.open('old-2026', 'legacy1');
    const chunks: Buffer[] = [];
    for await (const c of got!.body) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(readFileSync(new LocalFileStore(dataDir).pathOf(contentKey('evidence', bytes).key)).equals(bytes)).toBe(true);
    expect(await second.redis.hexists(marksKey(prefix), 'evidence-to-file-store')).toBe(1);
  });
});

describe('plan indexes of stored plans', () => {
  it('are built on start from the plans the previous build stored, so their people and office list them', async () => {
    const fx = JSON.parse(readFileSync(new URL('../migrations/fixtures/stored-v3.json', import.meta.url), 'utf8')) as {
      planId: string;
      start: number;
      keys: Record<string, DumpedKey>;
    };
    const prefix = testPrefix();
    const raw = new Redis(inject('redisUrl'));
    opened.push({ close: () => void raw.disconnect() });
    await loadPlanKeys(raw, prefix, fx.planId, fx.keys, fx.start);
    const ix = planIndexKeys(prefix);
    expect(await raw.exists(ix.person('p-zhao'), ix.org('default'))).toBe(0);

    const rt = await testRuntime({}, prefix);
    opened.push(rt);
    expect((await rt.queries.listPlans({ kind: 'person', personId: 'p-zhao' })).map((p) => p.id)).toEqual([fx.planId]);
    expect((await rt.queries.listPlans(office)).map((p) => p.id)).toEqual([fx.planId]);
    expect((await rt.queries.listPlans({ kind: 'person', personId: 'p-nobody' })).map((p) => p.id)).toEqual([]);
    expect(await raw.zscore(ix.person('p-li'), fx.planId)).toBe(String(fx.start));
    expect(await raw.hexists(marksKey(prefix), 'plan-indexes')).toBe(1);
  });
});
