import { Router } from 'express';
import { z } from 'zod';
import { PlanCommandSchema, TaskCommandSchema } from '../domain/commands.schema.js';
import { checkRunPlan, ruleText } from '../domain/permissions.js';
import type { Engine } from '../engine/engine.js';
import type { Queries } from '../engine/queries.js';
import { ForbiddenError } from '../errors.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';
import { pageOf } from '../engine/paging.js';
import { readablePlan } from './plan-access.js';

export const TaskListQuery = z.object({
  state: z.string().optional(),
  department: z.string().optional(),
  person: z.string().optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  rung: z.coerce.number().int().min(1).max(20).optional(),
});

/** An amendment of a published plan: the whole new definition, why, and whether to move running ladders to a new policy. */
export const AmendmentBody = z.object({
  plan: z.unknown(),
  reason: z.string().trim().min(1, 'is required').max(4000),
  migratePolicy: z.boolean().default(false),
  dryRun: z.boolean().default(false),
});

export const CreatePlanQuery = z.object({
  publish: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

export function plansRouter(engine: Engine, queries: Queries): Router {
  const r = Router();

  r.post('/plans', async (req, res) => {
    const { publish } = parse(CreatePlanQuery, req.query, 'query');
    const outcome = await engine.createPlan(req.body, principalOf(res), { publish });
    res.status(201).json({ ...(await queries.planSummary(String((req.body as { id: string }).id))), notices: outcome.notices });
  });

  /**
   * A page of the caller's plans, newest first: `limit` (1–200, default 50) and the
   * `cursor` of the previous page. `plans` repeats `items` for clients of before paging.
   */
  r.get('/plans', async (req, res) => {
    const page = await queries.listPlansPage(principalOf(res), pageOf(req.query));
    res.json({ items: page.items, nextCursor: page.nextCursor, plans: page.items });
  });

  r.get('/plans/:planId', async (req, res) => {
    await readablePlan(engine, principalOf(res), req.params.planId);
    res.json(await queries.planDetail(req.params.planId));
  });

  r.put('/plans/:planId', async (req, res) => {
    await readablePlan(engine, principalOf(res), req.params.planId);
    await engine.replaceDraft(req.params.planId, req.body, principalOf(res));
    res.json(await queries.planSummary(req.params.planId));
  });

  r.post('/plans/:planId/amendments', async (req, res) => {
    await readablePlan(engine, principalOf(res), req.params.planId);
    const body = parse(AmendmentBody, req.body, 'body');
    const outcome = await engine.amendPlan(req.params.planId, body.plan, principalOf(res), {
      reason: body.reason,
      migratePolicy: body.migratePolicy,
      dryRun: body.dryRun,
    });
    res.status(body.dryRun ? 200 : 201).json({ ...outcome, plan: await queries.planSummary(req.params.planId) });
  });

  r.post('/plans/:planId/events', async (req, res) => {
    await readablePlan(engine, principalOf(res), req.params.planId);
    const command = parse(PlanCommandSchema, req.body, 'body');
    const outcome = await engine.planEvent(req.params.planId, command, principalOf(res));
    res.json({ ...outcome, plan: await queries.planSummary(req.params.planId) });
  });

  r.get('/plans/:planId/history', async (req, res) => {
    await readablePlan(engine, principalOf(res), req.params.planId);
    await engine.loadPlan(req.params.planId);
    res.json({ history: await queries.history(req.params.planId) });
  });

  r.get('/plans/:planId/tasks', async (req, res) => {
    await readablePlan(engine, principalOf(res), req.params.planId);
    const filter = parse(TaskListQuery, req.query, 'query');
    res.json({ tasks: await queries.listTasks(req.params.planId, filter) });
  });

  r.get('/plans/:planId/tasks/:taskId', async (req, res) => {
    await readablePlan(engine, principalOf(res), req.params.planId);
    res.json(await queries.task(req.params.planId, req.params.taskId));
  });

  r.post('/plans/:planId/tasks/:taskId/events', async (req, res) => {
    await readablePlan(engine, principalOf(res), req.params.planId);
    const command = parse(TaskCommandSchema, req.body, 'body');
    const outcome = await engine.taskEvent(req.params.planId, req.params.taskId, command, principalOf(res));
    res.json({ ...outcome, task: await queries.task(req.params.planId, req.params.taskId) });
  });

  /** The trail's hash chain checked end to end (office and admin: it names entries by content). */
  r.get('/plans/:planId/audit', async (req, res) => {
    const def = await readablePlan(engine, principalOf(res), req.params.planId);
    const rule = checkRunPlan(principalOf(res), def);
    if (rule) throw new ForbiddenError(ruleText(rule));
    res.json(await engine.verifyTrail(req.params.planId));
  });

  r.get('/plans/:planId/notices/:noticeId', async (req, res) => {
    await readablePlan(engine, principalOf(res), req.params.planId);
    res.json(await queries.notice(req.params.planId, req.params.noticeId));
  });

  return r;
}
