/**
 * The roll-up (汇总): an organisation's plans and its child organisations' (a
 * bureau's schools), one line each with the counts a leader reads at a glance. It is
 * for the organisation's office and leaders, and for its parent's office and leaders
 * — a bureau's leaders see their schools' plans without being named in them. Counts
 * only: the tasks, people and records of a school's plan stay the school's.
 *
 *   GET /rollup                    the roll-ups the caller may see
 *   GET /organisations/:org/rollup one organisation's
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Text } from '../domain/i18n.js';
import type { Principal } from '../domain/permissions.js';
import { Id } from '../domain/plan.schema.js';
import type { OrganisationT } from '../directory/schema.js';
import type { Directory } from '../directory/store.js';
import type { Queries } from '../engine/queries.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';

const ROLLUP_RULE: Text = {
  zh: '汇总仅供本单位及上级单位的办公室和领导查看',
  en: 'A roll-up is for the offices and leaders of the organisation and of its parent',
};

/** Whether `p` runs or leads `org` itself (not through a parent). */
function ownsOrLeads(p: Principal, org: OrganisationT): boolean {
  if (p.kind === 'office') return p.org === org.id;
  if (p.kind === 'person') return org.leaders.includes(p.personId);
  return p.kind === 'system';
}

export function mayReadRollup(p: Principal, org: OrganisationT, parent: OrganisationT | null): boolean {
  return ownsOrLeads(p, org) || (parent !== null && ownsOrLeads(p, parent));
}

type Summary = Awaited<ReturnType<Queries['planSummary']>>;

/** One plan's line: what a leader compares across schools. */
function line(s: Summary) {
  const c = s.counts;
  return {
    id: s.id,
    title: s.title,
    stage: s.stage,
    tasks: c.tasks,
    open: c.open,
    overdue: c.overdue,
    awaitingAcceptance: c.awaitingAcceptance,
    accepted: c.accepted,
    unfinished: c.unfinished,
    suspended: c.suspended,
    /** Open tasks at rung 3 or 4: the ones the leadership group itself has been told of. */
    atTopRungs: (c.byRung[3] ?? 0) + (c.byRung[4] ?? 0),
  };
}

function totals(lines: ReturnType<typeof line>[]) {
  const sum = (k: 'tasks' | 'open' | 'overdue' | 'awaitingAcceptance' | 'accepted' | 'unfinished' | 'atTopRungs') =>
    lines.reduce((n, l) => n + (l[k] ?? 0), 0);
  return {
    plans: lines.length,
    tasks: sum('tasks'),
    open: sum('open'),
    overdue: sum('overdue'),
    awaitingAcceptance: sum('awaitingAcceptance'),
    accepted: sum('accepted'),
    unfinished: sum('unfinished'),
    atTopRungs: sum('atTopRungs'),
  };
}

export async function rollupOf(directory: Directory, queries: Queries, org: OrganisationT) {
  const children = await directory.childOrgs(org.id);
  const byOrg = await queries.plansOfOrganisations([org.id, ...children.map((c) => c.id)]);
  const part = (o: OrganisationT) => {
    const lines = (byOrg.get(o.id) ?? []).map(line);
    return { id: o.id, name: o.name, kind: o.kind, plans: lines, totals: totals(lines) };
  };
  const own = part(org);
  const schools = children.map(part);
  return { ...own, children: schools, overall: totals([...own.plans, ...schools.flatMap((c) => c.plans)]) };
}

export function rollupRouter(directory: Directory, queries: Queries): Router {
  const r = Router();
  const parentOf = (org: OrganisationT) => (org.parent ? directory.getOrg(org.parent) : Promise.resolve(null));

  r.get('/rollup', async (_req, res) => {
    const p = principalOf(res);
    const out = [];
    for (const org of await directory.listOrgs()) {
      // A parent's roll-up already holds its children: list only the top ones the caller reaches.
      if (ownsOrLeads(p, org)) out.push(await rollupOf(directory, queries, org));
    }
    res.json({ organisations: out });
  });

  r.get('/organisations/:org/rollup', async (req, res) => {
    const { org: id } = parse(z.object({ org: Id }), req.params, 'params');
    const org = await directory.getOrg(id);
    if (!org) throw new NotFoundError({ zh: `没有单位 ${id}`, en: `No organisation ${id}` });
    if (!mayReadRollup(principalOf(res), org, await parentOf(org))) throw new ForbiddenError(ROLLUP_RULE);
    res.json(await rollupOf(directory, queries, org));
  });
  return r;
}
