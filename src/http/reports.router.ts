/**
 * The accountability report (督导结果) and the semester progress report (学期进展汇报)
 * under /api/v1: GET /plans/:planId/report?from&to and
 * GET /plans/:planId/semester-report?semester=2026-spring. The numbers are folded in
 * src/domain/report.ts; here the tasks, their histories and records are read, in a
 * few pipelined round trips for the whole plan.
 */
import { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Principal } from '../domain/permissions.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { taskRecord } from '../domain/record.js';
import { unpackHistoryEntry } from '../engine/stored-form.js';
import { readTrails } from '../engine/trail.js';
import {
  accountabilityReport,
  checkReadReport,
  currentSemester,
  reportPeriod,
  semester,
  semesterReport,
  wholePlanPeriod,
  type ReportPeriod,
  type ReportTask,
  type Season,
} from '../domain/report.js';
import type { Engine } from '../engine/engine.js';
import { planStage, taskState } from '../engine/entity.js';
import { ForbiddenError, InvalidInputError } from '../errors.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';
import { readablePlan } from './plan-access.js';

const ReportDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s).isValid, 'is not a real date');

/** ?from=YYYY-MM-DD&to=YYYY-MM-DD: the period [from, to) in the plan's zone; both or neither. */
export const ReportQuery = z
  .object({ from: ReportDate.optional(), to: ReportDate.optional(), lang: z.enum(['zh', 'en']).optional() })
  .superRefine((q, ctx) => {
    if ((q.from === undefined) !== (q.to === undefined)) {
      const missing = q.from === undefined ? 'from' : 'to';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'give both from and to, or neither (the whole plan)' });
    } else if (q.from !== undefined && q.to !== undefined && q.to <= q.from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from (the period is [from, to))' });
    }
  });

/** ?semester=2026-spring|2026-autumn; the current one when absent. */
export const SemesterQuery = z.object({
  semester: z
    .string()
    .regex(/^\d{4}-(spring|autumn)$/, 'must be YEAR-spring or YEAR-autumn, e.g. 2026-spring')
    .refine((s) => Number(s.slice(0, 4)) >= 2000 && Number(s.slice(0, 4)) <= 2100, 'must be a year from 2000 to 2100')
    .optional(),
  lang: z.enum(['zh', 'en']).optional(),
});

export interface ReportInputs {
  def: PlanDefinition;
  /** The plan's phase now. */
  stage: string;
  tasks: ReportTask[];
}

/** Every task of the plan with its record and history, read in one pipeline per 200 tasks. */
export async function readReportInputs(engine: Engine, planId: string, now: number): Promise<ReportInputs> {
  const { plan, def } = await engine.loadPlan(planId);
  const ids = await engine.taskIds(planId);
  const tasks: ReportTask[] = [];
  for (let i = 0; i < ids.length; i += 200) {
    const stored = await engine.loadTasks(planId, ids.slice(i, i + 200));
    const trails = await readTrails(
      engine.redis,
      engine.pk(planId),
      stored.map((t) => t.def.id),
    );
    stored.forEach((t, j) => {
      const history = (trails[j] ?? []).map(unpackHistoryEntry);
      tasks.push({ def: t.def, record: taskRecord(def, t.def, t.snap.context, history, now), history, rung: taskState(t.snap).rung });
    });
  }
  return { def, stage: planStage(plan.snap), tasks };
}

/** Refuses a person of another plan before anything is read, then anyone the report is not for. */
export async function mayReadReport(engine: Engine, p: Principal, planId: string): Promise<void> {
  const def = await readablePlan(engine, p, planId);
  const refusal = checkReadReport(p, def);
  if (refusal) throw new ForbiddenError(refusal);
}

/** The period a parsed ReportQuery asks for: [from, to), or the whole plan. */
export function periodOf(inputs: ReportInputs, q: z.infer<typeof ReportQuery>): ReportPeriod {
  if (q.from === undefined || q.to === undefined) return wholePlanPeriod(inputs.def, inputs.tasks);
  const period = reportPeriod(inputs.def, q.from, q.to);
  if (!period) throw new InvalidInputError([{ path: 'from', message: "query.from: is not a day in the plan's time zone" }]);
  return period;
}

/** The accountability report for a request's ?from&to. */
export async function reportFor(engine: Engine, planId: string, query: unknown, now = Date.now()) {
  const q = parse(ReportQuery, query, 'query');
  const inputs = await readReportInputs(engine, planId, now);
  return { def: inputs.def, report: accountabilityReport(inputs.def, inputs.tasks, periodOf(inputs, q), now) };
}

export function reportsRouter(engine: Engine): Router {
  const r = Router();

  r.get('/plans/:planId/report', async (req, res) => {
    await mayReadReport(engine, principalOf(res), req.params.planId);
    res.json((await reportFor(engine, req.params.planId, req.query)).report);
  });

  r.get('/plans/:planId/semester-report', async (req, res) => {
    await mayReadReport(engine, principalOf(res), req.params.planId);
    const q = parse(SemesterQuery, req.query, 'query');
    const now = Date.now();
    const inputs = await readReportInputs(engine, req.params.planId, now);
    const sem = q.semester
      ? semester(inputs.def, Number(q.semester.slice(0, 4)), q.semester.slice(5) as Season)
      : currentSemester(inputs.def, now);
    res.json(semesterReport(inputs.def, inputs.tasks, sem, inputs.stage, now));
  });

  return r;
}
