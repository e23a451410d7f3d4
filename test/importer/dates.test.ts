import { describe, it, expect } from 'vitest';
import { findDateRanges, findDeadlines, isRealDate } from '../../src/importer/dates.js';
import { findRecurrences, firstOccurrence } from '../../src/importer/recurrence.js';

describe('date windows', () => {
  it('carries the year to an end month without one', () => {
    expect(findDateRanges('(2023年4月至9月)').map((r) => [r.start, r.end, r.endYearFrom])).toEqual([['2023-04-01', '2023-09-30', 'start']]);
    expect(findDateRanges('(2024年9月至12月)').map((r) => [r.start, r.end])).toEqual([['2024-09-01', '2024-12-31']]);
  });

  it('reads an earlier end month as the next year, and 次年', () => {
    expect(findDateRanges('2023年9月至次年1月').map((r) => [r.end, r.endYearFrom])).toEqual([['2024-01-31', 'next-year']]);
    expect(findDateRanges('2023年9月—3月').map((r) => r.end)).toEqual(['2024-03-31']);
  });

  it('keeps an explicit end year even when it is before the start', () => {
    expect(findDateRanges('(2024年9月至2024年8月)').map((r) => [r.start, r.end])).toEqual([['2024-09-01', '2024-08-31']]);
  });

  it('reads days, dotted dates and year ranges', () => {
    expect(findDateRanges('2025年3月1日-3月15日').map((r) => [r.start, r.end])).toEqual([['2025-03-01', '2025-03-15']]);
    expect(findDateRanges('2023.4-2023.9').map((r) => [r.start, r.end])).toEqual([['2023-04-01', '2023-09-30']]);
    expect(findDateRanges('(2023-2025年)').map((r) => [r.start, r.end])).toEqual([['2023-01-01', '2025-12-31']]);
  });
});

describe('deadline phrases', () => {
  it('reads explicit and contextual years', () => {
    const found = findDeadlines('2023年7月底前,完成评估。8月底前,出台模式。', {}, false);
    expect(found.map((d) => [d.text, d.date, d.yearFrom])).toEqual([
      ['2023年7月底前', '2023-07-31', 'text'],
      ['8月底前', '2023-08-31', 'passage'],
    ]);
  });

  it('takes the year from the option, else the plan start (rolling over), else the document', () => {
    expect(findDeadlines('8月底前', { option: 2026 }, false)[0]).toMatchObject({ date: '2026-08-31', yearFrom: 'option' });
    expect(findDeadlines('3月底前', { planStart: '2023-04-01' }, false)[0]).toMatchObject({ date: '2024-03-31', yearFrom: 'plan' });
    expect(findDeadlines('8月底前', { documentYear: 2022 }, false)[0]).toMatchObject({ date: '2022-08-31', yearFrom: 'document' });
    expect(findDeadlines('8月底前', {}, false)[0]?.date).toBeUndefined();
  });

  it('reads 到2025年, 年底, 上半年, 中旬, 日', () => {
    const at = (s: string) => findDeadlines(s, { option: 2024 }, false)[0]?.date;
    expect(at('到2025年')).toBe('2025-12-31');
    expect(at('2023年底前')).toBe('2023-12-31');
    expect(at('2024年上半年完成')).toBe('2024-06-30');
    expect(at('年底前')).toBe('2024-12-31');
    expect(at('10月中旬')).toBe('2024-10-20');
    expect(at('2025年3月15日前')).toBe('2025-03-15');
  });

  it('reads 计划实施末期 and 五年内 as kinds the caller resolves', () => {
    expect(findDeadlines('7月底前拿出方案,计划实施末期拿出成果', {}, false).map((d) => d.kind)).toEqual(['date', 'implementation-end']);
    expect(findDeadlines('五年内建成', {}, false)[0]).toMatchObject({ kind: 'within-years', years: 5 });
  });

  it('in free text, takes only dates with a deadline cue', () => {
    expect(findDeadlines('从2023年9月开始,2024年3月底前完成', {}, true).map((d) => d.text)).toEqual(['2024年3月底前']);
    expect(findDeadlines('每年12月开展评选', {}, true)).toEqual([]);
  });

  it('knows real dates', () => {
    expect(isRealDate('2024-02-29')).toBe(true);
    expect(isRealDate('2023-02-30')).toBe(false);
  });
});

describe('recurring duties', () => {
  it('finds each recurrence with its season and whether it is at the start', () => {
    const r = findRecurrences('每学期秋季开学。每学年开展一次检测,每季度通报');
    expect(r.map((x) => [x.unit, x.season, x.atStart, x.text])).toEqual([
      ['semester', 'autumn', true, '每学期秋季开学'],
      ['schoolYear', undefined, false, '每学年开展一次检测'],
      ['quarter', undefined, false, '每季度通报'],
    ]);
  });

  it('chooses a sensible first deadline', () => {
    const [autumnStart, schoolYear] = findRecurrences('每学期秋季开学;每学年一次');
    expect(firstOccurrence(autumnStart!, '2023-04-01')).toBe('2023-09-30');
    expect(firstOccurrence(schoolYear!, '2023-04-01')).toBe('2024-08-31');
    expect(firstOccurrence(schoolYear!, '2023-01-01')).toBe('2023-08-31');
    const [semester] = findRecurrences('每学期举办1次');
    expect(firstOccurrence(semester!, '2023-04-01')).toBe('2023-07-31');
    expect(firstOccurrence(semester!, '2023-06-01')).toBe('2024-01-31');
  });
});
