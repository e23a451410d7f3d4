/**
 * importPlanDocument: a plan document (text) → a draft PlanDefinitionInput and a report.
 *
 * The rules are for the genre (bureau and school 行动计划 / 实施方案 / 提升方案), not for
 * any one file: numbering, field labels, date phrases, the words that name phases. The
 * draft is meant to be written out (writePlanYaml), completed by a person, and loaded
 * as a plan file; the report lists what that person must fill or check, each with the
 * source line. `sources` maps draft paths to source lines, since the schema's objects
 * strip unknown keys and a `line` inside the plan would not survive validation.
 */
import { PlanDefinitionSchema, type PlanDefinitionInput } from '../domain/plan.schema.js';
import { formatPath, isPathPrefix, parsePath } from '../plan-files/paths.js';
import { firstYear, type YearContext } from './dates.js';
import { extractEscalation } from './escalation.js';
import { findFieldBlocks } from './fields.js';
import { extractIndicators } from './indicators.js';
import { extractLeadership } from './leadership.js';
import { findHeadings } from './outline.js';
import { derivePhases, findPeriod } from './period.js';
import { extractPhases } from './phases.js';
import { Registry } from './registry.js';
import { layoutDocument, noticeIssuer } from './split.js';
import { Report, type ImportReportItem } from './report.js';
import { buildSourceText, type SourceText } from './source-text.js';
import { layoutTasks, recurringDutySlots } from './task-layout.js';
import { buildTasks } from './tasks.js';

export interface ImportOptions {
  /** Name of the source (file name): used for the plan id and in messages. */
  sourceName: string;
  /** Year for dates written without one ("8月底前"), when the document does not say. */
  year?: number;
  timeZone?: string;
}

/** What a plan inherits from the document around it (a collection's header, a notice's preamble). */
interface Context {
  /** A year written in the header, for dates the plan writes without one. */
  year?: number;
  /** The body that issues the plan ("XX县教育局关于印发《…》的通知"). */
  issuer?: string;
  /** The draft's id, when a document holds several plans. */
  id?: string;
}

export interface SourceRef {
  line: number;
}

export interface ImportResult {
  plan: PlanDefinitionInput;
  report: ImportReportItem[];
  /** Draft path → source line: "tasks[3]", "tasks[3].deadline", "phases[0]", "people[2]"… */
  sources: Record<string, SourceRef>;
}

const BOILERPLATE = /会员分享|在线阅读|下载|网站|文档网|文库|版权|^\s*-\s/;

/** The title: an early short line that names a plan (方案, 计划…), minus a file extension. */
function findTitle(text: string): { title: string; line: number } | null {
  const all = text.split(/\r?\n/);
  const first = all.findIndex((l) => l.trim() !== '');
  const lines = all.slice(0, Math.max(0, first) + 6);
  for (const [i, raw] of lines.entries()) {
    const line = raw
      .trim()
      .replace(/^\d{1,3}、/, '')
      .replace(/\.(docx?|pdf|txt|wps)$/i, '')
      .replace(/^[《「]|[》」]$/g, '')
      .trim();
    if (line === '' || line.length > 60 || BOILERPLATE.test(raw)) continue;
    if (/(方案|计划|规划|意见|办法|工程|行动)(\s*[(\uFF08].*[)\uFF09])?$/.test(line)) return { title: line, line: i + 1 };
  }
  return null;
}

/** A school or bureau named in the text: "兰州市第十九中学", "XX区教育局". */
function findOrganisation(s: string): string | null {
  const counts = new Map<string, number>();
  for (const m of s.matchAll(
    /[\u4e00-\u9fa5]{1,8}?[省市区县旗][\u4e00-\u9fa5第\d]{0,10}?(?:中学|小学|学校|幼儿园|教育局|教育和体育局|教育体育局|教体局)/g,
  )) {
    if (/《|各|全|中小学/.test(m[0])) continue;
    counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  return best ? best[0] : null;
}

function planId(sourceName: string): string {
  const base = sourceName.replace(/^.*[\\/]/, '').replace(/\.[A-Za-z0-9]+$/, '');
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 40)
    .replace(/[-_]+$/, '');
  return slug === '' ? 'plan' : slug;
}

function documentNotes(src: SourceText, report: Report): void {
  if (src.pageDump) {
    report.add(
      'found',
      '',
      1,
      '原文是按页拼接的网页转存稿（「1、」「2、」……为页码），已按连续文本解析；页面可能缺失或顺序错乱，请对照原件核实',
      'the document is a page-by-page web dump ("1、", "2、"… are page numbers); it was read as continuous text, but pages may be missing or out of order: check against the original',
    );
  }
  if (src.dropped) {
    report.add(
      'found',
      '',
      src.dropped.from,
      `第 ${src.dropped.from}–${src.dropped.to} 行位于最后一页之后，视为网站附加内容，未导入`,
      `lines ${src.dropped.from}–${src.dropped.to} follow the last page and were ignored as site boilerplate`,
    );
  }
}

function importOne(text: string, options: ImportOptions, context: Context = {}): ImportResult & { signals: Signals } {
  const report = new Report();
  const src = buildSourceText(text);
  const registry = new Registry();
  documentNotes(src, report);

  const found = findTitle(text);
  const title = found?.title ?? options.sourceName.replace(/^.*[\\/]/, '').replace(/\.[A-Za-z0-9]+$/, '');
  if (found === null) {
    report.add(
      'missing',
      'title',
      null,
      `原文开头没有可识别的方案标题，草稿暂用来源名「${title}」`,
      `no plan title at the start of the document; the draft uses the source name "${title}"`,
    );
  }

  const headings = findHeadings(src);
  const sectionOrder = headings.filter((h) => h.level === 1);
  sectionOrder.forEach((h, k) => {
    const prev = sectionOrder[k - 1];
    if (prev && h.num !== prev.num + 1 && h.num !== 1) {
      report.add(
        'defect',
        '',
        h.line,
        `第 ${h.line} 行的「${'一二三四五六七八九十'[h.num - 1] ?? h.num}、${h.title}」紧跟在第 ${prev.num} 节之后，章节编号不连续（页面可能缺失或错序）`,
        `section ${h.num} ("${h.title}", line ${h.line}) follows section ${prev.num}: the numbering skips or goes back (pages missing or out of order?)`,
      );
    }
  });

  const leadership = extractLeadership(src, registry, report);
  const phases = extractPhases(src, report);
  const period = findPeriod(src, found?.line ?? null);
  if (period && phases.lines.every((l) => l === null)) {
    // The span replaces the "no phases" line with derived windows.
    const at = report.items.findIndex((r) => r.kind === 'missing' && r.path === 'phases');
    if (at >= 0) report.items.splice(at, 1);
    derivePhases(period, phases.phases, phases.lines, report);
  }
  const start = phases.phases[0]?.start;
  const planStart = start && /^\d{4}-\d{2}-\d{2}$/.test(start) && !phases.defective.has(0) ? start : undefined;
  const documentYear = firstYear(src.norm);
  const years: YearContext = {};
  if (options.year !== undefined) years.option = options.year;
  if (planStart !== undefined) years.planStart = planStart;
  if (documentYear !== undefined) years.documentYear = documentYear;
  else if (context.year !== undefined) years.documentYear = context.year;
  let effectiveStart = planStart ?? (options.year !== undefined ? `${options.year}-01-01` : undefined);
  if (effectiveStart === undefined && documentYear !== undefined) {
    effectiveStart = `${documentYear}-01-01`;
    report.add(
      'assumed',
      'phases[0].start',
      null,
      `原文没有可用的方案开始日期（第一阶段缺失或有误），周期性任务和「N年内」从文中首个年份 ${documentYear} 年 1 月 1 日起算`,
      `the document gives no usable start (the first phase is missing or defective); recurring duties and "within N years" count from ${documentYear}-01-01, the first year it mentions`,
    );
  }
  const implIndex = 2;
  const impl = phases.phases[implIndex];
  const implementationEnd =
    impl && impl.end !== ''
      ? { date: impl.end, defective: phases.defective.has(implIndex), line: phases.lines[implIndex] ?? null }
      : undefined;

  const limits = headings.map((h) => h.index);
  const blocks = findFieldBlocks(src, limits);
  const consumed: Array<[number, number]> = leadership.range ? [leadership.range] : [];
  const measures = layoutTasks(src, headings, blocks, consumed);
  // Recurring duties outside the measures come after them, so the measures keep their numbers.
  const slots = [...measures, ...recurringDutySlots(src, measures)];
  const built = buildTasks(slots, {
    src,
    registry,
    report,
    years,
    ...(effectiveStart !== undefined ? { planStart: effectiveStart } : {}),
    ...(implementationEnd !== undefined ? { implementationEnd } : {}),
    consumed,
  });
  if (built.tasks.length === 0) {
    report.add(
      'missing',
      'tasks',
      null,
      '原文中没有识别出任务（编号条目或「责任领导/负责部门」等字段）',
      'no tasks found (numbered measures or responsibility fields such as 责任领导/负责部门)',
    );
  }
  const goals = extractIndicators(src, years, report, headings);
  const escalation = extractEscalation(src, report);

  const organisation = findOrganisation(src.norm);
  let issuer = '';
  if (context.issuer) issuer = context.issuer;
  else if (leadership.name) issuer = leadership.hasOffice ? `${leadership.name}办公室` : leadership.name;
  else if (organisation) issuer = organisation;
  if (issuer === '') {
    report.add(
      'missing',
      'issuer',
      null,
      'issuer（发文机关）原文未写明，请填写，例如「XX区教育局基础教育质量提升工作领导小组办公室」',
      'issuer: the document does not name who issues notices; fill it in, e.g. the leadership group office',
    );
  } else {
    report.add('assumed', 'issuer', leadership.line, `issuer（发文机关）取「${issuer}」，请核实`, `issuer taken as "${issuer}": check it`);
  }

  if (registry.units.length === 0) registry.tbdUnit();
  if (registry.people.length === 0) registry.tbdPerson();
  registry.placeholdersLast();
  const plan: PlanDefinitionInput = {
    id: context.id ?? planId(options.sourceName),
    title,
    issuer,
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    units: registry.units,
    people: registry.people,
    leadershipGroup: {
      leader: leadership.leader,
      deputies: leadership.deputies,
      members: leadership.members,
      office: {
        ...(leadership.office.unit !== undefined ? { unit: leadership.office.unit } : {}),
        ...(leadership.office.director !== undefined ? { director: leadership.office.director } : {}),
        members: leadership.office.members,
      },
    },
    phases: phases.phases,
    ...(period ? { period: { start: period.start, end: period.end } } : {}),
    areas: built.areas,
    tasks: built.tasks,
    goals: goals.goals,
    ...(escalation.escalation ? { escalation: escalation.escalation } : {}),
  };
  const real = registry.people.filter((p) => p.id !== 'tbd');
  if (real.length > 0) {
    report.add(
      'missing',
      'people',
      null,
      `${real.length} 位人员的联系方式（电话、邮箱）为空，提醒和通知需要它们`,
      `${real.length} people have blank contacts (phone, email); reminders and notices need them`,
    );
  }

  const sources = sourceMap(registry, phases.lines, built.lines, goals.lines, escalation.lines, leadership.line, found?.line ?? null);
  uncovered(plan, report);
  // After the safety net, which the per-task lines satisfy; the summary line covers `tasks` as a whole.
  report.summarizeAbsentFields(built.tasks.length);
  const signals = {
    title: found !== null,
    fielded: slots.filter((x) => x.block !== null).length,
    goals: goals.goals.length,
    phases: phases.lines.filter((l) => l !== null).length,
  };
  return { plan, report: report.items, sources, signals };
}

/** Enough of a plan to draft: a plan's title, or responsibility fields, goals or phase windows. */
function looksLikePlan(signals: Signals): boolean {
  return signals.title || signals.fielded > 0 || signals.goals >= 2 || signals.phases >= 2;
}

interface Signals {
  title: boolean;
  fielded: number;
  goals: number;
  phases: number;
}

function sourceMap(
  registry: Registry,
  phaseLines: Array<number | null>,
  taskLines: Map<string, number>,
  goalLines: number[],
  rungLines: number[],
  groupLine: number | null,
  titleLine: number | null,
): Record<string, SourceRef> {
  const out: Record<string, SourceRef> = {};
  const put = (path: string, line: number | null | undefined) => {
    if (line !== null && line !== undefined) out[path] = { line };
  };
  put('title', titleLine);
  put('leadershipGroup', groupLine);
  phaseLines.forEach((l, i) => put(`phases[${i}]`, l));
  for (const [path, line] of taskLines) put(path, line);
  goalLines.forEach((l, i) => put(`goals[${i}]`, l));
  rungLines.forEach((l, i) => put(`escalation.rungs[${i}]`, l));
  registry.units.forEach((u, i) => put(`units[${i}]`, registry.lines.get(`unit:${u.id}`)));
  registry.people.forEach((p, i) => put(`people[${i}]`, registry.lines.get(`person:${p.id}`)));
  return out;
}

/**
 * Anything the schema still rejects that no report item covers: a safety net, so that
 * the report is the complete list of what to fix before the draft loads.
 */
function uncovered(plan: PlanDefinitionInput, report: Report): void {
  const parsed = PlanDefinitionSchema.safeParse(plan);
  if (parsed.success) return;
  const reported = report.items.map((i) => parsePath(i.path)).filter((p) => p.length > 0);
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    if (reported.some((r) => isPathPrefix(r, path) || isPathPrefix(path, r))) continue;
    const where = formatPath(path);
    report.add(
      'defect',
      where,
      null,
      `${where}：草稿仍不符合方案格式：${issue.message}`,
      `${where}: the draft does not pass the plan schema yet: ${issue.message}`,
    );
  }
}

export interface ImportAllResult {
  /** One draft per plan the document holds (none for a text that is not a plan). */
  drafts: ImportResult[];
  /** About the document as a whole: where it was split, what was left out, why it is not a plan. */
  report: ImportReportItem[];
}

/** The lines of `from`–`to` only, others blank, so every line keeps its number. */
function keepLines(lines: readonly string[], from: number, to: number, drop: ReadonlySet<number>): string {
  return lines.map((l, i) => (i >= from && i < to && !drop.has(i) ? l : '')).join('\n');
}

/**
 * Every plan of a document: one draft each, with its own report, line numbers those of
 * the whole document. A text that is not a plan (an essay, a notice of a meeting, a site
 * header) gives no draft and a report item that says so.
 */
export function importPlanDocuments(text: string, options: ImportOptions): ImportAllResult {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const layout = layoutDocument(lines);
  const report = new Report();
  const site = new Set(layout.siteLines);
  if (site.size > 0) {
    const shown = layout.siteLines.slice(0, 8).map((i) => i + 1);
    report.add(
      'found',
      '',
      shown[0]!,
      `第 ${shown.join('、')}${site.size > shown.length ? ' 等' : ''} 行是网站导航、版权或附件标记，未导入`,
      `lines ${shown.join(', ')}${site.size > shown.length ? ' and more' : ''} are site navigation, copyright or attachment marks; not imported`,
    );
  }
  const base = planId(options.sourceName);
  const several = layout.segments.length > 1;
  const preambleLines = layout.preamble ? lines.slice(layout.preamble[0], layout.preamble[1]) : [];
  const context: Context = {};
  const year = firstYear(preambleLines.join('\n'));
  if (year !== undefined) context.year = year;
  const issuer = noticeIssuer(preambleLines);
  if (issuer !== null) context.issuer = issuer;

  const drafts: ImportResult[] = [];
  const segments = layout.segments.length > 0 ? layout.segments : [{ from: 0, to: lines.length, titleLine: -1 }];
  if (several) {
    report.add(
      'found',
      '',
      segments[0]!.from + 1,
      `原文包含 ${segments.length} 个方案（标题在第 ${segments.map((x) => x.from + 1).join('、')} 行），各自生成草稿和报告`,
      `the document holds ${segments.length} plans (titles at lines ${segments.map((x) => x.from + 1).join(', ')}); each has its own draft and report`,
    );
  } else if (layout.preamble && layout.segments.length === 1) {
    report.add(
      'found',
      '',
      layout.preamble[0] + 1,
      `第 ${layout.preamble[0] + 1}–${layout.preamble[1]} 行是方案正文前的文件头（通知、网页标题等），未作为方案内容导入`,
      `lines ${layout.preamble[0] + 1}–${layout.preamble[1]} precede the plan (a notice, a page header) and are not read as part of it`,
    );
  }
  segments.forEach((seg, k) => {
    const own = keepLines(lines, seg.from, seg.to, site);
    const result = importOne(own, options, { ...context, ...(several ? { id: `${base}-${k + 1}` } : {}) });
    const { signals, ...draft } = result;
    if (!looksLikePlan(signals)) {
      const line = seg.from + 1;
      report.add(
        'found',
        '',
        line,
        `第 ${line}–${seg.to} 行不是方案：没有方案标题，也没有责任字段、目标指标或阶段安排，未生成草稿`,
        `lines ${line}–${seg.to} are not a plan: no plan title, no responsibility fields, goals or phases; no draft was made`,
      );
      return;
    }
    drafts.push(draft);
  });
  return { drafts, report: report.items };
}

/**
 * The single-draft form (the web import desk): the first plan of the document, with the
 * document-level items (several plans, not a plan) at the head of its report.
 */
export function importPlanDocument(text: string, options: ImportOptions): ImportResult & { notAPlan?: true } {
  const all = importPlanDocuments(text, options);
  const first = all.drafts[0];
  if (first) {
    const more =
      all.drafts.length > 1
        ? [
            {
              kind: 'found' as const,
              path: '',
              line: null,
              zh: `原文共有 ${all.drafts.length} 个方案，此处只导入第一个；用 duban import 文件 -o 目录/ 导入全部`,
              en: `the document holds ${all.drafts.length} plans; only the first is imported here (duban import FILE -o DIR/ imports all)`,
            },
          ]
        : [];
    return { ...first, report: [...all.report, ...more, ...first.report] };
  }
  const { signals: _signals, ...draft } = importOne(text, options);
  return { ...draft, report: [...all.report, ...draft.report], notAPlan: true };
}
