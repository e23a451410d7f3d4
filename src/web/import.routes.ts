/**
 * The office's import desk under /web-api: a plan document in, a draft out, and a
 * check of the draft that stores nothing. Creating and publishing the checked draft
 * are the API's own `POST /api/v1/plans` (`?publish=true`), so a plan made in the
 * browser is made exactly as one made by `duban apply`.
 *
 *   POST /web-api/imports           the document's bytes (X-File-Name: name.docx|.txt|.md, URI-encoded; ?year=2027)
 *                                   → { fileName, format, plan, report, sources, lines }
 *   POST /web-api/plans/validate    a plan definition → { ok: true }, or 400 with every problem by path
 *                                   (?replace=true: the office means to replace its own draft of this id)
 *
 * Only the office (whoever may create plans) may use either. The check is the one
 * creating the plan makes — the schema, the office's organisation, the directory —
 * plus what a draft must not keep: the importer's 待定 placeholders, an id in use.
 */
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { planDirectory } from '../directory/admit.js';
import { actorLabel, checkCreatePlan, ruleText, type Principal } from '../domain/permissions.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { planStage } from '../engine/entity.js';
import { parsePlanDefinition } from '../engine/plans.js';
import { ForbiddenError, InvalidInputError, NotFoundError, type Problem } from '../errors.js';
import { authenticate, principalOf } from '../http/auth.js';
import { parse } from '../http/parse.js';
import { importPlanDocument, TBD_PERSON, TBD_UNIT } from '../importer/index.js';
import { decodeText, docxText, stripMarkdown } from '../importer/read-document.js';
import type { Runtime } from '../runtime.js';

/** A plan document is text: even a long .docx is well under this. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

const ImportQuery = z.object({
  year: z.coerce.number().int().min(1990, 'must be a year such as 2027').max(2100, 'must be a year such as 2027').optional(),
});

const ValidateQuery = z.object({
  replace: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

type Format = 'docx' | 'txt' | 'md';
const FORMATS: Record<string, Format> = { '.docx': 'docx', '.txt': 'txt', '.md': 'md', '.markdown': 'md' };

function badInput(path: string, zh: string, en: string): InvalidInputError {
  return new InvalidInputError([{ path, message: `${zh} / ${en}` }], { zh, en });
}

function mayCreate(p: Principal): void {
  const rule = checkCreatePlan(p);
  if (rule) throw new ForbiddenError(ruleText(rule));
}

/** The document's name and format from `X-File-Name` (URI-encoded, so a Chinese name survives a header). */
function documentName(req: Request): { name: string; format: Format } {
  let name: string;
  try {
    name = decodeURIComponent(req.get('x-file-name') ?? '').trim();
  } catch {
    throw badInput('x-file-name', 'X-File-Name 头未按 URI 编码', 'X-File-Name is not URI-encoded');
  }
  if (!name || name.length > 200) {
    throw badInput('x-file-name', '请在 X-File-Name 头中给出文件名（1–200 个字符）', 'X-File-Name must name the file (1–200 characters)');
  }
  const ext = /\.[A-Za-z]+$/.exec(name)?.[0].toLowerCase() ?? '';
  if (ext === '.doc') {
    throw badInput(
      'file',
      '不支持 .doc（Word 97–2003）格式，请另存为 .docx 后再导入',
      '.doc (Word 97–2003) is not supported: save it as .docx',
    );
  }
  const format = FORMATS[ext];
  if (!format) {
    throw badInput(
      'file',
      `只能导入 .docx、.txt 或 .md 文件，「${name}」不是`,
      `only .docx, .txt and .md documents can be imported, not "${name}"`,
    );
  }
  return { name: name.replace(/^.*[\\/]/, ''), format };
}

/** The document as the importer reads it: one line per paragraph of a .docx, Markdown marks removed line by line. */
function documentText(bytes: Buffer, format: Format): string {
  if (format === 'docx') {
    try {
      return docxText(new Uint8Array(bytes)).text;
    } catch {
      throw badInput('file', '文件不是有效的 .docx（无法读出正文）', 'the file is not a valid .docx (no document text in it)');
    }
  }
  const { text } = decodeText(new Uint8Array(bytes));
  return format === 'md' ? stripMarkdown(text) : text;
}

/**
 * Placeholders the importer put where the document is blank ("tbd" = 待定): the plan
 * loads with them, but a plan that names 待定 as a task's leader chases no one, so the
 * office's check refuses them until each is filled. Read from the body as sent, so
 * they are listed beside the schema's own problems, not only once those are fixed.
 */
function placeholderProblems(input: unknown): Problem[] {
  const problems: Problem[] = [];
  const plan = (input ?? {}) as { tasks?: unknown; leadershipGroup?: { leader?: unknown }; units?: unknown };
  const person = (id: unknown, path: string) => {
    if (id === TBD_PERSON.id)
      problems.push({ path, message: `${path}: 原文空白，仍为占位「待定」，请选择人员 / still the placeholder "tbd": choose a person` });
  };
  const unit = (id: unknown, path: string) => {
    if (id === TBD_UNIT.id)
      problems.push({ path, message: `${path}: 原文空白，仍为占位「待定单位」，请选择单位 / still the placeholder "tbd": choose a unit` });
  };
  const list = (x: unknown): Record<string, unknown>[] =>
    Array.isArray(x) ? x.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null) : [];
  list(plan.tasks).forEach((t, i) => {
    person(t.responsibleLeader, `tasks[${i}].responsibleLeader`);
    person(t.responsiblePerson, `tasks[${i}].responsiblePerson`);
    unit(t.leadDepartment, `tasks[${i}].leadDepartment`);
    (Array.isArray(t.cooperatingUnits) ? (t.cooperatingUnits as unknown[]) : []).forEach((c, j) =>
      unit(c, `tasks[${i}].cooperatingUnits[${j}]`),
    );
  });
  person(plan.leadershipGroup?.leader, 'leadershipGroup.leader');
  list(plan.units).forEach((u, i) => person(u.head, `units[${i}].head`));
  return problems;
}

/** The schema's problems (parsePlanDefinition, as creating the plan would find them), or the definition. */
function parsed(input: unknown): { def: PlanDefinition | null; problems: Problem[] } {
  try {
    return { def: parsePlanDefinition(input), problems: [] };
  } catch (err) {
    if (err instanceof InvalidInputError) return { def: null, problems: err.problems };
    throw err;
  }
}

export function importRouter(runtime: Runtime): Router {
  const auth = authenticate(runtime.tokens);
  const r = Router();

  r.post('/imports', auth, express.raw({ type: () => true, limit: MAX_IMPORT_BYTES }), (req, res) => {
    mayCreate(principalOf(res));
    const { year } = parse(ImportQuery, req.query, 'query');
    const { name, format } = documentName(req);
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      throw badInput(
        'body',
        '请以请求体发送文档内容（Content-Type: application/octet-stream）',
        'send the document as the body (Content-Type: application/octet-stream)',
      );
    }
    const text = documentText(req.body, format);
    const result = importPlanDocument(text, { sourceName: name, ...(year !== undefined ? { year } : {}) });
    if (result.notAPlan) {
      // An essay, a meeting notice, a site's header: nothing to review, and nothing to publish by mistake.
      const why = result.report.find((item) => item.path === '' && item.line === null);
      throw badInput(
        'file',
        `「${name}」不像一份方案，未导入${why ? `：${why.zh}` : ''}`,
        `"${name}" does not read as a plan; nothing was imported${why ? `: ${why.en}` : ''}`,
      );
    }
    const lines = text.split(/\r?\n/);
    res.json({
      fileName: name,
      format,
      plan: result.plan,
      // Each item with the text of its source line, so the page can quote it beside the field.
      report: result.report.map((item) => ({ ...item, text: item.line === null ? null : (lines[item.line - 1] ?? null) })),
      sources: result.sources,
      lines,
    });
  });

  r.post('/plans/validate', auth, async (req, res) => {
    const me = principalOf(res);
    mayCreate(me);
    const { def, problems } = parsed(req.body);
    problems.push(...placeholderProblems(req.body));
    if (def !== null) {
      // As creating it would: the office's own organisation unless the plan names one, and
      // its people and units as the directory knows them (a name written differently, …).
      const named = typeof req.body === 'object' && req.body !== null && 'organisation' in req.body;
      if (me.kind === 'office' && !named) def.organisation = me.org;
      const rule = checkCreatePlan(me, def.organisation);
      if (rule) problems.push({ path: 'organisation', message: `organisation: ${ruleText(rule).zh} / ${ruleText(rule).en}` });
      else problems.push(...(await planDirectory(runtime.directory).admit(def, actorLabel(me), { register: false })));
    }
    const { replace } = parse(ValidateQuery, req.query, 'query');
    const existing =
      def === null
        ? null
        : await runtime.engine.loadPlan(def.id).then(
            (loaded) => planStage(loaded.plan.snap),
            (err: unknown) => {
              if (err instanceof NotFoundError) return null;
              throw err;
            },
          );
    // A draft may be replaced (PUT) by the office that saved it; a published plan only amended.
    if (def !== null && existing !== null && !(replace && existing === 'draft'))
      problems.unshift({ path: 'id', message: `id: 已有编号为此的方案，请换一个编号 / a plan with this id already exists: "${def.id}"` });
    if (def === null || problems.length > 0)
      throw new InvalidInputError(problems, { zh: '方案尚不能发布，未保存', en: 'The plan is not ready to publish; nothing was stored' });
    res.json({ ok: true, id: def.id, tasks: def.tasks.length });
  });

  return r;
}
