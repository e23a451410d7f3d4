/**
 * Phases (工作推进步骤): "第一阶段:…启动阶段(2023年4月至9月)", "(一)推进阶段:2023年9月—
 * 2024年8月", "2024年9月至12月为总结评估阶段". A date window counts as a phase when
 * "阶段" is written next to it. Keys come from the words (启动 → launch, 推进 →
 * promotion, 全面实施/实施 → implementation, 总结/评估 → evaluation), else from order.
 *
 * Defects are reported and kept, never repaired: an end before its start stays as
 * written. The one convention applied is the shared boundary month ("4月至9月" then
 * "9月至次年8月"): the earlier phase is ended the day before the later one starts,
 * and the report says so.
 */
import type { PhaseKeyT } from '../domain/plan.schema.js';
import { PHASE_KEYS } from '../domain/plan.schema.js';
import { addDays, findDateRanges, isRealDate, lastDay, type DateRange } from './dates.js';
import { chineseNumber } from './numerals.js';
import type { Report } from './report.js';
import { lineOf, textOf, type SourceText } from './source-text.js';

export interface PhaseDraft {
  key: PhaseKeyT;
  name?: string;
  start: string;
  end: string;
}

export interface PhasesResult {
  phases: PhaseDraft[];
  /** Source line of each phase (null when the document has none for that key). */
  lines: Array<number | null>;
  /** Phases whose dates the document gets wrong (their index). */
  defective: Set<number>;
}

const KEY_WORDS: Array<[PhaseKeyT, RegExp]> = [
  ['evaluation', /总结|评估|验收|表彰|展示/],
  ['implementation', /全面实施|全面推进|组织实施|实施|攻坚/],
  ['promotion', /推进|深化|提升|整改|调整|完善/],
  ['launch', /启动|准备|动员|部署|宣传|筹备|调研/],
];
const DEFAULT_NAMES: Record<PhaseKeyT, string> = {
  launch: '启动阶段',
  promotion: '推进阶段',
  implementation: '全面实施阶段',
  evaluation: '总结评估阶段',
};
const WORDS_ZH: Record<PhaseKeyT, string> = { launch: '启动', promotion: '推进', implementation: '全面实施', evaluation: '总结评估' };

interface Candidate {
  range: DateRange;
  name: string;
  ordinal: number | null;
  key: PhaseKeyT | null;
  line: number;
}

function lastEnd(name: string, re: RegExp): number {
  let end = -1;
  for (const m of name.matchAll(new RegExp(re.source, 'g'))) end = Math.max(end, m.index + m[0].length);
  return end;
}

/**
 * The key whose word stands nearest the end ("…质量与效益提升工程启动阶段" is a launch
 * phase, whatever "提升" says earlier), and the name from that key's words on.
 */
function classify(name: string): { key: PhaseKeyT | null; display: string } {
  let best: { key: PhaseKeyT; end: number } | null = null;
  for (const [key, re] of KEY_WORDS) {
    const end = lastEnd(name, re);
    if (end >= 0 && (best === null || end > best.end)) best = { key, end };
  }
  if (best === null) return { key: null, display: name };
  // Drop the programme's name before the phase words: "…提升工程" | "推进阶段".
  let display = name;
  const prefix = /^.*(?:工程|项目|行动|工作|计划|活动|方案)(?=[^工项行计活方]*阶段$)/.exec(name);
  if (prefix && prefix[0].length < name.length - 2) display = name.slice(prefix[0].length);
  if (display.length > 12) {
    const at = display.search(KEY_WORDS.find(([k]) => k === best.key)![1]);
    if (at > 0) display = display.slice(at);
  }
  return { key: best.key, display };
}

function candidates(src: SourceText): Candidate[] {
  const s = src.norm;
  const out: Candidate[] = [];
  for (const range of findDateRanges(s)) {
    // The phase's words are beside its window, within the same clause.
    const lineStart = Math.max(...['\n', '。', ';'].map((c) => s.lastIndexOf(c, range.index - 1))) + 1;
    const beforeFrom = Math.max(lineStart, range.index - 60);
    const before = s.slice(beforeFrom, range.index);
    const afterEnd = s.slice(range.endIndex, range.endIndex + 30).search(/[。;,\n]/);
    const after = s.slice(range.endIndex, range.endIndex + (afterEnd < 0 ? 30 : afterEnd));
    let name: string | null = null;
    let nameAt = range.index;
    // "2024年3月至8月为准备启动阶段" (after) before "第一阶段:启动阶段(…)" (before).
    const a = /^[)\s]*(?:为|是|:)?([\u4e00-\u9fa5、和与]{2,20}?阶段)/.exec(after);
    const b = /([\u4e00-\u9fa5、和与]{0,30}阶段)[^阶]*$/.exec(before);
    if (a?.[1]) {
      name = a[1];
      nameAt = range.endIndex + a.index + a[0].lastIndexOf(a[1]);
    } else if (b?.[1]) {
      name = b[1];
      nameAt = beforeFrom + b.index;
    }
    if (name === null) continue;
    const ordinal = /第([一二三四五六七八九十])阶段/.exec(before);
    const clean = name.replace(/^.*第[一二三四五六七八九十]阶段/, '').replace(/^[::]/, '');
    const { key, display } = classify(clean === '' ? name : clean);
    const at = name.lastIndexOf(display);
    out.push({
      range,
      name: at >= 0 ? textOf(src, nameAt + at, nameAt + at + display.length) || display : display,
      ordinal: ordinal ? chineseNumber(ordinal[1] ?? '') : null,
      key,
      line: lineOf(src, range.index),
    });
  }
  return out;
}

export function extractPhases(src: SourceText, report: Report): PhasesResult {
  const found = candidates(src);
  const slots = new Map<PhaseKeyT, Candidate>();
  // Words first; a phase without key words, or a clash, falls back to its position.
  const byOrder = found.length === PHASE_KEYS.length;
  // Four windows in date order are the four phases in order, whatever their names say
  // ("全面推进阶段" then "深化提升阶段"): the plan's phases run launch → evaluation.
  const chronological = byOrder && found.every((c, i) => i === 0 || c.range.start > found[i - 1]!.range.start);
  found.forEach((c, i) => {
    let key = chronological ? PHASE_KEYS[i]! : c.key;
    if (key === null || slots.has(key)) {
      const fallback = byOrder ? PHASE_KEYS[i]! : PHASE_KEYS.find((k) => !slots.has(k));
      if (fallback === undefined || slots.has(fallback)) {
        const into = key ?? PHASE_KEYS[PHASE_KEYS.length - 1]!;
        const kept = slots.get(into)!;
        report.add(
          'defect',
          `phases[${PHASE_KEYS.indexOf(into)}]`,
          c.line,
          `原文第 ${c.line} 行的阶段「${c.name}」（${c.range.text}）与第 ${kept.line} 行的阶段重复或多余，未导入`,
          `the phase "${c.name}" (${c.range.text}, line ${c.line}) repeats or exceeds the four phases (line ${kept.line}); not imported`,
        );
        return;
      }
      report.add(
        'assumed',
        `phases[${PHASE_KEYS.indexOf(fallback)}].key`,
        c.line,
        `阶段「${c.name}」（第 ${c.line} 行）未能按名称归类，按顺序视为${WORDS_ZH[fallback]}阶段（${fallback}）`,
        `phase "${c.name}" (line ${c.line}) has no key word; taken as ${fallback} by its order`,
      );
      key = fallback;
    }
    slots.set(key, c);
  });

  const phases: PhaseDraft[] = [];
  const lines: Array<number | null> = [];
  const defective = new Set<number>();
  const none = slots.size === 0;
  if (none) {
    // One line, not four: the document has no phases at all.
    report.add(
      'missing',
      'phases',
      null,
      '原文没有分阶段安排（启动、推进、全面实施、总结评估阶段的起止时间），请补充',
      'the document gives no phases (the dates of the launch, promotion, implementation and evaluation phases): add them',
    );
  }
  PHASE_KEYS.forEach((key, i) => {
    const c = slots.get(key);
    if (c === undefined) {
      phases.push({ key, name: DEFAULT_NAMES[key], start: '', end: '' });
      lines.push(null);
      if (!none) {
        report.missing(`phases[${i}]`, null, {
          zh: `${WORDS_ZH[key]}阶段（${key}）的起止时间`,
          en: `the dates of the ${key} phase (${DEFAULT_NAMES[key]})`,
        });
      }
      return;
    }
    phases.push({ key, name: c.name, start: c.range.start, end: c.range.end });
    lines.push(c.line);
    if (c.range.endYearFrom === 'next-year') {
      report.add(
        'assumed',
        `phases[${i}].end`,
        c.line,
        `phases[${i}]「${c.range.text}」结束月份早于开始月份，按次年计为 ${c.range.end}（第 ${c.line} 行）`,
        `phases[${i}] "${c.range.text}" ends in an earlier month than it starts; read as the next year, ${c.range.end} (line ${c.line})`,
      );
    }
  });

  checkPhases(phases, lines, defective, found, slots, report);
  return { phases, lines, defective };
}

function checkPhases(
  phases: PhaseDraft[],
  lines: Array<number | null>,
  defective: Set<number>,
  found: Candidate[],
  slots: Map<PhaseKeyT, Candidate>,
  report: Report,
): void {
  phases.forEach((p, i) => {
    const line = lines[i];
    if (line === null || line === undefined) return;
    for (const [field, date] of [
      ['start', p.start],
      ['end', p.end],
    ] as const) {
      if (!isRealDate(date)) {
        defective.add(i);
        report.add(
          'defect',
          `phases[${i}].${field}`,
          line,
          `phases[${i}].${field}：「${date}」不是真实日期（第 ${line} 行）`,
          `phases[${i}].${field} "${date}" is not a real date (line ${line})`,
        );
      }
    }
    if (p.end < p.start) {
      defective.add(i);
      const text = slots.get(p.key)?.range.text ?? '';
      const y = Number(p.end.slice(0, 4)) + 1;
      const hint = /^\d{4}/.test(p.end) ? `${y}-${p.end.slice(5)}` : '';
      report.add(
        'defect',
        `phases[${i}].end`,
        line,
        `phases[${i}]（${p.name ?? p.key}）结束 ${p.end} 早于开始 ${p.start}（第 ${line} 行「${text}」），年份可能有误（是否应为 ${hint}？），草稿保留原文，请核实`,
        `phases[${i}] (${p.name ?? p.key}) ends ${p.end}, before it starts ${p.start} (line ${line}, "${text}"); a year is probably wrong (${hint}?). The draft keeps the document's dates: check them`,
      );
    }
  });
  for (let i = 1; i < phases.length; i++) {
    const [prev, cur] = [phases[i - 1]!, phases[i]!];
    const [prevLine, line] = [lines[i - 1], lines[i]];
    if (!isRealDate(prev.start) || !isRealDate(cur.start) || prevLine == null || line == null) continue;
    if (cur.start <= prev.start) {
      defective.add(i);
      report.add(
        'defect',
        `phases[${i}].start`,
        line,
        `phases[${i}]（${cur.name ?? cur.key}）开始 ${cur.start} 不晚于上一阶段的开始 ${prev.start}（第 ${prevLine}、${line} 行），与前后阶段的年份矛盾`,
        `phases[${i}] (${cur.name ?? cur.key}) starts ${cur.start}, no later than phases[${i - 1}] starts (${prev.start}; lines ${prevLine}, ${line}): its year contradicts its neighbours`,
      );
      continue;
    }
    if (defective.has(i - 1) || !isRealDate(prev.end) || cur.start > prev.end) continue;
    // "4月至9月" then "9月至次年8月": the month they share goes to the later phase.
    const sharedMonth =
      prev.end.slice(0, 7) === cur.start.slice(0, 7) &&
      cur.start.endsWith('-01') &&
      Number(prev.end.slice(8)) === lastDay(Number(prev.end.slice(0, 4)), Number(prev.end.slice(5, 7)));
    if (sharedMonth) {
      const end = addDays(cur.start, -1);
      report.add(
        'assumed',
        `phases[${i - 1}].end`,
        prevLine,
        `phases[${i - 1}] 与 phases[${i}] 共用 ${cur.start.slice(0, 7)} 月（第 ${prevLine}、${line} 行），草稿将 phases[${i - 1}] 的结束日定为 ${end}`,
        `phases[${i - 1}] and phases[${i}] share the month ${cur.start.slice(0, 7)} (lines ${prevLine}, ${line}); the draft ends phases[${i - 1}] on ${end}`,
      );
      prev.end = end;
    } else {
      defective.add(i);
      report.add(
        'defect',
        `phases[${i}].start`,
        line,
        `phases[${i}] 开始 ${cur.start} 早于 phases[${i - 1}] 结束 ${prev.end}（第 ${prevLine}、${line} 行），阶段重叠`,
        `phases[${i}] starts ${cur.start}, before phases[${i - 1}] ends ${prev.end} (lines ${prevLine}, ${line}): the phases overlap`,
      );
    }
  }
  if (
    found.length > 0 &&
    found.some((c, k) => k > 0 && c.ordinal !== null && found[k - 1]!.ordinal !== null && c.ordinal !== found[k - 1]!.ordinal! + 1)
  ) {
    report.add(
      'defect',
      'phases',
      found[0]!.line,
      '阶段序号不连续（第一、第二……阶段），请核对原文',
      'the phases are not numbered in sequence (第一, 第二, …): check the document',
    );
  }
}
