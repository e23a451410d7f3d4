/**
 * Measurable goals as indicators: "标准化学校比例达 100%", "差异系数均小于 0.30",
 * "覆盖率达到 80% 以上", "培养县级骨干教师 40 人以上", a 30% → 60% → 90% path
 * ("2023年达到30%,2024年达到60%…"). Each has a target, a comparison, a unit and,
 * when the sentence gives one ("到2025年,…"), a due date.
 */
import type { PlanDefinitionInput } from '../domain/plan.schema.js';
import { findDeadlines, type YearContext } from './dates.js';
import type { Report } from './report.js';
import { headingAt, type Heading } from './outline.js';
import { lineOf, type SourceText } from './source-text.js';

type IndicatorInput = NonNullable<PlanDefinitionInput['goals']>[number];
type Comparison = IndicatorInput['comparison'];

const VERB =
  '(均小于|均低于|均不低于|均不少于|均达到|均达|均在|达到|达|提高到|提升到|提高至|提升至|增加到|增长到|降低到|降至|下降到|不低于|不少于|不超过|不高于|超过|小于|低于|大于|高于|控制在|保持在|至少)';
const NUM = '(\\d+(?:\\.\\d+)?)';
const UNIT = '(%|‰|个百分点|人次|人|所|名|个|项|次|篇|节|门|万元|元|小时|分钟|课时|部|本|家|支|场)?';
const TAIL = '(以上|以下|以内|左右)?';
const WITH_VERB = new RegExp(`${VERB}\\s*${NUM}\\s*${UNIT}\\s*${TAIL}`, 'g');
const COUNT_TAIL = /(?<![\d.])(\d+(?:\.\d+)?)\s*(人|所|名|个|项|篇|节|门|家|支|%)\s*(以上|以下|以内)/g;
const CLAUSE_BREAK = /[,;:\n。!?]/;

function comparison(verb: string, tail: string | undefined): Comparison {
  if (tail === '以上') return '>=';
  if (tail === '以下' || tail === '以内') return '<=';
  if (tail === '左右') return '=';
  if (/小于|低于/.test(verb) && !/不低于/.test(verb)) return '<';
  if (/不超过|不高于|控制在|降低到|降至|下降到/.test(verb)) return '<=';
  if (/大于|高于|超过/.test(verb) && !/不高于|不超过/.test(verb)) return '>';
  return '>=';
}

/** The clause before `at`: "到2022年,标准化学校比例" → "标准化学校比例". */
function subjectBefore(s: string, at: number): { text: string; start: number } {
  let i = at;
  while (i > 0 && !CLAUSE_BREAK.test(s[i - 1] ?? '') && at - i < 40) i--;
  let text = s.slice(i, at);
  const lead = /^(?:(?:到|至|截至)?\d{4}年(?:底|末)?(?:前)?|确保|力争|努力|争取|使得?|实现)+/.exec(text);
  if (lead) {
    i += lead[0].length;
    text = text.slice(lead[0].length);
  }
  return { text: text.trim(), start: i };
}

export interface IndicatorsResult {
  goals: IndicatorInput[];
  lines: number[];
}

export function extractIndicators(src: SourceText, ctx: YearContext, report: Report, headings: readonly Heading[]): IndicatorsResult {
  const s = src.norm;
  const goals: IndicatorInput[] = [];
  const lines: number[] = [];
  const taken: Array<[number, number]> = [];
  let lastTitle = '';

  const add = (index: number, end: number, title: string, target: number, cmp: Comparison, unit: string | undefined) => {
    if (taken.some(([a, b]) => index < b && end > a)) return;
    taken.push([index, end]);
    const sentenceStart = Math.max(s.lastIndexOf('。', index - 1), s.lastIndexOf('\n', index - 1)) + 1;
    // A path ("2024年达到30%,2025年达到60%") shares the subject of the indicator before it.
    if (title === '') title = lastTitle;
    if (title === '' || /^每/.test(title)) return;
    lastTitle = title;
    const path = `goals[${goals.length}].due`;
    const line = lineOf(src, index);
    const goal: IndicatorInput = { id: `g${goals.length + 1}`, title, target, comparison: cmp };
    if (unit) goal.unit = unit;
    // The date in the same sentence ("到2025年,…达100%"); else the last one earlier in
    // the section ("到2026年," heading a list of goals), which the report mentions.
    const dueIn = (from: number) =>
      findDeadlines(s.slice(from, end), ctx, false)
        .filter((d) => d.date !== undefined && from + d.index < index)
        .map((d) => ({ ...d, at: from + d.index }))
        .pop();
    const section = headingAt(headings, index);
    const sectionStart = Math.max(section ? section.titleEnd : 0, index - 400);
    const own = dueIn(sentenceStart);
    const near = own ?? (sectionStart < sentenceStart ? dueIn(sectionStart) : undefined);
    if (near?.date) {
      goal.due = near.date;
      if (own === undefined) {
        const at = lineOf(src, near.at);
        report.add(
          'assumed',
          path,
          line,
          `指标"${title}"(第 ${line} 行)的达成时间取本节前文"${near.text}"(第 ${at} 行),即 ${near.date}`,
          `indicator "${title}" (line ${line}) takes its date from "${near.text}" earlier in the section (line ${at}): ${near.date}`,
        );
      }
    } else
      report.add('missing', path, line, `指标"${title}"(第 ${line} 行)未写达成时间`, `indicator "${title}" (line ${line}) has no date`);
    goals.push(goal);
    lines.push(line);
  };

  // Collect both forms first, then take them in the document's order (ids, paths, paths of a "path").
  const found: Array<[number, number, string, number, Comparison, string | undefined]> = [];
  for (const m of s.matchAll(WITH_VERB)) {
    const after = s[m.index + m[0].length] ?? '';
    if (m[3] === undefined && /[年月日届级]/.test(after)) continue; // "达到2025年" is a date
    found.push([m.index, m.index + m[0].length, subjectBefore(s, m.index).text, Number(m[2]), comparison(m[1] ?? '', m[4]), m[3]]);
  }
  for (const m of s.matchAll(COUNT_TAIL)) {
    if (found.some(([a, b]) => m.index >= a && m.index < b)) continue; // already read with its verb
    const subject = subjectBefore(s, m.index);
    found.push([subject.start, m.index + m[0].length, subject.text, Number(m[1]), comparison('', m[3]), m[2]]);
  }
  found.sort((a, b) => a[0] - b[0]).forEach((f) => add(...f));
  return { goals, lines };
}
