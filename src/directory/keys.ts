/**
 * Redis keys of the directory. Global (outside any plan's slot) and derived from the
 * same prefix as the token and sign-in keys. They share one hash tag, `{dir}`, so one
 * change — a person, the organisation's member set, the change log — is one atomic
 * script call on one Cluster slot. A plan whose id is `dir` shares the slot, never a
 * key name.
 */
import type { Keys } from '../store/keys.js';

export interface DirectoryKeys {
  /** String: a counter every change increments; a change computed from an older value is refused and recomputed. */
  version: string;
  /** Hash: organisation id → organisation JSON. */
  orgs: string;
  /** Hash: unit id → unit JSON, for one organisation. */
  units(org: string): string;
  /** Hash: person id → person JSON. Person ids are unique server-wide. */
  people: string;
  /** Set: the ids of one organisation's people, active or not. */
  orgPeople(org: string): string;
  /** List: one organisation's change log, oldest first. */
  history(org: string): string;
}

/** The prefix `keysFor` was given, read back from one of its global keys (`<prefix>:admin`), as auth-keys.ts does. */
function prefixOf(keys: Keys): string {
  return keys.adminToken.slice(0, -':admin'.length);
}

export function directoryKeys(keys: Keys): DirectoryKeys {
  const p = `${prefixOf(keys)}:dir:{dir}`;
  return {
    version: `${p}:version`,
    orgs: `${p}:orgs`,
    units: (org) => `${p}:units:${org}`,
    people: `${p}:people`,
    orgPeople: (org) => `${p}:org-people:${org}`,
    history: (org) => `${p}:history:${org}`,
  };
}
