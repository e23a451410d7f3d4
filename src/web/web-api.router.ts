/**
 * The workspace's own JSON and file routes under /web-api: what the pages need
 * beyond /api/v1 — phase windows, the lights and stage matrices and the phase
 * roll-up, a leader's desk (submissions and extension requests waiting on them),
 * the buttons a person may press, evidence uploads and the ledger (the printable
 * notice: src/http/documents.router.ts). The same bearer tokens through the same middleware as /api/v1
 * (src/http/auth.ts), the same typed errors (the app's error handler turns them
 * into statuses).
 */
import { pipeline } from 'node:stream/promises';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { taskMachine } from '../../machines/index.js';
import { actorLabel, checkTaskEvent, ruleText } from '../domain/permissions.js';
import { ConflictError, ForbiddenError, GoneError, InvalidInputError, NotFoundError } from '../errors.js';
import { authenticate, principalOf } from '../http/auth.js';
import { readablePlan } from '../http/plan-access.js';
import { exportLimiters, type ExportLimits } from '../http/security.js';
import type { Runtime } from '../runtime.js';
import { EvidenceFiles, MAX_FILE_BYTES, MAX_FILES_PER_TASK } from './files.js';
import { LABELS } from '../domain/labels.js';
import { taskCommandForms } from '../domain/task-commands.js';
import { buildLedger } from './ledger.js';
import { activeStateIds, machineGraph } from './machine-graph.js';
import { departmentPhaseMatrix, phaseRollup, phaseWindows, stageMatrix } from './overview.js';
import { buildDesk } from './desk.js';
import { isFinished, planStage, taskState } from '../engine/entity.js';
import { allowedActions } from './task-actions.js';

const ActionsQuery = z.object({
  tasks: z
    .string()
    .min(1)
    .transform((s) => [...new Set(s.split(',').filter(Boolean))])
    .pipe(z.array(z.string().max(40)).min(1).max(500)),
});

/** `?lang=en` asks for English; everything else reads Chinese. */
function langOf(query: unknown): 'zh' | 'en' {
  return (query as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'zh';
}

function badInput(path: string, message: string, zh: string): InvalidInputError {
  return new InvalidInputError([{ path, message }], { zh, en: message });
}

/** The uploaded file's name from `X-File-Name` (URI-encoded, so any script survives a header). */
function fileName(req: Request): string {
  let name: string;
  try {
    name = decodeURIComponent(req.get('x-file-name') ?? '');
  } catch {
    throw badInput('x-file-name', 'X-File-Name is not URI-encoded', 'X-File-Name 头未按 URI 编码');
  }
  // Control characters and path separators have no place in a file name shown to people.
  // eslint-disable-next-line no-control-regex
  name = name.replace(/[\\/\u0000-\u001f]/g, '_').trim();
  if (!name || name.length > 200)
    throw badInput('x-file-name', 'X-File-Name must name the file (1–200 characters)', '请在 X-File-Name 头中给出文件名（1–200 个字符）');
  return name;
}

function fileType(req: Request): string {
  const type = (req.get('x-file-type') ?? '').trim().toLowerCase();
  return /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : 'application/octet-stream';
}

/** `limits` are shared with the report routes (src/web/index.ts). */
export function webApiRouter(runtime: Runtime, limits: ExportLimits = exportLimiters()): Router {
  const { engine, queries } = runtime;
  const files = new EvidenceFiles(runtime.redis, engine, runtime.files);
  const graph = machineGraph(taskMachine);
  const r = Router();

  // Labels and the machine's shape are the same for everyone: no token needed.
  r.get('/labels', (_req, res) => {
    res.json({ ...LABELS, commands: taskCommandForms() });
  });
  r.get('/machines/task', (_req, res) => {
    res.json(graph);
  });

  r.use(authenticate(runtime.tokens));

  r.get('/plans/:planId/overview', async (req, res) => {
    await readablePlan(runtime.engine, principalOf(res), req.params.planId);
    const { plan, def } = await engine.loadPlan(req.params.planId);
    const tasks = await queries.listTasks(req.params.planId);
    // Whether an accepted task's submission came in after its deadline is in its context, not its view.
    const contexts = new Map(
      (
        await engine.loadTasks(
          req.params.planId,
          tasks.map((t) => t.id),
        )
      ).map((t) => [t.def.id, t.snap.context]),
    );
    const finishedLate = (id: string) => {
      const ctx = contexts.get(id);
      return ctx?.submittedAt !== null && ctx?.submittedAt !== undefined && ctx.submittedAt > ctx.deadline;
    };
    const stage = planStage(plan.snap);
    res.json({
      now: Date.now(),
      timeZone: def.timeZone,
      stage,
      phases: phaseWindows(def),
      matrix: departmentPhaseMatrix(def, tasks),
      stages: stageMatrix(def, tasks, stage),
      rollup: phaseRollup(
        def,
        tasks.map((t) => ({ ...t, finishedLate: t.work === 'accepted' && finishedLate(t.id) })),
      ),
    });
  });

  // What waits on this person: submissions to accept and extension requests to decide.
  r.get('/plans/:planId/desk', async (req, res) => {
    const me = principalOf(res);
    const { planId } = req.params;
    await readablePlan(runtime.engine, me, planId);
    const candidates = (await queries.listTasks(planId, { open: true })).filter(
      (t) => t.supervision === 'withReviewer' || t.extension === 'pending',
    );
    const inputs = [];
    for (const task of await engine.loadTasks(
      planId,
      candidates.map((t) => t.id),
    )) {
      const def = await engine.definition(planId, task.rev);
      const requestedBy =
        taskState(task.snap).extension === 'pending'
          ? ((await queries.history(planId, task.def.id)).findLast((e) => e.event === 'task.extension.request')?.by ?? null)
          : null;
      inputs.push({ task, def, requestedBy });
    }
    res.json(buildDesk(me, inputs, Date.now()));
  });

  r.get('/plans/:planId/actions', async (req, res) => {
    const me = principalOf(res);
    await readablePlan(runtime.engine, me, req.params.planId);
    const ids = ActionsQuery.safeParse(req.query);
    if (!ids.success)
      throw badInput('tasks', 'tasks must list 1–500 task ids, comma-separated', 'tasks 参数须列出 1–500 个任务编号，以逗号分隔');
    const out: Record<string, { actions: string[]; active: string[] }> = {};
    for (const t of await engine.loadTasks(req.params.planId, ids.data.tasks)) {
      const def = await engine.definition(req.params.planId, t.rev);
      out[t.def.id] = { actions: allowedActions(me, def, t.def, t.snap), active: activeStateIds(t.snap) };
    }
    res.json({ tasks: out });
  });

  r.post('/plans/:planId/tasks/:taskId/files', express.raw({ type: () => true, limit: MAX_FILE_BYTES }), async (req, res) => {
    const me = principalOf(res);
    const { planId, taskId } = req.params;
    const task = await engine.loadTask(planId, taskId);
    const def = await engine.definition(planId, task.rev);
    const rule = checkTaskEvent(me, def, task.def, 'task.submit');
    if (rule) throw new ForbiddenError(ruleText(rule));
    // Evidence is for work still to be judged: not for a task accepted, cancelled or left unfinished at the plan's close.
    if (isFinished(taskState(task.snap).work)) {
      throw new ConflictError({
        zh: `任务 ${taskId} 已结束（已验收、已取消或方案结束时未完成），不再接收证据文件`,
        en: `Task ${taskId} is over (accepted, cancelled, or left unfinished when the plan closed); it takes no more evidence files`,
      });
    }
    // A form upload would be stored as its multipart text, boundaries and all.
    if (req.is('multipart/form-data')) {
      throw badInput(
        'body',
        'send the file bytes themselves as the body (Content-Type: application/octet-stream, name in X-File-Name), not a multipart form',
        '请直接以请求体发送文件内容（Content-Type: application/octet-stream，文件名放在 X-File-Name 头中），不要用表单（multipart）上传',
      );
    }
    // The app parses JSON bodies before this route; the page sends every file as octet-stream.
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      throw badInput(
        'body',
        'send the file bytes as the body (Content-Type: application/octet-stream)',
        '请以请求体发送文件内容（Content-Type: application/octet-stream）',
      );
    }
    const stored = await files.put({
      planId,
      taskId,
      name: fileName(req),
      type: fileType(req),
      by: actorLabel(me),
      at: Date.now(),
      data: req.body,
    });
    if (!stored)
      throw badInput('file', `a task keeps at most ${MAX_FILES_PER_TASK} files`, `每项任务最多保存 ${MAX_FILES_PER_TASK} 个文件`);
    res
      .status(201)
      .json({ ...stored, url: `${req.protocol}://${req.get('host')}/web-api/files/${encodeURIComponent(planId)}/${stored.id}` });
  });

  r.get('/plans/:planId/tasks/:taskId/files', async (req, res) => {
    await readablePlan(runtime.engine, principalOf(res), req.params.planId);
    const base = `${req.protocol}://${req.get('host')}/web-api/files/${encodeURIComponent(req.params.planId)}`;
    res.json({ files: (await files.list(req.params.planId, req.params.taskId)).map((f) => ({ ...f, url: `${base}/${f.id}` })) });
  });

  r.get('/files/:planId/:fileId', async (req, res) => {
    let file: Awaited<ReturnType<typeof files.open>>;
    try {
      await readablePlan(runtime.engine, principalOf(res), req.params.planId);
      file = await files.open(req.params.planId, req.params.fileId);
    } catch (err) {
      // Archived, and this reader may read its archive: the file is served from the archive's record of it.
      if (!(err instanceof GoneError)) throw err;
      file = await files.openArchived(req.params.planId, req.params.fileId);
    }
    if (!file) throw new NotFoundError({ zh: '没有这个文件', en: 'No such file' });
    // Always a download, never rendered here: an uploaded page must not run on this origin.
    res.set({
      'Content-Type': file.meta.type,
      'Content-Length': String(file.meta.size),
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.meta.name)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    // Streamed from the file store: a download never holds the whole file in memory.
    await pipeline(file.body, res);
  });

  r.get('/plans/:planId/ledger.xlsx', limits.xlsx);
  r.get('/plans/:planId/ledger.xlsx', async (req, res) => {
    await readablePlan(runtime.engine, principalOf(res), req.params.planId);
    const { planId } = req.params;
    const { def } = await engine.loadPlan(planId);
    const ids = (await queries.listTasks(planId)).map((t) => t.id);
    const tasks = [];
    for (let i = 0; i < ids.length; i += 32) tasks.push(...(await Promise.all(ids.slice(i, i + 32).map((id) => queries.task(planId, id)))));
    const lang = langOf(req.query);
    const indicators = def.goals.length > 0 ? await engine.indicators.list(planId) : [];
    const xlsx = await buildLedger(def, tasks, lang, Date.now(), indicators);
    const name = `${def.id}-${lang === 'zh' ? '台账' : 'ledger'}.xlsx`;
    res.set({
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename="${def.id}-ledger.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
    res.send(xlsx);
  });

  // The printable notice is served with its .docx by src/http/documents.router.ts, which numbers it.

  return r;
}
