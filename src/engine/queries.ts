/**
 * Reads for the API and the web pages. Every list is read from an index set, never
 * by scanning all tasks: filters intersect index sets inside the plan's slot.
 */
import { describeChain } from '../domain/chain.js';
import { taskRecord } from '../domain/record.js';
import { unpackHistoryEntry } from './stored-form.js';
import { readTrail, trailOf } from './trail.js';
import { renderNotice, type NoticeFacts } from '../domain/notices.js';
import { checkReadPlan, meIn, type Principal } from '../domain/permissions.js';
import { isoInZone } from '../domain/time.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { Batch } from '../store/batch.js';
import { INDEX } from '../store/index-names.js';
import { NUMBER_FIELD } from '../documents/notice-numbers.js';
import { PLAN_ENTITY } from '../store/keys.js';
import type { Engine, HistoryEntry } from './engine.js';
import { planStage, taskState, type StoredTask } from './entity.js';
import { timerName, type Timers } from './step.js';
import { partOf, partsRollup } from './children-queries.js';
import { organisationOf, type PlanDefinition } from '../domain/plan.schema.js';
import { PlanIndex } from './plan-index.js';
import { after, compareDesc, cut, MAX_PAGE, zsetAfter, type Cursor, type Page, type PageRequest } from './paging.js';

export interface TaskFilter {
  state?: string;
  department?: string;
  person?: string;
  overdue?: boolean;
  rung?: number;
  open?: boolean;
}

const SUPERVISION_STATES = new Set(['idle', 'onTrack', 'dueSoon', 'overdue', 'withReviewer', 'suspended', 'closed']);

function pendingTimers(timers: Timers, zone: string) {
  return Object.entries(timers)
    .map(([id, t]) => ({ timer: timerName(id), at: isoInZone(t.at, zone), atMs: t.at }))
    .sort((a, b) => a.atMs - b.atMs);
}

export class Queries {
  constructor(private readonly engine: Engine) {}

  private get redis() {
    return this.engine.redis;
  }

  /** The plan indexes (plan-index.ts): who is in which plan, kept beside the plans. */
  private get index() {
    return new PlanIndex(this.redis, this.engine.keys.plans);
  }

  /** The sorted set listing the plans `principal` may read (a superset: each is checked), or null for none. */
  private planListKey(principal: Principal): string | null {
    switch (principal.kind) {
      case 'admin':
        return null;
      case 'system':
        return this.engine.keys.plans;
      case 'office':
        return this.index.keys.org(principal.org);
      case 'person':
        return this.index.keys.person(principal.personId);
    }
  }

  /** The plan's current definition when `principal` may read it; null when it is gone or not theirs. */
  private async readable(principal: Principal, planId: string): Promise<{ def: PlanDefinition; me: string | null } | null> {
    let def: PlanDefinition;
    try {
      def = await this.engine.currentDefinition(planId);
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
    return checkReadPlan(principal, def) === null ? { def, me: meIn(principal, def) } : null;
  }

  /**
   * The plans `principal` may read, newest first, with the plan-local id they act as
   * in each: a person's plans are those that name them; an office's, its
   * organisation's; an admin runs the server and reads none. Read from the person's
   * or organisation's index (plan-index.ts), never by scanning every plan.
   */
  async readablePlans(principal: Principal): Promise<{ def: PlanDefinition; me: string | null }[]> {
    const key = this.planListKey(principal);
    if (key === null) return [];
    const ids = await this.redis.zrevrange(key, '0', '-1');
    const out: { def: PlanDefinition; me: string | null }[] = [];
    for (let i = 0; i < ids.length; i += 32) {
      const found = await Promise.all(ids.slice(i, i + 32).map((id) => this.readable(principal, id)));
      for (const f of found) if (f) out.push(f);
    }
    return out;
  }

  /** One page of the plans `principal` may read, newest first (paging.ts). */
  async readablePlansPage(principal: Principal, page: PageRequest): Promise<Page<{ def: PlanDefinition; me: string | null }>> {
    const key = this.planListKey(principal);
    if (key === null) return { items: [], nextCursor: null };
    const found: { at: Cursor; item: { def: PlanDefinition; me: string | null } }[] = [];
    let cursor = page.cursor;
    // An index entry the plan no longer backs (gone, or the person left it) is skipped, and the page filled from further on.
    while (found.length <= page.limit) {
      const want = page.limit + 1 - found.length;
      const candidates = await zsetAfter(this.redis, key, want, cursor);
      const plans = await Promise.all(candidates.map((c) => this.readable(principal, c.k[0]!)));
      candidates.forEach((at, i) => {
        const item = plans[i];
        if (item) found.push({ at, item });
      });
      if (candidates.length < want) break;
      cursor = candidates[candidates.length - 1]!;
    }
    return cut(found, page.limit);
  }

  /** The summaries of every plan of these organisations, by organisation, newest first (from the organisation index). */
  async plansOfOrganisations(orgs: readonly string[]): Promise<Map<string, Awaited<ReturnType<Queries['planSummary']>>[]>> {
    const out = new Map<string, Awaited<ReturnType<Queries['planSummary']>>[]>();
    await Promise.all(
      orgs.map(async (org) => {
        const summaries = [];
        for (const id of await this.redis.zrevrange(this.index.keys.org(org), '0', '-1')) {
          try {
            const loaded = await this.engine.loadPlan(id);
            if (organisationOf(loaded.def) === org) summaries.push(await this.summarize(loaded));
          } catch (err) {
            if (!(err instanceof NotFoundError)) throw err;
          }
        }
        out.set(org, summaries);
      }),
    );
    return out;
  }

  /** Every plan `principal` may read, summarised, newest first (the whole list: CLI and tests). */
  async listPlans(principal: Principal) {
    return (await this.summaries((await this.readablePlans(principal)).map((p) => p.def.id))).filter((s) => s !== null);
  }

  /** One page of the plans `principal` may read, summarised, newest first. */
  async listPlansPage(principal: Principal, page: PageRequest) {
    const { items, nextCursor } = await this.readablePlansPage(principal, page);
    return { items: (await this.summaries(items.map((p) => p.def.id))).filter((s) => s !== null), nextCursor };
  }

  private async summaries(ids: string[]) {
    return Promise.all(
      ids.map(async (id) => {
        try {
          return await this.planSummary(id);
        } catch (err) {
          if (err instanceof NotFoundError) return null;
          throw err;
        }
      }),
    );
  }

  async planSummary(planId: string) {
    return this.summarize(await this.engine.loadPlan(planId));
  }

  /** The summary plus the full definition, from one load. */
  async planDetail(planId: string) {
    const loaded = await this.engine.loadPlan(planId);
    return { ...(await this.summarize(loaded)), definition: loaded.def };
  }

  private async summarize({ plan, def }: Awaited<ReturnType<Engine['loadPlan']>>) {
    const planId = def.id;
    const pk = this.engine.pk(planId);
    const names = [
      INDEX.open,
      INDEX.supervision('onTrack'),
      INDEX.supervision('dueSoon'),
      INDEX.supervision('overdue'),
      INDEX.supervision('withReviewer'),
      INDEX.work('accepted'),
      INDEX.work('unfinished'),
      INDEX.work('cancelled'),
      INDEX.supervision('suspended'),
      INDEX.rung(1),
      INDEX.rung(2),
      INDEX.rung(3),
      INDEX.rung(4),
    ];
    const pipeline = this.redis.pipeline();
    for (const n of names) pipeline.scard(pk.index(n));
    pipeline.zcard(pk.tasks);
    const replies = ((await pipeline.exec()) ?? []).map(([, c]) => Number(c));
    const counts = Object.fromEntries(names.map((n, i) => [n, replies[i]!]));
    const boundaries = plan.snap.context.boundaries;
    return {
      id: def.id,
      title: def.title,
      issuer: def.issuer,
      timeZone: def.timeZone,
      stage: planStage(plan.snap),
      version: plan.ver,
      revision: plan.rev,
      phases: def.phases,
      boundaries: Object.fromEntries(Object.entries(boundaries).map(([k, v]) => [k, isoInZone(v, def.timeZone)])),
      pendingTimers: pendingTimers(plan.timers, def.timeZone),
      counts: {
        tasks: replies[names.length]!,
        open: counts[INDEX.open],
        onTrack: counts[INDEX.supervision('onTrack')],
        dueSoon: counts[INDEX.supervision('dueSoon')],
        overdue: counts[INDEX.supervision('overdue')],
        awaitingAcceptance: counts[INDEX.supervision('withReviewer')],
        accepted: counts[INDEX.work('accepted')],
        unfinished: counts[INDEX.work('unfinished')],
        cancelled: counts[INDEX.work('cancelled')],
        suspended: counts[INDEX.supervision('suspended')],
        byRung: { 1: counts[INDEX.rung(1)], 2: counts[INDEX.rung(2)], 3: counts[INDEX.rung(3)], 4: counts[INDEX.rung(4)] },
      },
    };
  }

  private filterIndexes(filter: TaskFilter): string[] {
    const names: string[] = [];
    if (filter.state) names.push(SUPERVISION_STATES.has(filter.state) ? INDEX.supervision(filter.state) : INDEX.work(filter.state));
    if (filter.department) names.push(INDEX.department(filter.department));
    if (filter.person) names.push(INDEX.person(filter.person));
    if (filter.overdue) names.push(INDEX.supervision('overdue'));
    if (filter.rung !== undefined) names.push(INDEX.rung(filter.rung));
    if (filter.open) names.push(INDEX.open);
    return names;
  }

  /** Tasks matching every filter, most urgent first (highest rung, then earliest deadline). */
  async listTasks(planId: string, filter: TaskFilter = {}) {
    const { def } = await this.engine.loadPlan(planId);
    const pk = this.engine.pk(planId);
    const names = this.filterIndexes(filter);
    // No filter: every task, from the plan's task list.
    const ids = names.length > 0 ? await this.redis.sinter(...names.map((n) => pk.index(n))) : await this.engine.taskIds(planId);
    const tasks = await this.engine.loadTasks(planId, ids);
    return tasks.map((t) => this.taskView(def, t)).sort(byUrgency);
  }

  taskView(def: PlanDefinition, t: StoredTask) {
    const ctx = t.snap.context;
    const state = taskState(t.snap);
    const zone = def.timeZone;
    return {
      id: t.def.id,
      title: t.def.title,
      area: t.def.area ?? null,
      leadDepartment: t.def.leadDepartment,
      responsiblePerson: t.def.responsiblePerson,
      responsibleLeader: t.def.responsibleLeader,
      cooperatingUnits: t.def.cooperatingUnits,
      deadline: isoInZone(ctx.deadline, zone),
      deadlineMs: ctx.deadline,
      work: state.work,
      stage: state.stage,
      reviewRung: state.reviewRung,
      acknowledgement: state.acknowledgement,
      extension: state.extension,
      supervision: state.supervision,
      rung: state.rung,
      rectificationDeadline: ctx.rectificationDeadline === null ? null : isoInZone(ctx.rectificationDeadline, zone),
      progress: ctx.progress,
      returns: ctx.returns,
      version: t.ver,
      /** A part of another task (an occurrence, milestone, unit's or cooperating unit's part): its parent and kind. */
      partOf: partOf(t.def),
    };
  }

  /** The 文号 issued so far to the rung notices of these history entries, by notice id. */
  private async issuedNumbers(planId: string, history: HistoryEntry[]): Promise<Map<string, string>> {
    const ids = history.flatMap((h) => h.notices ?? []).filter((id) => /\.r\d+$/.test(id));
    if (ids.length === 0) return new Map();
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.engine.pk(planId).notice(id), NUMBER_FIELD);
    const replies = (await pipeline.exec()) ?? [];
    return new Map(ids.flatMap((id, i) => (typeof replies[i]?.[1] === 'string' ? [[id, replies[i][1]] as [string, string]] : [])));
  }

  async task(planId: string, taskId: string) {
    const t = await this.engine.loadTask(planId, taskId);
    const def = await this.engine.definition(planId, t.rev);
    const history = await this.history(planId, taskId);
    return {
      ...this.taskView(def, t),
      duties: t.def.duties,
      milestones: t.def.milestones,
      chain: describeChain(def, t.def),
      pendingTimers: pendingTimers(t.timers, def.timeZone),
      record: taskRecord(def, t.def, t.snap.context, history, Date.now(), await this.issuedNumbers(planId, history)),
      /** A parent's parts rolled up: who is done, who is late (children-queries.ts). */
      parts: await partsRollup(this.engine, def, t, Date.now()),
      history,
    };
  }

  async history(planId: string, entity: string = PLAN_ENTITY): Promise<HistoryEntry[]> {
    return (await readTrail(this.redis, this.engine.pk(planId), entity)).map(unpackHistoryEntry);
  }

  async notice(planId: string, noticeId: string) {
    const [n] = await this.notices(planId, [noticeId]);
    if (!n) throw new NotFoundError({ zh: `没有通知 ${noticeId}`, en: `No notice ${noticeId}` });
    return n;
  }

  /** Notices by id, read in one round trip and rendered from the plan's definition; unknown ids are skipped. */
  private async notices(planId: string, ids: string[]) {
    if (ids.length === 0) return [];
    const pk = this.engine.pk(planId);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(pk.notice(id));
    const replies = (await pipeline.exec()) ?? [];
    const def = await this.engine.currentDefinition(planId);
    return replies.flatMap(([err, reply]) => {
      if (err) throw err;
      const h = reply as Record<string, string>;
      if (!h.doc) return [];
      const acks: Record<string, number> = {};
      for (const [field, value] of Object.entries(h)) if (field.startsWith('ack:')) acks[field.slice(4)] = Number(value);
      return [{ ...renderNotice(def, JSON.parse(h.doc) as NoticeFacts, h.docno ?? null), acknowledgements: acks }];
    });
  }

  /** A person's notices, newest first; `open` keeps only those not yet acknowledged. */
  async inbox(planId: string, personId: string, options: { open?: boolean } = {}) {
    const pk = this.engine.pk(planId);
    const ids = options.open
      ? await this.redis.smembers(pk.openInbox(personId))
      : await this.redis.zrevrange(pk.inbox(personId), '0', '-1');
    return (await this.notices(planId, ids))
      .map((n) => ({ ...n, acknowledged: n.acknowledgements[personId] !== undefined }))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * One page of a directory person's notices across every plan they are in (or the
   * one plan asked for), newest first, each with the plan it belongs to. Each plan's
   * inbox is its own sorted set: read with single-key commands, one plan at a time
   * side by side, and merged here; only the page's notices are loaded.
   */
  async personInbox(
    principal: Extract<Principal, { kind: 'person' }>,
    options: { open?: boolean; plan?: string } = {},
    page: PageRequest = { limit: MAX_PAGE, cursor: null },
  ) {
    const plans = (await this.readablePlans(principal)).filter(
      (p): p is { def: PlanDefinition; me: string } => p.me !== null && (options.plan === undefined || p.def.id === options.plan),
    );
    const want = page.limit + 1;
    const perPlan = await Promise.all(
      plans.map(async ({ def, me }): Promise<Cursor[]> => {
        const pk = this.engine.pk(def.id);
        if (!options.open) return zsetAfter(this.redis, pk.inbox(me), want, page.cursor, def.id);
        // Open notices are those not signed for yet: few, so all of them are ranked here.
        const open = await this.redis.smembers(pk.openInbox(me));
        if (open.length === 0) return [];
        const scores = await this.redis.zmscore(pk.inbox(me), ...open);
        return open
          .flatMap((id, i) => (scores[i] === null || scores[i] === undefined ? [] : [{ s: Number(scores[i]), k: [def.id, id] }]))
          .filter((c) => after(c, page.cursor))
          .sort(compareDesc)
          .slice(0, want);
      }),
    );
    const chosen = perPlan.flat().sort(compareDesc).slice(0, want);
    const byPlan = new Map(plans.map((p) => [p.def.id, p]));
    const rendered = new Map<string, Awaited<ReturnType<Queries['notices']>>[number]>();
    await Promise.all(
      [...new Set(chosen.map((c) => c.k[0]!))].map(async (planId) => {
        const ids = chosen.filter((c) => c.k[0] === planId).map((c) => c.k[1]!);
        for (const n of await this.notices(planId, ids)) rendered.set(`${planId}\n${n.id}`, n);
      }),
    );
    const items = chosen.flatMap((at) => {
      const n = rendered.get(`${at.k[0]!}\n${at.k[1]!}`);
      const plan = byPlan.get(at.k[0]!)!;
      return n ? [{ at, item: { planTitle: plan.def.title, ...n, acknowledged: n.acknowledgements[plan.me] !== undefined } }] : [];
    });
    return cut(items, page.limit);
  }

  /** The plan a notice of this person's belongs to, or null. */
  async planOfNotice(principal: Extract<Principal, { kind: 'person' }>, noticeId: string): Promise<{ planId: string; me: string } | null> {
    const plans = (await this.readablePlans(principal)).filter((p): p is { def: PlanDefinition; me: string } => p.me !== null);
    const scores = await Promise.all(plans.map(({ def, me }) => this.redis.zscore(this.engine.pk(def.id).inbox(me), noticeId)));
    const i = scores.findIndex((s) => s !== null);
    return i < 0 ? null : { planId: plans[i]!.def.id, me: plans[i]!.me };
  }

  /** Acknowledges receipt. It does not close anything: only acceptance stops a ladder. */
  async acknowledge(planId: string, personId: string, noticeId: string) {
    const n = await this.notice(planId, noticeId);
    if (!n.recipients.some((r) => r.id === personId)) {
      throw new ForbiddenError({ zh: '只有通知的接收人可以签收该通知', en: 'Only a recipient of this notice may acknowledge it' });
    }
    const pk = this.engine.pk(planId);
    // Recorded once, and in the trail of the task (or plan) the notice is about.
    const at = Date.now();
    const entry: HistoryEntry = { at, by: personId, event: 'notice.acknowledge', from: null, to: null, data: { notice: noticeId } };
    await new Batch()
      .acknowledge(
        pk.notice(noticeId),
        `ack:${personId}`,
        at,
        pk.openInbox(personId),
        noticeId,
        trailOf(pk, n.taskId ?? PLAN_ENTITY),
        JSON.stringify(entry),
      )
      .run(this.redis);
    return this.notice(planId, noticeId);
  }
}

function byUrgency(a: { rung: number; deadlineMs: number; work: string }, b: { rung: number; deadlineMs: number; work: string }) {
  const closedA = a.work === 'accepted' ? 1 : 0;
  const closedB = b.work === 'accepted' ? 1 : 0;
  return closedA - closedB || b.rung - a.rung || a.deadlineMs - b.deadlineMs;
}
