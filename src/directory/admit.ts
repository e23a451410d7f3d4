/**
 * The directory as the engine's `PlanDirectory`: a plan is admitted when its
 * organisation exists and its people and units agree with the directory; the ones
 * the directory lacks are registered in the plan's organisation.
 */
import type { PlanDefinition } from '../domain/plan.schema.js';
import type { PlanDirectory } from '../engine/plan-directory.js';
import { InvalidInputError, type Problem } from '../errors.js';
import type { Directory } from './store.js';

export function planDirectory(dir: Directory): PlanDirectory {
  return {
    async admit(def: PlanDefinition, by: string, o: { register: boolean }): Promise<Problem[]> {
      if (!(await dir.getOrg(def.organisation))) {
        return [
          {
            path: 'organisation',
            message: `没有单位「${def.organisation}」：请先由管理员创建 / no organisation "${def.organisation}": an admin creates it first`,
          },
        ];
      }
      const match = await dir.matchPlan(def, def.organisation);
      if (match.problems.length > 0 || !o.register) return match.problems;
      try {
        await dir.registerPlan(match, by);
      } catch (err) {
        // Someone registered a different person under one of these ids since the match.
        if (err instanceof InvalidInputError) return err.problems;
        throw err;
      }
      return [];
    },
  };
}
