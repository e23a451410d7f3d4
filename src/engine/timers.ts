/**
 * Due timers. A job names its timer's fencing token; it runs the timer only while the
 * entity still holds that token, so a duplicate, late, cancelled or already-fired job
 * changes nothing. A late job fires "as of" its due time, so the dates that follow
 * from it never drift.
 */
import { NotFoundError } from '../errors.js';
import { PLAN_ENTITY } from '../store/keys.js';
import type { EngineCore } from './core.js';
import { applyToPlan } from './plans.js';
import type { ScheduledTimer } from './scheduler.js';
import type { TimerEvent, Timers } from './step.js';
import { applyToTask } from './tasks.js';

/**
 * The timer holding `tok`, as the event it stands for, due at `at`. Run later than
 * the lateness threshold (an outage held it up), it carries `firedAt`: its step is
 * issued now, with periods counted from now.
 */
function held(core: EngineCore, timers: Timers, tok: string): TimerEvent | null {
  const found = Object.entries(timers).find(([, t]) => t.tok === tok);
  if (!found) return null;
  const now = core.now();
  const event: TimerEvent = { type: found[0] as TimerEvent['type'], at: found[1].at };
  if (now - found[1].at > core.lateAfterMs) event.firedAt = now;
  return event;
}

/**
 * Runs a due timer. Does nothing, and says so, when the entity no longer holds the
 * token: the timer was cancelled, re-armed, dropped by a migration, or already fired.
 * A stale token is taken out of the plan's timer index, so the reconciler does not
 * re-arm it again and again.
 */
export async function fireTimer(core: EngineCore, planId: string, entity: string, tok: string): Promise<'fired' | 'stale'> {
  const pk = core.pk(planId);
  let fired = false;
  try {
    await core.commit.transact(
      entity === PLAN_ENTITY ? pk.plan : pk.task(entity),
      async (fresh) => {
        fired = false;
        if (entity === PLAN_ENTITY) {
          const { plan, def } = await core.reader.loadPlan(planId);
          const event = held(core, plan.timers, tok);
          if (!event) return null;
          fired = true;
          return applyToPlan(core, plan, def, event, 'system');
        }
        const task = await core.reader.loadTask(planId, entity, { cached: !fresh });
        const event = held(core, task.timers, tok);
        if (!event) return null;
        const def = await core.defs.get(planId, task.rev);
        const change = applyToTask(core, def, task, event, 'system');
        fired = change !== null;
        return change;
      },
      tok,
    );
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  if (!fired) await core.redis.zrem(pk.timers, `${entity}|${tok}`);
  return fired ? 'fired' : 'stale';
}

/** Re-arms due timers whose jobs went missing. Returns how many it re-armed. */
export async function reconcile(core: EngineCore, slackMs = 5_000): Promise<number> {
  const planIds = await core.redis.zrange(core.keys.plans, '0', '-1');
  let rearmed = 0;
  for (const planId of planIds) {
    const due = await core.redis.zrangebyscore(core.pk(planId).timers, '-inf', String(core.now() - slackMs), 'WITHSCORES');
    const timers: ScheduledTimer[] = [];
    for (let i = 0; i + 1 < due.length; i += 2) {
      const [entity, tok] = due[i]!.split('|');
      if (entity && tok) timers.push({ planId, entity, tok, at: Number(due[i + 1]) });
    }
    if (timers.length === 0) continue;
    try {
      rearmed += await core.scheduler.ensure(timers);
    } catch (err) {
      core.log?.(`reconciler, plan ${planId}: ${(err as Error).message}`);
    }
  }
  if (rearmed > 0) core.log?.(`reconciler re-armed ${rearmed} timer(s)`);
  return rearmed;
}
