/**
 * Digests, pure: what a person's daily digest (每日督办摘要) and the leadership group's
 * weekly bulletin (每周督办简报) say, built from the plan's tasks as they stand when it
 * is made, and the one message every channel lays out from it. A digest is made once
 * per (person, day) — or (plan, week) — by src/engine/digests.ts and stored with its
 * deliveries, so every channel and every retry sends the same text.
 */
import type { Text } from '../domain/i18n.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { isoInZone } from '../domain/time.js';
import { officeDate } from '../documents/office-text.js';
import { officeDateTimeText } from './render.js';
import type { MessageFact, OutboundMessage } from './types.js';

const DAY = 86_400_000;
export const WEEK = 7 * DAY;

/** A task as a digest reads it (from its stored state). */
export interface DigestTask {
  id: string;
  title: string;
  leadDepartment: string;
  responsibleLeader: string;
  responsiblePerson: string;
  work: string;
  extension: string;
  rung: number;
  reviewRung: number;
  deadline: number;
  rectificationDeadline: number | null;
  /** The date an extension request asks for, while one is pending. */
  requestedDeadline: number | null;
}

/** A rung notice issued (a task climbed). */
export interface Climb {
  taskId: string;
  rung: number;
  at: number;
}

export interface DigestItem {
  taskId: string;
  title: string;
  department: string;
  /** The date that matters for the section: the deadline, the requested date, when it climbed. */
  at: number | null;
  rung?: number;
}

export interface DigestDoc {
  id: string;
  kind: 'daily' | 'weekly';
  planId: string;
  /** Plan person ids it is addressed to. */
  recipients: string[];
  /** The time it was due (the plan's `at`), and when it was made. */
  slot: number;
  createdAt: number;
  /** What climbed is counted from here. */
  since: number;
  reviews: DigestItem[];
  extensions: DigestItem[];
  climbed: DigestItem[];
  dueSoon: DigestItem[];
  /** The weekly bulletin's counts over the whole plan. */
  totals?: { open: number; overdue: number; byRung: Record<string, number>; withReviewer: number };
}

const REVIEWING = new Set(['submitted', 'underReview']);
const DONE = new Set(['accepted', 'unfinished', 'cancelled', 'draft']);

/** The date part of a day's digest id, in the plan's zone: 2026-12-09. */
export const dailyDigestId = (day: string, personId: string): string => `digest.${day}.${personId}`;
/** The weekly bulletin's id: its ISO week, 2026-W50. */
export const weeklyDigestId = (week: string): string => `bulletin.${week}`;

/** Whether `personId` sees every task of the plan (the group's leaders and its office) or only those on their chain. */
function seesAll(def: PlanDefinition, personId: string): boolean {
  const g = def.leadershipGroup;
  return g.leader === personId || g.deputies.includes(personId) || g.office.director === personId || g.office.members.includes(personId);
}

function onChain(def: PlanDefinition, t: DigestTask, personId: string): boolean {
  const head = def.units.find((u) => u.id === t.leadDepartment)?.head;
  return t.responsibleLeader === personId || t.responsiblePerson === personId || head === personId;
}

function item(def: PlanDefinition, t: DigestTask, at: number | null, rung?: number): DigestItem {
  const department = def.units.find((u) => u.id === t.leadDepartment)?.name ?? t.leadDepartment;
  return { taskId: t.id, title: t.title, department, at, ...(rung !== undefined ? { rung } : {}) };
}

function climbedItems(def: PlanDefinition, tasks: DigestTask[], climbs: Climb[], since: number, at: number): DigestItem[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return climbs
    .filter((c) => c.at > since && c.at <= at && byId.has(c.taskId))
    .sort((a, b) => b.rung - a.rung || a.at - b.at)
    .map((c) => item(def, byId.get(c.taskId)!, c.at, c.rung));
}

function dueItems(def: PlanDefinition, tasks: DigestTask[], at: number): DigestItem[] {
  return tasks
    .filter((t) => !DONE.has(t.work) && !REVIEWING.has(t.work) && t.deadline >= at && t.deadline < at + WEEK)
    .sort((a, b) => a.deadline - b.deadline)
    .map((t) => item(def, t, t.deadline));
}

/** `personId`'s digest: what needs them, what climbed since `since`, what is due in the seven days from `at`. */
export function dailyDigest(
  def: PlanDefinition,
  personId: string,
  all: DigestTask[],
  climbs: Climb[],
  o: { id: string; slot: number; at: number; since: number },
): DigestDoc {
  const tasks = seesAll(def, personId) ? all : all.filter((t) => onChain(def, t, personId));
  const groupLeader = def.leadershipGroup.leader === personId;
  const reviews = all
    .filter((t) => REVIEWING.has(t.work) && (t.responsibleLeader === personId || (groupLeader && t.reviewRung > 0)))
    .map((t) => item(def, t, t.deadline));
  const extensions = all
    .filter((t) => t.extension === 'pending' && (t.responsibleLeader === personId || groupLeader))
    .map((t) => item(def, t, t.requestedDeadline));
  return {
    id: o.id,
    kind: 'daily',
    planId: def.id,
    recipients: [personId],
    slot: o.slot,
    createdAt: o.at,
    since: o.since,
    reviews,
    extensions,
    climbed: climbedItems(def, tasks, climbs, o.since, o.at),
    dueSoon: dueItems(def, tasks, o.at),
  };
}

/** The leadership group's weekly bulletin over the whole plan. */
export function weeklyDigest(
  def: PlanDefinition,
  recipients: string[],
  all: DigestTask[],
  climbs: Climb[],
  o: { id: string; slot: number; at: number },
): DigestDoc {
  const open = all.filter((t) => !DONE.has(t.work));
  const byRung: Record<string, number> = {};
  for (const t of open) if (t.rung > 0) byRung[t.rung] = (byRung[t.rung] ?? 0) + 1;
  return {
    id: o.id,
    kind: 'weekly',
    planId: def.id,
    recipients,
    slot: o.slot,
    createdAt: o.at,
    since: o.at - WEEK,
    reviews: [],
    extensions: all.filter((t) => t.extension === 'pending').map((t) => item(def, t, t.requestedDeadline)),
    climbed: climbedItems(def, all, climbs, o.at - WEEK, o.at),
    dueSoon: dueItems(def, all, o.at),
    totals: {
      open: open.length,
      overdue: open.filter((t) => t.rung > 0).length,
      byRung,
      withReviewer: open.filter((t) => REVIEWING.has(t.work)).length,
    },
  };
}

/** A digest with nothing in it is kept (so it is made once) but not sent. */
export function isEmpty(d: DigestDoc): boolean {
  return d.kind === 'daily' && d.reviews.length + d.extensions.length + d.climbed.length + d.dueSoon.length === 0;
}

const S = {
  reviews: { zh: '待我验收', en: 'Awaiting your review' },
  extensions: { zh: '待审批延期申请', en: 'Extension requests to decide' },
  climbed: { zh: '督办升级', en: 'Climbed' },
  dueSoon: { zh: '本周到期', en: 'Due this week' },
  totals: { zh: '总体情况', en: 'Overall' },
} satisfies Record<string, Text>;

function line(section: 'reviews' | 'extensions' | 'climbed' | 'dueSoon', i: DigestItem, zone: string): Text {
  const at = officeDateTimeText(i.at, zone);
  switch (section) {
    case 'reviews':
      return { zh: `「${i.title}」（${i.department}，完成时限${at.zh}）`, en: `"${i.title}" (${i.department}, due ${at.en})` };
    case 'extensions':
      return { zh: `「${i.title}」（${i.department}，申请延至${at.zh}）`, en: `"${i.title}" (${i.department}, asks for ${at.en})` };
    case 'climbed':
      return {
        zh: `「${i.title}」（${i.department}）升至第${i.rung}级，${at.zh}`,
        en: `"${i.title}" (${i.department}) to rung ${i.rung}, ${at.en}`,
      };
    case 'dueSoon':
      return { zh: `「${i.title}」（${i.department}），${at.zh}到期`, en: `"${i.title}" (${i.department}), due ${at.en}` };
  }
}

function facts(d: DigestDoc, zone: string): MessageFact[] {
  const out: MessageFact[] = [];
  const sections = ['reviews', 'extensions', 'climbed', 'dueSoon'] as const;
  for (const s of sections) {
    for (const i of d[s])
      out.push({ label: S[s], value: line(s, i, zone), ...(s === 'reviews' || s === 'extensions' ? { emphasis: true } : {}) });
  }
  if (d.totals) {
    const rungs = Object.entries(d.totals.byRung).sort(([a], [b]) => Number(a) - Number(b));
    out.unshift({
      label: S.totals,
      value: {
        zh: `未完成${d.totals.open}项，逾期${d.totals.overdue}项${rungs.map(([r, n]) => `（第${r}级${n}项）`).join('')}，待验收${d.totals.withReviewer}项`,
        en: `${d.totals.open} open, ${d.totals.overdue} overdue${rungs.map(([r, n]) => ` (rung ${r}: ${n})`).join('')}, ${d.totals.withReviewer} awaiting review`,
      },
    });
  }
  return out;
}

function body(d: DigestDoc, zone: string): Text {
  const since = officeDateTimeText(d.since, zone);
  const needs = d.reviews.length + d.extensions.length;
  if (d.kind === 'weekly') {
    return {
      zh: `本周（${since.zh}以来）督办升级${d.climbed.length}项，未来七天到期${d.dueSoon.length}项，待审批延期申请${d.extensions.length}项。`,
      en: `This week (since ${since.en}) ${d.climbed.length} tasks climbed; ${d.dueSoon.length} are due in the next seven days; ${d.extensions.length} extension requests await a decision.`,
    };
  }
  return {
    zh: `需要您办理${needs}项；${since.zh}以来督办升级${d.climbed.length}项；未来七天到期${d.dueSoon.length}项。`,
    en: `${needs} need you; ${d.climbed.length} climbed since ${since.en}; ${d.dueSoon.length} are due in the next seven days.`,
  };
}

/** The digest as one message for every channel, addressed to `addressees` of its recipients. */
export function digestMessage(
  def: PlanDefinition,
  d: DigestDoc,
  o: { deliveryId: string; addressees: string[]; link: string | null; mobileOf?: (personId: string) => string | undefined },
): OutboundMessage {
  const zone = def.timeZone;
  const date = { zh: officeDate(d.slot, zone, 'zh'), en: officeDate(d.slot, zone, 'en') };
  const title: Text =
    d.kind === 'daily'
      ? { zh: `每日督办摘要（${date.zh}）：${def.title}`, en: `Daily digest, ${date.en}: ${def.title}` }
      : { zh: `每周督办简报（${date.zh}）：${def.title}`, en: `Weekly bulletin, ${date.en}: ${def.title}` };
  const people = o.addressees.map((id) => ({ id, name: def.people.find((p) => p.id === id)?.name ?? id }));
  const text = body(d, zone);
  return {
    deliveryId: o.deliveryId,
    noticeId: d.id,
    planId: d.planId,
    taskId: null,
    kind: d.kind === 'daily' ? 'digest' : 'bulletin',
    rung: null,
    number: null,
    issuer: def.issuer,
    title,
    addressees: people.map((p) => {
      const mobile = o.mobileOf?.(p.id);
      return { ...p, ...(mobile ? { mobile } : {}) };
    }),
    body: text,
    facts: facts(d, zone),
    link: o.link,
    issuedAt: d.createdAt,
    zone,
    data: {
      id: d.id,
      planId: d.planId,
      taskId: null,
      kind: d.kind === 'daily' ? 'digest' : 'bulletin',
      rung: null,
      number: null,
      issuer: def.issuer,
      title,
      body: text,
      recipients: people.map((p) => ({ ...p, roles: [] })),
      createdAt: isoInZone(d.createdAt, zone),
      deadline: null,
      rectificationDeadline: null,
      reviewDeadline: null,
    },
  };
}
