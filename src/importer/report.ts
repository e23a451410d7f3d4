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

export class Report {
  readonly items: ImportReportItem[] = [];

  add(kind: ReportKind, path: string, line: number | null, zh: string, en: string): void {
    this.items.push({ kind, path, line, zh, en });
  }

  /** "tasks[3].responsibleLeader is blank in the document (line 12)". */
  blank(path: string, line: number, what: { zh: string; en: string }, placeholder?: string): void {
    const fill = placeholder
      ? { zh: `,草稿暂填 "${placeholder}"`, en: `; the draft uses "${placeholder}" until it is filled` }
      : { zh: '', en: '' };
    this.add(
      'blank',
      path,
      line,
      `${path}(${what.zh})在原文第 ${line} 行为空${fill.zh}`,
      `${path} (${what.en}) is blank in the document (line ${line})${fill.en}`,
    );
  }

  missing(path: string, line: number | null, what: { zh: string; en: string }, placeholder?: string): void {
    const where =
      line === null ? { zh: '原文', en: 'the document' } : { zh: `原文(第 ${line} 行附近)`, en: `the document (near line ${line})` };
    const fill = placeholder
      ? { zh: `,草稿暂填 "${placeholder}"`, en: `; the draft uses "${placeholder}" until it is filled` }
      : { zh: '', en: '' };
    this.add(
      'missing',
      path,
      line,
      `${path}:${where.zh}未写明${what.zh}${fill.zh}`,
      `${path}: ${where.en} does not state ${what.en}${fill.en}`,
    );
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
