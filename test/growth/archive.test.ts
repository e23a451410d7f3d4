/**
 * Archiving a closed plan on a real Redis: the plan leaves Redis entirely — its keys,
 * the plan list and the person and organisation indexes — and lives on as one JSON
 * document in the file store whose history chains re-check; a running plan, another
 * organisation's office and a broken trail are refused with nothing removed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import {
  ARCHIVE_READERS_MIGRATION,
  archiveKeys,
  migrateArchiveReaders,
  verifyArchive,
  type ArchiveRecord,
  type PlanArchive,
} from '../../src/engine/archive.js';
import { marksKey } from '../../src/store/migration-marks.js';
import { planIndexKeys } from '../../src/engine/plan-index.js';
import { LocalFileStore } from '../../src/files/local-file-store.js';
import { EvidenceFiles } from '../../src/web/files.js';
import { client } from '../helpers/http.js';
import { fixturePlan } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: '陈静', org: 'default' };

describe('archiving a closed plan', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let call: ReturnType<typeof client>;
  let officeToken: string;

  const planKeys = (planId: string) => rt.redis.keys(`${rt.prefix}:{${planId}}*`);

  /** A published plan moved through every phase by hand to closed. */
  async function closedPlan(id: string) {
    await rt.engine.createPlan(fixturePlan({ id, start: Date.now() }), office, { publish: true });
    for (let i = 0; i < 4; i++) await rt.engine.planEvent(id, { type: 'plan.advance', reason: '按计划推进' }, office);
    expect((await rt.queries.planSummary(id)).stage).toBe('closed');
  }

  beforeAll(async () => {
    rt = await testRuntime({ api: true });
    call = client(rt.port!);
    officeToken = await rt.tokens.issue(office);
  });
  afterAll(async () => {
    await rt?.close();
  });

  it('refuses a running plan (409) and another organisation’s office (403), removing nothing', async () => {
    await rt.engine.createPlan(fixturePlan({ id: 'run-2026', start: Date.now() }), office, { publish: true });
    const before = (await planKeys('run-2026')).length;
    const running = await call('POST', '/api/v1/plans/run-2026/archive', { token: officeToken });
    expect(running.status).toBe(409);
    expect(running.json.error.message).toContain('尚未结束');
    expect(running.json.error.message_en).toContain('still running');

    await closedPlan('other-2026');
    const stranger = await rt.tokens.issue({ kind: 'office', name: '外单位', org: 'elsewhere' });
    const refused = await call('POST', '/api/v1/plans/other-2026/archive', { token: stranger });
    expect(refused.status).toBe(403);
    const leader = await rt.tokens.issue({ kind: 'person', personId: 'p-wang' });
    const byLeader = await call('POST', '/api/v1/plans/other-2026/archive', { token: leader });
    expect(byLeader.status).toBe(403);
    expect(byLeader.json.error.message).toBe('只有方案所属单位的领导小组办公室可以归档方案');
    expect((await planKeys('run-2026')).length).toBe(before);
    expect(await rt.redis.zscore(rt.engine.keys.plans, 'other-2026')).not.toBeNull();
  });

  it('writes a verifiable archive to the file store and leaves no key of the plan in Redis', async () => {
    const planId = 'done-2026';
    await closedPlan(planId);
    const evidence = Buffer.from('验收材料 / evidence for the archive');
    const files = new EvidenceFiles(rt.redis, rt.engine, rt.files);
    const stored = await files.put({
      planId,
      taskId: 't1',
      name: '总结.txt',
      type: 'text/plain',
      by: 'p-zhao',
      at: Date.now(),
      data: evidence,
    });
    const trail = await rt.engine.verifyTrail(planId);
    expect(trail.ok).toBe(true);
    expect((await planKeys(planId)).length).toBeGreaterThan(10);

    const res = await call('POST', `/api/v1/plans/${planId}/archive`, { token: officeToken });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: planId, planId, organisation: 'default', entries: trail.entries });

    // Nothing of the plan is left in Redis: its keys, the plan list, the indexes.
    expect(await planKeys(planId)).toEqual([]);
    expect(await rt.redis.zscore(rt.engine.keys.plans, planId)).toBeNull();
    const ix = planIndexKeys(rt.prefix);
    for (const key of [ix.org('default'), ix.person('p-wang'), ix.person('p-zhao')]) expect(await rt.redis.zscore(key, planId)).toBeNull();
    // Nor in any list, roll-up or inbox.
    const plans = await call('GET', '/api/v1/plans?limit=200', { token: officeToken });
    expect(plans.json.items.map((p: { id: string }) => p.id)).not.toContain(planId);
    const leader = await rt.tokens.issue({ kind: 'person', personId: 'p-wang' });
    const inbox = await call('GET', '/api/v1/inbox?limit=200', { token: leader });
    expect(inbox.json.items.some((n: { planId: string }) => n.planId === planId)).toBe(false);
    const rollup = await rt.queries.plansOfOrganisations(['default']);
    expect(rollup.get('default')!.map((p) => p.id)).not.toContain(planId);
    // Its timers are gone with it: the reconciler's pass writes nothing back.
    await rt.engine.reconcile(0);
    // A wake-up job of the plan still queued runs as a no-op.
    expect(await rt.engine.wake(planId)).toMatchObject({ fired: 0 });
    expect(await planKeys(planId)).toEqual([]);
    expect((await call('GET', `/api/v1/plans/${planId}`, { token: officeToken })).status).toBe(410);

    // The archive: listed for the office, downloadable, every chain re-checks, the evidence record kept.
    const list = await call('GET', '/api/v1/archives', { token: officeToken });
    expect(list.json.items.map((a: { id: string }) => a.id)).toContain(planId);
    const download = await call('GET', `/api/v1/archives/${planId}`, { token: officeToken });
    expect(download.status).toBe(200);
    const doc = download.json as PlanArchive;
    expect(doc.definition.id).toBe(planId);
    expect(verifyArchive(doc)).toMatchObject({ ok: true, entries: trail.entries, lists: trail.lists });
    expect(doc.evidence).toEqual([expect.objectContaining({ name: '总结.txt', sha256: stored!.sha256 })]);
    expect(doc.keys[':h:@plan']).toBeDefined();
    // The evidence bytes stay in the file store, and the archive file is there too.
    const store = rt.files as LocalFileStore;
    expect(await store.get(doc.evidence[0]!.blob!)).toEqual(evidence);
    // A tampered archive no longer verifies: the check can fail.
    const history = doc.keys[':h:t1'] as { type: 'list'; value: string[] };
    const tampered = history.value[0]!;
    history.value[0] = tampered.replace('"by":"', '"by":"x');
    expect(verifyArchive(doc).ok).toBe(false);
    history.value[0] = tampered;
    expect(verifyArchive(doc).ok).toBe(true);
    // So is one whose task's first entry (kept in the task's hash) was changed.
    const task = doc.keys[':t:t1'] as { type: 'hash'; value: Record<string, string> };
    task.value.h0 = task.value.h0!.replace('"by":"', '"by":"x');
    expect(verifyArchive(doc)).toMatchObject({ ok: false, broken: [expect.objectContaining({ entity: 't1', index: 0 })] });
    task.value.h0 = task.value.h0.replace('"by":"x', '"by":"');
    expect(verifyArchive(doc).ok).toBe(true);
    // And one whose newest entry was removed: the chain is whole, the task's count says one is missing.
    const last = history.value.pop()!;
    expect(verifyArchive(doc)).toMatchObject({
      ok: false,
      broken: [expect.objectContaining({ entity: 't1', index: history.value.length + 1 })],
    });
    history.value.push(last);

    // Another organisation's office may not read it.
    const stranger = await rt.tokens.issue({ kind: 'office', name: '外单位', org: 'elsewhere' });
    expect((await call('GET', `/api/v1/archives/${planId}`, { token: stranger })).status).toBe(403);
    expect((await call('GET', '/api/v1/archives', { token: stranger })).json.items).toEqual([]);
  });

  it("the people of the plan's office who archive it can list and download it; other people of the plan cannot", async () => {
    const planId = 'by-director-2026';
    await closedPlan(planId);
    const director = await rt.tokens.issue({ kind: 'person', personId: 'p-chen' }); // 办公室主任 of the fixture plan
    const leader = await rt.tokens.issue({ kind: 'person', personId: 'p-wang' });
    const res = await call('POST', `/api/v1/plans/${planId}/archive`, { token: director });
    expect(res.status).toBe(201);
    expect(res.json.readers).toEqual(['p-chen']);

    const mine = await call('GET', '/api/v1/archives', { token: director });
    // Every archived plan whose office they were in, newest first (p-chen directs the office of every fixture plan).
    expect(mine.json.items[0]).toMatchObject({ id: planId, archivedBy: expect.stringContaining('p-chen') });
    const download = await call('GET', `/api/v1/archives/${planId}`, { token: director });
    expect(download.status).toBe(200);
    expect((download.json as PlanArchive).planId).toBe(planId);
    // The organisation's office sees it too; the group leader, a person of the plan but not of its office, does not.
    const office = await call('GET', '/api/v1/archives?limit=200', { token: officeToken });
    expect(office.json.items.map((a: { id: string }) => a.id)).toContain(planId);
    expect((await call('GET', '/api/v1/archives', { token: leader })).json.items).toEqual([]);
    const refused = await call('GET', `/api/v1/archives/${planId}`, { token: leader });
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toContain('办公室人员');
  });

  it('an archive recorded by the build before (no readers) gets its office people from its document on the next start', async () => {
    const planId = 'older-2026';
    await closedPlan(planId);
    expect((await call('POST', `/api/v1/plans/${planId}/archive`, { token: officeToken })).status).toBe(201);
    // What the build before stored: the record without readers, no person index, no marker.
    const ak = archiveKeys(rt.prefix);
    const { readers: _readers, ...older } = JSON.parse((await rt.redis.hget(ak.records, planId))!) as ArchiveRecord;
    await rt.redis.hset(ak.records, planId, JSON.stringify(older));
    await rt.redis.zrem(ak.ofPerson('p-chen'), planId);
    await rt.redis.hdel(marksKey(rt.prefix), ARCHIVE_READERS_MIGRATION);
    const director = await rt.tokens.issue({ kind: 'person', personId: 'p-chen' });
    expect((await call('GET', `/api/v1/archives/${planId}`, { token: director })).status).toBe(403);

    expect(await migrateArchiveReaders(rt.engine, rt.files)).toBeGreaterThanOrEqual(1);
    expect((await call('GET', `/api/v1/archives/${planId}`, { token: director })).status).toBe(200);
    const list = await call('GET', '/api/v1/archives?limit=200', { token: director });
    expect(list.json.items.map((a: { id: string }) => a.id)).toContain(planId);
    // Done once: a second start finds the marker and does nothing.
    expect(await migrateArchiveReaders(rt.engine, rt.files)).toBe(0);
  });

  it('archives a plan once: a second request, or two at once, get 409 naming the archive, and one file is kept', async () => {
    const planId = 'once-2026';
    await closedPlan(planId);
    const both = await Promise.all([1, 2, 3].map(() => call('POST', `/api/v1/plans/${planId}/archive`, { token: officeToken })));
    expect(both.filter((r) => r.status === 201)).toHaveLength(1);
    const won = both.find((r) => r.status === 201)!.json as ArchiveRecord;
    // Refused in the race (409), or after it when the plan had gone (410): either way told where the archive is.
    for (const lost of both.filter((r) => r.status !== 201)) {
      expect([409, 410]).toContain(lost.status);
      expect(lost.json.error.message).toContain('已于');
      expect(lost.json.error.message).toContain(`/api/v1/archives/${planId}`);
    }
    // The losers withdrew their files: only the recorded one is left.
    const dir = join((rt.files as LocalFileStore).root, 'archives', planId);
    expect(readdirSync(dir)).toEqual([won.file.split('/').pop()]);

    const again = await call('POST', `/api/v1/plans/${planId}/archive`, { token: officeToken });
    expect(again.status).toBe(410);
    expect(again.json.error.message_en).toContain('was archived');
    const listed = (await call('GET', '/api/v1/archives?limit=200', { token: officeToken })).json.items as ArchiveRecord[];
    expect(listed.filter((a) => a.id === planId)).toEqual([won]);
    // Its pages say the same to whoever may read the archive; to another organisation's office it is simply not there.
    expect((await call('GET', `/api/v1/plans/${planId}`, { token: officeToken })).status).toBe(410);
    const stranger = await rt.tokens.issue({ kind: 'office', name: '外单位', org: 'elsewhere' });
    expect((await call('GET', `/api/v1/plans/${planId}`, { token: stranger })).status).toBe(404);
  });

  it('keeps an archived plan id for its archive: a new plan of that id is refused, in any organisation', async () => {
    const planId = 'reuse-2026';
    await closedPlan(planId);
    expect((await call('POST', `/api/v1/plans/${planId}/archive`, { token: officeToken })).status).toBe(201);
    const doc = (await call('GET', `/api/v1/archives/${planId}`, { token: officeToken })).json as PlanArchive;

    const again = fixturePlan({ id: planId, start: Date.now() });
    const mine = await call('POST', '/api/v1/plans?publish=true', { token: officeToken, body: { ...again, title: '同编号的新方案' } });
    expect(mine.status).toBe(409);
    expect(mine.json.error.message).toContain('不能再用于其他方案');
    const other = await rt.tokens.issue({ kind: 'office', name: '外单位', org: 'org-b' });
    const theirs = await call('POST', '/api/v1/plans', { token: other, body: { ...again, organisation: 'org-b' } });
    expect(theirs.status).toBe(409);
    // Nothing of a new plan was written, and the archive is as it was.
    expect(await planKeys(planId)).toEqual([]);
    expect(await rt.redis.zscore(rt.engine.keys.plans, planId)).toBeNull();
    expect((await call('GET', `/api/v1/archives/${planId}`, { token: officeToken })).json).toEqual(doc);
  });

  it('refuses a plan whose trail does not verify, and removes nothing', async () => {
    const planId = 'tampered-2026';
    await closedPlan(planId);
    const key = rt.engine.pk(planId).history('t2');
    const first = (await rt.redis.lindex(key, 0))!;
    await rt.redis.lset(key, 0, first.replace('"by":"', '"by":"x'));
    const keys = (await planKeys(planId)).length;
    const res = await call('POST', `/api/v1/plans/${planId}/archive`, { token: officeToken });
    expect(res.status).toBe(409);
    expect(res.json.error.message).toContain('校验未通过');
    expect((await planKeys(planId)).length).toBe(keys);
  });
});
