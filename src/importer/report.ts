/**
 * The import report: everything the importer found, supplied or could not find, each
 * with the draft field it concerns and the source line, in Chinese and English. A
 * draft is only as trustworthy as its report: blanks and defects of the document are
 * listed here rather than quietly filled.
 */
import { fullWidth } from '../documents/office-text.js';

export type ReportKind =
  /** The document has the field but leaves it empty (责任领导:<nothing>). */
  | 'blank'
  /** The document does not state it at all (no phases, no deadline). */
  | 'missing'
  /** The document contradicts itself (a phase ending before it starts). */
  | 'defect'
  /** A value the importer supplied (a year from context, a default grace period). */
  | 'assumed'
  /** A recurring duty: the schema has no recurrence, so only the first round is dated. */
  | 'recurring'
  /** Found and taken as written (for the record, e.g. the escalation ladder). */
  | 'found';

export interface ImportReportItem {
  kind: ReportKind;
  /** Draft field path (tasks[3].responsibleLeader); '' for the document as a whole. */
  path: string;
  /** 1-based source line; null when the item is about the whole document. */
  line: number | null;
  zh: string;
  en: string;
}

/** Placeholder ids for required references the document leaves blank. */
export const TBD_PERSON = { id: 'tbd', name: '待定' } as const;
export const TBD_UNIT = { id: 'tbd', name: '待定单位' } as const;

/** Task fields as the report names them. */
export const FIELD_WORDS = {
  responsibleLeader: { zh: '责任领导', en: 'responsible leader' },
  leadDepartment: { zh: '责任股室/负责部门', en: 'lead department' },
  responsiblePerson: { zh: '责任人', en: 'responsible person' },
  deadline: { zh: '完成时限', en: 'deadline' },
};

/** A task field no task of the plan states, for the one summary line that replaces a line per task. */
interface AbsentField {
  task: number;
  field: string;
  what: { zh: string; en: string };
  placeholder: string | undefined;
}

export class Report {
  readonly items: ImportReportItem[] = [];
  /** Items `missing()` wrote for a task's field, with what summarizing them needs. */
  private readonly absent = new Map<ImportReportItem, AbsentField>();

  add(kind: ReportKind, path: string, line: number | null, zh: string, en: string): void {
    this.items.push({ kind, path, line, zh, en });
  }

  /** "tasks[3].responsibleLeader is blank in the document (line 12)". */
  blank(path: string, line: number, what: { zh: string; en: string }, placeholder?: string): void {
    const fill = placeholder
      ? { zh: `，草稿暂填「${placeholder}」`, en: `; the draft uses "${placeholder}" until it is filled` }
      : { zh: '', en: '' };
    this.add(
      'blank',
      path,
      line,
      `${path}（${what.zh}）在原文第 ${line} 行为空${fill.zh}`,
      `${path} (${what.en}) is blank in the document (line ${line})${fill.en}`,
    );
  }

  missing(path: string, line: number | null, what: { zh: string; en: string }, placeholder?: string): void {
    const where =
      line === null ? { zh: '原文', en: 'the document' } : { zh: `原文（第 ${line} 行附近）`, en: `the document (near line ${line})` };
    const fill = placeholder
      ? { zh: `，草稿暂填「${placeholder}」`, en: `; the draft uses "${placeholder}" until it is filled` }
      : { zh: '', en: '' };
    this.add(
      'missing',
      path,
      line,
      `${path}：${where.zh}未写明${what.zh}${fill.zh}`,
      `${path}: ${where.en} does not state ${what.en}${fill.en}`,
    );
    const task = /^tasks\[(\d+)\]\.(\w+)$/.exec(path);
    if (task) this.absent.set(this.items[this.items.length - 1]!, { task: Number(task[1]), field: task[2]!, what, placeholder });
  }

  /**
   * A field missing from every one of the plan's `taskCount` tasks is the genre's, not a
   * slip (a school plan names departments, never a 责任人): one line says so in place of a
   * line per task. A field missing from some tasks keeps its line per task.
   */
  summarizeAbsentFields(taskCount: number): void {
    if (taskCount < 2) return;
    const byField = new Map<string, Array<[ImportReportItem, AbsentField]>>();
    for (const [item, a] of this.absent) byField.set(a.field, [...(byField.get(a.field) ?? []), [item, a]]);
    for (const list of byField.values()) {
      if (new Set(list.map(([, a]) => a.task)).size !== taskCount) continue;
      const { what, placeholder } = list[0]![1];
      const lines = list
        .map(([i]) => i.line)
        .filter((l): l is number => l !== null)
        .sort((a, b) => a - b);
      const shown = lines.slice(0, 6);
      const more = lines.length > shown.length;
      const fill = placeholder
        ? { zh: `，草稿均暂填「${placeholder}」，请统一补充`, en: `; the draft uses "${placeholder}" in each until they are filled` }
        : { zh: '，请逐项补充', en: '; fill them in' };
      const summary: ImportReportItem = {
        kind: 'missing',
        path: 'tasks',
        line: lines[0] ?? null,
        zh: `全部 ${taskCount} 项任务均未写明${what.zh}（任务在第 ${shown.join('、')} 行${more ? '等' : ''}）${fill.zh}`,
        en: `none of the ${taskCount} tasks states its ${what.en} (tasks at lines ${shown.join(', ')}${more ? ' and more' : ''})${fill.en}`,
      };
      const at = this.items.indexOf(list[0]![0]);
      const drop = new Set(list.map(([i]) => i));
      const kept = this.items.filter((i) => !drop.has(i));
      kept.splice(Math.min(at, kept.length), 0, summary);
      this.items.splice(0, this.items.length, ...kept);
      for (const [i] of list) this.absent.delete(i);
    }
  }
}

const KIND_ZH: Record<ReportKind, string> = {
  blank: '空白',
  missing: '缺失',
  defect: '原文错误',
  assumed: '推定',
  recurring: '周期性',
  found: '已识别',
};

/** Chinese as users read it: full-width punctuation, quotations in “”. */
export function reportZh(zh: string): string {
  return fullWidth(zh).replace(/"([^"]*)"/g, '“$1”');
}

/**
 * One line per item, sorted by source line, Chinese first: `第 12 行 [空白] …（全角） / …`;
 * `en` gives `line 12 [blank] …`.
 */
export function formatReport(items: readonly ImportReportItem[], lang: 'en' | 'zh' | 'both' = 'both'): string {
  return [...items]
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
    .map((i) => {
      const where = i.line === null ? '' : lang === 'en' ? `line ${i.line} ` : `第 ${i.line} 行 `;
      const kind = lang === 'en' ? `[${i.kind}]` : `[${KIND_ZH[i.kind]}]`;
      const text = lang === 'en' ? i.en : lang === 'zh' ? reportZh(i.zh) : `${reportZh(i.zh)} / ${i.en}`;
      return `${where}${kind} ${text}`;
    })
    .join('\n');
}
