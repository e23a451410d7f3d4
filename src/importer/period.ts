/**
 * The plan's whole span when the document states one rather than four dated phases:
 * "用三年时间(2024—2026年)", a title's "(2023—2025年)", "近期(2024—2025年)…远期(2026—2028年)",
 * "十四五期间". With no phases of its own the plan gets four windows derived from the
 * span, each reported as derived (推定), so the report says what was inferred instead
 * of four "missing" lines.
 */
import { iso, lastDay } from './dates.js';
import type { PhaseDraft } from './phases.js';
import type { Report } from './report.js';
import { lineOf, type SourceText } from './source-text.js';

export interface PlanPeriod {
  start: string;
  end: string;
  line: number;
  text: string;
}

const FIVE_YEAR: Record<string, number> = { 十三五: 2016, 十四五: 2021, 十五五: 2026 };
const YEARS = /(20\d\d)\s*(?:年)?\s*(?:—+|–|-|~|至|到)\s*(20\d\d)\s*年?/;

export function findPeriod(src: SourceText, titleLine: number | null): PlanPeriod | null {
  const s = src.norm;
  const make = (a: number, b: number, index: number, text: string): PlanPeriod | null =>
    a <= b && b - a <= 15 ? { start: iso(a, 1, 1), end: iso(b, 12, 31), line: lineOf(src, index), text } : null;
  // "用三年时间(2024—2026年)", "利用3年时间,即2024—2026年".
  const use =
    /用\s*[一二三四五六七八九十两\d]{1,2}\s*年(?:左右的?)?时间[^。;\n]{0,6}?\(?\s*(20\d\d)\s*年?\s*(?:—+|–|-|~|至|到)\s*(20\d\d)\s*年?\)?/.exec(
      s,
    );
  if (use) return make(Number(use[1]), Number(use[2]), use.index, use[0]);
  // The title's span: "三年行动计划(2024—2026年)".
  if (titleLine !== null) {
    const at = src.lineAt.indexOf(titleLine);
    const end = src.lineAt.lastIndexOf(titleLine);
    const title = at >= 0 ? s.slice(at, end + 1) : '';
    const m = YEARS.exec(title);
    if (m) return make(Number(m[1]), Number(m[2]), at + m.index, m[0]);
  }
  // 近期(2024—2025年)…远期(2026—2028年): from the first window's start to the last one's end.
  const terms = [...s.matchAll(/(近期|中期|远期)\s*\(\s*(20\d\d)\s*年?\s*(?:—+|–|-|~|至|到)\s*(20\d\d)\s*年?\s*\)/g)];
  if (terms.length > 0) {
    const first = terms[0]!;
    const last = terms[terms.length - 1]!;
    return make(Number(first[2]), Number(last[3]), first.index, terms.map((t) => t[0]).join('…'));
  }
  // "十四五期间", "“十四五”时期".
  const plan = /["“]?(十三五|十四五|十五五)["”]?\s*(?:期间|时期|末)/.exec(s) ?? /["“](十三五|十四五|十五五)["”]/.exec(s);
  if (plan) {
    const y = FIVE_YEAR[plan[1]!]!;
    return make(y, y + 4, plan.index, plan[0]);
  }
  return null;
}

function addMonths(date: string, months: number): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + months;
  return iso(Math.floor(total / 12), (total % 12) + 1, 1);
}

function monthEnd(firstOfNext: string): string {
  const [y, m] = firstOfNext.split('-').map(Number) as [number, number];
  const prev = m === 1 ? [y - 1, 12] : [y, m - 1];
  return iso(prev[0]!, prev[1]!, lastDay(prev[0]!, prev[1]!));
}

/**
 * Four phase windows over the period, on month boundaries: launch and evaluation a
 * tenth of it each (at least a month), promotion two-fifths of the rest, implementation
 * the remainder. Written into `phases` and reported as derived.
 */
export function derivePhases(period: PlanPeriod, phases: PhaseDraft[], lines: Array<number | null>, report: Report): void {
  const [y1, m1] = period.start.split('-').map(Number) as [number, number];
  const [y2, m2] = period.end.split('-').map(Number) as [number, number];
  const months = (y2 - y1) * 12 + (m2 - m1) + 1;
  if (months < 4) return;
  const edge = Math.max(1, Math.round(months / 10));
  const promotion = Math.max(1, Math.round((months - 2 * edge) * 0.4));
  const sizes = [edge, promotion, months - 2 * edge - promotion, edge];
  let from = period.start;
  sizes.forEach((n, i) => {
    const next = addMonths(from, n);
    const p = phases[i]!;
    p.start = from;
    p.end = monthEnd(next);
    lines[i] = period.line;
    from = next;
  });
  report.add(
    'assumed',
    'phases',
    period.line,
    `原文没有分阶段安排，只写了方案期限「${period.text}」（第 ${period.line} 行）；草稿按期限推定四个阶段：` +
      phases.map((p) => `${p.name ?? p.key} ${p.start}~${p.end}`).join('；') +
      '，请按实际安排修改',
    `the document gives no phases, only the plan's span "${period.text}" (line ${period.line}); the draft derives four phases from it: ` +
      phases.map((p) => `${p.key} ${p.start}..${p.end}`).join('; ') +
      ' — adjust them to the real schedule',
  );
}
