/**
 * Notices and the bulletin as documents over HTTP, on the workspace scenario run by a
 * real worker (t3 climbs to rung 4): the office's 文号 series, numbers allocated once
 * per notice in order and never reused after a void, the .docx read back the way Word
 * reads it, and who may download what.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../helpers/http.js';
import type { Scenario } from '../web/scenario.js';
import { seededWebRuntime, type WebRuntime } from '../web/web-runtime.js';
import { docxParagraphs } from './docx-text.js';

describe('notices as documents with 文号 over HTTP', () => {
  let rt: WebRuntime;
  let s: Scenario;
  let call: ReturnType<typeof client>;
  let office: string;
  let otherOffice: string;
  let stranger: string;
  let sun: string;
  const year = DateTime.now().setZone('Asia/Shanghai').year;
  const noticeOf = async (rung: number) => {
    const inbox = await call('GET', '/api/v1/inbox', { token: s.tokens['p-wang'] });
    const mine = await call('GET', '/api/v1/inbox', { token: sun });
    const all = [...inbox.json.notices, ...mine.json.notices] as { id: string }[];
    return all.find((n) => n.id.startsWith('t3.') && n.id.endsWith(`.r${rung}`))!.id;
  };
  const docx = async (noticeId: string, token: string, lang = 'zh') => {
    const res = await fetch(`${rt.base}/web-api/plans/${s.planId}/notices/${noticeId}.docx?lang=${lang}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return { res, paragraphs: res.ok ? docxParagraphs(new Uint8Array(await res.arrayBuffer())) : [] };
  };

  beforeAll(async () => {
    ({ rt, scenario: s } = await seededWebRuntime());
    call = client(rt.port!);
    office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
    otherOffice = await rt.tokens.issue({ kind: 'office', name: '林', org: 'other-org' });
    stranger = await rt.tokens.issue({ kind: 'person', personId: 'p-nobody' });
    sun = await rt.tokens.issue({ kind: 'person', personId: 'p-sun' });
  }, 60_000);
  afterAll(() => rt?.close());

  it('says 文号未设置 on a rung notice while the office has no series, and tells the office how to set one', async () => {
    const { res, paragraphs } = await docx(await noticeOf(1), sun);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('wordprocessingml');
    expect(paragraphs[1]).toBe('文号未设置');
    const series = await call('GET', '/api/v1/organisations/default/doc-series', { token: office });
    expect(series.status).toBe(200);
    expect(series.json.series).toBeNull();
    expect(series.json.help.zh).toContain('PUT /api/v1/organisations/{单位}/doc-series');
  });

  it('lets only the organisation’s office set its series, and names a bad 机关代字', async () => {
    const leader = await call('PUT', '/api/v1/organisations/default/doc-series', { token: s.tokens['p-wang'], body: { prefix: 'X教督' } });
    expect(leader.status).toBe(403);
    expect(leader.json.error.message).toContain('领导小组办公室');
    expect((await call('PUT', '/api/v1/organisations/default/doc-series', { token: otherOffice, body: { prefix: 'X教督' } })).status).toBe(
      403,
    );
    const bad = await call('PUT', '/api/v1/organisations/default/doc-series', { token: office, body: { prefix: 'X教督〔' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems).toEqual([expect.objectContaining({ path: 'prefix', message: expect.stringContaining('括号') })]);
    const ok = await call('PUT', '/api/v1/organisations/default/doc-series', { token: office, body: { prefix: 'X教督' } });
    expect(ok.status).toBe(200);
    expect(ok.json.series).toMatchObject({ id: 'default', prefix: 'X教督', setBy: 'office:陈静' });
  });

  it('numbers a notice once however often it is downloaded or printed, and the next notice with the next number', async () => {
    const r1 = await noticeOf(1);
    const first = await docx(r1, sun);
    const again = await docx(r1, office);
    expect(first.paragraphs[1]).toBe(`X教督〔${year}〕1号`);
    expect(again.paragraphs[1]).toBe(`X教督〔${year}〕1号`);
    const page = await (
      await fetch(`${rt.base}/web-api/plans/${s.planId}/notices/${r1}/print`, { headers: { Authorization: `Bearer ${sun}` } })
    ).text();
    expect(page).toContain(`<div class="nd-number">X教督〔${year}〕1号</div>`);
    // The API's notice and the inbox carry it now too.
    expect((await call('GET', `/api/v1/plans/${s.planId}/notices/${r1}`, { token: office })).json.number).toBe(`X教督〔${year}〕1号`);
    // The next notice printed first gets the next number.
    const r2 = await noticeOf(2);
    const printed = await fetch(`${rt.base}/web-api/plans/${s.planId}/notices/${r2}/print`, {
      headers: { Authorization: `Bearer ${s.tokens['p-wang']}` },
    });
    expect(await printed.text()).toContain(`X教督〔${year}〕2号`);
    expect((await docx(r2, s.tokens['p-wang']!)).paragraphs[1]).toBe(`X教督〔${year}〕2号`);
  });

  it('writes the document in the official layout: the addressees once, dates as offices write them', async () => {
    const { paragraphs: p } = await docx(await noticeOf(2), s.tokens['p-wang']!);
    expect(p[0]).toBe('青溪区教育局质量提升工作领导小组办公室');
    expect(p[2]).toBe('第二次整改通知书：“组织统一质量检测”逾期未完成（通报批评）');
    expect(p[3]).toBe('孙丽、王建国：');
    expect(p.join('\n').split('王建国').length - 1).toBe(1);
    expect(p.find((x) => x.startsWith('整改时限：'))).toMatch(/^整改时限：\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时(\d{1,2}分)?$/);
    expect(p.at(-1)).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日$/);
    expect(p.join('\n')).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    // The printable page says the same.
    const page = await (
      await fetch(`${rt.base}/web-api/plans/${s.planId}/notices/${await noticeOf(2)}/print`, {
        headers: { Authorization: `Bearer ${s.tokens['p-wang']}` },
      })
    ).text();
    expect(page).toContain('<p class="nd-to">孙丽、王建国：</p>');
    expect(page).toMatch(/<strong class="nd-new-deadline">\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时/);
    const en = await docx(await noticeOf(2), s.tokens['p-wang']!, 'en');
    expect(en.paragraphs[2]).toBe('Rectification notice no. 2: "组织统一质量检测" is overdue (public criticism)');
  });

  it('voids a number with its reason on the record and never issues it again', async () => {
    const noReason = await call('POST', '/api/v1/organisations/default/doc-series/voids', { token: office, body: { year, n: 1 } });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.problems[0].path).toBe('reason');
    const never = await call('POST', '/api/v1/organisations/default/doc-series/voids', {
      token: office,
      body: { year, n: 99, reason: '误编' },
    });
    expect(never.status).toBe(400);
    expect(never.json.error.message).toContain('尚未编发');
    const voided = await call('POST', '/api/v1/organisations/default/doc-series/voids', {
      token: office,
      body: { year, n: 1, reason: '通知书内容有误，重新印发' },
    });
    expect(voided.status).toBe(201);
    const r1 = await noticeOf(1);
    expect(voided.json.heldBy).toBe(`${s.planId}/${r1}`);
    // Printed again, the notice takes a new number; 1 is not reused.
    expect((await docx(r1, sun)).paragraphs[1]).toBe(`X教督〔${year}〕3号`);
    expect((await docx(await noticeOf(3), sun)).paragraphs[1]).toBe(`X教督〔${year}〕4号`);
    const ledger = await call('GET', `/api/v1/organisations/default/doc-series?year=${year}`, { token: office });
    expect(ledger.json.gaps).toEqual([]);
    expect(ledger.json.lines.map((l: { n: number }) => l.n)).toEqual([1, 2, 3, 4]);
    expect(ledger.json.voids).toEqual([
      expect.objectContaining({ n: 1, void: expect.objectContaining({ reason: '通知书内容有误，重新印发', by: 'office:陈静' }) }),
    ]);
    expect((await call('GET', '/api/v1/organisations/default/doc-series', { token: s.tokens['p-wang'] })).status).toBe(403);
  });

  it('writes the rung-4 handling notice to the whole chain', async () => {
    const { paragraphs: p } = await docx(await noticeOf(4), s.tokens['p-wang']!);
    expect(p[1]).toBe(`X教督〔${year}〕5号`);
    expect(p[2]).toBe('督办处理通知：“组织统一质量检测”经三次整改仍未完成（处理直至处分）');
    expect(p[3]).toBe('孙丽、王建国、李明：');
  });

  it('refuses a person of no plan with 403 naming the rule, and an unknown notice with 404', async () => {
    const { res } = await docx(await noticeOf(1), stranger);
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain('只能查看本人所在的方案');
    expect((await docx('t3.nope.r1', office)).res.status).toBe(404);
  });

  it('downloads the bulletin as a draft, and the office issues it numbered once', async () => {
    const get = (q: string, token: string) =>
      fetch(`${rt.base}/web-api/plans/${s.planId}/bulletin.docx${q}`, { headers: { Authorization: `Bearer ${token}` } });
    const draft = await get('', s.tokens['p-wang']!);
    expect(draft.status).toBe(200);
    const p = docxParagraphs(new Uint8Array(await draft.arrayBuffer()));
    expect(p[1]).toBe('关于《青溪区义务教育质量提升三年行动计划》督导结果的通报');
    expect(p[2]).toBe('（草稿）');
    expect(p.join('\n')).toContain('组织统一质量检测');
    expect((await get('?issue=true', s.tokens['p-wang']!)).status).toBe(403);
    const issued = docxParagraphs(new Uint8Array(await (await get('?issue=true', office)).arrayBuffer()));
    const again = docxParagraphs(new Uint8Array(await (await get('?issue=true', office)).arrayBuffer()));
    expect(issued[1]).toBe(`X教督〔${year}〕6号`);
    expect(again[1]).toBe(`X教督〔${year}〕6号`);
    const bad = await get('?from=2026-13-01&to=2026-12-01', office);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.problems[0].path).toBe('from');
  });
});
