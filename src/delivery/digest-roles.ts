/**
 * Who holds what in a plan, as digests see it: the roles that decide who gets a daily
 * digest by default (the plan's `delivery.digest.roles`), and the chain roles a
 * digest's routes are matched on (the same `roles` notices are routed by). Pure.
 */
import type { ChainRoleT, DigestRole, PlanDefinition } from '../domain/plan.schema.js';
import type { z } from 'zod';

export type DigestRoleT = z.infer<typeof DigestRole>;

/** The digest roles `personId` holds in `plan`. */
export function digestRolesOf(plan: PlanDefinition, personId: string): Set<DigestRoleT> {
  const g = plan.leadershipGroup;
  const out = new Set<DigestRoleT>();
  if (g.leader === personId) out.add('groupLeader');
  if (g.deputies.includes(personId)) out.add('deputy');
  if (g.members.includes(personId)) out.add('member');
  if (g.office.director === personId || g.office.members.includes(personId)) out.add('office');
  if (plan.units.some((u) => u.head === personId)) out.add('departmentHead');
  for (const t of plan.tasks) {
    if (t.responsibleLeader === personId) out.add('responsibleLeader');
    if (t.responsiblePerson === personId) out.add('responsiblePerson');
  }
  return out;
}

/** The chain roles `personId` holds in `plan`: what a route's `roles` are matched against for a digest. */
export function chainRolesOf(plan: PlanDefinition, personId: string): Set<ChainRoleT> {
  const held = digestRolesOf(plan, personId);
  const out = new Set<ChainRoleT>();
  if (held.has('groupLeader')) out.add('groupLeader');
  if (held.has('groupLeader') || held.has('deputy') || held.has('member')) out.add('leadershipGroup');
  if (held.has('office')) out.add('office');
  if (held.has('departmentHead')) out.add('departmentHead');
  if (held.has('responsibleLeader')) out.add('responsibleLeader');
  if (held.has('responsiblePerson')) out.add('responsiblePerson');
  return out;
}

/** Whether `personId` gets the plan's digest by role alone (before their own preference). */
export function digestByRole(plan: PlanDefinition, personId: string): boolean {
  const roles = plan.delivery?.digest?.roles ?? [];
  const held = digestRolesOf(plan, personId);
  return roles.some((r) => held.has(r));
}

/** The notice kinds a digest carries (what needs them, what is due): with `digestInsteadOfPushes`, not pushed one by one. */
export const DIGESTED_KINDS: ReadonlySet<string> = new Set(['reminder', 'submitted', 'reviewReminder', 'extensionRequested']);
