/**
 * The holiday calendar over HTTP (under /api/v1, signed in):
 *
 *   GET /calendars/cn-mainland/years           every year: official or not, built in or loaded (by whom, when)
 *   PUT /calendars/cn-mainland/years/:year     an admin loads the State Council's notice for a year as data
 *                                              { holidays: [[from, to, name]…], workdays: [date | [date, name]…], source? }
 *   GET /calendars/cn-mainland/log             an admin reads every load (hash-chained, who and when)
 *   GET /plans/:planId/calendar                the plan's years and a warning for each without official data
 *   POST /calendar-check                       a plan definition checked as creating it would, plus those warnings
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Engine } from '../engine/engine.js';
import { parsePlanDefinition } from '../engine/plans.js';
import { zodProblems } from '../engine/zod-problems.js';
import { actorLabel } from '../domain/permissions.js';
import { ForbiddenError, InvalidInputError } from '../errors.js';
import { principalOf } from '../http/auth.js';
import { readablePlan } from '../http/plan-access.js';
import { CHINA_HOLIDAYS } from './china-holidays.js';
import { calendarWarnings, planYears } from './coverage.js';
import { CALENDAR_ID, yearNoticeProblems, yearProblem, YearNoticeBody } from './loaded-years.js';
import { CHINA_MAINLAND, isOfficialYear } from './working-days.js';

const ADMIN_ONLY = {
  zh: '只有管理员可以载入节假日安排（国务院办公厅通知）',
  en: "Only an admin may load a year's holiday notice",
};
const INVALID = { zh: '节假日安排有误，未做任何更改', en: 'The holiday notice is invalid; nothing was changed' };

export function calendarYearsRouter(engine: Engine): Router {
  const r = Router();
  const years = engine.calendarYears;

  r.get(`/calendars/${CALENDAR_ID}/years`, async (_req, res) => {
    await years.fresh();
    const loaded = new Map((await years.list()).map((y) => [y.year, y]));
    const all = [...new Set([...Object.keys(CHINA_HOLIDAYS).map(Number), ...loaded.keys()])].sort((a, b) => a - b);
    res.json({
      calendar: CALENDAR_ID,
      years: all.map((year) => {
        const l = loaded.get(year);
        const builtIn = CHINA_HOLIDAYS[year];
        return builtIn
          ? { year, official: true, builtIn: true, source: builtIn.source }
          : { year, official: true, builtIn: false, source: l!.source, loadedBy: l!.loadedBy, loadedAt: l!.loadedAt };
      }),
    });
  });

  r.put(`/calendars/${CALENDAR_ID}/years/:year`, async (req, res) => {
    const p = principalOf(res);
    if (p.kind !== 'admin') throw new ForbiddenError(ADMIN_ONLY);
    const year = Number(req.params.year);
    const bad = yearProblem(year);
    const parsed = YearNoticeBody.safeParse(req.body);
    const problems = [
      ...(bad ? [{ path: 'year', message: `${bad.zh} / ${bad.en}` }] : []),
      ...(parsed.success ? (bad ? [] : yearNoticeProblems(year, parsed.data)) : zodProblems(parsed.error)),
    ];
    if (problems.length > 0 || !parsed.success) throw new InvalidInputError(problems, INVALID);
    const { loaded, replaced } = await years.load(year, parsed.data, actorLabel(p), Date.now());
    res.status(replaced ? 200 : 201).json({ calendar: CALENDAR_ID, loaded, replaced });
  });

  r.get(`/calendars/${CALENDAR_ID}/log`, async (_req, res) => {
    if (principalOf(res).kind !== 'admin') throw new ForbiddenError(ADMIN_ONLY);
    res.json({ calendar: CALENDAR_ID, log: await years.log() });
  });

  r.get('/plans/:planId/calendar', async (req, res) => {
    const def = await readablePlan(engine, principalOf(res), req.params.planId);
    await years.fresh();
    res.json({
      calendar: def.calendar,
      years: planYears(def).map((year) => ({ year, official: def.calendar !== CALENDAR_ID || isOfficialYear(year, CHINA_MAINLAND) })),
      warnings: calendarWarnings(def),
    });
  });

  r.post('/calendar-check', async (req, res) => {
    await years.fresh();
    const def = parsePlanDefinition(z.unknown().parse(req.body));
    res.json({ valid: true, warnings: calendarWarnings(def) });
  });

  return r;
}
