/**
 * Pure helpers over directory records: the canonical form each is stored in (fixed
 * key order, no undefined), so "nothing changed" is a string comparison and the
 * change log's before/after read the same every time; and the labels users read.
 */
import type { z } from 'zod';
import { zodProblems } from '../engine/zod-problems.js';
import { InvalidInputError, type Problem } from '../errors.js';
import type { ContactsT, OrganisationT, PersonT, UnitT } from './schema.js';

/** Drops the keys whose value is undefined, keeping the order of the rest. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function canonicalContacts(c: ContactsT): ContactsT {
  return defined({ phone: c.phone, email: c.email, wechat: c.wechat, dingtalk: c.dingtalk, wecom: c.wecom, feishu: c.feishu });
}

export function canonicalOrg(o: OrganisationT): OrganisationT {
  return defined({
    id: o.id,
    name: o.name,
    kind: o.kind,
    parent: o.parent,
    leaders: [...o.leaders],
    createdAt: o.createdAt,
    createdBy: o.createdBy,
  });
}

export function canonicalUnit(u: UnitT): UnitT {
  return defined({ id: u.id, name: u.name, kind: u.kind, head: u.head });
}

export function canonicalPerson(p: PersonT): PersonT {
  return defined({
    id: p.id,
    name: p.name,
    org: p.org,
    unit: p.unit,
    title: p.title,
    contacts: canonicalContacts(p.contacts),
    digest: p.digest,
    active: p.active,
  });
}

export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const ORG_KIND_LABELS = {
  bureau: { zh: '教育局', en: 'bureau' },
  school: { zh: '学校', en: 'school' },
  other: { zh: '其他单位', en: 'other organisation' },
} as const;

/** Parses `value` with `schema`, or throws a 400 listing every problem, each path under `prefix`. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidInputError(zodProblems(result.error).map((p) => under(prefix, p)));
}

/** A problem moved under `prefix` (`people[3]`), its message led by the full path. */
export function under(prefix: string, p: Problem): Problem {
  if (!prefix) return p;
  const path = p.path === '' ? prefix : p.path.startsWith('[') ? `${prefix}${p.path}` : `${prefix}.${p.path}`;
  const message = p.path !== '' && p.message.startsWith(`${p.path}: `) ? p.message.slice(p.path.length + 2) : p.message;
  return { path, message: `${path}: ${message}` };
}

/** A directory id made from `base` and a number, within the 40 characters an id may have. */
export function numberedId(base: string, n: number): string {
  const suffix = `-${n}`;
  return `${base.slice(0, 40 - suffix.length)}${suffix}`;
}
