/**
 * Daily digests and the weekly bulletin (issue 10): made by the reconciler's pass, each
 * once. A plan whose `delivery.digest` is set gets, at its `at` time in the plan's zone,
 * one digest per person who wants one (their directory entry's `digest`, else the
 * plan's `roles`), and at the weekly time one bulletin to the leadership group.
 *
 * Exactly once: a digest's id is its (day, person) — `digest.2026-12-09.p-li` — or its
 * ISO week, and it is written by commit.lua's `notice` op (HSETNX of its doc) together
 * with its deliveries, so a second pass, a second process or a retry makes nothing.
 * Content is read as of the pass that makes it and kept with it, so every channel and
 * every retry sends the same text. A slot more than `STALE_MS` past (a worker down all
 * morning) is skipped rather than sent stale; a slot before the plan existed is never made.
 */
import { DateTime } from 'luxon';
import { digestDeliveries } from '../delivery/routes.js';
import {
  dailyDigest,
  dailyDigestId,
  isEmpty,
  weeklyDigest,
  weeklyDigestId,
  type Climb,
  type DigestDoc,
  type DigestTask,
} from '../delivery/digest.js';
import { digestByRole } from '../delivery/digest-roles.js';
import { directoryIdOf, type PlanDefinition } from '../domain/plan.schema.js';
import { Directory } from '../directory/store.js';
import { Batch } from '../store/batch.js';
import { INDEX } from '../store/index-names.js';
import type { EngineCore } from './core.js';
import { planStage, taskState, type StoredTask } from './entity.js';
import { unpackHistoryEntry } from './stored-form.js';
import { readTrails } from './trail.js';
import { outboxKeys, outboxRecord, type DeliveryScheduler } from './outbox.js';

const DAY = 86_400_000;
/** A digest this late is not made: the next one comes. */
export const STALE_MS = 12 * 3600_000;

const minutes = (hhmm: string) => ({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)), second: 0, millisecond: 0 });

/** The latest daily slot at or before `now`, in `zone`: its time and its date (2026-12-09). */
export function dailySlot(now: number, zone: string, at: string): { slot: number; day: string } {
  let t = DateTime.fromMillis(now, { zone }).set(minutes(at));
  if (t.toMillis() > now) t = t.minus({ days: 1 });
  return { slot: t.toMillis(), day: t.toISODate()! };
}

/** The latest weekly slot at or before `now`: its time and its ISO week (2026-W50). */
export function weeklySlot(now: number, zone: string, weekday: number, at: string): { slot: number; week: string } {
  let t = DateTime.fromMillis(now, { zone }).set({ weekday: weekday as 1, ...minutes(at) });
  if (t.toMillis() > now) t = t.minus({ weeks: 1 });
  return { slot: t.toMillis(), week: t.toFormat("kkkk-'W'WW") };
}

function digestTask(t: StoredTask): DigestTask {
  const s = taskState(t.snap);
  const ctx = t.snap.context;
  return {
    id: t.def.id,
    title: t.def.title,
    leadDepartment: t.def.leadDepartment,
    responsibleLeader: t.def.responsibleLeader,
    responsiblePerson: t.def.responsiblePerson,
    work: s.work,
    extension: s.extension,
    rung: s.rung,
    reviewRung: s.reviewRung,
    deadline: ctx.deadline,
    rectificationDeadline: ctx.rectificationDeadline,
    requestedDeadline: ctx.extensionRequest?.deadline ?? null,
  };
}

export class Digests {
  private readonly directory: Directory;

  constructor(
    private readonly core: EngineCore,
    private readonly queue?: DeliveryScheduler,
  ) {
    this.directory = new Directory(core.redis, core.keys);
  }

  /** One pass over every plan; returns the ids of the digests it made. */
  async sweep(plans?: string[]): Promise<string[]> {
    const made: string[] = [];
    for (const planId of plans ?? (await this.core.redis.zrange(this.core.keys.plans, '0', '-1'))) {
      try {
        made.push(...(await this.sweepPlan(planId)));
      } catch (err) {
        this.core.log?.(`digests of ${planId}: ${(err as Error).message}`);
      }
    }
    return made;
  }

  /** Makes the plan's digests due by `now` that are not made yet. */
  async sweepPlan(planId: string, now = this.core.now()): Promise<string[]> {
    const { plan, def } = await this.core.reader.loadPlan(planId);
    const settings = def.delivery?.digest;
    const stage = planStage(plan.snap);
    if (!settings || stage === 'draft' || stage === 'closed') return [];
    const ok = outboxKeys(this.core.pk(planId));
    const due = (slot: number) => now - slot < STALE_MS && slot >= plan.created;
    let read: Promise<{ tasks: DigestTask[]; climbs: Climb[] }> | undefined;
    const state = () => (read ??= this.read(planId, now - 7 * DAY));
    const made: string[] = [];

    const daily = dailySlot(now, def.timeZone, settings.at);
    if (due(daily.slot)) {
      for (const personId of await this.wanting(def)) {
        const id = dailyDigestId(daily.day, personId);
        if (await this.core.redis.exists(ok.digest(id))) continue;
        const { tasks, climbs } = await state();
        const doc = dailyDigest(def, personId, tasks, climbs, { id, slot: daily.slot, at: now, since: daily.slot - DAY });
        if (await this.create(def, doc, now)) made.push(id);
      }
    }
    if (settings.weekly !== false) {
      const weekly = weeklySlot(now, def.timeZone, settings.weekly.weekday, settings.weekly.at);
      const id = weeklyDigestId(weekly.week);
      if (due(weekly.slot) && !(await this.core.redis.exists(ok.digest(id)))) {
        const { tasks, climbs } = await state();
        const doc = weeklyDigest(def, this.leadershipGroup(def), tasks, climbs, { id, slot: weekly.slot, at: now });
        if (await this.create(def, doc, now)) made.push(id);
      }
    }
    return made;
  }

  /** The leadership group as the bulletin addresses it: leader, deputies, members and the office's director. */
  private leadershipGroup(def: PlanDefinition): string[] {
    const g = def.leadershipGroup;
    return [...new Set([g.leader, ...g.deputies, ...g.members, ...(g.office.director ? [g.office.director] : [])])];
  }

  /** The plan's people who want a daily digest: their directory preference, else the plan's roles; never someone who left. */
  private async wanting(def: PlanDefinition): Promise<string[]> {
    const found = await this.directory.getPeople(def.people.map((p) => directoryIdOf(p)));
    return def.people.flatMap((p) => {
      const entry = found.get(directoryIdOf(p));
      if (entry && !entry.active) return [];
      const wants = entry?.digest === undefined ? digestByRole(def, p.id) : entry.digest === 'daily';
      return wants ? [p.id] : [];
    });
  }

  /** Open tasks and the rungs they climbed since `since`. */
  private async read(planId: string, since: number): Promise<{ tasks: DigestTask[]; climbs: Climb[] }> {
    const pk = this.core.pk(planId);
    const stored = await this.core.reader.loadTasks(planId, await this.core.redis.smembers(pk.index(INDEX.open)));
    const tasks = stored.map(digestTask).filter((t) => t.work !== 'draft');
    const climbing = tasks.filter((t) => t.rung > 0);
    const climbs: Climb[] = [];
    if (climbing.length > 0) {
      const trails = await readTrails(
        this.core.redis,
        pk,
        climbing.map((t) => t.id),
      );
      trails.forEach((list, i) => {
        for (const raw of list) {
          const h = unpackHistoryEntry(raw);
          if (h.at <= since) continue;
          for (const n of h.notices ?? []) {
            const m = /\.r(\d+)$/.exec(n);
            if (m) climbs.push({ taskId: climbing[i]!.id, rung: Number(m[1]), at: h.at });
          }
        }
      });
    }
    return { tasks, climbs };
  }

  /** Writes the digest and its deliveries once (commit.lua's create-once); true when this call made it. */
  private async create(def: PlanDefinition, doc: DigestDoc, now: number): Promise<boolean> {
    const pk = this.core.pk(def.id);
    const ok = outboxKeys(pk);
    // An empty digest is kept, so it is made once, but not sent.
    const planned = isEmpty(doc) ? [] : digestDeliveries(def, doc.id, doc.recipients, now);
    const result = await new Batch()
      .notice(
        ok.digest(doc.id),
        JSON.stringify(doc),
        doc.slot,
        doc.id,
        [ok.digests, ...doc.recipients.map((p) => ok.personDigests(p))],
        [],
        outboxRecord(pk, planned),
      )
      .run(this.core.redis);
    if (!result.createdNotices.includes(doc.id)) return false;
    if (this.queue && planned.length > 0) {
      await this.queue
        .enqueue(planned.map((d) => ({ planId: def.id, id: d.id, notBefore: d.notBefore })))
        .catch((err: unknown) => this.core.log?.(`could not queue digest ${doc.id}, the sweep will: ${String(err)}`));
    }
    return true;
  }
}
