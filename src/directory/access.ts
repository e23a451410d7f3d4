/**
 * Who may read and change the directory. Admins run the server: they create
 * organisations and may read every directory, but the units and people of an
 * organisation are its office's work. An office manages its own organisation and
 * reads its child organisations (a bureau's schools); a person reads their own
 * organisation's names, titles and units, never a colleague's contacts. Each refusal
 * names its rule in Chinese and English.
 */
import type { Text } from '../domain/i18n.js';
import type { Principal } from '../domain/permissions.js';
import type { OrganisationT } from './schema.js';

export const DIRECTORY_RULES = {
  createOrg: {
    zh: '只有管理员可以创建组织',
    en: 'Only an admin may create organisations',
  },
  editOrg: {
    zh: '只有管理员或本组织的办公室可以修改组织的名称和领导',
    en: "Only an admin or the organisation's own office may rename it or change its leaders",
  },
  readOrg: {
    zh: '只能查看本组织的通讯录；办公室还可查看下级组织的',
    en: "You may read your own organisation's directory only; an office may also read its child organisations'",
  },
  manageOrg: {
    zh: '只有本组织的办公室可以管理本组织的科室和人员',
    en: "Only the organisation's own office may manage its units and people",
  },
  transfer: {
    zh: '调动人员须由管理员办理，或由调入组织的办公室从其下级组织调入',
    en: 'A person is moved between organisations by an admin, or by the receiving office from one of its child organisations',
  },
  readHistory: {
    zh: '只有管理员和办公室可以查看通讯录的修改记录',
    en: "Only admins and offices may read the directory's change log",
  },
} satisfies Record<string, Text>;

export type DirectoryRule = keyof typeof DIRECTORY_RULES;

/**
 * How much of an organisation's directory `p` sees: `manage` (its office: change and
 * read everything), `read` (everything, no changes: admins, the parent's office),
 * `names` (a person of it: names, titles and units), or null.
 */
export type DirectoryAccess = 'manage' | 'read' | 'names' | null;

/** `p`'s access to `org`; `personOrg` is the organisation of a person principal, looked up by the caller. */
export function accessTo(p: Principal, org: OrganisationT, personOrg: string | null): DirectoryAccess {
  switch (p.kind) {
    case 'system':
      return 'manage';
    case 'admin':
      return 'read';
    case 'office':
      return p.org === org.id ? 'manage' : p.org === org.parent ? 'read' : null;
    case 'person':
      return personOrg === org.id ? 'names' : null;
  }
}

export function checkCreateOrg(p: Principal): DirectoryRule | null {
  return p.kind === 'admin' || p.kind === 'system' ? null : 'createOrg';
}

export function checkEditOrg(p: Principal, access: DirectoryAccess): DirectoryRule | null {
  return p.kind === 'admin' || access === 'manage' ? null : 'editOrg';
}

export function checkRead(access: DirectoryAccess): DirectoryRule | null {
  return access === null ? 'readOrg' : null;
}

export function checkManage(access: DirectoryAccess): DirectoryRule | null {
  return access === 'manage' ? null : 'manageOrg';
}

export function checkHistory(access: DirectoryAccess): DirectoryRule | null {
  return access === 'manage' || access === 'read' ? null : 'readHistory';
}

/**
 * The rule that forbids `p` to move a person from organisation `from` into `to`, or
 * null: an admin may; the office of `to` may take someone from its own child.
 */
export function checkTransfer(p: Principal, from: OrganisationT | null, to: OrganisationT): DirectoryRule | null {
  if (p.kind === 'admin' || p.kind === 'system') return null;
  return p.kind === 'office' && p.org === to.id && from?.parent === to.id ? null : 'transfer';
}

export const directoryRuleText = (rule: DirectoryRule): Text => DIRECTORY_RULES[rule];
