/**
 * Plans as files: read a YAML or JSON plan, validate it against PlanDefinitionSchema,
 * and answer with the plan or with EVERY problem at once, each with its path and its
 * line in the file ("line 41 tasks[3].deadline: "2023-02-30" is not a date").
 *
 * JSON is parsed by the YAML parser too (JSON is YAML 1.2's flow syntax), which gives
 * the same node positions for both; a JSON file is also checked by JSON.parse so that
 * YAML-only leniencies (comments, trailing commas) are reported in a .json file.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { PlanDefinitionSchema, PlanDefinitionShape, type PlanDefinition } from '../domain/plan.schema.js';
import { lenientReferenceIssues } from './lenient-references.js';
import { issueMessage, schemaMessage, shownValue, yamlErrorMessage } from './messages.js';
import { formatPath, isPathPrefix, valueAt, type PathSegment } from './paths.js';
import { findUnknownKeys } from './unknown-keys.js';
import { locate } from './yaml-lines.js';

export interface PlanFileProblem {
  /** 1-based line in the file; null when the problem is about the file as a whole. */
  line: number | null;
  column?: number;
  /** Field path such as tasks[3].deadline; '' for the whole file. */
  path: string;
  /** English message, without the path ("\"2023-02-30\" is not a date"). */
  message: string;
  /** The same in Chinese. */
  zh: string;
  severity: 'error' | 'warning';
}

export type PlanFileResult =
  { ok: true; file: string; plan: PlanDefinition; warnings: PlanFileProblem[] } | { ok: false; file: string; problems: PlanFileProblem[] };

export interface ParseOptions {
  /** Name shown in messages; also picks JSON checking when it ends in .json. */
  file?: string;
  format?: 'yaml' | 'json';
}

const byLine = (a: PlanFileProblem, b: PlanFileProblem) =>
  (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.path.localeCompare(b.path);

function jsonSyntaxProblem(text: string): PlanFileProblem | null {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = /position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : null;
    const line = offset === null ? null : text.slice(0, offset).split('\n').length;
    return { line, path: '', message: `JSON syntax: ${message}`, zh: `JSON 语法错误：${message}`, severity: 'error' };
  }
}

/** Validates plan text already in memory (what readPlanFile does after reading). */
export function parsePlanText(text: string, options: ParseOptions = {}): PlanFileResult {
  const file = options.file ?? '<plan>';
  const format = options.format ?? (/\.json$/i.test(file) ? 'json' : 'yaml');
  const source = text.replace(/^\uFEFF/, '');
  const fail = (problems: PlanFileProblem[]): PlanFileResult => ({ ok: false, file, problems: problems.sort(byLine) });

  if (source.trim() === '') {
    return fail([{ line: null, path: '', message: 'the file is empty', zh: '文件为空', severity: 'error' }]);
  }
  if (format === 'json') {
    const bad = jsonSyntaxProblem(source);
    if (bad) return fail([bad]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = [...doc.errors, ...doc.warnings].map((e): PlanFileProblem => {
    const pos = lines.linePos(e.pos[0]);
    const msg = yamlErrorMessage(e.code, e.message);
    return {
      line: pos.line,
      column: pos.col,
      path: '',
      message: msg.en,
      zh: msg.zh,
      severity: e.name === 'YAMLWarning' ? 'warning' : 'error',
    };
  });
  if (syntax.some((p) => p.severity === 'error')) return fail(syntax);

  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return fail([
      {
        line: 1,
        path: '',
        message: 'the plan must be a mapping of fields (id:, title:, …)',
        zh: '方案文件顶层应为字段映射（id:、title: 等）',
        severity: 'error',
      },
    ]);
  }

  const at = (path: readonly PathSegment[]) => locate(doc, path, lines, source);
  const problem = (path: PathSegment[], en: string, zh: string, severity: 'error' | 'warning'): PlanFileProblem => {
    const where = at(path);
    return { line: where.line, column: where.column, path: formatPath(path), message: en, zh, severity };
  };

  const warnings = [
    ...syntax,
    ...findUnknownKeys(PlanDefinitionShape, raw).map((u) => {
      const hint = u.suggestion
        ? { en: ` (did you mean "${u.suggestion}"?)`, zh: `（是否应为「${u.suggestion}」？）` }
        : { en: '', zh: '' };
      return problem(u.path, `unknown field "${u.key}" is ignored${hint.en}`, `未知字段「${u.key}」将被忽略${hint.zh}`, 'warning');
    }),
  ];

  const issueProblem = (path: PathSegment[], en: string, zh: string): PlanFileProblem => problem(path, en, zh, 'error');
  const errors: PlanFileProblem[] = [];
  const shape = PlanDefinitionShape.safeParse(raw);
  if (shape.success) {
    // Shape is fine: the full schema adds the cross-reference checks.
    const parsed = PlanDefinitionSchema.safeParse(raw);
    if (parsed.success) return { ok: true, file, plan: parsed.data, warnings: warnings.sort(byLine) };
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
      const msg = schemaMessage(issue.message, shownValue(valueAt(raw, path), at(path).source));
      errors.push(issueProblem(path, msg.en, msg.zh));
    }
    return fail([...errors, ...warnings]);
  }
  const shapePaths: PathSegment[][] = [];
  for (const issue of shape.error.issues) {
    const path = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
    // A list of the wrong length still has items worth checking (phases: 3 of 4).
    const lengthOnly = (issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'array';
    if (!lengthOnly) shapePaths.push(path);
    const msg = issueMessage(issue, valueAt(raw, path), at(path).source);
    errors.push(issueProblem(path, msg.en, msg.zh));
  }
  // zod skips the reference checks when the shape fails: run them on what is there,
  // leaving out anything at or under a path that already has a shape problem.
  for (const issue of lenientReferenceIssues(raw)) {
    if (shapePaths.some((p) => isPathPrefix(p, issue.path))) continue;
    const msg = schemaMessage(issue.message, shownValue(valueAt(raw, issue.path), at(issue.path).source));
    errors.push(issueProblem(issue.path, msg.en, msg.zh));
  }
  return fail([...errors, ...warnings]);
}

/** Reads and validates a plan file (.yaml, .yml or .json). */
export async function readPlanFile(path: string): Promise<PlanFileResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      file: path,
      problems: [{ line: null, path: '', message: `cannot read the file: ${message}`, zh: `无法读取文件：${message}`, severity: 'error' }],
    };
  }
  const ext = extname(path).toLowerCase();
  return parsePlanText(text, { file: path, format: ext === '.json' ? 'json' : 'yaml' });
}

export interface FormatOptions {
  /** 'both' (default) prints English then Chinese; 'en' or 'zh' prints one. */
  lang?: 'en' | 'zh' | 'both';
  /** Prefix each line with the file name, as compilers do (plan.yaml:41). */
  file?: string;
}

/** One line per problem: `line 41 tasks[3].deadline: "2023-02-30" is not a date / …`. */
export function formatProblems(problems: readonly PlanFileProblem[], options: FormatOptions = {}): string {
  const lang = options.lang ?? 'both';
  return problems
    .map((p) => {
      const where = options.file
        ? `${options.file}:${p.line ?? ''}${p.line === null ? '' : ' '}`
        : p.line === null
          ? ''
          : lang === 'zh'
            ? `第 ${p.line} 行 `
            : `line ${p.line} `;
      const level = p.severity === 'warning' ? (lang === 'zh' ? '警告 ' : 'warning ') : '';
      const path = p.path === '' ? '' : `${p.path}: `;
      const text = lang === 'en' ? p.message : lang === 'zh' ? p.zh : p.zh === p.message ? p.message : `${p.message} / ${p.zh}`;
      return `${where}${level}${path}${text}`;
    })
    .join('\n');
}
