/**
 * Text as offices write it on paper and in their groups: dates in Chinese numerals'
 * Arabic form (2026年12月2日17时, GB/T 9704 §7.3.5 writes 成文日期 the same way), a
 * deadline that ends a day as 24时 of that day, full-width punctuation in Chinese,
 * and the addressees written once. Pure: the channels and the documents share it.
 */
import { DateTime } from 'luxon';
import type { Lang } from '../domain/i18n.js';
import { formatPlanTime } from '../domain/time.js';

/** 2026年12月2日, or 2 December 2026. */
export function officeDate(at: number, zone: string, lang: Lang = 'zh'): string {
  const d = DateTime.fromMillis(at, { zone });
  return lang === 'zh' ? `${d.year}年${d.month}月${d.day}日` : d.setLocale('en-GB').toFormat('d LLLL yyyy');
}

/**
 * A moment as offices write a deadline: 2026年12月2日17时, 17时30分 when the minutes
 * are not zero; a deadline at midnight is the end of the day before (2026年12月2日24时),
 * as `formatPlanTime` reads it. English: 2 December 2026, 17:00 (24:00 likewise).
 */
export function officeDateTime(at: number, zone: string, lang: Lang = 'zh'): string {
  let d = DateTime.fromMillis(at, { zone });
  let hour = d.hour;
  if (d.hour === 0 && d.minute === 0 && d.second === 0 && d.millisecond === 0) {
    d = d.minus({ days: 1 });
    hour = 24;
  }
  if (lang === 'en') {
    return `${d.setLocale('en-GB').toFormat('d LLLL yyyy')}, ${String(hour).padStart(2, '0')}:${String(d.minute).padStart(2, '0')}`;
  }
  return `${d.year}年${d.month}月${d.day}日${hour}时${d.minute === 0 ? '' : `${d.minute}分`}`;
}

/**
 * The notice's Chinese text with each of its own dates (the ones `formatPlanTime`
 * wrote, 2026-12-02 17:00) rewritten as offices write them. Only the exact strings of
 * the given moments are replaced, so nothing that merely looks like a date changes;
 * the spaces the screen text puts around a date go, as Chinese text has none.
 */
export function officeDatesIn(text: string, moments: readonly (number | null | undefined)[], zone: string, lang: Lang): string {
  let out = text;
  const seen = new Set<string>();
  for (const at of moments) {
    if (at === null || at === undefined) continue;
    const screen = formatPlanTime(at, zone);
    if (seen.has(screen)) continue;
    seen.add(screen);
    const office = officeDateTime(at, zone, lang);
    out = lang === 'zh' ? out.split(` ${screen} `).join(office).split(` ${screen}`).join(office).split(`${screen} `).join(office) : out;
    out = out.split(screen).join(office);
  }
  return out;
}

const CJK = '\\u3000-\\u303f\\u3400-\\u9fff\\uff00-\\uffef\\u201c\\u201d';
const FULL: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！', '(': '（', ')': '）' };
// Touching a Chinese character on either side; a space after it goes too (full-width marks carry their own).
const NEXT_TO_CJK = new RegExp(`(?<=[${CJK}])([,:;?!()])[ \\t]?|[ \\t]?([,:;?!()])(?=[${CJK}])`, 'g');

/**
 * Chinese text with full-width punctuation (GB/T 15834): ASCII , : ; ? ! ( ) next to a
 * Chinese character become ，：；？！（）, and the corner quotes the screen uses
 * (「」) become the quotation marks of a mainland document (“”). Digits and Latin
 * text keep theirs: 17:00, (a), v1.2.
 */
export function fullWidth(text: string): string {
  return (
    text
      .replace(NEXT_TO_CJK, (_m, before: string | undefined, after: string | undefined) => FULL[(before ?? after)!]!)
      // A pair is one width: (2016年） → （2016年）.
      .replace(/（([^（）()]*)\)/g, '（$1）')
      .replace(/\(([^（）()]*)）/g, '（$1）')
      .replace(/「/g, '“')
      .replace(/」/g, '”')
  );
}

/** The text without a leading "name、name：" salutation, when it opens with exactly that; the addressees are written once, above it. */
export function withoutSalutation(text: string, names: readonly string[], lang: Lang): string {
  if (names.length === 0) return text;
  const salutation = lang === 'zh' ? `${names.join('、')}：` : `To ${names.join(', ')}: `;
  return text.startsWith(salutation) ? text.slice(salutation.length) : text;
}
