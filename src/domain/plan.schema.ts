/**
 * The plan definition: one zod schema for API bodies, stored plans and plan files.
 * Shape checks live in the schema; cross-references (a task's leader must be a person
 * of the plan, phases in order, real dates) live in `checkPlanReferences`, so that a
 * bad plan is answered with every problem at once, each with its path.
 */
import { z } from 'zod';
import { isoDurationProblem, planDateProblem, resolvePlanDate, timeZoneProblem } from './time.js';
import { DEFAULT_ACKNOWLEDGE, DEFAULT_ESCALATION, DEFAULT_MAX_EXTENSIONS, DEFAULT_REVIEW } from './policy.js';
import { CALENDAR_NAMES } from './offsets.js';
import { checkChildren } from './children.js';

/** The organisation every plan and office belonged to before there were organisations. */
export const DEFAULT_ORGANISATION = 'default';

export const Id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'must be 1–40 letters, digits, "-" or "_", starting with a letter or digit');

/** A string schema refused with the message `problem` finds, if any. */
const checkedString = (problem: (text: string) => string | null) =>
  z.string().superRefine((text, ctx) => {
    const message = problem(text);
    if (message !== null) ctx.addIssue({ code: 'custom', message });
  });

/**
 * A date or date-time of the plan (see `planDateProblem`): within 2000–2100 and with
 * a real UTC offset, so that everything the engine derives from it is a finite time.
 */
export const PlanDate = checkedString(planDateProblem);

/** A positive ISO 8601 duration of at most ten years (see `isoDurationProblem`). */
export const IsoDuration = checkedString(isoDurationProblem);

/** A reminder offset or grace period: an ISO 8601 duration, or working days in the plan's calendar. */
export const Offset = z.union([IsoDuration, z.object({ workingDays: z.number().int().min(1).max(366) })]);

/** An IANA time zone or a real fixed offset (see `timeZoneProblem`). */
export const TimeZone = checkedString(timeZoneProblem);

export const PHASE_KEYS = ['launch', 'promotion', 'implementation', 'evaluation'] as const;
export const PhaseKey = z.enum(PHASE_KEYS);

/** Roles of the responsibility chain that a reminder or rung can notify. */
export const CHAIN_ROLES = [
  'responsiblePerson',
  'departmentHead',
  'responsibleLeader',
  'groupLeader',
  'leadershipGroup',
  'cooperatingUnits',
  'office',
] as const;
export const ChainRole = z.enum(CHAIN_ROLES);

export const RUNG_ACTIONS = ['rectification_notice', 'public_criticism', 'admonishment', 'disciplinary'] as const;
export const RungAction = z.enum(RUNG_ACTIONS);

export const Rung = z.object({
  action: RungAction,
  notify: z.array(ChainRole).min(1),
  /** Time allowed to rectify before the next rung; the last rung needs none. */
  grace: Offset.optional(),
});

/**
 * 验收时限: once a task is submitted the reviewer holds it. The responsible leader is
 * told at once, reminded before the review deadline, and when it passes the notices
 * go up the chain above the reviewer, one step per grace period.
 */
export const ReviewPolicy = z.object({
  within: Offset.default(DEFAULT_REVIEW.within),
  reminders: z.array(Offset).max(20).default(DEFAULT_REVIEW.reminders),
  grace: Offset.default(DEFAULT_REVIEW.grace),
  /** Who is told at each step past the review deadline. */
  escalateTo: z.array(z.array(ChainRole).min(1)).min(1).max(5).default(DEFAULT_REVIEW.escalateTo),
});

/** 签收时限: a task is acknowledged within `within` of being issued, or its person is reminded, then its department head told. */
export const AcknowledgePolicy = z.object({
  within: Offset.default(DEFAULT_ACKNOWLEDGE.within),
  chaseAfter: Offset.default(DEFAULT_ACKNOWLEDGE.chaseAfter),
});

export const EscalationPolicy = z.object({
  /** Offsets before the deadline at which the responsible person is reminded. */
  reminders: z.array(Offset).max(50).default([]),
  reminderNotify: z.array(ChainRole).min(1).default(['responsiblePerson']),
  /** At most 20 rungs (the task list's rung filter goes to 20): with ten-year graces, the top rung is still a time. */
  rungs: z.array(Rung).min(1).max(20),
  review: ReviewPolicy.default(DEFAULT_REVIEW),
  acknowledge: AcknowledgePolicy.default(DEFAULT_ACKNOWLEDGE),
  /** Approved extensions (延期) a task may have; 0 forbids them. */
  maxExtensions: z.number().int().min(0).max(20).default(DEFAULT_MAX_EXTENSIONS),
});

export const Contacts = z.object({
  phone: z.string().optional(),
  email: z.string().optional(),
  wechat: z.string().optional(),
});

export const Person = z.object({
  id: Id,
  /** The person's id in the directory when it differs from the id the plan uses (absent: the same). */
  ref: Id.optional(),
  name: z.string().min(1),
  title: z.string().optional(),
  unit: Id.optional(),
  contacts: Contacts.optional(),
});

export const Unit = z.object({
  id: Id,
  /** The unit's id in its organisation's directory when it differs from the plan's (absent: the same). */
  ref: Id.optional(),
  name: z.string().min(1),
  kind: z.enum(['department', 'school', 'office', 'other']).default('department'),
  /** The unit's head (股室主任 / 校长): may submit the unit's tasks and is on its chain. */
  head: Id.optional(),
});

export const LeadershipGroup = z.object({
  leader: Id,
  deputies: z.array(Id).default([]),
  members: z.array(Id).default([]),
  office: z.object({ unit: Id.optional(), director: Id.optional(), members: z.array(Id).default([]) }).default({ members: [] }),
});

export const Phase = z.object({
  key: PhaseKey,
  name: z.string().optional(),
  start: PlanDate,
  end: PlanDate,
  /** Entering this phase needs the group leader's approval: the office (or its date) proposes, the group leader approves. */
  requiresApproval: z.boolean().default(false),
});

export const Area = z.object({ id: Id, title: z.string().min(1) });

export const Milestone = z.object({ title: z.string().min(1), due: PlanDate });

export const RECURRENCE_EVERY = ['week', 'month', 'quarter', 'semester', 'schoolYear', 'year'] as const;

/**
 * A duty that recurs ("每季度召开一次推进会", "每学期开展1次"): `times` rounds per `every`,
 * `text` the phrase as the document writes it. The task's deadline is its first round.
 */
export const Recurrence = z.object({
  every: z.enum(RECURRENCE_EVERY),
  times: z.number().int().min(1).default(1),
  text: z.string(),
});

/**
 * A task for a group of units below ("各学校完成配套方案"): `group` as written, `units` the
 * units it becomes one task each for when cascaded (分解下达); empty until someone lists them.
 */
export const Cascade = z.object({
  group: z.string().min(1),
  units: z.array(Id).default([]),
  /**
   * When the parent is done (src/engine/children.ts): `all` (absent) when every unit's
   * task is accepted — the lead department then holds no clock of its own; `summary`
   * when the lead department's own summary is accepted, chased like any task.
   */
  closeWhen: z.enum(['all', 'summary']).optional(),
  /** Each unit's task is due this long before the parent's deadline (absent: on it). */
  leadTime: Offset.optional(),
});

/** Month-day, 01-01 … 12-31. */
const MonthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD, e.g. 03-01');

/**
 * The school calendar for 每学期 duties: spring from `spring` (about 1 March), autumn
 * from `autumn` (about 1 September), each to the day before the next starts; or the
 * semesters written out (`terms`), which then are the only ones.
 */
export const Semesters = z.object({
  spring: MonthDay.optional(),
  autumn: MonthDay.optional(),
  terms: z.array(z.object({ id: Id, name: z.string().optional(), start: PlanDate, end: PlanDate })).optional(),
});

/**
 * 协办: each cooperating unit of a task owes its part to the lead department, due
 * `leadTime` before the task's deadline. Absent, cooperating units are named and not
 * supervised (as for every plan written before): making each one a supervised
 * contribution changes who is chased, so a plan says so.
 */
export const Cooperation = z.object({ leadTime: Offset });

export const Task = z.object({
  id: Id,
  area: Id.optional(),
  title: z.string().min(1),
  duties: z.string().default(''),
  responsibleLeader: Id,
  leadDepartment: Id,
  responsiblePerson: Id,
  cooperatingUnits: z.array(Id).default([]),
  deadline: PlanDate,
  milestones: z.array(Milestone).default([]),
  recurrence: Recurrence.optional(),
  cascade: Cascade.optional(),
});

/** How often an indicator's actual values are reported. */
export const INDICATOR_CADENCES = ['month', 'quarter', 'semester', 'year'] as const;

export const Indicator = z.object({
  id: Id,
  title: z.string().min(1),
  target: z.number(),
  comparison: z.enum(['>=', '>', '<=', '<', '=']),
  unit: z.string().optional(),
  due: PlanDate.optional(),
  /** The starting value the plan states ("2021年达标率40%"), with its year when given. */
  baseline: z.object({ value: z.number(), year: z.number().int().optional() }).optional(),
  /** Yearly targets on the way (40% → 70% → 100%), years ascending; each is checked at its year's end, or at `at` when given. */
  path: z
    .array(z.object({ year: z.number().int(), value: z.number(), at: PlanDate.optional() }))
    .refine((p) => p.every((step, i) => i === 0 || step.year > p[i - 1]!.year), 'path years must be ascending')
    .default([]),
  /** A target written as a range ("12~15名"): min ≤ max; `target` is then the min. */
  range: z
    .object({ min: z.number(), max: z.number() })
    .refine((r) => r.min <= r.max, 'range.min must not exceed range.max')
    .optional(),
  /** The target as the document writes it. */
  text: z.string().optional(),
  /** The unit that reports actual values (its head and people); absent: the office's unit, else the first unit. */
  department: Id.optional(),
  /** The responsible leader told when the indicator is off its path; absent: the group leader. */
  leader: Id.optional(),
  /** How often actual values are reported (default each semester: 春季 from 1 March, 秋季 from 1 September). */
  cadence: z.enum(INDICATOR_CADENCES).optional(),
  /** How far behind its path it may be and still be yellow, in its own unit; absent: a tenth of the span to its target. */
  tolerance: z.number().min(0).optional(),
});

/** A time of day in the plan's zone, HH:mm (24-hour). */
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day, HH:mm (24-hour), like 22:00');

/**
 * Where a plan's notices go besides the inbox (src/delivery, src/engine/outbox.ts).
 * Channel endpoints and secrets are not here — people of the plan read its definition —
 * but registered by the organisation's office and named by id; `email` is the server's
 * own mail, to each recipient's address in the directory.
 */
export const DeliveryRoute = z.object({
  /** Recipients in any of these roles (of the notice) are routed. */
  roles: z.array(ChainRole).min(1),
  /** Only notices of tasks whose lead department is one of these (for a notice without a task: the recipient's unit). */
  units: z.array(Id).min(1).optional(),
  /** A channel the organisation registered (a group robot: one message for all its addressees), or `email`. */
  channel: Id,
});

export const QuietHours = z.object({
  /** No push from this time of day … */
  from: TimeOfDay,
  /** … until this one (the next day when it is earlier than `from`); what was held goes then. */
  to: TimeOfDay,
  /** Escalation rungs (整改通知书) go at once even in quiet hours. */
  allowRungs: z.boolean().default(false),
});

/** Who a digest is for by default (a person's directory preference overrides it): roles held in the plan. */
export const DIGEST_ROLES = [
  'groupLeader',
  'deputy',
  'member',
  'responsibleLeader',
  'departmentHead',
  'responsiblePerson',
  'office',
] as const;
export const DigestRole = z.enum(DIGEST_ROLES);

/**
 * Daily digests (每日督办摘要) and the weekly bulletin (每周督办简报) to the leadership
 * group, through the same outbox and routes as notices (src/engine/digests.ts).
 */
export const DigestSettings = z.object({
  /** When the day's digest goes, in the plan's zone (quiet hours still hold it). */
  at: TimeOfDay.default('08:00'),
  /** Who gets one unless their directory entry says `digest: none` (or `daily` for anyone else). */
  roles: z.array(DigestRole).min(1).default(['groupLeader', 'deputy', 'responsibleLeader']),
  /** People in `roles` get reminders, review and extension requests in the digest instead of one push each; rungs always push. */
  digestInsteadOfPushes: z.boolean().default(false),
  /** The weekly bulletin to the leadership group: ISO weekday (1 = Monday) and time; `false` for none. */
  weekly: z
    .union([z.literal(false), z.object({ weekday: z.number().int().min(1).max(7).default(1), at: TimeOfDay.default('08:30') })])
    .default({ weekday: 1, at: '08:30' }),
});
export type DigestSettingsT = z.infer<typeof DigestSettings>;

export const DeliverySection = z.object({
  routes: z.array(DeliveryRoute).min(1).max(50),
  quietHours: QuietHours.optional(),
  /** Daily digests and the weekly bulletin; absent, none are sent. */
  digest: DigestSettings.optional(),
});
export type DeliverySectionT = z.infer<typeof DeliverySection>;

export const PlanDefinitionShape = z.object({
  id: Id,
  title: z.string().min(1),
  /** Who issues notices (发文机关), e.g. "XX区教育局基础教育质量提升工作领导小组办公室". */
  issuer: z.string().min(1),
  /** The organisation the plan belongs to: only its office runs it. Plans stored before organisations belong to `default`. */
  organisation: Id.default(DEFAULT_ORGANISATION),
  timeZone: TimeZone.default('Asia/Shanghai'),
  /** Holiday calendar for working-day offsets: mainland China's statutory holidays and make-up days. */
  calendar: z.enum(CALENDAR_NAMES).default('cn-mainland'),
  units: z.array(Unit).min(1),
  people: z.array(Person).min(1),
  leadershipGroup: LeadershipGroup,
  phases: z.array(Phase).length(4),
  /** The plan's whole span when the document states one ("用三年时间(2024—2026年)", "十四五期间"). */
  period: z.object({ start: PlanDate, end: PlanDate }).optional(),
  areas: z.array(Area).default([]),
  // A province-wide duty issued to every school is thousands of tasks; the bound keeps one publish commit sane.
  tasks: z.array(Task).min(1).max(20_000),
  goals: z.array(Indicator).default([]),
  escalation: EscalationPolicy.default(DEFAULT_ESCALATION),
  /** The school calendar of 每学期 duties (default: spring from 03-01, autumn from 09-01). */
  semesters: Semesters.optional(),
  /** 协办: cooperating units' contributions are supervised (see Cooperation). */
  cooperation: Cooperation.optional(),
  /** Channels notices leave by, per role and department, and quiet hours; absent, notices stay in the inbox. */
  delivery: DeliverySection.optional(),
});

export type PlanDefinition = z.infer<typeof PlanDefinitionShape>;
export type PlanDefinitionInput = z.input<typeof PlanDefinitionShape>;
export type TaskDefinition = z.infer<typeof Task>;
export type IndicatorDefinition = z.infer<typeof Indicator>;
export type EscalationPolicyT = z.infer<typeof EscalationPolicy>;
export type ChainRoleT = z.infer<typeof ChainRole>;
export type RungActionT = z.infer<typeof RungAction>;
export type PhaseKeyT = z.infer<typeof PhaseKey>;

/** The directory id of a person or unit of the plan. */
export const directoryIdOf = (entry: { id: string; ref?: string | undefined }): string => entry.ref ?? entry.id;

/** The plan-local id of the person who is directory person `directoryId` in this plan, or null. */
export function planPersonOf(plan: Pick<PlanDefinition, 'people'>, directoryId: string): string | null {
  return plan.people.find((p) => directoryIdOf(p) === directoryId)?.id ?? null;
}

/** The plan's organisation, for definitions stored before plans had one. */
export const organisationOf = (plan: { organisation?: string | undefined }): string => plan.organisation ?? DEFAULT_ORGANISATION;

type Issue = { path: (string | number)[]; message: string };

function duplicates<T extends { id: string }>(items: T[], where: string, issues: Issue[]): Set<string> {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) issues.push({ path: [where, i, 'id'], message: `duplicate id "${item.id}"` });
    seen.add(item.id);
  });
  return seen;
}

/** Every cross-reference and calendar problem of a shape-valid plan, each with its path. */
export function checkPlanReferences(plan: PlanDefinition): Issue[] {
  const issues: Issue[] = [];
  const people = duplicates(plan.people, 'people', issues);
  const identities = new Map<string, number>();
  plan.people.forEach((p, i) => {
    const identity = directoryIdOf(p);
    const first = identities.get(identity);
    if (first !== undefined && first !== i) {
      issues.push({ path: ['people', i, 'ref'], message: `people[${first}] is already directory person "${identity}"` });
    }
    identities.set(identity, first ?? i);
  });
  const units = duplicates(plan.units, 'units', issues);
  const areas = duplicates(plan.areas, 'areas', issues);
  duplicates(plan.tasks, 'tasks', issues);
  duplicates(plan.goals, 'goals', issues);
  const person = (id: string | undefined, path: (string | number)[]) => {
    if (id !== undefined && !people.has(id)) issues.push({ path, message: `no person "${id}"` });
  };
  const unit = (id: string | undefined, path: (string | number)[]) => {
    if (id !== undefined && !units.has(id)) issues.push({ path, message: `no unit "${id}"` });
  };
  plan.people.forEach((p, i) => unit(p.unit, ['people', i, 'unit']));
  plan.units.forEach((u, i) => person(u.head, ['units', i, 'head']));
  const g = plan.leadershipGroup;
  person(g.leader, ['leadershipGroup', 'leader']);
  g.deputies.forEach((d, i) => person(d, ['leadershipGroup', 'deputies', i]));
  g.members.forEach((m, i) => person(m, ['leadershipGroup', 'members', i]));
  unit(g.office.unit, ['leadershipGroup', 'office', 'unit']);
  person(g.office.director, ['leadershipGroup', 'office', 'director']);
  g.office.members.forEach((m, i) => person(m, ['leadershipGroup', 'office', 'members', i]));

  // A zone the shape refused is reported once; the dates are still checked, in UTC.
  const zone = timeZoneProblem(plan.timeZone) === null ? plan.timeZone : 'UTC';
  // A date the shape refused (not a date, out of range) is reported once, by the shape.
  const resolve = (text: string, edge: 'start' | 'end', path: (string | number)[]) => {
    const at = resolvePlanDate(text, zone, edge);
    if (at === null && planDateProblem(text) === null) issues.push({ path, message: `"${text}" is not a date` });
    return at;
  };
  let previousEnd: number | null = null;
  plan.phases.forEach((phase, i) => {
    const expected = ['launch', 'promotion', 'implementation', 'evaluation'][i];
    if (phase.key !== expected) {
      issues.push({
        path: ['phases', i, 'key'],
        message: `must be "${expected}" (phases run launch, promotion, implementation, evaluation)`,
      });
    }
    const start = resolve(phase.start, 'start', ['phases', i, 'start']);
    const end = resolve(phase.end, 'end', ['phases', i, 'end']);
    if (start !== null && end !== null && end <= start) {
      issues.push({ path: ['phases', i, 'end'], message: `phases[${i}].end is before phases[${i}].start` });
    }
    if (start !== null && previousEnd !== null && start < previousEnd) {
      issues.push({ path: ['phases', i, 'start'], message: `phases[${i}].start overlaps phases[${i - 1}]` });
    }
    if (end !== null) previousEnd = end;
  });

  if (plan.period) {
    const start = resolve(plan.period.start, 'start', ['period', 'start']);
    const end = resolve(plan.period.end, 'end', ['period', 'end']);
    if (start !== null && end !== null && end <= start)
      issues.push({ path: ['period', 'end'], message: 'period.end is before period.start' });
  }

  plan.tasks.forEach((t, i) => {
    if (t.area !== undefined && !areas.has(t.area)) issues.push({ path: ['tasks', i, 'area'], message: `no area "${t.area}"` });
    person(t.responsibleLeader, ['tasks', i, 'responsibleLeader']);
    person(t.responsiblePerson, ['tasks', i, 'responsiblePerson']);
    unit(t.leadDepartment, ['tasks', i, 'leadDepartment']);
    t.cooperatingUnits.forEach((c, j) => unit(c, ['tasks', i, 'cooperatingUnits', j]));
    resolve(t.deadline, 'end', ['tasks', i, 'deadline']);
    t.milestones.forEach((m, j) => resolve(m.due, 'end', ['tasks', i, 'milestones', j, 'due']));
  });
  plan.goals.forEach((g, i) => {
    if (g.due !== undefined) resolve(g.due, 'end', ['goals', i, 'due']);
    unit(g.department, ['goals', i, 'department']);
    person(g.leader, ['goals', i, 'leader']);
    g.path.forEach((step, j) => {
      if (step.at !== undefined) resolve(step.at, 'end', ['goals', i, 'path', j, 'at']);
    });
  });
  plan.delivery?.routes.forEach((r, i) => r.units?.forEach((u, j) => unit(u, ['delivery', 'routes', i, 'units', j])));
  if (plan.delivery?.quietHours && plan.delivery.quietHours.from === plan.delivery.quietHours.to) {
    issues.push({
      path: ['delivery', 'quietHours', 'to'],
      message: 'is the same time as quietHours.from: quiet hours would be the whole day or none',
    });
  }
  plan.semesters?.terms?.forEach((term, i) => {
    const start = resolve(term.start, 'start', ['semesters', 'terms', i, 'start']);
    const end = resolve(term.end, 'end', ['semesters', 'terms', i, 'end']);
    if (start !== null && end !== null && end <= start)
      issues.push({ path: ['semesters', 'terms', i, 'end'], message: `semesters.terms[${i}].end is before its start` });
  });
  issues.push(...checkChildren(plan));
  plan.escalation.rungs.forEach((r, i) => {
    const last = i === plan.escalation.rungs.length - 1;
    if (!last && r.grace === undefined) {
      issues.push({
        path: ['escalation', 'rungs', i, 'grace'],
        message: 'is required on every rung but the last (time to rectify before the next rung)',
      });
    }
  });
  return issues;
}

/** The plan schema with cross-reference checks: what the API and plan files accept. */
export const PlanDefinitionSchema = PlanDefinitionShape.superRefine((plan, ctx) => {
  for (const issue of checkPlanReferences(plan)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});
