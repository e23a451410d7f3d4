/**
 * Personnel changes (人员调整): the office replaces the holder of a role — a unit's
 * head, a task's responsible person or leader, the group leader, a member of the
 * leadership group, the office director — now or from a date. Pure: what the change
 * asks for (the zod body), and the amended definition it makes of a plan, or every
 * problem with its path in the body. The engine (src/engine/personnel.ts) applies the
 * result as an ordinary amendment, so handovers and notices come from one place.
 */
import { z } from 'zod';
import type { Problem } from '../errors.js';
import { partHandovers, partsOf } from './children.js';
import type { Text } from './i18n.js';
import { Id, PlanDate, type PlanDefinition, type TaskDefinition } from './plan.schema.js';

export const PERSONNEL_ROLES = [
  'unitHead',
  'responsiblePerson',
  'responsibleLeader',
  'groupLeader',
  'groupDeputy',
  'groupMember',
  'officeDirector',
] as const;
export type PersonnelRole = (typeof PERSONNEL_ROLES)[number];

export const PERSONNEL_ROLE_TEXT: Record<PersonnelRole, Text> = {
  unitHead: { zh: '单位负责人', en: 'unit head' },
  responsiblePerson: { zh: '责任人', en: 'responsible person' },
  responsibleLeader: { zh: '责任领导', en: 'responsible leader' },
  groupLeader: { zh: '领导小组组长', en: 'group leader' },
  groupDeputy: { zh: '领导小组副组长', en: 'deputy group leader' },
  groupMember: { zh: '领导小组成员', en: 'leadership group member' },
  officeDirector: { zh: '领导小组办公室主任', en: 'office director' },
};

/**
 * One personnel change as the office asks for it. Unknown fields are refused rather
 * than dropped: a misspelt `effective` must not turn a dated change into one applied now.
 */
export const PersonnelChangeBody = z.strictObject({
  role: z.enum(PERSONNEL_ROLES),
  /** The unit whose head changes (unitHead). */
  unit: Id.optional(),
  /** The task whose responsible person or leader changes. */
  task: Id.optional(),
  /** Whom the change replaces: required to replace one member of a group, or someone on every open task they hold the role on. */
  from: Id.optional(),
  /** The new holder: a person of the plan, or a new one described by `person`. */
  to: Id,
  /** Adds `to` to the plan's people when they are not in it yet. */
  person: z
    .strictObject({
      name: z.string().trim().min(1, 'is required'),
      title: z.string().trim().min(1).optional(),
      unit: Id.optional(),
    })
    .optional(),
  /** From when (a plan date, in the plan's zone); absent or not in the future: at once. */
  effective: PlanDate.optional(),
  reason: z.string().trim().min(1, 'is required').max(4000),
});
export type PersonnelChangeInput = z.infer<typeof PersonnelChangeBody>;

export type PersonnelStatus = 'pending' | 'applied' | 'cancelled' | 'failed';

/** A personnel change as stored, listed and recorded. */
export interface PersonnelChange extends PersonnelChangeInput {
  id: string;
  status: PersonnelStatus;
  /** When it takes effect (epoch ms), or null for at once. */
  effectiveAt: number | null;
  requestedBy: string;
  requestedAt: number;
  /** Filled in when it applies: when, the plan revision it made, whom it replaced and the tasks whose chain it moved. */
  appliedAt?: number;
  rev?: number;
  replaced?: string | null;
  tasks?: string[];
  cancelledBy?: string;
  cancelledAt?: number;
  /** Why it could not apply when it came due (the plan had changed under it). */
  problems?: Problem[];
}

/** What a change makes of a plan: the amended definition, whom it replaces (null: a vacant post) and the open tasks it touches. */
export interface PersonnelAmendment {
  definition: PlanDefinition;
  replaced: string | null;
  tasks: string[];
}

const TASK_ROLES = new Set<PersonnelRole>(['responsiblePerson', 'responsibleLeader']);
const PLAN_WIDE = new Set<PersonnelRole>(['groupLeader', 'groupDeputy', 'groupMember', 'officeDirector']);

/** Whether the role is one of the whole plan (on every task's chain) rather than of one unit or task. */
export const isPlanWideRole = (role: PersonnelRole): boolean => PLAN_WIDE.has(role);

/**
 * The plan as the change leaves it, or every problem with its path in the change.
 * `open` holds the ids of tasks still open: closed tasks keep the holders their record
 * names, so a change neither reaches nor may name them.
 */
export function amendForPersonnel(
  plan: PlanDefinition,
  change: PersonnelChangeInput,
  open: ReadonlySet<string>,
): { problems: Problem[]; amendment: PersonnelAmendment | null } {
  const problems: Problem[] = [];
  const problem = (path: string, zh: string, en: string) => problems.push({ path, message: `${zh} / ${en}` });
  const def = structuredClone(plan);
  const role = PERSONNEL_ROLE_TEXT[change.role];
  const name = (id: string) => def.people.find((p) => p.id === id)?.name ?? id;

  if (change.unit !== undefined && change.role !== 'unitHead')
    problem('unit', `「${role.zh}」的调整不指定单位`, `a ${role.en} change names no unit`);
  if (change.task !== undefined && !TASK_ROLES.has(change.role))
    problem('task', `「${role.zh}」的调整不指定任务`, `a ${role.en} change names no task`);

  // The new holder: a person of the plan, or one the change adds.
  const known = def.people.find((p) => p.id === change.to);
  if (!known && !change.person) {
    problem(
      'to',
      `方案中没有人员「${change.to}」；新人员请同时提供 person（姓名、职务、单位）`,
      `the plan has no person "${change.to}"; to add one, give person (name, title, unit)`,
    );
  } else if (known && change.person && known.name !== change.person.name) {
    problem(
      'person.name',
      `「${change.to}」在方案中是 ${known.name}，不是 ${change.person.name}`,
      `"${change.to}" is ${known.name} in the plan, not ${change.person.name}`,
    );
  } else if (!known && change.person) {
    const unit = change.person.unit ?? (change.role === 'unitHead' ? change.unit : undefined);
    if (change.person.unit !== undefined && !def.units.some((u) => u.id === change.person!.unit))
      problem('person.unit', `没有单位「${change.person.unit}」`, `no unit "${change.person.unit}"`);
    def.people.push({
      id: change.to,
      name: change.person.name,
      ...(change.person.title !== undefined ? { title: change.person.title } : {}),
      ...(unit !== undefined && def.units.some((u) => u.id === unit) ? { unit } : {}),
    });
  }

  /** The current holder must be who the change says it replaces, and not already the new one. */
  const replacing = (current: string | null, where: string): boolean => {
    if (change.from !== undefined && change.from !== current) {
      problem(
        'from',
        current === null
          ? `${where}目前无人担任，不是「${name(change.from)}」`
          : `${where}现为 ${name(current)}（${current}），不是「${change.from}」`,
        current === null ? `${where} is vacant, not held by "${change.from}"` : `${where} is ${current}, not "${change.from}"`,
      );
      return false;
    }
    if (current === change.to) {
      problem('to', `${name(change.to)} 已是${where}`, `${change.to} already holds this role`);
      return false;
    }
    return true;
  };
  const openTasks = (pred: (t: TaskDefinition) => boolean) => def.tasks.filter((t) => open.has(t.id) && pred(t)).map((t) => t.id);
  /** Every open task and part: a plan-wide role is on every chain. */
  const everyOpenTask = () =>
    def.tasks
      .flatMap((t) => [t, ...partsOf(def, t)])
      .filter((t) => open.has(t.id))
      .map((t) => t.id);
  const g = def.leadershipGroup;
  let replaced: string | null = null;
  let tasks: string[] = [];

  switch (change.role) {
    case 'unitHead': {
      if (change.unit === undefined) {
        problem('unit', '调整单位负责人须指定单位（unit）', 'a unit head change needs the unit');
        break;
      }
      const unit = def.units.find((u) => u.id === change.unit);
      if (!unit) {
        problem('unit', `没有单位「${change.unit}」`, `no unit "${change.unit}"`);
        break;
      }
      if (!replacing(unit.head ?? null, `${unit.name}负责人`)) break;
      replaced = unit.head ?? null;
      unit.head = change.to;
      tasks = openTasks((t) => t.leadDepartment === unit.id);
      break;
    }
    case 'responsiblePerson':
    case 'responsibleLeader': {
      const field = change.role;
      if (change.task !== undefined) {
        const task = def.tasks.find((t) => t.id === change.task);
        if (!task) {
          problem('task', `没有任务「${change.task}」`, `no task "${change.task}"`);
          break;
        }
        if (!open.has(task.id)) {
          problem(
            'task',
            `任务「${task.title}」已结束，其记录保留当时的${role.zh}`,
            `task ${task.id} is closed; its record keeps the ${role.en} it had`,
          );
          break;
        }
        if (!replacing(task[field], `任务「${task.title}」的${role.zh}`)) break;
        replaced = task[field];
        task[field] = change.to;
        tasks = [task.id];
        break;
      }
      if (change.from === undefined) {
        problem(
          'task',
          `调整${role.zh}须指定任务（task），或用 from 指定在其全部未完成任务上被替换的人`,
          `a ${role.en} change needs the task, or from: the person to replace on every open task`,
        );
        break;
      }
      const from = change.from;
      tasks = openTasks((t) => t[field] === from);
      if (tasks.length === 0) {
        problem('from', `「${from}」不是任何未完成任务的${role.zh}`, `"${from}" is the ${role.en} of no open task`);
        break;
      }
      if (from === change.to) {
        problem('to', `${name(change.to)} 已是这些任务的${role.zh}`, `${change.to} already holds this role`);
        break;
      }
      for (const t of def.tasks) if (tasks.includes(t.id)) t[field] = change.to;
      replaced = from;
      break;
    }
    case 'groupLeader':
      if (!replacing(g.leader, '领导小组组长')) break;
      replaced = g.leader;
      g.leader = change.to;
      tasks = everyOpenTask();
      break;
    case 'groupDeputy':
    case 'groupMember': {
      const list = change.role === 'groupDeputy' ? g.deputies : g.members;
      if (change.from === undefined) {
        problem('from', `调整${role.zh}须用 from 指定被替换的人`, `a ${role.en} change needs from: the member to replace`);
        break;
      }
      const at = list.indexOf(change.from);
      if (at < 0) {
        problem('from', `「${change.from}」不是${role.zh}`, `"${change.from}" is not a ${role.en}`);
        break;
      }
      if (list.includes(change.to)) {
        problem('to', `${name(change.to)} 已是${role.zh}`, `${change.to} is a ${role.en} already`);
        break;
      }
      replaced = change.from;
      list[at] = change.to;
      tasks = everyOpenTask();
      break;
    }
    case 'officeDirector': {
      const current = g.office.director ?? null;
      // A vacant post needs no `from`; replacing someone does, so the office says whom it means.
      if (current !== null && change.from === undefined) {
        problem('from', `调整${role.zh}须用 from 指定被替换的人`, `an ${role.en} change needs from: the director to replace`);
        break;
      }
      if (!replacing(current, role.zh)) break;
      replaced = current;
      g.office.director = change.to;
      tasks = everyOpenTask();
      break;
    }
  }
  if (problems.length > 0) return { problems, amendment: null };
  // The parts that change hands with their parent or their unit's head are the new holder's too.
  const parts = partHandovers(plan, def).map((h) => h.task);
  tasks = [...new Set([...tasks, ...parts.filter((id) => open.has(id))])];
  return { problems, amendment: { definition: def, replaced, tasks } };
}

/** The change in words, with names from `plan`: 「基础教育办公室负责人由张华改为吴刚」, 「…改由吴刚担任」 while its predecessor is not known yet. */
export function describePersonnelChange(plan: PlanDefinition, change: PersonnelChangeInput, replaced: string | null | undefined): Text {
  const name = (id: string) => plan.people.find((p) => p.id === id)?.name ?? change.person?.name ?? id;
  const role = PERSONNEL_ROLE_TEXT[change.role];
  const unit = change.unit === undefined ? undefined : (plan.units.find((u) => u.id === change.unit)?.name ?? change.unit);
  const task = change.task === undefined ? undefined : (plan.tasks.find((t) => t.id === change.task)?.title ?? change.task);
  const where: Text = unit
    ? { zh: `${unit}负责人`, en: `head of ${unit}` }
    : task
      ? { zh: `任务「${task}」的${role.zh}`, en: `${role.en} of "${task}"` }
      : TASK_ROLES.has(change.role)
        ? { zh: `全部未完成任务的${role.zh}`, en: `${role.en} on every open task` }
        : role;
  // `replaced` is known once the change applied (null: the post was vacant); before, only the `from` it names.
  const from = replaced !== undefined ? replaced : change.from;
  const to = name(change.to);
  if (from === null) return { zh: `${where.zh}原空缺，由${to}担任`, en: `${where.en}: ${to} (was vacant)` };
  if (from === undefined) return { zh: `${where.zh}改由${to}担任`, en: `${where.en}: to ${to}` };
  return { zh: `${where.zh}由${name(from)}改为${to}`, en: `${where.en}: ${name(from)} → ${to}` };
}
