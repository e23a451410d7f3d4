/** Dates and punctuation as offices write them, on the cases that trip software: midnight, minutes, Latin text inside Chinese. */
import { describe, expect, it } from 'vitest';
import { fullWidth, officeDate, officeDateTime, officeDatesIn } from '../../src/documents/office-text.js';
import { formatPlanTime } from '../../src/domain/time.js';

const Z = 'Asia/Shanghai';

describe('office dates', () => {
  it('writes a deadline as 2026年12月2日17时, minutes only when there are some, and a day’s end as 24时 of that day', () => {
    expect(officeDateTime(Date.parse('2026-12-02T17:00:00+08:00'), Z)).toBe('2026年12月2日17时');
    expect(officeDateTime(Date.parse('2026-12-02T08:30:00+08:00'), Z)).toBe('2026年12月2日8时30分');
    expect(officeDateTime(Date.parse('2026-12-03T00:00:00+08:00'), Z)).toBe('2026年12月2日24时');
    expect(officeDateTime(Date.parse('2026-12-03T00:00:00+08:00'), Z, 'en')).toBe('2 December 2026, 24:00');
    expect(officeDate(Date.parse('2027-01-01T00:10:00+08:00'), Z)).toBe('2027年1月1日');
  });

  it('rewrites exactly the notice’s own dates in its text, and nothing else that looks like one', () => {
    const due = Date.parse('2026-12-02T17:00:00+08:00');
    const text = `「方案」的完成时限为 ${formatPlanTime(due, Z)}。附件见 2025-01-01 17:00 的会议纪要。`;
    expect(officeDatesIn(text, [due], Z, 'zh')).toBe('「方案」的完成时限为2026年12月2日17时。附件见 2025-01-01 17:00 的会议纪要。');
  });
});

describe('full-width punctuation', () => {
  it('turns ASCII punctuation next to Chinese into full-width and corner quotes into mainland quotation marks', () => {
    expect(fullWidth('关于「智慧课堂(试点)」的通知:请于17:00前报送,逾期不候!')).toBe(
      '关于“智慧课堂（试点）”的通知：请于17:00前报送，逾期不候！',
    );
    expect(fullWidth('使用 WPS v1.2, Word (2016) 打开')).toBe('使用 WPS v1.2, Word (2016) 打开');
    expect(fullWidth('方案 (2026年)')).toBe('方案 （2026年）');
  });
});
