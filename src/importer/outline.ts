/**
 * The numbered outline of a plan: 一、 > (一) > 1. / 1、 > (1) > ①.
 *
 * Headings are found in the stream, not by line, because page dumps run several
 * headings into one line ("…分工(一)抓德育,…"). A numeral followed by "、" is only a
 * heading after a sentence end or a line start, so "高考一、二本上线" is prose; an
 * inline "1." must also continue the count (1, or the last number + 1).
 */
import { chineseNumber, circledNumber } from './numerals.js';
import { lineOf, textOf, type SourceText } from './source-text.js';

export interface Heading {
  level: 1 | 2 | 3 | 4 | 5;
  num: number;
  /** Index of the numbering mark in the stream. */
  index: number;
  titleStart: number;
  titleEnd: number;
  /** End of everything under this heading (next heading of the same or a higher rank). */
  end: number;
  /** End of this heading's own text (where its first child starts). */
  ownEnd: number;
  line: number;
  title: string;
  parent: Heading | null;
  children: Heading[];
}

const CN = '[一二三四五六七八九十]{1,3}';
const MARKS: Array<{ level: Heading['level']; re: RegExp; bounded: boolean; number: (m: RegExpExecArray) => number | null }> = [
  { level: 1, re: new RegExp(`(${CN})、`, 'g'), bounded: true, number: (m) => chineseNumber(m[1] ?? '') },
  { level: 2, re: new RegExp(`\\((${CN})\\)`, 'g'), bounded: false, number: (m) => chineseNumber(m[1] ?? '') },
  { level: 3, re: /(?<![\d.])(\d{1,2})[.、](?!\d)/g, bounded: true, number: (m) => Number(m[1]) },
  { level: 4, re: /\((\d{1,2})\)/g, bounded: true, number: (m) => Number(m[1]) },
  { level: 5, re: /[\u2460-\u2473]/g, bounded: false, number: (m) => circledNumber(m[0]) },
];

/** Labels that end a heading's title when a page dump runs the body into it. */
const FIELD_WORDS =
  '责任领导|分管领导|责任股室|责任科室|责任部门|负责部门|负责处室|负责股室|责任单位|牵头单位|责任人|配合单位|主要职责和完成时限|完成时限';
const TITLE_STOP = new RegExp(
  `副?\\s?组\\s*长\\s*:|成\\s*员\\s*:|(${FIELD_WORDS})\\s*:|\\((?=\\s*(${FIELD_WORDS})\\s*:)|第[一二三四五六七八九十]阶段`,
);

/** "(二)质量提升行动 3.加强教研": a section's short title, then its first measure on the same line. */
const GLUED_AFTER = new RegExp(`^[ \\t\u3000]*(?:\\(${CN}\\)|${CN}、)[\u4e00-\u9fa5“”]{2,16}[ \\t\u3000]*$`);

function boundaryBefore(s: string, i: number): 'line' | 'sentence' | null {
  let j = i - 1;
  while (j >= 0 && s[j] === ' ') j--;
  if (j < 0 || s[j] === '\n') return 'line';
  if (/[。;!?:)”」]/.test(s[j] ?? '')) return 'sentence';
  return GLUED_AFTER.test(s.slice(s.lastIndexOf('\n', i - 1) + 1, i)) ? 'sentence' : null;
}

export function findHeadings(src: SourceText): Heading[] {
  const s = src.norm;
  const found: Array<{ level: Heading['level']; num: number; index: number; markEnd: number }> = [];
  for (const mark of MARKS) {
    let last = 0;
    for (const m of s.matchAll(mark.re)) {
      const num = mark.number(m);
      if (num === null || num < 1) continue;
      if (mark.bounded) {
        const b = boundaryBefore(s, m.index);
        if (b === null) continue;
        // Inline Arabic numbering must continue the count, or it is a number in prose.
        if (mark.level >= 3 && b === 'sentence' && num !== 1 && num !== last + 1) continue;
      }
      last = num;
      found.push({ level: mark.level, num, index: m.index, markEnd: m.index + m[0].length });
    }
  }
  found.sort((a, b) => a.index - b.index);

  const headings: Heading[] = [];
  const stack: Heading[] = [];
  found.forEach((f, k) => {
    const next = found[k + 1]?.index ?? s.length;
    // The title runs to the sentence end, a field label or the next heading.
    const window = s.slice(f.markEnd, Math.min(next, f.markEnd + 120));
    const stop = window.search(/[。\n;:]/);
    const label = window.search(TITLE_STOP);
    const cut = [stop, label].filter((x) => x >= 0);
    let titleEnd = f.markEnd + (cut.length > 0 ? Math.min(...cut) : window.length);
    // An over-long "title" is a first sentence: keep its first clause.
    if (titleEnd - f.markEnd > 50) {
      const comma = s.slice(f.markEnd + 4, titleEnd).search(/[,,]/);
      titleEnd = comma >= 0 ? f.markEnd + 4 + comma : f.markEnd + 50;
    }
    while (stack.length > 0 && stack[stack.length - 1]!.level >= f.level) stack.pop();
    const parent = stack[stack.length - 1] ?? null;
    const h: Heading = {
      level: f.level,
      num: f.num,
      index: f.index,
      titleStart: f.markEnd,
      titleEnd,
      end: s.length,
      ownEnd: s.length,
      line: lineOf(src, f.index),
      title: textOf(src, f.markEnd, titleEnd),
      parent,
      children: [],
    };
    parent?.children.push(h);
    stack.push(h);
    headings.push(h);
  });
  headings.forEach((h, k) => {
    const after = headings.slice(k + 1);
    h.end = after.find((x) => x.level <= h.level)?.index ?? s.length;
    h.ownEnd = h.children[0]?.index ?? h.end;
  });
  return headings;
}

/** The innermost heading whose own text contains stream index `i`. */
export function headingAt(headings: readonly Heading[], i: number): Heading | null {
  let best: Heading | null = null;
  for (const h of headings) if (h.index <= i && i < h.end && (best === null || h.index > best.index)) best = h;
  return best;
}

const SECTION_WORDS = {
  // "二、工作目标与主要举措", "三、目标任务": a heading with task words is a task section, 目标 or not.
  tasks: /任务|措施|举措|行动(?!目标)|职责分工|重点工作|主要工作|工作内容|实施内容|工作安排|活动安排|具体做法|攻坚|内容/,
  notTasks: /步骤|阶段|要求|保障|思想|原则|意义|背景|组织领导|领导小组/,
};

/** True for a section whose children are areas or tasks (三、主要任务和职责分工). */
export function isTaskSection(h: Heading): boolean {
  return SECTION_WORDS.tasks.test(h.title) && !SECTION_WORDS.notTasks.test(h.title);
}
