/**
 * Who may do what. Pure rules over the plan definition; each refusal names its rule
 * in Chinese and English so a 403 tells the caller exactly why.
 */
import type { Text } from './i18n.js';
import { organisationOf, planPersonOf, type PlanDefinition, type TaskDefinition } from './plan.schema.js';
import { peopleInRole } from './chain.js';
import type { PlanCommandType, TaskCommandType } from './commands.schema.js';
import { PLAN_COMMANDS, TASK_COMMANDS, type PlanActor, type TaskActor } from './task-commands.js';

/**
 * Who acts. An office principal belongs to one organisation and runs only its plans;
 * a person is a directory person (one identity whatever plans they are in), who acts
 * in a plan as the plan person that refers to them; an admin runs the server —
 * organisations and office credentials — not the work.
 */
export type Principal =
  { kind: 'admin' } | { kind: 'office'; name: string; org: string } | { kind: 'person'; personId: string } | { kind: 'system' };

/** How a principal appears in history. */
export function actorLabel(p: Principal): string {
  switch (p.kind) {
    case 'admin':
      return 'admin';
    case 'office':
      return `office:${p.name}`;
    case 'person':
      return p.personId;
    case 'system':
      return 'system';
  }
}

const RULES = {
  createPlan: {
    zh: '只有单位的领导小组办公室可以创建方案（管理员只管理服务器、单位和办公室账号）',
    en: "Only an organisation's leadership group office may create plans (admins run the server, organisations and office credentials)",
  },
  otherOrganisation: {
    zh: '办公室只能为本单位创建和管理方案',
    en: 'An office creates and runs plans of its own organisation only',
  },
  runPlan: {
    zh: '只有本方案所属单位的领导小组办公室可以发布、修改方案或手动推进阶段',
    en: "Only the leadership group office of the plan's organisation may publish or edit the plan or advance its phase",
  },
  readPlan: {
    zh: '只能查看本人所在的方案，或本单位办公室管理的方案',
    en: "You may only read plans you belong to, or, as an office, your organisation's plans",
  },
  work: {
    zh: '只有责任人或责任股室负责人可以签收、报告进展或提交该任务',
    en: 'Only the responsible person or the head of the lead department may acknowledge, report on or submit this task',
  },
  review: {
    zh: '只有责任领导或领导小组组长可以审核、验收或退回该任务',
    en: 'Only the responsible leader or the group leader may review, accept or return this task',
  },
  deadline: {
    zh: '只有领导小组办公室或管理员可以调整完成时限',
    en: 'Only the leadership group office or an admin may change a deadline',
  },
  issueTokens: { zh: '只有管理员可以签发办公室令牌', en: 'Only an admin may issue office tokens' },
  actAsOther: {
    zh: '任何人都不能签发代表他人的凭证：个人令牌只能由本人登录后签发',
    en: 'No one may issue a credential that acts as someone else: a person issues their own tokens, signed in',
  },
  manageAccounts: {
    zh: '只有本单位的领导小组办公室可以设置账号、发放登录链接或重置密码',
    en: "Only the organisation's leadership group office may set up accounts, issue sign-in links or reset passwords",
  },
  approvePhase: { zh: '只有领导小组组长可以批准或否决进入新阶段', en: 'Only the group leader may approve or reject a proposed phase' },
} satisfies Record<string, Text>;

export type Rule = keyof typeof RULES;
export const ruleText = (rule: Rule): Text => RULES[rule];

/** The plan-local id `p` acts as in `plan`, or null when `p` is not one of its people. */
export function meIn(p: Principal, plan: Pick<PlanDefinition, 'people'>): string | null {
  return p.kind === 'person' ? planPersonOf(plan, p.personId) : null;
}

/** The plan's office: office principals of its organisation, and the people its leadership group names as office. */
function isPlanOffice(p: Principal, plan: PlanDefinition): boolean {
  if (p.kind === 'system') return true;
  if (p.kind === 'office') return p.org === organisationOf(plan);
  const me = meIn(p, plan);
  return me !== null && peopleInRole(plan, null, 'office').includes(me);
}

/** The rule that forbids `p` to create a plan (of organisation `org`, when known), or null when allowed. */
export function checkCreatePlan(p: Principal, org?: string): Rule | null {
  if (p.kind === 'system') return null;
  if (p.kind !== 'office') return 'createPlan';
  return org === undefined || org === p.org ? null : 'otherOrganisation';
}

export function checkRunPlan(p: Principal, plan: PlanDefinition): Rule | null {
  return isPlanOffice(p, plan) ? null : 'runPlan';
}

/** Whether `p` may read `plan`: its people, its organisation's office, the system. */
export function checkReadPlan(p: Principal, plan: PlanDefinition): Rule | null {
  if (p.kind === 'system') return null;
  if (p.kind === 'office') return p.org === organisationOf(plan) ? null : 'readPlan';
  if (p.kind === 'admin') return 'readPlan';
  return meIn(p, plan) !== null ? null : 'readPlan';
}

/**
 * The rule that forbids `p` to issue a token acting as `target`, or null. Office
 * tokens stay with admins; everything else only for oneself, so no principal can
 * hold a credential that acts as someone else.
 */
export function checkIssueTokens(p: Principal, target: Exclude<Principal, { kind: 'system' }>): Rule | null {
  if (target.kind === 'office') return p.kind === 'admin' ? null : 'issueTokens';
  if (target.kind === 'admin') return p.kind === 'admin' ? null : 'actAsOther';
  return p.kind === 'person' && p.personId === target.personId ? null : 'actAsOther';
}

/** The rule that forbids `p` to set up accounts and sign-in links for the people of `plan`, or null. */
export function checkManageAccounts(p: Principal, plan: PlanDefinition): Rule | null {
  return isPlanOffice(p, plan) ? null : 'manageAccounts';
}

/** The rule that forbids `p` to send a task command of `type`, or null. */
export function checkTaskEvent(p: Principal, plan: PlanDefinition, task: TaskDefinition, type: TaskCommandType): Rule | null {
  // Admins run the system, not the work: submitting and accepting stay with the chain.
  if (p.kind === 'system') return null;
  const me = meIn(p, plan);
  const holds = (role: Parameters<typeof peopleInRole>[2]) => me !== null && peopleInRole(plan, task, role).includes(me);
  const by: TaskActor = TASK_COMMANDS[type].by;
  switch (by) {
    case 'work':
      return holds('responsiblePerson') || holds('departmentHead') ? null : 'work';
    case 'review':
      return holds('responsibleLeader') || holds('groupLeader') ? null : 'review';
    case 'office':
      return isPlanOffice(p, plan) ? null : 'deadline';
  }
}

/** The rule that forbids `p` to send a plan command of `type`, or null. */
export function checkPlanEvent(p: Principal, plan: PlanDefinition, type: PlanCommandType): Rule | null {
  const by: PlanActor = PLAN_COMMANDS[type].by;
  switch (by) {
    case 'office':
      return checkRunPlan(p, plan);
    case 'groupLeader':
      if (p.kind === 'system') return null;
      return meIn(p, plan) === plan.leadershipGroup.leader ? null : 'approvePhase';
  }
}
