/** Chinese numerals as plans use them: 一 … 九十九, 两, 〇, and circled ① … ⑳. */

const DIGITS: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

export function chineseNumber(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  if (text === '') return null;
  const ten = text.indexOf('十');
  if (ten === -1) return text.length === 1 ? (DIGITS[text] ?? null) : null;
  const tensText = text.slice(0, ten);
  const unitsText = text.slice(ten + 1);
  const tens = tensText === '' ? 1 : DIGITS[tensText];
  const units = unitsText === '' ? 0 : DIGITS[unitsText];
  if (tens === undefined || units === undefined || tensText.length > 1 || unitsText.length > 1) return null;
  return tens * 10 + units;
}

/** ① → 1 … ⑳ → 20. */
export function circledNumber(ch: string): number | null {
  const code = ch.charCodeAt(0);
  return code >= 0x2460 && code <= 0x2473 ? code - 0x2460 + 1 : null;
}
