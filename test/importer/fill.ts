/**
 * Test helpers: fill a draft's reported blanks the way a person would, and check that
 * every schema problem of a draft is covered by a report item.
 */
import { PlanDefinitionSchema, type PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import type { ImportReportItem } from '../../src/importer/index.js';
import { formatPath, parsePath } from '../../src/plan-files/paths.js';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** Schema problems of the draft whose path no report item names (should be none). */
export function unreportedProblems(plan: PlanDefinitionInput, report: readonly ImportReportItem[]): string[] {
  const parsed = PlanDefinitionSchema.safeParse(plan);
  if (parsed.success) return [];
  const reported = report.map((r) => formatPath(parsePath(r.path)));
  return parsed.error.issues
    .map((i) => formatPath(i.path.filter((s): s is string | number => typeof s !== 'symbol')))
    .filter(
      (p) =>
        !reported.some(
          (r) => r !== '' && (p === r || p.startsWith(`${r}.`) || p.startsWith(`${r}[`) || r.startsWith(`${p}.`) || r.startsWith(`${p}[`)),
        ),
    );
}

/**
 * Fills the blanks: a named person and unit for every "tbd" reference, a date for
 * every "" date, the given phase windows, an issuer. Returns a new plan.
 */
export function fillBlanks(draft: PlanDefinitionInput, phases?: Array<[string, string]>, deadline = '2025-12-31'): PlanDefinitionInput {
  const plan = structuredClone(draft);
  plan.people.push({ id: 'p-filled', name: '张填写', title: '副局长', contacts: { phone: '13800000000' } });
  plan.units.push({ id: 'u-filled', name: '基础教育股' });
  const person = (id: string) => (id === 'tbd' ? 'p-filled' : id);
  plan.leadershipGroup.leader = person(plan.leadershipGroup.leader);
  for (const t of plan.tasks) {
    t.responsibleLeader = person(t.responsibleLeader);
    t.responsiblePerson = person(t.responsiblePerson);
    if (t.leadDepartment === 'tbd') t.leadDepartment = 'u-filled';
    if (t.deadline === '') t.deadline = deadline;
  }
  plan.phases.forEach((p, i) => {
    const window = phases?.[i];
    if (window) [p.start, p.end] = window;
  });
  if (plan.issuer === '') plan.issuer = '某区教育局';
  // Placeholders no longer referenced can go, as a person finishing the draft would do.
  const used = JSON.stringify([plan.tasks, plan.leadershipGroup]);
  plan.people = plan.people.filter((p) => p.id !== 'tbd' || used.includes('"tbd"'));
  plan.units = plan.units.filter((u) => u.id !== 'tbd' || used.includes('"tbd"'));
  return plan;
}
