import { describe, it, expect } from 'vitest';
import {
  CHINA_HOLIDAYS,
  CHINA_MAINLAND,
  WEEKENDS_ONLY,
  addWorkingDays,
  countWorkingDays,
  describeDay,
  isOfficialYear,
  isWorkingDay,
  shiftWorkingDays,
  subtractWorkingDays,
} from '../../src/calendar/index.js';

describe('china holiday table', () => {
  it('has make-up working days only on Saturdays and Sundays', () => {
    for (const year of Object.values(CHINA_HOLIDAYS)) {
      for (const [date] of year.workdays) {
        const day = new Date(`${date}T00:00:00Z`).getUTCDay();
        expect([0, 6], date).toContain(day);
      }
    }
  });

  it("matches the notices' day counts (共N天)", () => {
    const length = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000 + 1;
    const spring = (y: number) => CHINA_HOLIDAYS[y]!.holidays.find(([, , n]) => n === '春节')!;
    expect(length(spring(2023)[0], spring(2023)[1])).toBe(7);
    expect(length(spring(2024)[0], spring(2024)[1])).toBe(8);
    expect(length(spring(2025)[0], spring(2025)[1])).toBe(8);
    expect(length(spring(2026)[0], spring(2026)[1])).toBe(9);
  });

  it('covers 2023–2026 officially and not 2027', () => {
    expect([2023, 2024, 2025, 2026].every((y) => isOfficialYear(y))).toBe(true);
    expect(isOfficialYear(2027)).toBe(false);
  });
});

describe('isWorkingDay', () => {
  it('knows holidays, make-up Saturdays and ordinary days', () => {
    expect(isWorkingDay('2023-10-02')).toBe(false); // 国庆 Monday
    expect(isWorkingDay('2023-10-07')).toBe(true); // 调休上班 Saturday
    expect(isWorkingDay('2024-02-09')).toBe(true); // 除夕 2024 was a working day
    expect(isWorkingDay('2025-01-28')).toBe(false); // 除夕 2025 became a holiday
    expect(isWorkingDay('2026-02-14')).toBe(true); // Saturday worked for 春节
    expect(isWorkingDay('2023-08-31')).toBe(true);
    expect(isWorkingDay('2023-09-02')).toBe(false); // plain Saturday
  });

  it('describes a day with its holiday name', () => {
    expect(describeDay('2023-06-25')).toEqual({
      date: '2023-06-25',
      working: true,
      kind: 'makeup_workday',
      name: '端午节',
      official: true,
    });
    expect(describeDay('2024-10-03').kind).toBe('holiday');
  });

  it('falls back to weekends-only for years without a notice, and says so', () => {
    const info = describeDay('2027-10-01'); // surely a holiday, but not yet announced
    expect(info).toMatchObject({ working: true, kind: 'workday', official: false });
    expect(isWorkingDay('2023-10-02', WEEKENDS_ONLY)).toBe(true);
  });

  it('rejects dates that are not dates', () => {
    expect(() => isWorkingDay('2023-02-30')).toThrow(RangeError);
    expect(() => isWorkingDay('next monday')).toThrow(RangeError);
  });
});

describe('adding and subtracting working days', () => {
  it('skips the National Day week and counts the make-up weekend', () => {
    expect(addWorkingDays('2023-09-28', 1)).toBe('2023-10-07');
    expect(addWorkingDays('2023-09-28', 2)).toBe('2023-10-08');
    expect(addWorkingDays('2023-09-28', 3)).toBe('2023-10-09');
    expect(subtractWorkingDays('2023-10-07', 1)).toBe('2023-09-28');
  });

  it('skips weekends in an ordinary week; n = 0 is the day itself', () => {
    expect(addWorkingDays('2023-08-31', 2)).toBe('2023-09-04');
    expect(addWorkingDays('2023-09-02', 0)).toBe('2023-09-02');
    expect(subtractWorkingDays('2023-09-04', 1)).toBe('2023-09-01');
    expect(addWorkingDays('2023-09-04', -1)).toBe('2023-09-01');
  });

  it('crosses the 2025 Spring Festival with its two make-up days', () => {
    // 1月27日 Mon works; 28.1–4.2 off; 2月5日 Wed is the next working day.
    expect(addWorkingDays('2025-01-24', 1)).toBe('2025-01-26');
    expect(addWorkingDays('2025-01-27', 1)).toBe('2025-02-05');
  });

  it('flags results computed across a year without a notice', () => {
    const inside = shiftWorkingDays('2026-12-28', 3);
    expect(inside).toEqual({ date: '2026-12-31', official: true, estimatedYears: [] });
    const across = shiftWorkingDays('2026-12-30', 5);
    expect(across.official).toBe(false);
    expect(across.estimatedYears).toEqual([2027]);
    expect(across.date).toBe('2027-01-06');
  });

  it('counts working days in a range', () => {
    // October 2023: 22 weekdays, minus 2–6 off (5), plus 7 and 8 worked = 19.
    expect(countWorkingDays('2023-10-01', '2023-10-31')).toEqual({ count: 19, official: true, estimatedYears: [] });
    expect(countWorkingDays('2023-10-01', '2023-10-31', WEEKENDS_ONLY).count).toBe(22);
    expect(CHINA_MAINLAND.name).toContain('China');
  });

  it('rejects fractional counts', () => {
    expect(() => addWorkingDays('2023-09-01', 1.5)).toThrow(RangeError);
  });
});
