/**
 * The directory: organisations (a district bureau, its schools), their units and
 * their people, outside any plan. One person has one id server-wide, whatever plans
 * name them. These zod schemas are the single source of the directory's types, for
 * API bodies and stored records alike.
 */
import { z } from 'zod';
import { Id } from '../domain/plan.schema.js';

/** The organisation every plan belongs to unless it names another (本单位). */
export const DEFAULT_ORG = 'default';

export const ORG_KINDS = ['bureau', 'school', 'other'] as const;
export const UNIT_KINDS = ['department', 'school', 'office', 'other'] as const;

const Name = z.string().trim().min(1, '不能为空 / must not be empty').max(100, '最长 100 个字 / at most 100 characters');
const Optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `最长 ${max} 个字 / at most ${max} characters`)
    // An empty cell of an address book means "none", not an empty value.
    .transform((v) => (v === '' ? undefined : v))
    .optional();

/** A mainland China mobile number: 11 digits, 1 then 3–9. */
export const MOBILE = /^1[3-9]\d{9}$/;

export const Phone = z
  .string()
  .trim()
  // Address books write 138 0013 8000 or 138-0013-8000; the digits are what count.
  .transform((v) => v.replace(/[\s-]/g, ''))
  .refine((v) => v === '' || MOBILE.test(v), {
    message: '应为 11 位大陆手机号码，以 13–19 开头 / must be an 11-digit mainland mobile number starting with 13–19',
  })
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const Email = z
  .string()
  .trim()
  .refine((v) => v === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), {
    message: '不是有效的邮箱地址（如 name@example.cn） / is not an email address (like name@example.cn)',
  })
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** Where a person can be reached. Each field is optional; the messaging apps hold the person's id in that app. */
export const Contacts = z.object({
  phone: Phone,
  email: Email,
  wechat: Optional(100),
  dingtalk: Optional(100),
  wecom: Optional(100),
  feishu: Optional(100),
});
export type ContactsT = z.infer<typeof Contacts>;

export const OrganisationInput = z.object({
  id: Id,
  name: Name,
  kind: z.enum(ORG_KINDS, { error: '应为 bureau（教育局）、school（学校）或 other（其他） / must be bureau, school or other' }),
  /** The bureau a school (or a lower bureau) reports to. */
  parent: Id.optional(),
  /** Directory ids of the leaders who see the roll-up of this organisation and its child organisations. */
  leaders: z.array(Id).max(50).default([]),
});
export type OrganisationInputT = z.input<typeof OrganisationInput>;

export const Organisation = OrganisationInput.extend({ createdAt: z.string(), createdBy: z.string() });
export type OrganisationT = z.infer<typeof Organisation>;

/** What may change of an organisation once it exists: its id, kind and parent stay. */
export const OrganisationPatch = z.strictObject({ name: Name.optional(), leaders: z.array(Id).max(50).optional() });
export type OrganisationPatchT = z.infer<typeof OrganisationPatch>;

/** A unit of an organisation: a department (股室), a school under a bureau, the office. */
export const Unit = z.object({
  id: Id,
  name: Name,
  kind: z
    .enum(UNIT_KINDS, {
      error: '应为 department（科室）、school（学校）、office（办公室）或 other（其他） / must be department, school, office or other',
    })
    .default('department'),
  /** Directory id of the unit's head (股室主任 / 校长), a person of the same organisation. */
  head: Id.optional(),
});
export type UnitT = z.infer<typeof Unit>;
export type UnitInputT = z.input<typeof Unit>;

/**
 * A person as written by the office. `active` absent keeps what is stored (a new
 * person is active); a person who left is deactivated, never deleted, because the
 * record of every plan refers to them.
 */
export const PersonInput = z.object({
  id: Id,
  name: Name,
  org: Id,
  unit: Id.optional(),
  title: Optional(100),
  contacts: Contacts.default({}),
  active: z.boolean().optional(),
  /** The daily digest (每日督办摘要) of plans that send digests: absent, by the plan's roles (leaders get one). */
  digest: z.enum(['daily', 'none'], { error: '应为 daily（每日摘要）或 none（不要摘要） / must be daily or none' }).optional(),
});
export type PersonInputT = z.input<typeof PersonInput>;

export const Person = PersonInput.extend({ active: z.boolean() });
export type PersonT = z.infer<typeof Person>;

/** What any person of the organisation may read of a colleague: never their contacts. */
export type PublicPerson = Pick<PersonT, 'id' | 'name' | 'org' | 'unit' | 'title' | 'active'>;

export function publicPerson(p: PersonT): PublicPerson {
  return {
    id: p.id,
    name: p.name,
    org: p.org,
    active: p.active,
    ...(p.unit !== undefined ? { unit: p.unit } : {}),
    ...(p.title !== undefined ? { title: p.title } : {}),
  };
}

/**
 * One row of an address-book import (通讯录). `id` may be left out: the row then
 * updates the one person of the organisation with that name, or registers a new
 * person. `unit` is the unit's id or its name, as address books write it.
 */
export const ImportRow = z.object({
  id: Id.optional(),
  name: Name,
  title: Optional(100),
  unit: Optional(100),
  contacts: Contacts.default({}),
});
export type ImportRowT = z.infer<typeof ImportRow>;
export type ImportRowInputT = z.input<typeof ImportRow>;

export const CHANGE_SUBJECTS = ['organisation', 'unit', 'person'] as const;
export const CHANGE_ACTIONS = ['created', 'updated', 'deactivated', 'reactivated', 'transferred-in', 'transferred-out'] as const;

/** One entry of an organisation's change log: who changed what when, before and after. */
export const ChangeEntry = z.object({
  at: z.string(),
  by: z.string(),
  subject: z.enum(CHANGE_SUBJECTS),
  id: z.string(),
  action: z.enum(CHANGE_ACTIONS),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  /** Where the change came from when not a single edit: an import, a plan, the start-up migration. */
  source: z.string().optional(),
});
export type ChangeEntryT = z.infer<typeof ChangeEntry>;
