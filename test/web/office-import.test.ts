/**
 * The office's import desk over HTTP: a plan document in, the draft with its blanks
 * by path and source line out; a draft checked without being stored; bad input
 * answered with 400 naming each problem's path; and no one but the office let in.
 */
import { readFileSync } from 'node:fs';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedScenario, type Scenario } from './scenario.js';
import { webRuntime, type WebRuntime } from './web-runtime.js';

const DOCUMENT = readFileSync(new URL('./fixtures/office-import-plan.txt', import.meta.url));

/** A minimal .docx: one paragraph per line of `lines`. */
function docx(lines: string[]): Uint8Array {
  const body = lines.map((l) => `<w:p><w:r><w:t>${l}</w:t></w:r></w:p>`).join('');
  const xml = `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
  return zipSync({ 'word/document.xml': strToU8(xml) });
}

describe('office import and validate routes', () => {
  let rt: WebRuntime;
  let s: Scenario;
  let office: string;

  beforeAll(async () => {
    rt = await webRuntime();
    s = await seedScenario(rt);
    office = await rt.tokens.issue({ kind: 'office', name: '陈静', org: 'default' });
  });
  afterAll(async () => {
    await rt?.close();
  });

  async function upload(body: Uint8Array | string | null, name: string | null, token: string | null = office, query = '') {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (name !== null) headers['x-file-name'] = encodeURIComponent(name);
    const res = await fetch(`${rt.base}/web-api/imports${query}`, {
      method: 'POST',
      headers,
      ...(body === null ? {} : { body: typeof body === 'string' ? body : Buffer.from(body) }),
    });
    return { status: res.status, json: await res.json() };
  }

  async function validate(plan: unknown, token: string = office, query = '') {
    const res = await fetch(`${rt.base}/web-api/plans/validate${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(plan),
    });
    return { status: res.status, json: await res.json() };
  }

  const paths = (json: { error: { problems: { path: string }[] } }) => json.error.problems.map((p) => p.path);

  it('drafts a plan from a .txt document, each blank with its path, source line and the line’s text', async () => {
    const { status, json } = await upload(DOCUMENT, '劳动教育方案.txt');
    expect(status).toBe(200);
    expect(json.fileName).toBe('劳动教育方案.txt');
    expect(json.plan.title).toBe('青溪区中小学劳动教育推进行动方案');
    expect(json.plan.tasks.map((t: { title: string }) => t.title)).toEqual(['建设区级劳动实践基地', '编写劳动教育校本课程']);
    const blank = json.report.find((i: { kind: string }) => i.kind === 'blank');
    expect(blank).toMatchObject({ path: 'tasks[1].responsibleLeader', line: 17, text: '责任领导：' });
    expect(json.lines[16]).toBe('责任领导：');
    expect(json.sources['tasks[1]']).toEqual({ line: 16 });
  });

  it('reads .docx paragraphs and .md files as lines too', async () => {
    const lines = DOCUMENT.toString('utf8').split('\n');
    const fromDocx = await upload(docx(lines), 'plan.docx');
    expect(fromDocx.status).toBe(200);
    expect(fromDocx.json.format).toBe('docx');
    expect(fromDocx.json.report.find((i: { kind: string }) => i.kind === 'blank')).toMatchObject({ line: 17, text: '责任领导：' });

    const md = lines.map((l) => (/^[一二三四五六七八九十]、/.test(l) ? `## ${l}` : l)).join('\n');
    const fromMd = await upload(md, 'plan.md');
    expect(fromMd.status).toBe(200);
    expect(fromMd.json.plan.tasks).toHaveLength(2);
    expect(fromMd.json.lines[7]).toBe('二、主要任务');
  });

  it('answers bad uploads with 400 naming the problem’s path', async () => {
    const empty = await upload(null, 'plan.txt');
    expect(empty.status).toBe(400);
    expect(paths(empty.json)).toEqual(['body']);

    const unnamed = await upload(DOCUMENT, null);
    expect(unnamed.status).toBe(400);
    expect(paths(unnamed.json)).toEqual(['x-file-name']);

    const pdf = await upload(DOCUMENT, '方案.pdf');
    expect(pdf.status).toBe(400);
    expect(paths(pdf.json)).toEqual(['file']);
    expect(pdf.json.error.message).toContain('只能导入 .docx、.txt 或 .md 文件');

    const doc = await upload(DOCUMENT, '方案.doc');
    expect(doc.status).toBe(400);
    expect(doc.json.error.message).toContain('另存为 .docx');

    const notDocx = await upload(DOCUMENT, '方案.docx');
    expect(notDocx.status).toBe(400);
    expect(paths(notDocx.json)).toEqual(['file']);

    const year = await upload(DOCUMENT, 'plan.txt', office, '?year=20');
    expect(year.status).toBe(400);
    expect(paths(year.json)).toEqual(['year']);

    // An essay is not a plan: nothing to review, nothing to publish by mistake.
    const essay = [
      '浅谈课堂教学中的师生互动',
      '',
      '课堂是师生共同成长的地方。一堂好课，离不开教师的精心准备，也离不开学生的积极参与。',
      '笔者在多年教学中体会到，提问的方式往往决定了学生思考的深度。',
    ].join('\n');
    const notAPlan = await upload(essay, '随笔.txt');
    expect(notAPlan.status).toBe(400);
    expect(paths(notAPlan.json)).toEqual(['file']);
    expect(notAPlan.json.error.message).toContain('「随笔.txt」不像一份方案，未导入');
  });

  it('checks a draft without storing it: placeholders and schema problems by path, then ok', async () => {
    const { json: imported } = await upload(DOCUMENT, 'labour-2027.txt');
    const draft = imported.plan;
    const asImported = await validate(draft);
    expect(asImported.status).toBe(400);
    expect(paths(asImported.json)).toEqual(['tasks[1].responsibleLeader']);

    const broken = structuredClone(draft);
    broken.tasks[1].responsibleLeader = 'nobody';
    broken.tasks[0].deadline = '2027-13-45';
    broken.title = '';
    const invalid = await validate(broken);
    expect(invalid.status).toBe(400);
    expect(paths(invalid.json)).toEqual(expect.arrayContaining(['title', 'tasks[0].deadline', 'tasks[1].responsibleLeader']));

    const fixed = structuredClone(draft);
    fixed.tasks[1].responsibleLeader = 'p2';
    expect(await validate(fixed)).toEqual({ status: 200, json: { ok: true, id: 'labour-2027', tasks: 2 } });
    const stored = await fetch(`${rt.base}/api/v1/plans/labour-2027`, { headers: { authorization: `Bearer ${office}` } });
    expect(stored.status).toBe(404);

    // An id in use is a problem on `id`, unless the office replaces its own draft.
    const taken = await validate({ ...fixed, id: s.planId });
    expect(taken.status).toBe(400);
    expect(paths(taken.json)).toEqual(['id']);
    const res = await fetch(`${rt.base}/api/v1/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${office}` },
      body: JSON.stringify(fixed),
    });
    expect(res.status).toBe(201);
    expect((await validate(fixed)).status).toBe(400);
    expect((await validate(fixed, office, '?replace=true')).status).toBe(200);
    // A person the directory knows by another name is named at their path, as creating the plan would.
    const renamed = { ...structuredClone(fixed), id: 'labour-2028' };
    renamed.people[0].name = '韩志强';
    const disagrees = await validate(renamed);
    expect(disagrees.status).toBe(400);
    expect(paths(disagrees.json).some((p: string) => p.startsWith('people[0]'))).toBe(true);
    expect((await validate({ ...fixed, id: s.planId }, office, '?replace=true')).status).toBe(400);
  });

  it('lets only the office in: a department head is refused with the rule, no credential with 401', async () => {
    const zhang = s.tokens['p-zhang']!;
    const imported = await upload(DOCUMENT, 'plan.txt', zhang);
    expect(imported.status).toBe(403);
    expect(imported.json.error.message).toContain('领导小组办公室');
    const validated = await validate({ id: 'x' }, zhang);
    expect(validated.status).toBe(403);
    expect((await upload(DOCUMENT, 'plan.txt', null)).status).toBe(401);
  });
});
