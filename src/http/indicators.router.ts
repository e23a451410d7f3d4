/**
 * Indicators (指标) of a plan: everyone who may read the plan reads them with their
 * status; the reporting department reports actual values (the engine checks who may
 * and validates: 403 naming the rule, 400 naming every problem, nothing stored).
 */
import { Router } from 'express';
import { reporters } from '../domain/indicators.js';
import { meIn } from '../domain/permissions.js';
import type { Engine } from '../engine/engine.js';
import { NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';
import { readablePlan } from './plan-access.js';

export function indicatorsRouter(engine: Engine): Router {
  const r = Router();

  r.get('/plans/:planId/indicators', async (req, res) => {
    const by = principalOf(res);
    const def = await readablePlan(engine, by, req.params.planId);
    const me = meIn(by, def);
    const indicators = await engine.indicators.list(def.id);
    res.json({
      planId: def.id,
      indicators: indicators.map((view) => {
        const ind = def.goals.find((g) => g.id === view.id)!;
        return { ...view, canReport: me !== null && reporters(def, ind).includes(me) };
      }),
    });
  });

  r.get('/plans/:planId/indicators/:id/history', async (req, res) => {
    const def = await readablePlan(engine, principalOf(res), req.params.planId);
    if (!def.goals.some((g) => g.id === req.params.id)) {
      throw new NotFoundError({ zh: `方案中没有指标 ${req.params.id}`, en: `No indicator ${req.params.id} in the plan` });
    }
    res.json({ history: await engine.indicators.history(def.id, req.params.id) });
  });

  r.post('/plans/:planId/indicators/:id/values', async (req, res) => {
    const by = principalOf(res);
    const def = await readablePlan(engine, by, req.params.planId);
    res.status(201).json({ indicator: await engine.indicators.report(def.id, req.params.id, req.body, by) });
  });

  return r;
}
