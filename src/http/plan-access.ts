/**
 * Who may read a plan, decided before anything of the plan is answered. A person
 * asking about a plan they are not in gets the same 403 whether it exists or not, so
 * answers do not tell people which plan ids exist; an office or an admin is told 404
 * for a plan that does not exist (an office of another organisation learns that an id
 * is taken, no more). An archived plan is gone (410) for those who may read its archive,
 * with where to download it.
 */
import type { PlanDefinition } from '../domain/plan.schema.js';
import { checkReadPlan, ruleText, type Principal } from '../domain/permissions.js';
import type { Engine } from '../engine/engine.js';
import { archivedAway, archiveRecord } from '../engine/archive.js';
import { ForbiddenError, NotFoundError } from '../errors.js';

/** The plan's current definition, when `p` may read the plan; throws 403 (or 404) otherwise. */
export async function readablePlan(engine: Engine, p: Principal, planId: string): Promise<PlanDefinition> {
  let def: PlanDefinition;
  try {
    def = await engine.currentDefinition(planId);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    // An archived plan: whoever may read its archive is told where it went (410); to anyone else it is not there.
    const archived = await archiveRecord(engine, p, planId).catch((e: unknown) => {
      if (e instanceof NotFoundError || e instanceof ForbiddenError) return null;
      throw e;
    });
    if (archived) throw archivedAway(archived);
    if (p.kind === 'person') throw new ForbiddenError(ruleText('readPlan'));
    throw err;
  }
  const rule = checkReadPlan(p, def);
  if (rule) throw new ForbiddenError(ruleText(rule));
  return def;
}
