/**
 * Rewrites entities stored by an earlier machine version in this build's version.
 * Loading migrates on the fly (entity.ts), so nothing depends on this pass for
 * correctness; it brings the index sets and the timer index in line with the migrated
 * state (a task v1 kept in `s:overdue` while under review is filed as `s:withReviewer`),
 * so counts and lists are right before the task's next event. Each rewrite is an
 * ordinary compare-and-set commit with a history entry, so it is safe to run from
 * every worker at once and to repeat.
 */
import { PLAN_MACHINE_VERSION, TASK_MACHINE_VERSION } from '../../machines/index.js';
import { PLAN_ENTITY } from '../store/keys.js';
import { Batch } from '../store/batch.js';
import { historyEntry } from './commit.js';
import type { EngineCore } from './core.js';
import { taskIndexes, taskState } from './entity.js';

export const UPGRADE_EVENT = 'system.upgraded';

/** Upgrades one plan's stored entities; returns how many it rewrote. */
export async function upgradePlan(core: EngineCore, planId: string): Promise<number> {
  const pk = core.pk(planId);
  let rewritten = 0;
  const { plan } = await core.reader.loadPlan(planId);
  if (plan.mv < PLAN_MACHINE_VERSION) {
    const r = await core.commit.transact(pk.plan, async () => {
      const { plan: p } = await core.reader.loadPlan(planId);
      if (p.mv >= PLAN_MACHINE_VERSION) return null;
      const entry = historyEntry(
        { type: UPGRADE_EVENT, at: core.now() },
        'system',
        `v${p.mv}`,
        `v${PLAN_MACHINE_VERSION}`,
        [],
        UPGRADE_EVENT,
      );
      return {
        batch: new Batch(),
        notices: [],
        writes: [{ kind: 'plan', id: PLAN_ENTITY, key: pk.plan, before: p, snap: p.snap, timers: p.timers, ix: [], history: entry }],
      };
    });
    if (r.version > 0) rewritten++;
  }
  const ids = await core.reader.taskIds(planId);
  const pipeline = core.redis.pipeline();
  for (const id of ids) pipeline.hget(pk.task(id), 'mv');
  const mvs = ((await pipeline.exec()) ?? []).map(([, v]) => Number(v));
  for (const [i, id] of ids.entries()) {
    if (!(mvs[i]! < TASK_MACHINE_VERSION)) continue;
    const r = await core.commit.transact(pk.task(id), async () => {
      const t = await core.reader.loadTask(planId, id);
      if (t.mv >= TASK_MACHINE_VERSION) return null;
      const def = await core.defs.get(planId, t.rev);
      const state = taskState(t.snap);
      const entry = historyEntry({ type: UPGRADE_EVENT, at: core.now() }, 'system', state, state, [], UPGRADE_EVENT);
      return {
        batch: new Batch(),
        notices: [],
        writes: [
          {
            kind: 'task',
            id,
            key: pk.task(id),
            before: t,
            snap: t.snap,
            timers: t.timers,
            ix: taskIndexes(def, t.def, t.snap),
            history: entry,
          },
        ],
      };
    });
    if (r.version > 0) rewritten++;
  }
  if (rewritten > 0) core.log?.(`plan ${planId}: ${rewritten} stored entities upgraded to this build's machines`);
  return rewritten;
}

/** Upgrades every plan; returns how many entities it rewrote. */
export async function upgradeAll(core: EngineCore, plans?: string[]): Promise<number> {
  let total = 0;
  for (const planId of plans ?? (await core.redis.zrange(core.keys.plans, '0', '-1'))) {
    try {
      total += await upgradePlan(core, planId);
    } catch (err) {
      core.log?.(`upgrade of plan ${planId} failed, it still loads through migrations: ${String(err)}`);
    }
  }
  return total;
}
