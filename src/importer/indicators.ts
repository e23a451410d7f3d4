/**
 * Measurable goals as indicators: "标准化学校比例达 100%", "差异系数均小于 0.30",
 * "覆盖率达到 80% 以上", "培养县级骨干教师 40 人以上", a 30% → 60% → 90% path
 * ("2023年达到30%,2024年达到60%…"). Each has a target, a comparison, a unit and,
 * when the sentence gives one ("到2025年,…"), a due date. Also: ranges ("12~15名" → range,
 * target the minimum), verb-first targets ("选拔培养市级骨干校长3~6名"), baselines ("由2022年
 * 的61%提升至75%"), changes in percentage points ("较上年提升5个百分点", the subject of
 * the indicator before) and yearly paths, kept as one indicator with `path`.
 */
import type { PlanDefinitionInput } from '../domain/plan.schema.js';
import { findDeadlines, type YearContext } from './dates.js';
import type { Report } from './report.js';
import { headingAt, type Heading } from './outline.js';
import { lineOf, type SourceText } from './source-text.js';

type IndicatorInput = NonNullable<PlanDefinitionInput['goals']>[number];
type Comparison = IndicatorInput['comparison'];

const VERB =
  '(均小于|均低于|均不低于|均不少于|均达到|均达|均在|达到|达|提高到|提升到|提高至|提升至|增加到|增长到|降低到|降至|下降到|压减至|压减到|减少到|减少至|不低于|不少于|不超过|不高于|超过|小于|低于|大于|高于|控制在|保持在|保持|至少|提高|提升|增加|增长|降低|下降|减少)';
const NUM = '(\\d+(?:\\.\\d+)?)(?:\\s*(?:~|～|—|-|–|至|到)\\s*(\\d+(?:\\.\\d+)?))?';
const UNITS = '(%|‰|个百分点|个月|人次|课时|分钟|小时|万元|人|所|名|个|项|次|篇|节|门|元|部|本|家|支|场|间|套|台|期|届|批)';
const TAIL = '(以上|以下|以内|左右)?';
const WITH_VERB = new RegExp(`${VERB}\\s*${NUM}\\s*${UNITS}?\\s*${TAIL}`, 'g');
const COUNT_TAIL = new RegExp(
  `(?<![\\d.~—-])${NUM}\\s*(人次|人|所|名|个|项|篇|节|门|家|支|间|%)\\s*(以上|以下|以内)(?![\\u4e00-\\u9fa5])`,
  'g',
);
/** A target written after its object: "选拔培养市级骨干校长3~6名", "建成实训基地2个". */
const VERB_FIRST = new RegExp(
  `(选拔培养|选拔|培养|培育|建成|建设|新建|补充|招聘|评选|创建|打造|组建|配备|引进|认定|遴选|开发|建立)([^,;:。\\n\\d]{2,24}?)${NUM}\\s*(名|个|所|人|家|间|门|项|支|套|本|部)(以上)?(?=$|[,;。\\n])`,
  'g',
);
const CLAUSE_BREAK = /[,;:\n。!?、]/;

function comparison(verb: string, tail: string | undefined): Comparison {
  if (tail === '以上') return '>=';
  if (tail === '以下' || tail === '以内') return '<=';
  if (tail === '左右') return '=';
  if (/小于|低于/.test(verb) && !/不低于/.test(verb)) return '<';
  if (/不超过|不高于|控制在|降低到|降至|下降到|压减|减少到|减少至/.test(verb)) return '<=';
  if (/大于|高于|超过/.test(verb) && !/不高于|不超过/.test(verb)) return '>';
  return '>=';
}

/** The clause before `at`: "到2022年,标准化学校比例" → "标准化学校比例"; a trailing "2024年" is the value's year. */
function subjectBefore(s: string, at: number, breaks = CLAUSE_BREAK): { text: string; start: number; year?: number } {
  let i = at;
  while (i > 0 && !breaks.test(s[i - 1] ?? '') && at - i < 40) i--;
  let text = s.slice(i, at);
  const lead =
    /^(?:\s|\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}、|\d{1,2}[.、]|(?:到|至|截至)?\d{4}年(?:底|末)?(?:前)?|确保|力争|努力|争取|使得?|实现|全年)+/.exec(
      text,
    );
  let year: number | undefined;
  if (lead) {
    i += lead[0].length;
    text = text.slice(lead[0].length);
    // "2024年达到30%", "2024年覆盖率达到30%": a year heading the clause is the value's year (a path's step).
    const leadYear = /(\d{4})年(?:底|末)?(?:前)?$/.exec(lead[0]);
    if (leadYear && !/^(?:起|以来|开始|以后|之后)/.test(text)) year = Number(leadYear[1]);
  }
  const trailing = /(\d{4})年(?:底|末)?$/.exec(text);
  if (trailing) {
    year = Number(trailing[1]);
    text = text.slice(0, trailing.index);
  }
  return { text: text.replace(/的$/, '').trim(), start: i, ...(year !== undefined ? { year } : {}) };
}

export interface IndicatorsResult {
  goals: IndicatorInput[];
  lines: number[];
}

interface Candidate {
  index: number;
  end: number;
  title: string;
  target: number;
  max?: number;
  cmp: Comparison;
  unit: string | undefined;
  year?: number;
  baseline?: { value: number; year?: number; index: number; end: number };
  /** "较上年…" / "较2020年…": a change of the indicator before. */
  change: boolean;
}

export function extractIndicators(src: SourceText, ctx: YearContext, report: Report, headings: readonly Heading[]): IndicatorsResult {
  const s = src.norm;
  const goals: IndicatorInput[] = [];
  const lines: number[] = [];
  let lastTitle = '';

  const dueFor = (c: Candidate, sentenceStart: number): { date?: string; text?: string; at?: number; own: boolean } => {
    if (c.year !== undefined) return { date: `${c.year}-12-31`, own: true };
    const skip = (i: number) => c.baseline !== undefined && i >= c.baseline.index && i < c.baseline.end;
    const dueIn = (from: number, to = c.index) =>
      findDeadlines(s.slice(from, c.end), ctx, false)
        .filter((d) => d.date !== undefined && from + d.index < Math.min(c.index, to) && !skip(from + d.index))
        .map((d) => ({ ...d, at: from + d.index }))
        .filter(
          (d) =>
            !/^\d{4}年$/.test(d.text) ||
            // A year that heads another value ("2025年达到92%", "2021年的40%") is that value's, not a due date.
            !/^(?:的|达|提高|提升|降|增|控制|保持|不低于|不少于|[^,;。]{0,10}(?:率|比例|占比)(?:为|是)?\d)/.test(
              s.slice(d.at + d.text.length),
            ),
        )
        .pop();
    const own = dueIn(sentenceStart);
    if (own?.date) return { date: own.date, own: true };
    // "近期(2024—2025年):…" heads the sentence: the window's end.
    const term = /(?:近期|中期|远期)\s*\(\s*20\d\d\s*年?\s*(?:—+|–|-|~|至|到)\s*(20\d\d)\s*年?\s*\)/.exec(s.slice(sentenceStart, c.index));
    if (term) return { date: `${term[1]}-12-31`, own: true };
    const section = headingAt(headings, c.index);
    const sectionStart = Math.max(section ? section.titleEnd : 0, c.index - 400);
    const near = sectionStart < sentenceStart ? dueIn(sectionStart) : undefined;
    if (near?.date) return { date: near.date, text: near.text, at: near.at, own: false };
    // "一、目标 到2025年,实现以下目标:(一)…控制在60分钟以内": a date in an enclosing section's own text, before its first item.
    // Only for a goal that is itself a list item's title, not a figure in a measure's text.
    const listItem = section !== null && c.index < section.titleEnd;
    for (let up = listItem ? section.parent : null; up !== null; up = up.parent) {
      const intro = up.ownEnd > up.titleEnd && up.ownEnd <= c.index ? dueIn(up.titleEnd, up.ownEnd) : undefined;
      if (intro?.date) return { date: intro.date, text: intro.text, at: intro.at, own: false };
    }
    return { own: false };
  };

  const found: Candidate[] = [];
  const overlaps = (a: number, b: number) => found.some((c) => a < c.end && b > c.index);
  for (const m of s.matchAll(VERB_FIRST)) {
    const object = (m[2] ?? '').replace(/^[^\u4e00-\u9fa5]+/, '');
    const start = m.index;
    const end = m.index + m[0].length;
    const c: Candidate = { index: start, end, title: `${m[1]}${object}`, target: Number(m[3]), cmp: '>=', unit: m[5], change: false };
    if (m[4] !== undefined) c.max = Number(m[4]);
    if (
      m[6] === undefined &&
      m[4] === undefined &&
      !/以上|不少于/.test(m[0]) &&
      !/培养|选拔|评选|遴选|认定|补充|招聘|建成|新建/.test(m[1] ?? '')
    )
      continue;
    found.push(c);
  }
  for (const m of s.matchAll(WITH_VERB)) {
    const end = m.index + m[0].length;
    if (overlaps(m.index, end)) continue;
    const after = s[end] ?? '';
    const unit = m[4];
    if (unit === undefined && /[年月日届级]/.test(after)) continue; // "达到2025年" is a date
    const verb = m[1] ?? '';
    // A bare number is rarely a target, except a coefficient or ratio held under or over a bound ("差异系数均小于0.25").
    if (unit === undefined && m[3] === undefined && !/\./.test(m[2] ?? '') && !/^均|小于|低于|大于|高于|不超过|不高于|控制在/.test(verb))
      continue;
    // "提升"/"下降" without a target form ("提高到", "至") are changes: only in percentage points.
    if (/^(提高|提升|增加|增长|降低|下降|减少|保持)$/.test(verb) && unit !== '个百分点' && verb !== '保持') continue;
    const sentenceStart = Math.max(s.lastIndexOf('。', m.index - 1), s.lastIndexOf('\n', m.index - 1)) + 1;
    if (/次|回|场/.test(unit ?? '') && /每/.test(s.slice(sentenceStart, m.index))) continue; // a recurrence's count
    const subject = subjectBefore(s, m.index);
    const c: Candidate = {
      index: m.index,
      end,
      title: subject.text,
      target: Number(m[2]),
      cmp: unit === '个百分点' ? '>=' : comparison(verb, m[5]),
      unit,
      change: /^(较|比)/.test(subject.text) || unit === '个百分点',
    };
    if (m[3] !== undefined) c.max = Number(m[3]);
    if (subject.year !== undefined) c.year = subject.year;
    // 由2022年的61%提升至75%: the baseline, and the subject before 由.
    const base = /(?:由|从)\s*(?:(\d{4})年(?:底|末)?的?)?\s*(\d+(?:\.\d+)?)\s*(%|个|所|名|人)?$/.exec(
      s.slice(Math.max(sentenceStart, m.index - 30), m.index),
    );
    if (base) {
      const baseIndex = Math.max(sentenceStart, m.index - 30) + base.index;
      c.baseline = { value: Number(base[2]), index: baseIndex, end: m.index };
      if (base[1] !== undefined) c.baseline.year = Number(base[1]);
      c.title = subjectBefore(s, baseIndex).text;
      c.index = Math.min(c.index, baseIndex);
    }
    // "较上年下降2个百分点", "近视率较上年下降…": the comparison is not part of the subject.
    if (c.change) c.title = c.title.replace(/^(?:较|比)(?:上年|去年|上一年|\d{4}年)?|(?:较|比)(?:上年|去年|上一年|\d{4}年)?$/g, '');
    found.push(c);
  }
  for (const m of s.matchAll(COUNT_TAIL)) {
    if (overlaps(m.index, m.index + m[0].length)) continue;
    const subject = subjectBefore(s, m.index);
    const c: Candidate = {
      index: subject.start,
      end: m.index + m[0].length,
      title: subject.text,
      target: Number(m[1]),
      cmp: comparison('', m[4]),
      unit: m[3],
      change: false,
    };
    if (m[2] !== undefined) c.max = Number(m[2]);
    found.push(c);
  }
  found.sort((a, b) => a.index - b.index);

  // Yearly paths: consecutive values of one subject, each with its year.
  const merged: Array<Candidate & { path?: Array<{ year: number; value: number }> }> = [];
  for (const c of found) {
    const prev = merged[merged.length - 1];
    const gap = prev ? s.slice(prev.end, c.index) : '';
    if (
      prev &&
      c.year !== undefined &&
      (prev.year !== undefined || prev.path) &&
      (c.title === '' || c.title === prev.title) &&
      /^[\s,、;和]*$/.test(gap.replace(/\d{4}年/g, ''))
    ) {
      prev.path ??= [{ year: prev.year!, value: prev.target }];
      prev.path.push({ year: c.year, value: c.target });
      prev.target = c.target;
      prev.year = c.year;
      prev.end = c.end;
      continue;
    }
    merged.push(c);
  }

  for (const c of merged) {
    const sentenceStart = Math.max(s.lastIndexOf('。', c.index - 1), s.lastIndexOf('\n', c.index - 1)) + 1;
    let title = c.title;
    if (title === '' || c.change) title = title === '' ? lastTitle : title;
    if (title === '') {
      // "…的比例,2024年达到40%": the clause before.
      const prevClause = subjectBefore(s, Math.max(sentenceStart, c.index - 1) - 0, /[;:\n。!?]/).text.split(/[,,]/)[0] ?? '';
      title = prevClause.replace(/\d{4}年.*$/, '');
    }
    if (title === '') continue;
    lastTitle = title;
    const line = lineOf(src, c.index);
    const goal: IndicatorInput = { id: `g${goals.length + 1}`, title, target: c.target, comparison: c.cmp };
    if (c.unit) goal.unit = c.unit;
    const due = dueFor(c, sentenceStart);
    if (due.date) {
      goal.due = due.date;
      if (!due.own && due.at !== undefined) {
        const at = lineOf(src, due.at);
        report.add(
          'assumed',
          `goals[${goals.length}].due`,
          line,
          `指标「${title}」（第 ${line} 行）的达成时间取本节前文「${due.text}」（第 ${at} 行），即 ${due.date}`,
          `indicator "${title}" (line ${line}) takes its date from "${due.text}" earlier in the section (line ${at}): ${due.date}`,
        );
      }
    }
    if (c.baseline) goal.baseline = { value: c.baseline.value, ...(c.baseline.year !== undefined ? { year: c.baseline.year } : {}) };
    if (c.max !== undefined && c.max >= c.target) goal.range = { min: c.target, max: c.max };
    if (c.path) goal.path = c.path;
    goal.text = s.slice(c.index, c.end);
    goals.push(goal);
    lines.push(line);
  }
  const undated = goals.map((g, i) => [g, lines[i]!] as const).filter(([g]) => g.due === undefined);
  if (undated.length > 0) {
    report.add(
      'missing',
      'goals',
      undated[0]![1],
      `${undated.length} 项指标原文未写达成时间（第 ${undated.map(([, l]) => l).join('、')} 行）`,
      `${undated.length} indicators have no date in the document (lines ${undated.map(([, l]) => l).join(', ')})`,
    );
  }
  return { goals, lines };
}
