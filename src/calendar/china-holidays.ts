/**
 * Mainland China statutory holidays (放假) and make-up working days (调休上班日).
 *
 * Source: the State Council General Office's annual notices, 国务院办公厅关于 YYYY 年
 * 部分节假日安排的通知, as published on gov.cn:
 *   2023 — 国办发明电〔2022〕16号, 2022-12-08
 *   2024 — notice of 2023-10-25
 *   2025 — 国办发明电〔2024〕12号, 2024-11-12 (first year with the two extra days of the
 *          2024 revision of 《全国年节及纪念日放假办法》: 除夕 and 5月2日)
 *   2026 — notice of 2025-11-04
 *
 * Why a table and not a rule: the days off and the weekend days worked are decided
 * each year by notice; no lunar-calendar rule reproduces them. So only years whose
 * notice has been published are listed. 2027's notice is not out (it usually appears
 * in November or December of the year before): for 2027 and any other year not listed
 * here, callers get weekends-only with `official: false`, and should say so.
 *
 * Dates are inclusive, in the plan's local calendar (no time zone arithmetic needed).
 */

export interface HolidayYear {
  /** The notice this year was copied from. */
  source: string;
  /** Inclusive ranges of days off: [first, last, name]. */
  holidays: ReadonlyArray<readonly [string, string, string]>;
  /** Weekend days that are working days (调休上班), with the holiday they pay for. */
  workdays: ReadonlyArray<readonly [string, string]>;
}

export const CHINA_HOLIDAYS: Readonly<Record<number, HolidayYear>> = {
  2023: {
    source: '国务院办公厅关于2023年部分节假日安排的通知（国办发明电〔2022〕16号）',
    holidays: [
      ['2023-01-01', '2023-01-02', '元旦'], // the notice's range starts 2022-12-31, a Saturday
      ['2023-01-21', '2023-01-27', '春节'],
      ['2023-04-05', '2023-04-05', '清明节'],
      ['2023-04-29', '2023-05-03', '劳动节'],
      ['2023-06-22', '2023-06-24', '端午节'],
      ['2023-09-29', '2023-10-06', '中秋节、国庆节'],
    ],
    workdays: [
      ['2023-01-28', '春节'],
      ['2023-01-29', '春节'],
      ['2023-04-23', '劳动节'],
      ['2023-05-06', '劳动节'],
      ['2023-06-25', '端午节'],
      ['2023-10-07', '中秋节、国庆节'],
      ['2023-10-08', '中秋节、国庆节'],
    ],
  },
  2024: {
    source: '国务院办公厅关于2024年部分节假日安排的通知（2023年10月25日）',
    holidays: [
      ['2024-01-01', '2024-01-01', '元旦'],
      // 除夕 (02-09) is only "encouraged" as a day off in the 2024 notice: a working day.
      ['2024-02-10', '2024-02-17', '春节'],
      ['2024-04-04', '2024-04-06', '清明节'],
      ['2024-05-01', '2024-05-05', '劳动节'],
      ['2024-06-10', '2024-06-10', '端午节'],
      ['2024-09-15', '2024-09-17', '中秋节'],
      ['2024-10-01', '2024-10-07', '国庆节'],
    ],
    workdays: [
      ['2024-02-04', '春节'],
      ['2024-02-18', '春节'],
      ['2024-04-07', '清明节'],
      ['2024-04-28', '劳动节'],
      ['2024-05-11', '劳动节'],
      ['2024-09-14', '中秋节'],
      ['2024-09-29', '国庆节'],
      ['2024-10-12', '国庆节'],
    ],
  },
  2025: {
    source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）',
    holidays: [
      ['2025-01-01', '2025-01-01', '元旦'],
      ['2025-01-28', '2025-02-04', '春节'],
      ['2025-04-04', '2025-04-06', '清明节'],
      ['2025-05-01', '2025-05-05', '劳动节'],
      ['2025-05-31', '2025-06-02', '端午节'],
      ['2025-10-01', '2025-10-08', '国庆节、中秋节'],
    ],
    workdays: [
      ['2025-01-26', '春节'],
      ['2025-02-08', '春节'],
      ['2025-04-27', '劳动节'],
      ['2025-09-28', '国庆节、中秋节'],
      ['2025-10-11', '国庆节、中秋节'],
    ],
  },
  2026: {
    source: '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）',
    holidays: [
      ['2026-01-01', '2026-01-03', '元旦'],
      ['2026-02-15', '2026-02-23', '春节'],
      ['2026-04-04', '2026-04-06', '清明节'],
      ['2026-05-01', '2026-05-05', '劳动节'],
      ['2026-06-19', '2026-06-21', '端午节'],
      ['2026-09-25', '2026-09-27', '中秋节'],
      ['2026-10-01', '2026-10-07', '国庆节'],
    ],
    workdays: [
      ['2026-01-04', '元旦'],
      ['2026-02-14', '春节'],
      ['2026-02-28', '春节'],
      ['2026-05-09', '劳动节'],
      ['2026-09-20', '国庆节'],
      ['2026-10-10', '国庆节'],
    ],
  },
  // 2027: not yet published when this table was written. Deliberately absent, so that
  // 2027 dates are computed weekends-only and flagged `official: false`.
};
