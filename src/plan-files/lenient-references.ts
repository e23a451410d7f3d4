/**
 * Cross-reference checks on a plan that is not shape-valid yet.
 *
 * zod runs PlanDefinitionSchema's superRefine only when the shape passes, so a file
 * with one missing title would hide every "no person" and "not a date" below it; the
 * author would fix one batch, run again and meet the next. Here the raw data is
 * coerced just enough for checkPlanReferences not to throw (lists stay lists at the
 * same indexes, so paths stay true), and the caller drops any issue at or under a
 * path that already has a shape problem.
 */
import { checkPlanReferences, type PlanDefinition } from '../domain/plan.schema.js';
import { DEFAULT_ESCALATION } from '../domain/policy.js';
import { isTimeZone } from '../domain/time.js';

type Loose = Record<string, unknown>;

const obj = (v: unknown): Loose => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const objects = (v: unknown): Loose[] => list(v).map(obj);

function coerce(raw: unknown): PlanDefinition {
  const plan = obj(raw);
  const group = obj(plan.leadershipGroup);
  const office = obj(group.office);
  const escalation = obj(plan.escalation);
  const zone = typeof plan.timeZone === 'string' && isTimeZone(plan.timeZone) ? plan.timeZone : 'Asia/Shanghai';
  const loose = {
    ...plan,
    timeZone: zone,
    units: objects(plan.units),
    people: objects(plan.people),
    leadershipGroup: {
      ...group,
      deputies: list(group.deputies),
      members: list(group.members),
      office: { ...office, members: list(office.members) },
    },
    phases: objects(plan.phases),
    areas: objects(plan.areas),
    tasks: objects(plan.tasks).map((t) => ({
      ...t,
      cooperatingUnits: list(t.cooperatingUnits),
      milestones: objects(t.milestones),
    })),
    goals: objects(plan.goals),
    escalation: Array.isArray(escalation.rungs) ? { ...escalation, rungs: objects(escalation.rungs) } : DEFAULT_ESCALATION,
  };
  return loose as unknown as PlanDefinition;
}

export function lenientReferenceIssues(raw: unknown): Array<{ path: (string | number)[]; message: string }> {
  try {
    return checkPlanReferences(coerce(raw));
  } catch {
    // A shape so broken that even the coerced copy throws: the shape problems say enough.
    return [];
  }
}
