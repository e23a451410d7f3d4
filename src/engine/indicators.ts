/**
 * Indicators (指标) of a running plan: the reporting department reports actual values,
 * everyone in the plan reads them against the path, and the reconciler's sweep sends
 * the off-path notices up the ladder (the rules are in src/domain/indicators.ts).
 *
 * Each indicator has one record (`g:<id>`: version, stamp, the values and the ladder of
 * each checkpoint) and a hash-chained history (`gh:<id>`). A report and a rung are each
 * one commit of the commit script under compare-and-set on the record, with the history
 * entry and, for a rung, the notice in the same script: a report is never half-stored,
 * and a rung is sent exactly once however many sweeps run at once — the loser's commit
 * fails its version check, it reads the record again and finds the rung sent. The
 * notice's id is deterministic per (indicator, checkpoint, rung) as a second fence.
 *
 * Trigger: like dated personnel changes (personnel.ts), the reconciler's run sweeps the
 * plans; checkpoints are year ends and due dates, so its period is lateness nobody
 * notices, and the plan definition is itself the schedule: there is no job to lose and
 * no machine to change. A ladder climbs one rung per sweep at most, each rung's period
 * counted from when it was sent (as a task's ladder after an outage).
 */
import type { Text } from '../domain/i18n.js';
import {
  currentCheckpoint,
  emptyRecord,
  indicatorNoticeId,
  indicatorRecipients,
  indicatorView,
  IndicatorValueBody,
  latestValue,
  meetsCheckpoint,
  REPORT_RULE,
  reporters,
  type IndicatorRecord,
  type IndicatorValue,
  type IndicatorView,
} from '../domain/indicators.js';
import type { NoticeFacts } from '../domain/notices.js';
import { shiftOffset } from '../domain/offsets.js';
import { actorLabel, meIn, type Principal } from '../domain/permissions.js';
import type { IndicatorDefinition, PlanDefinition } from '../domain/plan.schema.js';
import { planDateProblem, resolvePlanDate } from '../domain/time.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, RefusedError } from '../errors.js';
import { Batch } from '../store/batch.js';
import { historyEntry, newStamp, type HistoryEntry } from './commit.js';
import type { EngineCore } from './core.js';
import { planStage } from './entity.js';
import { strictBodyProblems } from './zod-problems.js';

interface StoredRecord {
  ver: number;
  cas: string;
  record: IndicatorRecord;
}

const INVALID: Text = { zh: '指标实际值有误，未做任何更改', en: 'The indicator value is invalid; nothing was changed' };

export class Indicators {
  constructor(private readonly core: EngineCore) {}

  /** Every indicator of the plan as seen now (the caller has checked the reader may read the plan). */
  async list(planId: string): Promise<IndicatorView[]> {
    const def = await this.core.defs.current(planId);
    const now = this.core.now();
    const records = await Promise.all(def.goals.map((g) => this.read(planId, g.id)));
    return def.goals.map((g, i) => indicatorView(def, g, records[i]!.record, now));
  }

  /** One indicator's history (values reported, rungs sent), oldest first. */
  async history(planId: string, indicatorId: string): Promise<HistoryEntry[]> {
    const raw = await this.core.redis.lrange(this.core.pk(planId).indicatorHistory(indicatorId), 0, -1);
    return raw.map((h) => JSON.parse(h) as HistoryEntry);
  }

  /**
   * Appends a reported value: 403 unless `by` is of the indicator's reporting department,
   * 400 naming every problem (nothing stored), 409 while the plan is a draft or closed.
   */
  async report(planId: string, indicatorId: string, input: unknown, by: Principal): Promise<IndicatorView> {
    const { core } = this;
    const { plan, def } = await core.reader.loadPlan(planId);
    const ind = def.goals.find((g) => g.id === indicatorId);
    if (!ind) throw new NotFoundError({ zh: `方案中没有指标 ${indicatorId}`, en: `No indicator ${indicatorId} in the plan` });
    const me = meIn(by, def);
    if (me === null || !reporters(def, ind).includes(me)) throw new ForbiddenError(REPORT_RULE);
    const parsed = IndicatorValueBody.safeParse(input);
    const now = core.now();
    const problems = parsed.success ? [] : strictBodyProblems(parsed.error);
    // The date is checked whatever else is wrong, so every problem is answered at once.
    const asOfText = (input as { asOf?: unknown } | null)?.asOf;
    const asOf =
      typeof asOfText === 'string' && planDateProblem(asOfText) === null ? resolvePlanDate(asOfText, def.timeZone, 'start') : null;
    if (typeof asOfText === 'string' && planDateProblem(asOfText) === null && asOf === null) {
      problems.push({ path: 'asOf', message: `「${asOfText}」不是有效日期 / is not a date` });
    }
    if (asOf !== null && asOf > now) problems.push({ path: 'asOf', message: '不能晚于今天 / must not be in the future' });
    if (problems.length > 0 || !parsed.success || asOf === null) throw new InvalidInputError(problems, INVALID);
    const stage = planStage(plan.snap);
    if (stage === 'draft' || stage === 'closed') {
      throw new RefusedError({
        zh: stage === 'draft' ? '方案尚未发布，不能报送指标实际值' : '方案已结束，不能再报送指标实际值',
        en:
          stage === 'draft' ? 'The plan is not published yet; values cannot be reported' : 'The plan has closed; values cannot be reported',
      });
    }
    const value: IndicatorValue = {
      value: parsed.data.value,
      asOf,
      evidence: parsed.data.evidence,
      note: parsed.data.note,
      by: me,
      at: now,
    };
    const pk = core.pk(planId);
    for (let attempt = 0; attempt < 50; attempt++) {
      const stored = await this.read(planId, indicatorId);
      const record: IndicatorRecord = { ...stored.record, values: [...stored.record.values, value] };
      const event = {
        type: 'indicator.report',
        at: now,
        indicator: indicatorId,
        value: value.value,
        asOf,
        evidence: value.evidence,
        note: value.note,
      };
      const before = latestValue(stored.record.values)?.value ?? null;
      const entry = historyEntry(event, actorLabel(by), before, value.value, [], 'indicator.reported');
      const result = await this.write(planId, indicatorId, stored, record)
        .history(pk.indicatorHistory(indicatorId), JSON.stringify(entry))
        .run(core.redis);
      if (result.ok) return indicatorView(def, ind, record, now);
    }
    throw new ConflictError({ zh: '并发修改持续冲突，请稍后重试', en: 'Concurrent changes kept conflicting; please retry later' });
  }

  /** Sends the rungs that have come due, in every running plan; called by the reconciler on each run. Returns how many. */
  async sweep(plans?: string[]): Promise<number> {
    const { core } = this;
    let sent = 0;
    for (const planId of plans ?? (await core.redis.zrange(core.keys.plans, '0', '-1'))) {
      try {
        sent += await this.sweepPlan(planId);
      } catch (err) {
        core.log?.(`indicators of ${planId}: ${(err as Error).message}`);
      }
    }
    if (sent > 0) core.log?.(`sent ${sent} indicator notice(s)`);
    return sent;
  }

  /** One plan's due rungs; safe to run any number of times, concurrently. */
  async sweepPlan(planId: string): Promise<number> {
    const def = await this.core.defs.current(planId);
    if (def.goals.length === 0) return 0;
    const { plan } = await this.core.reader.loadPlan(planId);
    const stage = planStage(plan.snap);
    if (stage === 'draft' || stage === 'closed') return 0;
    let sent = 0;
    for (const ind of def.goals) if (await this.sweepIndicator(planId, def, ind)) sent++;
    return sent;
  }

  /** Sends the next rung of the indicator's current checkpoint if it is off path and the rung is due; true when sent. */
  private async sweepIndicator(planId: string, def: PlanDefinition, ind: IndicatorDefinition): Promise<boolean> {
    const { core } = this;
    const pk = core.pk(planId);
    for (let attempt = 0; attempt < 50; attempt++) {
      const now = core.now();
      const cp = currentCheckpoint(def, ind, now);
      if (!cp) return false;
      const stored = await this.read(planId, ind.id);
      const latest = latestValue(stored.record.values);
      if (meetsCheckpoint(ind, cp, latest?.value ?? null)) return false;
      const ladder = stored.record.ladders[cp.key];
      const rungs = def.escalation.rungs;
      const rung = (ladder?.rung ?? 0) + 1;
      if (rung > rungs.length) return false;
      if (ladder) {
        const grace = rungs[ladder.rung - 1]?.grace;
        if (grace === undefined || shiftOffset(ladder.issuedAt, grace, def.timeZone, def.calendar) > now) return false;
      }
      const policy = rungs[rung - 1]!;
      const nextGrace = policy.grace;
      const facts: NoticeFacts = {
        id: indicatorNoticeId(ind.id, cp.key, rung),
        planId,
        taskId: null,
        kind: 'indicatorOffPath',
        rung,
        action: policy.action,
        recipients: indicatorRecipients(def, ind, rung === 1 ? [] : policy.notify),
        deadline: cp.at,
        rectificationDeadline:
          nextGrace === undefined || rung === rungs.length ? null : shiftOffset(now, nextGrace, def.timeZone, def.calendar),
        createdAt: now,
        phase: null,
        indicator: ind.id,
        checkpoint: {
          key: cp.key,
          at: cp.at,
          value: cp.value,
          kind: cp.kind === 'due' ? 'due' : 'path',
          ...(cp.year !== undefined ? { year: cp.year } : {}),
        },
        actual: latest?.value ?? null,
        asOf: latest?.asOf ?? null,
      };
      const record: IndicatorRecord = { ...stored.record, ladders: { ...stored.record.ladders, [cp.key]: { rung, issuedAt: now } } };
      const event = {
        type: 'indicator.offPath',
        at: now,
        indicator: ind.id,
        checkpoint: cp.key,
        expected: cp.value,
        actual: latest?.value ?? null,
        rung,
      };
      const entry = historyEntry(event, 'system', ladder?.rung ?? 0, rung, [facts], 'indicator.offPath');
      const people = facts.recipients.map((r) => r.id);
      const batch = this.write(planId, ind.id, stored, record)
        .history(pk.indicatorHistory(ind.id), JSON.stringify(entry))
        .notice(
          pk.notice(facts.id),
          JSON.stringify(facts),
          now,
          facts.id,
          people.map((p) => pk.inbox(p)),
          people.map((p) => pk.openInbox(p)),
        );
      if ((await batch.run(core.redis)).ok) return true;
    }
    return false;
  }

  /** A batch replacing the record under compare-and-set on its version and stamp. */
  private write(planId: string, indicatorId: string, stored: StoredRecord, record: IndicatorRecord): Batch {
    const key = this.core.pk(planId).indicator(indicatorId);
    return new Batch()
      .expectVersion(key, stored.ver, stored.cas)
      .hset(key, { ver: stored.ver + 1, cas: newStamp(), doc: JSON.stringify(record) });
  }

  private async read(planId: string, indicatorId: string): Promise<StoredRecord> {
    const [ver, cas, doc] = await this.core.redis.hmget(this.core.pk(planId).indicator(indicatorId), 'ver', 'cas', 'doc');
    if (!ver || !doc) return { ver: 0, cas: '', record: emptyRecord() };
    return { ver: Number(ver), cas: cas ?? '', record: JSON.parse(doc) as IndicatorRecord };
  }
}
