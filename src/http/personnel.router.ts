/**
 * Personnel changes (人员调整) of a plan, for its office: ask for one (applied now, or
 * stored until its date), list them (pending, applied, cancelled, failed), cancel a
 * pending one. The engine checks who may (checkRunPlan) and validates the change.
 */
import { Router } from 'express';
import type { Principal } from '../domain/permissions.js';
import { ruleText } from '../domain/permissions.js';
import type { Engine } from '../engine/engine.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';

/**
 * A person asking about a plan that does not exist is told 403, as for a plan they
 * are not in, so answers do not tell people which plan ids exist.
 */
async function asOffice<T>(p: Principal, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof NotFoundError && p.kind === 'person') throw new ForbiddenError(ruleText('runPlan'));
    throw err;
  }
}

export function personnelRouter(engine: Engine): Router {
  const r = Router();

  r.post('/plans/:planId/personnel-changes', async (req, res) => {
    const by = principalOf(res);
    const result = await asOffice(by, () => engine.personnel.request(req.params.planId, req.body, by));
    res.status(result.applied ? 201 : 202).json(result);
  });

  r.get('/plans/:planId/personnel-changes', async (req, res) => {
    const by = principalOf(res);
    res.json({ changes: await asOffice(by, () => engine.personnel.list(req.params.planId, by)) });
  });

  r.delete('/plans/:planId/personnel-changes/:changeId', async (req, res) => {
    const by = principalOf(res);
    res.json({ change: await asOffice(by, () => engine.personnel.cancel(req.params.planId, req.params.changeId, by)) });
  });

  return r;
}
