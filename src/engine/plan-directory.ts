/**
 * The engine's seam to the directory of people (src/directory): a plan's people and
 * units must agree with the directory of its organisation, and the ones it names
 * first are registered there, so one person has one identity whatever plans they are
 * in. The engine runs without a directory too (pure engine tests, the simulator).
 */
import type { PlanDefinition } from '../domain/plan.schema.js';
import type { Problem } from '../errors.js';

export interface PlanDirectory {
  /**
   * Every problem of `def`'s people and units against the directory, each at its path
   * in the plan (an unknown organisation, a directory id whose name differs). With
   * `register` and no problems, registers the people and units the directory lacks.
   */
  admit(def: PlanDefinition, by: string, o: { register: boolean }): Promise<Problem[]>;
}
