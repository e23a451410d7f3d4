import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { importPlanDocument, readDocument } from '../../src/importer/index.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-read-document-'));

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A minimal .docx: one w:p per paragraph, text split across runs as Word does. */
function docx(paragraphs: string[], numbered: number[] = []): Uint8Array {
  const body = paragraphs
    .map((p, i) => {
      const half = Math.ceil(p.length / 2);
      const pPr = numbered.includes(i) ? '<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>' : '';
      return `<w:p>${pPr}<w:r><w:t xml:space="preserve">${esc(p.slice(0, half))}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>${esc(p.slice(half))}</w:t></w:r></w:p>`;
    })
    .join('');
  const xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}<w:sectPr/></w:body></w:document>`;
  return zipSync({
    '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    'word/document.xml': strToU8(xml),
  });
}

describe('readDocument', () => {
  it('reads a .docx as one line per paragraph and imports it', async () => {
    const paragraphs = [
      '东湖区劳动教育推进方案',
      '一、重点任务',
      '(一)建设劳动实践基地',
      '1.每校建成一处劳动实践园地 & 开放日制度。',
      '责任领导:马骏(副局长)',
      '责任股室:德育股',
      '责任人:<待定>',
      '完成时限:2025年12月底前',
      '第一阶段:启动阶段(2025年3月至6月)',
    ];
    const path = join(dir, 'plan.docx');
    writeFileSync(path, docx(paragraphs, [3]));
    const doc = await readDocument(path);
    expect(doc.format).toBe('docx');
    expect(doc.text.split('\n')).toEqual(paragraphs);
    expect(doc.autoNumbered).toBe(1);

    const { plan, report } = importPlanDocument(doc.text, { sourceName: 'plan.docx' });
    expect(plan.title).toBe('东湖区劳动教育推进方案');
    expect(plan.tasks).toHaveLength(1);
    const task = plan.tasks[0]!;
    expect(task.title).toBe('每校建成一处劳动实践园地&开放日制度'); // entity decoded; wrap spaces dropped
    expect(task.deadline).toBe('2025-12-31');
    expect(plan.people.find((p) => p.id === task.responsibleLeader)).toMatchObject({ name: '马骏', title: '副局长' });
    expect(plan.units.find((u) => u.id === task.leadDepartment)?.name).toBe('德育股');
    expect(plan.phases[0]).toMatchObject({ key: 'launch', start: '2025-03-01', end: '2025-06-30' });
    expect(report.find((r) => r.path === 'phases[0].start' || r.path === 'phases[0]')).toBeUndefined();
    // Line numbers count paragraphs.
    expect(report.find((r) => r.path === 'tasks[0].responsiblePerson')?.line).toBe(7);
  });

  it('rejects a zip that is not a .docx', async () => {
    const path = join(dir, 'not.docx');
    writeFileSync(path, zipSync({ 'hello.txt': strToU8('hi') }));
    await expect(readDocument(path)).rejects.toThrow(/word\/document\.xml/);
  });

  it('reads UTF-8 text, and GB18030 text as Chinese Windows saves it', async () => {
    const utf8 = join(dir, 'plan.txt');
    writeFileSync(utf8, '\uFEFF方案\n责任领导:张三\n');
    expect(await readDocument(utf8)).toMatchObject({ text: '方案\n责任领导:张三\n', encoding: 'utf-8', format: 'txt' });
    const gbk = join(dir, 'plan-gbk.txt');
    // "方案\n责任领导：张三" encoded in GB18030.
    writeFileSync(gbk, Buffer.from('b7bdb0b80a' + 'd4f0c8cec1ecb5bca3bad5c5c8fd', 'hex'));
    expect(await readDocument(gbk)).toMatchObject({ text: '方案\n责任领导：张三', encoding: 'gb18030' });
  });

  it('reads Markdown, keeping line numbers and dropping heading marks', async () => {
    const path = join(dir, 'plan.md');
    writeFileSync(path, '# 西山区作业管理方案\n\n## 一、主要任务\n\n- **1.** 控制作业总量。(负责部门:教研室)\n');
    const doc = await readDocument(path);
    expect(doc.format).toBe('md');
    expect(doc.text.split('\n')).toEqual(['西山区作业管理方案', '', '一、主要任务', '', '1. 控制作业总量。(负责部门:教研室)', '']);
    const { plan, report } = importPlanDocument(doc.text, { sourceName: 'plan.md' });
    expect(plan.tasks.map((t) => t.title)).toEqual(['控制作业总量']);
    expect(report.find((r) => r.path === 'tasks[0].deadline')?.line).toBe(5);
  });
});
