/**
 * Scores an import against a truth written by hand, fact by fact.
 *
 * A truth file (`NAME.truth.yaml` beside `NAME.txt|md|docx`) lists, for every plan the
 * document holds, every fact a careful reader takes from it: the title, the period, the
 * group leader and deputies, each task's responsibility fields, deadline, recurrence and
 * cascade, each indicator's target, comparison, unit, date, baseline, range and path.
 * A field the truth leaves out is blank in the document, so a value the importer gives
 * there is **invented**. A document that is not a plan has `plans: []`.
 *
 * Facts are counted as right (equal), wrong (different, or an extra task or indicator),
 * missing (the truth has it, the draft does not) and invented (the draft has a value the
 * document does not state). Derived values are not scored as invented: a recurring
 * task's first deadline, phase windows derived from a period.
 */
import { parse as parseYaml } from 'yaml';
import type { PlanDefinitionInput } from '../../domain/plan.schema.js';

export interface TruthTask {
  title: string;
  lead?: string;
  coop?: string[];
  leader?: string;
  person?: string;
  deadline?: string;
  recurrence?: { every: string; times?: number };
  cascade?: string;
}

export interface TruthGoal {
  subject?: string;
  target: number;
  cmp?: string;
  unit?: string;
  due?: string;
  baseline?: number;
  baselineYear?: number;
  min?: number;
  max?: number;
  path?: Array<[number, number]>;
}

export interface TruthPlan {
  title: string;
  period?: [string, string];
  phases?: Array<[string, string]>;
  leader?: string;
  deputies?: string[];
  issuer?: string | null;
  tasks?: TruthTask[];
  goals?: TruthGoal[];
}

export interface Truth {
  plans: TruthPlan[];
}

export interface Tally {
  right: number;
  wrong: number;
  missing: number;
  invented: number;
}

export interface FactResult {
  key: string;
  verdict: keyof Tally;
  expected?: string;
  actual?: string;
}

export interface DocScore extends Tally {
  facts: FactResult[];
}

export const emptyTally = (): Tally => ({ right: 0, wrong: 0, missing: 0, invented: 0 });

export function parseTruth(text: string): Truth {
  const raw = parseYaml(text) as Partial<Truth> | null;
  if (!raw || !Array.isArray(raw.plans)) throw new Error('a truth file needs `plans:` (a list, [] for a text that is not a plan)');
  return { plans: raw.plans };
}

/** Comparable text: half-width, no spaces, same brackets and dashes. */
export function norm(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000"“”《》「」]/g, '')
    .replace(/[—–―~]/g, '-')
    .trim();
}

const titleMatch = (truth: string, actual: string) => {
  const [t, a] = [norm(truth), norm(actual)];
  return t !== '' && a !== '' && (t === a || a.includes(t) || (t.includes(a) && a.length >= Math.min(6, t.length)));
};

const datePart = (d: unknown) => (typeof d === 'string' ? d.slice(0, 10) : d instanceof Date ? d.toISOString().slice(0, 10) : undefined);

type Draft = PlanDefinitionInput;

function names(draft: Draft) {
  const person = (id: string | undefined) => (id === undefined || id === 'tbd' ? undefined : draft.people.find((p) => p.id === id)?.name);
  const unit = (id: string | undefined) => (id === undefined || id === 'tbd' ? undefined : draft.units.find((u) => u.id === id)?.name);
  return { person, unit };
}

type Scalar = string | number | null | undefined;

class Scorer {
  readonly facts: FactResult[] = [];
  fact(key: string, expected: Scalar, actual: Scalar, same: (e: string, a: string) => boolean = (e, a) => norm(e) === norm(a)): void {
    const e = expected === undefined || expected === null ? undefined : String(expected);
    const a = actual === undefined || actual === null || actual === '' ? undefined : String(actual);
    if (e === undefined && a === undefined) return;
    const verdict: keyof Tally = e === undefined ? 'invented' : a === undefined ? 'missing' : same(e, a) ? 'right' : 'wrong';
    this.facts.push({ key, verdict, ...(e !== undefined ? { expected: e } : {}), ...(a !== undefined ? { actual: a } : {}) });
  }
  extra(key: string, actual: string, verdict: keyof Tally = 'wrong'): void {
    this.facts.push({ key, verdict, actual });
  }
  missingAll(prefix: string, obj: object): void {
    for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null) this.fact(`${prefix}.${k}`, JSON.stringify(v), undefined);
  }
}

function scoreTask(sc: Scorer, key: string, truth: TruthTask, task: Draft['tasks'][number], draft: Draft): void {
  const { person, unit } = names(draft);
  sc.fact(`${key}.title`, truth.title, task.title, titleMatch);
  sc.fact(`${key}.lead`, truth.lead, unit(task.leadDepartment));
  const coop = (task.cooperatingUnits ?? []).map((u) => unit(u)).filter((x): x is string => x !== undefined);
  sc.fact(`${key}.coop`, truth.coop?.map(norm).sort().join('、'), coop.length > 0 ? coop.map(norm).sort().join('、') : undefined);
  sc.fact(`${key}.leader`, truth.leader, person(task.responsibleLeader));
  sc.fact(`${key}.person`, truth.person, person(task.responsiblePerson));
  const recurrence = task.recurrence ? `${task.recurrence.every}×${task.recurrence.times ?? 1}` : undefined;
  sc.fact(`${key}.recurrence`, truth.recurrence ? `${truth.recurrence.every}×${truth.recurrence.times ?? 1}` : undefined, recurrence);
  // A recurring task's first deadline is derived from its recurrence: scored only when the truth states one.
  const deadline = datePart(task.deadline);
  if (truth.deadline !== undefined || task.recurrence === undefined) sc.fact(`${key}.deadline`, datePart(truth.deadline), deadline);
  sc.fact(`${key}.cascade`, truth.cascade, task.cascade?.group);
}

function scoreGoal(sc: Scorer, key: string, truth: TruthGoal, goal: NonNullable<Draft['goals']>[number]): void {
  if (truth.subject !== undefined) sc.fact(`${key}.subject`, truth.subject, goal.title, (e, a) => norm(a).includes(norm(e)));
  sc.fact(`${key}.target`, truth.target, goal.target, (e, a) => Number(e) === Number(a));
  sc.fact(`${key}.cmp`, truth.cmp ?? '>=', goal.comparison);
  sc.fact(`${key}.unit`, truth.unit, goal.unit);
  sc.fact(`${key}.due`, datePart(truth.due), datePart(goal.due));
  sc.fact(`${key}.baseline`, truth.baseline, goal.baseline?.value);
  sc.fact(`${key}.baselineYear`, truth.baselineYear, goal.baseline?.year);
  const range = (min?: number, max?: number) => (min === undefined || max === undefined ? undefined : `${min}-${max}`);
  sc.fact(`${key}.range`, range(truth.min, truth.max), range(goal.range?.min, goal.range?.max));
  const path = (p?: Array<[number, number]> | Array<{ year: number; value: number }>) =>
    p === undefined || p.length === 0 ? undefined : p.map((s) => (Array.isArray(s) ? `${s[0]}:${s[1]}` : `${s.year}:${s.value}`)).join(',');
  sc.fact(`${key}.path`, path(truth.path), path(goal.path));
}

function scorePlan(sc: Scorer, key: string, truth: TruthPlan, draft: Draft): void {
  const { person } = names(draft);
  sc.fact(`${key}.title`, truth.title, draft.title, titleMatch);
  if (truth.issuer !== undefined) sc.fact(`${key}.issuer`, truth.issuer, draft.issuer);
  sc.fact(`${key}.period.start`, datePart(truth.period?.[0]), datePart(draft.period?.start));
  sc.fact(`${key}.period.end`, datePart(truth.period?.[1]), datePart(draft.period?.end));
  truth.phases?.forEach(([start, end], i) => {
    sc.fact(`${key}.phases[${i}].start`, datePart(start), datePart(draft.phases[i]?.start));
    sc.fact(`${key}.phases[${i}].end`, datePart(end), datePart(draft.phases[i]?.end));
  });
  sc.fact(`${key}.leader`, truth.leader, person(draft.leadershipGroup.leader));
  const deputies = (draft.leadershipGroup.deputies ?? []).map((d) => person(d)).filter((x): x is string => x !== undefined);
  const expected = truth.deputies ?? [];
  for (const d of expected)
    sc.fact(
      `${key}.deputy`,
      d,
      deputies.find((x) => norm(x) === norm(d)),
    );
  for (const d of deputies) if (!expected.some((x) => norm(x) === norm(d))) sc.fact(`${key}.deputy`, undefined, d);

  // Tasks in order, matched by title.
  let from = 0;
  const used = new Set<number>();
  (truth.tasks ?? []).forEach((t, i) => {
    const k = draft.tasks.findIndex((x, j) => j >= from && !used.has(j) && titleMatch(t.title, x.title));
    if (k < 0) {
      sc.missingAll(`${key}.tasks[${i}]`, t);
      return;
    }
    used.add(k);
    from = k + 1;
    scoreTask(sc, `${key}.tasks[${i}]`, t, draft.tasks[k]!, draft);
  });
  draft.tasks.forEach((t, j) => {
    if (!used.has(j)) sc.extra(`${key}.tasks(extra)`, t.title);
  });

  // Indicators by target (or range), in order.
  const goals = draft.goals ?? [];
  const taken = new Set<number>();
  (truth.goals ?? []).forEach((g, i) => {
    const k = goals.findIndex((x, j) => !taken.has(j) && x.target === g.target);
    if (k < 0) {
      sc.missingAll(`${key}.goals[${i}]`, g);
      return;
    }
    taken.add(k);
    scoreGoal(sc, `${key}.goals[${i}]`, g, goals[k]!);
  });
  goals.forEach((g, j) => {
    if (!taken.has(j)) sc.extra(`${key}.goals(extra)`, `${g.title} ${g.comparison} ${g.target}${g.unit ?? ''}`);
  });
}

/** Scores the drafts of one document against its truth. */
export function scoreDocument(truth: Truth, drafts: readonly Draft[]): DocScore {
  const sc = new Scorer();
  if (truth.plans.length === 0) {
    sc.fact('notPlan', 'not a plan', drafts.length === 0 ? 'not a plan' : undefined);
    for (const d of drafts) sc.extra('plan(not a plan)', d.title, 'invented');
  } else {
    let from = 0;
    const used = new Set<number>();
    truth.plans.forEach((p, i) => {
      const key = truth.plans.length > 1 ? `plans[${i}]` : 'plan';
      const k = drafts.findIndex((d, j) => j >= from && titleMatch(p.title, d.title));
      const at = k >= 0 ? k : truth.plans.length === 1 && drafts.length === 1 ? 0 : -1;
      if (at < 0) {
        sc.fact(`${key}.title`, p.title, undefined);
        for (const [j, t] of (p.tasks ?? []).entries()) sc.missingAll(`${key}.tasks[${j}]`, t);
        for (const [j, g] of (p.goals ?? []).entries()) sc.missingAll(`${key}.goals[${j}]`, g);
        return;
      }
      used.add(at);
      from = at + 1;
      scorePlan(sc, key, p, drafts[at]!);
    });
    drafts.forEach((d, j) => {
      if (!used.has(j)) sc.extra('plan(extra)', d.title);
    });
  }
  const tally = emptyTally();
  for (const f of sc.facts) tally[f.verdict] += 1;
  return { ...tally, facts: sc.facts };
}
