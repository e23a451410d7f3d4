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
  /**
   * When the plan's next wake-up job is armed for (epoch ms): the lowest score of
   * `timers` as the last commit left it. A commit that moves that lowest score arms a
   * job for the new one (commit.lua's 'wake' op), so a plan holds one BullMQ job for
   * its next due timer, however many timers it has.
   */
  wake: string;
  notice(noticeId: string): string;
  inbox(personId: string): string;
  openInbox(personId: string): string;
  /** Personnel changes (人员调整, src/engine/personnel.ts): one hash each, its version the fence that applies it once. */
  personnelChange(changeId: string): string;
  /** Every personnel change of the plan, scored by when it was asked for: what the office lists. */
  personnelChanges: string;
  /** Pending personnel changes, scored by when they take effect: what the reconciler applies when due. */
  personnelPending: string;
  /** An indicator's record (src/engine/indicators.ts): values and ladders, with a version and stamp like every entity. */
  indicator(indicatorId: string): string;
  /** An indicator's hash-chained history: every value reported and every rung sent. */
  indicatorHistory(indicatorId: string): string;
}

/** The entity id of a plan itself, beside its tasks' ids. */
export const PLAN_ENTITY = '@plan';

export function keysFor(prefix: string): Keys {
  // A plan's keys are asked for on every step of every task: made once per plan (a few hundred remembered).
  const made = new Map<string, PlanKeys>();
  const keys: Keys = {
    plans: `${prefix}:plans`,
    token: (hash) => `${prefix}:tok:${hash}`,
    adminToken: `${prefix}:admin`,
    plan(planId) {
      const hit = made.get(planId);
      if (hit) return hit;
      if (made.size >= 500) made.delete(made.keys().next().value!);
      const planKeys = planKeysFor(`${prefix}:{${planId}}`);
      made.set(planId, planKeys);
      return planKeys;
    },
  };
  return keys;
}

function planKeysFor(p: string): PlanKeys {
  return {
    plan: `${p}:plan`,
    task: (taskId) => `${p}:t:${taskId}`,
    history: (entityId) => `${p}:h:${entityId}`,
    index: (name) => `${p}:ix:${name}`,
    tasks: `${p}:tasks`,
    timers: `${p}:timers`,
    wake: `${p}:wake`,
    notice: (noticeId) => `${p}:n:${noticeId}`,
    inbox: (personId) => `${p}:in:${personId}`,
    openInbox: (personId) => `${p}:open:${personId}`,
    personnelChange: (changeId) => `${p}:pc:${changeId}`,
    personnelChanges: `${p}:pcs`,
    personnelPending: `${p}:pcdue`,
    indicator: (indicatorId) => `${p}:g:${indicatorId}`,
    indicatorHistory: (indicatorId) => `${p}:gh:${indicatorId}`,
  };
}
