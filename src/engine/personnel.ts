/**
 * Personnel changes (人员调整) on a running plan: the office replaces the holder of a
 * role now or from a date (the rules are in src/domain/personnel.ts).
 *
 * A change applies as an ordinary amendment (amend.ts) worked out inside the commit
 * from the definition stored then, so the handovers, the notices to new holders, the
 * diff on the record and the re-resolved chains all come from the one place that
 * amends plans. Notices already sent keep the recipients they were written with.
 *
 * A change dated in the future is stored, pending, as a hash of its own (`pc:<id>`,
 * with a version and a stamp like every entity) and in the plan's `pcdue` sorted set
 * scored by when it takes effect. It applies exactly once: the amendment's commit
 * checks the change's version and marks it applied, and takes it out of `pcdue`, in the
 * same script. A second worker, a late run, or a run after the office cancelled it
 * (which also bumps the version) fails that check, reads the change again, and finds
 * nothing to do.
 *
 * Trigger: the reconciler (workers/reconciler.worker.ts) applies due changes on each
 * run, rather than a delayed BullMQ job per change. A change takes effect on a date,
 * so the reconciler's period (30 s by default) is lateness nobody notices; the sorted
 * set is itself the durable schedule, so there is no job to lose or re-arm and no new
 * kind of timer entity for the timer worker; and the reconciler already visits every
 * plan under a lease, so due changes cost one ZRANGEBYSCORE per plan per period.
 */
import { randomBytes } from 'node:crypto';
import type { NoticeFacts } from '../domain/notices.js';
import { actorLabel, checkRunPlan, ruleText, type Principal } from '../domain/permissions.js';
import {
  amendForPersonnel,
  describePersonnelChange,
  isPlanWideRole,
  PersonnelChangeBody,
  type PersonnelChange,
  type PersonnelChangeInput,
} from '../domain/personnel.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { formatPlanTime, resolvePlanDate } from '../domain/time.js';
import type { Text } from '../domain/i18n.js';
import { EventNotAcceptedError, ForbiddenError, InvalidInputError, NotFoundError, RefusedError, type Problem } from '../errors.js';
import { Batch } from '../store/batch.js';
import { PLAN_ENTITY } from '../store/keys.js';
import { amendPlan, type AmendDerivation, type PlanDiff } from './amend.js';
import { historyEntry, newStamp } from './commit.js';
import type { EngineCore } from './core.js';
import { isFinished, planStage, taskState } from './entity.js';
import { admitToDirectory, parsePlanDefinition } from './plans.js';
import { offeredCommands } from './step.js';
import { strictBodyProblems } from './zod-problems.js';
import { trailOf } from './trail.js';

/** A change as listed: as stored, with its words. */
export type ListedPersonnelChange = PersonnelChange & { text: Text };

export interface PersonnelResult {
  change: ListedPersonnelChange;
  /** Applied now (an amendment was made), or stored to apply when due. */
  applied: boolean;
  /** The amendment's diff and notices, when applied now. */
  diff?: PlanDiff;
  notices?: string[];
}

/** What the timer-less trigger does with a due change. */
export type ApplyResult = 'applied' | 'skipped' | 'failed';

const SYSTEM: Principal = { kind: 'system' };

const INVALID: Text = { zh: '人员调整有误，未做任何更改', en: 'The personnel change is invalid; nothing was changed' };

interface StoredChange {
  ver: number;
  cas: string;
  change: PersonnelChange;
}

export class PersonnelChanges {
  constructor(private readonly core: EngineCore) {}

  /**
   * Asks for a change: refused (403) unless `by` runs the plan; validated against the
   * plan as it is (400 listing every problem, nothing stored); applied now when it
   * has no date or its date is not in the future, else stored until it is due.
   */
  async request(planId: string, input: unknown, by: Principal): Promise<PersonnelResult> {
    const { core } = this;
    const { plan, def } = await core.reader.loadPlan(planId);
    const rule = checkRunPlan(by, def);
    if (rule) throw new ForbiddenError(ruleText(rule));
    const parsed = PersonnelChangeBody.safeParse(input);
    if (!parsed.success) throw new InvalidInputError(strictBodyProblems(parsed.error), INVALID);
    const body = parsed.data;
    const stage = planStage(plan.snap);
    if (stage === 'draft' || stage === 'closed')
      throw new EventNotAcceptedError('plan.personnel', stage, offeredCommands(plan.snap, 'plan.personnel'));
    const now = core.now();
    const effectiveAt = body.effective === undefined ? null : resolvePlanDate(body.effective, def.timeZone, 'start');
    // Checked against the plan now even when dated: a mistake is answered while the office is there to fix it.
    const { problems, amendment } = await this.check(planId, def, body);
    if (problems.length > 0) throw new InvalidInputError(problems, INVALID);
    const change: PersonnelChange = {
      ...body,
      id: `pc-${now.toString(36)}-${randomBytes(3).toString('hex')}`,
      status: 'pending',
      effectiveAt,
      requestedBy: actorLabel(by),
      requestedAt: now,
    };
    if (effectiveAt !== null && effectiveAt > now) {
      // The directory is checked too (a new person's name against the directory's), but not written until it applies.
      await admitToDirectory(core, amendment!.definition, by, false);
      await this.schedule(planId, change);
      return { change: await this.listed(planId, change), applied: false };
    }
    // A date already past still means from now: the new holder is chased from now, and the record says so.
    change.effectiveAt = null;
    let applied: PersonnelChange = change;
    const outcome = await this.amend(planId, by, async ({ current, batch, at, rev }) => {
      batch.expectVersion(core.pk(planId).personnelChange(change.id), 0);
      const made = await this.derive(planId, current, change, batch, at, rev, 1);
      applied = made.applied;
      return made.amendment;
    });
    return { change: await this.listed(planId, applied), applied: true, diff: outcome.diff, notices: outcome.notices };
  }

  /** Every change of the plan, newest first (office only: pending ones are personnel decisions not yet announced). */
  async list(planId: string, by: Principal): Promise<ListedPersonnelChange[]> {
    const { def } = await this.core.reader.loadPlan(planId);
    const rule = checkRunPlan(by, def);
    if (rule) throw new ForbiddenError(ruleText(rule));
    const pk = this.core.pk(planId);
    const ids = await this.core.redis.zrevrange(pk.personnelChanges, '0', '-1');
    const stored = await Promise.all(ids.map((id) => this.read(planId, id)));
    return stored.filter((s): s is StoredChange => s !== null).map((s) => ({ ...s.change, text: this.words(def, s.change) }));
  }

  /** Cancels a pending change; one that has applied (or failed) is refused with 409: it is on the record. */
  async cancel(planId: string, changeId: string, by: Principal): Promise<ListedPersonnelChange> {
    const { core } = this;
    const { def } = await core.reader.loadPlan(planId);
    const rule = checkRunPlan(by, def);
    if (rule) throw new ForbiddenError(ruleText(rule));
    const pk = core.pk(planId);
    for (let attempt = 0; attempt < 20; attempt++) {
      const stored = await this.read(planId, changeId);
      if (!stored) throw notFound(changeId);
      if (stored.change.status !== 'pending') throw notPending(stored.change);
      const at = core.now();
      const cancelled: PersonnelChange = { ...stored.change, status: 'cancelled', cancelledBy: actorLabel(by), cancelledAt: at };
      const event = { type: 'personnel.cancel', at, change: changeId, role: cancelled.role, effective: cancelled.effectiveAt };
      const entry = historyEntry(event, actorLabel(by), cancelled.from ?? null, cancelled.to, [], 'personnel.cancelled');
      const batch = this.rewrite(planId, stored, cancelled)
        .zrem(pk.personnelPending, changeId)
        .history(trailOf(pk, PLAN_ENTITY), JSON.stringify(entry));
      // A conflict means the change moved meanwhile (applied, or cancelled by someone else): read it again.
      if ((await batch.run(core.redis)).ok) return this.listed(planId, cancelled);
    }
    throw new RefusedError({ zh: '人员调整正在变化，请稍后重试', en: 'The personnel change kept changing; please retry' });
  }

  /**
   * Applies one pending change if it is still pending, as one amendment. Safe to run
   * any number of times, concurrently, late or after a cancellation: it applies once.
   * A change the plan no longer allows (its person was replaced meanwhile, the plan
   * closed) is marked failed with its problems, on the record.
   */
  async apply(planId: string, changeId: string): Promise<ApplyResult> {
    let made = false;
    try {
      await this.amend(planId, SYSTEM, async ({ current, batch, at, rev }) => {
        made = false;
        const stored = await this.read(planId, changeId);
        if (!stored || stored.change.status !== 'pending') return null;
        batch.expectVersion(this.core.pk(planId).personnelChange(changeId), stored.ver, stored.cas);
        const { amendment } = await this.derive(planId, current, stored.change, batch, at, rev, stored.ver + 1);
        made = true;
        return amendment;
      });
      return made ? 'applied' : 'skipped';
    } catch (err) {
      if (!(err instanceof InvalidInputError || err instanceof EventNotAcceptedError)) throw err;
      const problems = err instanceof InvalidInputError ? err.problems : [{ path: '(plan)', message: `${err.text.zh} / ${err.text.en}` }];
      return (await this.fail(planId, changeId, problems)) ? 'failed' : 'skipped';
    }
  }

  /** Applies every change that has come due, in every plan; called by the reconciler on each run. */
  async applyDue(plans?: string[]): Promise<number> {
    const { core } = this;
    let applied = 0;
    for (const planId of plans ?? (await core.redis.zrange(core.keys.plans, '0', '-1'))) {
      const due = await core.redis.zrangebyscore(core.pk(planId).personnelPending, '-inf', String(core.now()));
      for (const id of due) {
        try {
          if ((await this.apply(planId, id)) === 'applied') applied++;
        } catch (err) {
          // Left pending: the next run tries again.
          core.log?.(`personnel change ${planId}/${id}: ${(err as Error).message}`);
        }
      }
    }
    if (applied > 0) core.log?.(`applied ${applied} due personnel change(s)`);
    return applied;
  }

  // ---- parts ------------------------------------------------------------------

  private amend(planId: string, by: Principal, derive: AmendDerivation) {
    return amendPlan(this.core, planId, undefined, by, { reason: '', derive });
  }

  /** The change's problems against `def` as it is now, including those the amended plan would have as a whole. */
  private async check(planId: string, def: PlanDefinition, change: PersonnelChangeInput) {
    const result = amendForPersonnel(def, change, await this.openTasks(planId));
    if (result.amendment) {
      try {
        parsePlanDefinition(result.amendment.definition);
      } catch (err) {
        if (err instanceof InvalidInputError) return { problems: err.problems, amendment: null };
        throw err;
      }
    }
    return result;
  }

  /**
   * Inside the amendment's commit: the amended definition, the change recorded as
   * applied (version `ver`), its history entry and, for a plan-wide role, the new
   * holder's handover notice (task roles and unit heads get theirs from the amendment).
   */
  private async derive(
    planId: string,
    current: PlanDefinition,
    change: PersonnelChange,
    batch: Batch,
    at: number,
    rev: number,
    ver: number,
  ) {
    const { problems, amendment } = await this.check(planId, current, change);
    if (!amendment) throw new InvalidInputError(problems, INVALID);
    const pk = this.core.pk(planId);
    const applied: PersonnelChange = {
      ...change,
      status: 'applied',
      appliedAt: at,
      rev,
      replaced: amendment.replaced,
      tasks: amendment.tasks,
    };
    const words = describePersonnelChange(current, change, amendment.replaced);
    const reason = `人员调整：${words.zh}；${change.reason}`;
    const notices: NoticeFacts[] = [];
    // The amendment tells whoever takes over a task's chain from someone; a plan-wide role, or a unit head
    // filling a vacancy, hands over no task of the diff, so the new holder is told here.
    const amendmentTells = !isPlanWideRole(change.role) && amendment.replaced !== null;
    if (!amendmentTells && amendment.tasks.length > 0) {
      notices.push({
        id: `personnel.${change.id}.h.${change.to}`,
        planId,
        taskId: null,
        kind: 'handover',
        rung: null,
        action: null,
        recipients: [{ id: change.to, roles: [] }],
        deadline: null,
        rectificationDeadline: null,
        createdAt: at,
        phase: null,
        tasks: amendment.tasks,
        reason,
      });
    }
    // Who held what when: the role, whom it passed from and to, from when, and the tasks it moved.
    const event = {
      type: 'personnel.change',
      at,
      change: change.id,
      role: change.role,
      ...(change.unit !== undefined ? { unit: change.unit } : {}),
      tasks: amendment.tasks,
      effective: change.effectiveAt ?? at,
      reason: change.reason,
      rev,
    };
    const entry = historyEntry(event, change.requestedBy, amendment.replaced, change.to, notices, 'personnel.changed');
    batch
      .hset(pk.personnelChange(change.id), { ver, cas: newStamp(), doc: JSON.stringify(applied) })
      .zrem(pk.personnelPending, change.id)
      .zadd(pk.personnelChanges, change.requestedAt, change.id)
      .history(trailOf(pk, PLAN_ENTITY), JSON.stringify(entry));
    return { applied, amendment: { definition: amendment.definition, reason, notices } };
  }

  /** Stores a dated change as pending, on the record. */
  private async schedule(planId: string, change: PersonnelChange): Promise<void> {
    const pk = this.core.pk(planId);
    const event = {
      type: 'personnel.schedule',
      at: change.requestedAt,
      change: change.id,
      role: change.role,
      effective: change.effectiveAt,
    };
    const entry = historyEntry(event, change.requestedBy, change.from ?? null, change.to, [], 'personnel.scheduled');
    const result = await new Batch()
      .expectVersion(pk.personnelChange(change.id), 0)
      .hset(pk.personnelChange(change.id), { ver: 1, cas: newStamp(), doc: JSON.stringify(change) })
      .zadd(pk.personnelPending, change.effectiveAt!, change.id)
      .zadd(pk.personnelChanges, change.requestedAt, change.id)
      .history(trailOf(pk, PLAN_ENTITY), JSON.stringify(entry))
      .run(this.core.redis);
    if (!result.ok) throw new Error(`personnel change id ${change.id} already in use`);
  }

  /** Marks a pending change that can no longer apply as failed, with why; false if it was not pending any more. */
  private async fail(planId: string, changeId: string, problems: Problem[]): Promise<boolean> {
    const pk = this.core.pk(planId);
    const stored = await this.read(planId, changeId);
    if (!stored || stored.change.status !== 'pending') return false;
    const at = this.core.now();
    const failed: PersonnelChange = { ...stored.change, status: 'failed', problems };
    const event = { type: 'personnel.fail', at, change: changeId, role: failed.role, problems };
    const entry = historyEntry(event, 'system', failed.from ?? null, failed.to, [], 'personnel.failed');
    this.core.log?.(`personnel change ${planId}/${changeId} could not apply: ${problems.map((p) => p.message).join('; ')}`);
    const batch = this.rewrite(planId, stored, failed)
      .zrem(pk.personnelPending, changeId)
      .history(trailOf(pk, PLAN_ENTITY), JSON.stringify(entry));
    return (await batch.run(this.core.redis)).ok;
  }

  /** A batch that replaces the stored change under compare-and-set on its version. */
  private rewrite(planId: string, stored: StoredChange, next: PersonnelChange): Batch {
    const key = this.core.pk(planId).personnelChange(next.id);
    return new Batch()
      .expectVersion(key, stored.ver, stored.cas)
      .hset(key, { ver: stored.ver + 1, cas: newStamp(), doc: JSON.stringify(next) });
  }

  private async read(planId: string, changeId: string): Promise<StoredChange | null> {
    const [ver, cas, doc] = await this.core.redis.hmget(this.core.pk(planId).personnelChange(changeId), 'ver', 'cas', 'doc');
    if (!ver || !doc) return null;
    return { ver: Number(ver), cas: cas ?? '', change: JSON.parse(doc) as PersonnelChange };
  }

  private async openTasks(planId: string): Promise<Set<string>> {
    const tasks = await this.core.reader.loadTasks(planId, await this.core.reader.taskIds(planId));
    return new Set(tasks.filter((t) => !isFinished(taskState(t.snap).work)).map((t) => t.def.id));
  }

  private async listed(planId: string, change: PersonnelChange): Promise<ListedPersonnelChange> {
    return { ...change, text: this.words(await this.core.defs.current(planId), change) };
  }

  /** Its words, with names from the plan as it is now (a person the change added is in it once it applied). */
  private words(def: PlanDefinition, change: PersonnelChange): Text {
    const what = describePersonnelChange(def, change, change.replaced);
    const zone = def.timeZone;
    const when = change.effectiveAt === null ? null : formatPlanTime(change.effectiveAt, zone, 'startOfDay');
    const status: Record<PersonnelChange['status'], Text> = {
      pending: { zh: `自 ${when ?? ''} 起生效`, en: `pending, from ${when ?? ''}` },
      applied: { zh: '已生效', en: 'applied' },
      cancelled: { zh: '已撤销', en: 'cancelled' },
      failed: { zh: '未能生效', en: 'could not apply' },
    };
    return { zh: `${what.zh}（${status[change.status].zh}）`, en: `${what.en} (${status[change.status].en})` };
  }
}

function notFound(changeId: string): NotFoundError {
  return new NotFoundError({ zh: `没有人员调整 ${changeId}`, en: `No personnel change ${changeId}` });
}

function notPending(change: PersonnelChange): RefusedError {
  const why: Record<Exclude<PersonnelChange['status'], 'pending'>, Text> = {
    applied: {
      zh: '已生效，不能撤销；如需改回，请再提交一次人员调整',
      en: 'it has applied and cannot be cancelled; to undo it, make another change',
    },
    cancelled: { zh: '已撤销', en: 'it was cancelled already' },
    failed: { zh: '未能生效，无需撤销', en: 'it could not apply; there is nothing to cancel' },
  };
  const w = why[change.status as Exclude<PersonnelChange['status'], 'pending'>];
  return new RefusedError({ zh: `人员调整 ${change.id} ${w.zh}`, en: `Personnel change ${change.id}: ${w.en}` });
}
