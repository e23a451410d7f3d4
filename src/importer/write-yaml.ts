/**
 * writePlanYaml: the imported draft as a plan file a person can finish. A header lists
 * the whole report by source line; each report item is also written as a comment at
 * the field it concerns, and each task, phase, area and goal carries its source line,
 * so the reader can go from the draft to the document and back.
 *
 * The output is what readPlanFile reads: fill the blanks, fix the defects, load it.
 */
import { Document, isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { PlanDefinitionInput } from '../domain/plan.schema.js';
import { parsePath } from '../plan-files/paths.js';
import type { ImportReportItem, ReportKind } from './report.js';
import { formatReport } from './report.js';
import type { SourceRef } from './import-plan.js';

export interface WriteYamlOptions {
  /** Draft path → source line (importPlanDocument's `sources`). */
  sources?: Record<string, SourceRef>;
  /** Shown in the header. */
  sourceName?: string;
}

const MARK: Record<ReportKind, string> = {
  blank: '⚠ 待填 / blank',
  missing: '⚠ 缺失 / missing',
  defect: '✗ 原文有误 / defect',
  assumed: '? 推定 / assumed',
  recurring: '↻ 周期性 / recurring',
  found: '· 已识别 / found',
};

interface Target {
  /** Where a comment before the entry goes (a key, or a list item). */
  before: { commentBefore?: string | null } | null;
  /** A scalar value that can carry an inline comment. */
  inline: { comment?: string | null } | null;
}

/** The deepest existing node on `path`, with where its comments can go. */
function target(doc: Document, path: ReturnType<typeof parsePath>): Target {
  let node: unknown = doc.contents;
  let result: Target = { before: null, inline: null };
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg) as Pair<Node, Node> | undefined;
      if (!pair) break;
      const key = isScalar(pair.key) ? pair.key : null;
      node = pair.value;
      result = { before: key, inline: isScalar(node) ? node : null };
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
      result = { before: node as Node, inline: isScalar(node) ? node : null };
    } else break;
  }
  return result;
}

function append(existing: string | null | undefined, text: string): string {
  return existing ? `${existing}\n${text}` : text;
}

export function writePlanYaml(plan: PlanDefinitionInput, report: readonly ImportReportItem[], options: WriteYamlOptions = {}): string {
  const doc = new Document(plan);
  const counts = new Map<ReportKind, number>();
  for (const item of report) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
  const summary = [...counts.entries()].map(([k, n]) => `${MARK[k]} ${n}`).join(',');
  const header = [
    ` 督办方案草稿 / Duban plan draft${options.sourceName ? `：导入自 / imported from ${options.sourceName}` : ''}`,
    ' 请逐项核对下面的导入报告，填好空白、改正原文错误后，再作为方案文件加载（readPlanFile）。',
    ' Check every report item below, fill the blanks and fix the defects, then load it as a plan file.',
    ' 占位 / placeholders: 人员或单位 "tbd" = 待定 (blank in the document); 日期 "" = 原文未给出 (no date given).',
    '',
    ` 导入报告 / import report (${report.length}): ${summary}`,
    ...formatReport(report, 'zh')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `   ${l}`),
  ];
  doc.commentBefore = header.join('\n');

  const sources = options.sources ?? {};
  // Source lines first, so report comments follow them.
  for (const [path, ref] of Object.entries(sources)) {
    if (!/^(tasks|phases|areas|goals)\[\d+\]$|^escalation\.rungs\[\d+\]$/.test(path)) continue;
    const t = target(doc, parsePath(path));
    if (t.before) t.before.commentBefore = append(t.before.commentBefore, ` 原文第 ${ref.line} 行 / source line ${ref.line}`);
  }
  const inline = new Map<{ comment?: string | null }, string[]>();
  for (const item of report) {
    if (item.path === '') continue;
    const t = target(doc, parsePath(item.path));
    const where = item.line === null ? '' : `（第 ${item.line} 行）`;
    if (t.inline && parsePath(item.path).length > 0 && item.kind !== 'found') {
      inline.set(t.inline, [...(inline.get(t.inline) ?? []), `${MARK[item.kind].split(' /')[0]}${where}`]);
    } else if (t.before) {
      t.before.commentBefore = append(t.before.commentBefore, ` ${MARK[item.kind]}: ${item.zh}`);
    }
  }
  // A recurring task's deadline is its first round: marked where the reader looks for the date.
  for (const item of report) {
    const task = /^(tasks\[\d+\])\.recurrence$/.exec(item.path);
    if (item.kind !== 'recurring' || !task || item.line === null) continue;
    const deadline = target(doc, parsePath(`${task[1]}.deadline`)).inline;
    if (deadline) inline.set(deadline, [...(inline.get(deadline) ?? []), `${MARK.recurring.split(' /')[0]}（第 ${item.line} 行）`]);
  }
  for (const [node, notes] of inline) node.comment = ` ${[...new Set(notes)].join(';')}`;
  return doc.toString({ lineWidth: 0 });
}
