/**
 * The notices and the bulletin as Word files, opened the way Word opens them (a zip
 * with word/document.xml): the 文号 under the issuing body, the addressees once, dates
 * as offices write them, full-width punctuation throughout the Chinese.
 */
import { describe, expect, it } from 'vitest';
import { bulletinDocx } from '../../src/documents/bulletin-docx.js';
import { noticeDocumentKind, noticeDocx } from '../../src/documents/notice-docx.js';
import { notice, plan } from '../delivery/fixtures.js';
import { docxFiles, docxParagraphs } from './docx-text.js';
import { bulletinReport } from '../helpers/report-fixture.js';

const CJK = /[\u4e00-\u9fff]/;
const ASCII_PUNCTUATION = /[,:;?!()]/;
const count = (paragraphs: string[], s: string) => paragraphs.join('\n').split(s).length - 1;

describe('rectification notice (整改通知书) as .docx', () => {
  it('reads as an official notice: issuer, 文号, title, the addressees once, the facts, the issuer and date', async () => {
    const bytes = await noticeDocx(plan(), notice(1), { number: 'X教督〔2026〕7号' });
    expect(docxFiles(bytes)).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml']));
    const p = docxParagraphs(bytes);
    expect(p.slice(0, 4)).toEqual([
      '青溪区教育局质量提升工作领导小组办公室',
      'X教督〔2026〕7号',
      '第一次整改通知书：“制定质量监测实施方案”逾期未完成（下发整改意见）',
      '赵小红、张华：',
    ]);
    expect(count(p, '赵小红')).toBe(1);
    expect(p).toContain('原完成时限：2026年12月2日17时');
    expect(p).toContain('逾期天数：7天');
    expect(p).toContain('督办级别：第1级');
    expect(p).toContain('整改时限：2026年12月16日17时');
    expect(p.find((x) => x.startsWith('“制定质量监测实施方案”未能在'))).toContain('请于2026年12月16日17时前完成整改');
    expect(p.slice(-2)).toEqual(['青溪区教育局质量提升工作领导小组办公室', '2026年12月9日']);
    // Full-width punctuation, mainland quotation marks, no screen-style dates.
    for (const line of p.filter((x) => CJK.test(x))) {
      expect(line).not.toMatch(ASCII_PUNCTUATION);
      expect(line).not.toMatch(/[「」]/);
      expect(line).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    }
    expect(noticeDocumentKind(notice(1))).toBe('rectification');
  });

  it('writes the rung-4 handling notice to the whole chain, with no new deadline to rectify by', async () => {
    const n = notice(4);
    expect(noticeDocumentKind(n)).toBe('handling');
    const p = docxParagraphs(await noticeDocx(plan(), n, { number: 'X教督〔2026〕31号' }));
    expect(p[2]).toBe('督办处理通知：“制定质量监测实施方案”经三次整改仍未完成（处理直至处分）');
    expect(p[3]).toBe('赵小红、张华、李明、王建国：');
    expect(count(p, '王建国')).toBe(1);
    expect(p).toContain('督办措施：处理直至处分');
    expect(p.some((x) => x.startsWith('整改时限'))).toBe(false);
  });

  it('is available in English too', async () => {
    const p = docxParagraphs(await noticeDocx(plan(), notice(1), { number: 'X教督〔2026〕7号', lang: 'en' }));
    expect(p[2]).toBe('Rectification notice no. 1: "制定质量监测实施方案" is overdue (rectification opinion issued)');
    expect(p).toContain('Rectify by: 16 December 2026, 17:00');
    expect(p.at(-1)).toBe('9 December 2026');
  });
});

const report = bulletinReport();

describe('supervision bulletin (督导结果通报) as .docx', () => {
  it('numbers the bulletin, addresses it once, commends and names the late, with the department table', async () => {
    const p = docxParagraphs(await bulletinDocx(report, { number: 'X教督〔2027〕1号' }));
    expect(p.slice(0, 4)).toEqual([
      '青溪区教育局质量提升工作领导小组办公室',
      'X教督〔2027〕1号',
      '关于《青溪区义务教育质量提升三年行动计划》督导结果的通报',
      '各责任股室、各有关单位：',
    ]);
    expect(p.join('\n')).toContain('2026年9月1日至2026年12月31日期间');
    expect(p).toContain('人事股本期承担的任务全部按时完成，予以通报表扬。');
    expect(p.join('\n')).toContain('“制定质量监测实施方案”（基础教育办公室，责任人赵小红）本期逾期12.5天，督办升至第2级（通报批评）');
    expect(p).toContain('表1　各责任股室督导结果');
    expect(p.slice(-2)).toEqual(['青溪区教育局质量提升工作领导小组办公室', '2027年1月4日']);
    for (const line of p.filter((x) => CJK.test(x))) expect(line).not.toMatch(ASCII_PUNCTUATION);
  });

  it('marks a bulletin without a number as a draft', async () => {
    const p = docxParagraphs(await bulletinDocx(report, { number: null }));
    expect(p[1]).toBe('关于《青溪区义务教育质量提升三年行动计划》督导结果的通报');
    expect(p[2]).toBe('（草稿）');
  });
});
