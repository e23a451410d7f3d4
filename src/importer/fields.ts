/**
 * Responsibility fields: "责任领导:…责任股室:…责任人:…配合单位:…主要职责和完成时限:…"
 * (a bureau's form, often run together without separators), and the parenthetical
 * forms schools use at the end of a measure: "(负责部门:党支部、教导处)",
 * "(责任部门:…)", "(责任单位:…)", "(牵头单位:…;配合单位:…)".
 *
 * A run of adjacent fields is a block; each block marks one task.
 */
import { lineOf, type SourceText } from './source-text.js';

export type FieldKind = 'leader' | 'department' | 'person' | 'cooperating' | 'deadline';

export interface FieldHit {
  kind: FieldKind;
  label: string;
  start: number;
  valueStart: number;
  valueEnd: number;
  /** The value as written (orig text), trimmed; '' when blank. */
  value: string;
  line: number;
}

export interface FieldBlock {
  fields: FieldHit[];
  start: number;
  end: number;
  line: number;
  /** Written as "(负责部门:…)" inside a measure's text. */
  parenthetical: boolean;
}

const LABELS: Array<[FieldKind, string]> = [
  ['leader', '责任领导|分管领导|牵头领导|包抓领导|责任校领导|分管校领导'],
  [
    'department',
    '责任股室|责任科室|责任处室|责任部门|负责部门|负责处室|负责股室|负责科室|负责单位|责任单位|牵头单位|牵头部门|主责单位|主责部门|实施部门',
  ],
  ['person', '具体责任人|责任人'],
  ['cooperating', '配合单位|配合部门|配合科室|协同单位|协办单位|参与单位|协助单位|协同部门'],
  ['deadline', '(?:(?<=^|[。;\\n])学校)?(?:主要职责和完成时限|职责和完成时限|完成时限|完成时间|时间节点|时限要求)'],
];
const LABEL_SOURCE = LABELS.map(([, re]) => `(?:${re})`).join('|');
/** A label followed by a colon, or (cut short) by the end of a paragraph. */
const LABEL = new RegExp(`(${LABEL_SOURCE})\\s*(?::|(?=\\n|$))`, 'g');
const PAREN = new RegExp(`\\(((?:${LABEL_SOURCE})\\s*:[^()\\n]*)\\)`, 'g');

function kindOf(label: string): FieldKind {
  for (const [kind, re] of LABELS) if (new RegExp(`^(?:${re})$`).test(label)) return kind;
  return 'deadline';
}

/** A sentence that opens with a date continues a deadline field: "…考核评估。8月底前,出台…". */
const DATE_OPENING = /^(?:\d{4}年)?\d{1,2}月|^到\d{4}年|^\d{4}年|^每学[期年]|^每年|^(?:计划|工程|方案)?实施末期/;

function deadlineEnd(s: string, from: number, limit: number): number {
  let end = from;
  for (;;) {
    const rest = s.slice(end, limit);
    const stop = rest.search(/[。\n]/);
    if (stop < 0) return limit;
    end += stop + 1;
    if (s[end - 1] === '\n') return end - 1;
    if (!DATE_OPENING.test(s.slice(end, limit))) return end;
  }
}

/**
 * Every field block in the stream. `limits` are indexes (headings) a value never runs
 * past; values also end at the next label, and a non-deadline value at a sentence end.
 */
export function findFieldBlocks(src: SourceText, limits: readonly number[]): FieldBlock[] {
  const s = src.norm;
  const nextLimit = (i: number) => limits.find((x) => x > i) ?? s.length;
  const blocks: FieldBlock[] = [];
  const inParen: Array<[number, number]> = [];

  for (const m of s.matchAll(PAREN)) {
    const inner = m[1] ?? '';
    const base = m.index + 1;
    const fields: FieldHit[] = [];
    const labels = [...inner.matchAll(LABEL)];
    labels.forEach((l, k) => {
      const valueStart = base + l.index + l[0].length;
      const valueEnd = base + (labels[k + 1]?.index ?? inner.length);
      fields.push(hit(src, kindOf((l[1] ?? '').trim()), l[1] ?? '', base + l.index, valueStart, valueEnd));
    });
    if (fields.length === 0) continue;
    blocks.push({ fields, start: m.index, end: m.index + m[0].length, line: lineOf(src, m.index), parenthetical: true });
    inParen.push([m.index, m.index + m[0].length]);
  }

  const labels = [...s.matchAll(LABEL)].filter((l) => !inParen.some(([a, b]) => l.index >= a && l.index < b));
  let current: FieldBlock | null = null;
  labels.forEach((l, k) => {
    const label = (l[1] ?? '').trim();
    const kind = kindOf(label);
    const valueStart = l.index + l[0].length;
    const nextLabel = labels[k + 1]?.index ?? s.length;
    const limit = Math.min(nextLabel, nextLimit(l.index));
    let valueEnd: number;
    if (kind === 'deadline') valueEnd = deadlineEnd(s, valueStart, limit);
    else {
      const stop = s.slice(valueStart, limit).search(/[。\n]/);
      valueEnd = stop < 0 ? limit : valueStart + stop;
    }
    // Fields of one task may be run together or written as sentences ("责任单位:X。完成时限:Y。").
    const near = current !== null && /^[\s。;;,,]*$/.test(s.slice(current.end, l.index));
    // "牵头单位:A;责任单位:B" — a second unit label next to the first names more units
    // of the same task, not a new task: they cooperate.
    const extraUnits =
      near &&
      kind === 'department' &&
      current!.fields.some((f) => f.kind === 'department') &&
      !current!.fields.some((f) => f.kind === 'cooperating');
    const field = hit(src, extraUnits ? 'cooperating' : kind, label, l.index, valueStart, valueEnd);
    // Adjacent to the previous field (nothing but its value between) and a new kind:
    // the same block. Otherwise a new block, i.e. a new task.
    const adjacent = near && !current!.fields.some((f) => f.kind === field.kind);
    if (adjacent && current !== null) {
      current.fields.push(field);
      current.end = valueEnd;
    } else {
      current = { fields: [field], start: l.index, end: valueEnd, line: lineOf(src, l.index), parenthetical: false };
      blocks.push(current);
    }
  });
  return mergeAdjacent(
    s,
    blocks.sort((a, b) => a.start - b.start),
  );
}

/**
 * "(牵头单位:A;配合单位:B)完成时限:2024年6月底前。": a parenthetical block and the labelled
 * fields right after it (nothing but punctuation between, no kind twice) are one task's.
 */
function mergeAdjacent(s: string, blocks: FieldBlock[]): FieldBlock[] {
  const out: FieldBlock[] = [];
  for (const b of blocks) {
    const prev = out[out.length - 1];
    if (
      prev &&
      prev.parenthetical !== b.parenthetical &&
      /^[\s。;;,,]*$/.test(s.slice(prev.end, b.start)) &&
      !b.fields.some((f) => prev.fields.some((g) => g.kind === f.kind))
    ) {
      prev.fields.push(...b.fields);
      prev.end = b.end;
      continue;
    }
    out.push(b);
  }
  return out;
}

function hit(src: SourceText, kind: FieldKind, label: string, start: number, valueStart: number, valueEnd: number): FieldHit {
  const value = src.orig
    .slice(valueStart, valueEnd)
    .trim()
    .replace(/^[:\uFF1A]+/, '')
    .replace(/[。;\uFF1B,\uFF0C、\s]+$/, '')
    .trim();
  return { kind, label, start, valueStart, valueEnd, value, line: lineOf(src, start) };
}
