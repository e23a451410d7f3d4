/**
 * Redis key layout. Every key of one plan carries the plan id as its hash tag
 * (`dn:{plan-1}:…`) so a plan's keys share a Cluster slot and one Lua script can
 * commit a transition, its history, its indexes and its notices atomically.
 * Global keys (the plan list, API tokens) sit outside any plan's slot and are never
 * written in the same script as a plan's keys.
 */
export interface Keys {
  plans: string;
  token(hash: string): string;
  adminToken: string;
  plan(planId: string): PlanKeys;
}

export interface PlanKeys {
  plan: string;
  task(taskId: string): string;
  history(entityId: string): string;
  index(name: string): string;
  tasks: string;
  timers: string;
  notice(noticeId: string): string;
  inbox(personId: string): string;
  openInbox(personId: string): string;
}

/** The entity id of a plan itself, beside its tasks' ids. */
export const PLAN_ENTITY = '@plan';

export function keysFor(prefix: string): Keys {
  return {
    plans: `${prefix}:plans`,
    token: (hash) => `${prefix}:tok:${hash}`,
    adminToken: `${prefix}:admin`,
    plan(planId) {
      const p = `${prefix}:{${planId}}`;
      return {
        plan: `${p}:plan`,
        task: (taskId) => `${p}:t:${taskId}`,
        history: (entityId) => `${p}:h:${entityId}`,
        index: (name) => `${p}:ix:${name}`,
        tasks: `${p}:tasks`,
        timers: `${p}:timers`,
        notice: (noticeId) => `${p}:n:${noticeId}`,
        inbox: (personId) => `${p}:in:${personId}`,
        openInbox: (personId) => `${p}:open:${personId}`,
      };
    },
  };
}
