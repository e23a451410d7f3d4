/**
 * The directory of organisations, units and people (rules in src/directory/access.ts).
 *
 *   GET    /organisations                              the ones the caller may see
 *   POST   /organisations                              { id, name, kind, parent?, leaders? }   admin
 *   GET    /organisations/:org                         the organisation and its child organisations
 *   PATCH  /organisations/:org                         { name?, leaders? }
 *   GET    /organisations/:org/units
 *   PUT    /organisations/:org/units/:unitId           { name, kind?, head? }
 *   GET    /organisations/:org/people                  a person of it sees names, titles and units only
 *   PUT    /organisations/:org/people/:personId        { name, unit?, title?, contacts?, active?, transfer? }
 *   POST   /organisations/:org/people/import           { csv } or { rows: [...] } — all or nothing
 *   DELETE /organisations/:org/people/:personId        deactivates: the person stays in every record
 *   GET    /organisations/:org/history                 the change log, oldest first
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { actorLabel, type Principal } from '../domain/permissions.js';
import { Id } from '../domain/plan.schema.js';
import {
  accessTo,
  checkCreateOrg,
  checkEditOrg,
  checkHistory,
  checkManage,
  checkRead,
  checkTransfer,
  directoryRuleText,
  type DirectoryAccess,
  type DirectoryRule,
} from '../directory/access.js';
import { readAddressBook } from '../directory/address-book.js';
import { OrganisationInput, OrganisationPatch, PersonInput, publicPerson, Unit, type OrganisationT } from '../directory/schema.js';
import type { Directory } from '../directory/store.js';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';

const OrgParams = z.object({ org: Id });
const UnitParams = OrgParams.extend({ unitId: Id });
const PersonParams = OrgParams.extend({ personId: Id });

const UnitBody = Unit.omit({ id: true });
const PersonBody = PersonInput.omit({ id: true, org: true }).extend({
  /** The id belongs to another organisation and the person moves here (调动). */
  transfer: z.boolean().default(false),
});
const ImportBody = z
  .object({ csv: z.string().min(1).optional(), rows: z.array(z.unknown()).optional() })
  .refine((b) => (b.csv === undefined) !== (b.rows === undefined), {
    message: '请给出 csv（通讯录文本）或 rows（人员数组），二者选一 / give either csv (the address book as text) or rows',
    path: ['csv'],
  });

const refuse = (rule: DirectoryRule): never => {
  throw new ForbiddenError(directoryRuleText(rule));
};

export function directoryRouter(directory: Directory): Router {
  const r = Router();

  /** The organisation a person principal belongs to; none once they have left (deactivated). */
  async function personOrgOf(p: Principal): Promise<string | null> {
    if (p.kind !== 'person') return null;
    const me = await directory.getPerson(p.personId);
    return me?.active ? me.org : null;
  }

  /** The organisation of the request and what the caller may do with it. */
  async function orgOf(req: Request, res: Response): Promise<{ org: OrganisationT; access: DirectoryAccess }> {
    const { org: id } = parse(OrgParams, req.params, 'params');
    const p = principalOf(res);
    const org = await directory.getOrg(id);
    const personOrg = await personOrgOf(p);
    if (!org) {
      // Only those who may see every organisation learn that one does not exist.
      if (p.kind === 'admin' || p.kind === 'system') throw new NotFoundError({ zh: `没有组织 ${id}`, en: `No organisation ${id}` });
      return refuse('readOrg');
    }
    return { org, access: accessTo(p, org, personOrg) };
  }

  async function readable(req: Request, res: Response) {
    const found = await orgOf(req, res);
    const rule = checkRead(found.access);
    if (rule) refuse(rule);
    return found;
  }

  async function managed(req: Request, res: Response) {
    const found = await orgOf(req, res);
    const rule = checkManage(found.access);
    if (rule) refuse(rule);
    return found;
  }

  r.get('/organisations', async (_req, res) => {
    const p = principalOf(res);
    const all = await directory.listOrgs();
    const personOrg = await personOrgOf(p);
    res.json({ organisations: all.filter((o) => accessTo(p, o, personOrg) !== null) });
  });

  r.post('/organisations', async (req, res) => {
    const p = principalOf(res);
    const rule = checkCreateOrg(p);
    if (rule) refuse(rule);
    const body = parse(OrganisationInput, req.body, 'body');
    res.status(201).json({ organisation: await directory.createOrg(body, actorLabel(p)) });
  });

  r.get('/organisations/:org', async (req, res) => {
    const { org } = await readable(req, res);
    res.json({ organisation: org, children: await directory.childOrgs(org.id) });
  });

  r.patch('/organisations/:org', async (req, res) => {
    const { org, access } = await orgOf(req, res);
    const rule = checkEditOrg(principalOf(res), access);
    if (rule) refuse(rule);
    const body = parse(OrganisationPatch, req.body, 'body');
    res.json({ organisation: await directory.updateOrg(org.id, body, actorLabel(principalOf(res))) });
  });

  r.get('/organisations/:org/units', async (req, res) => {
    const { org } = await readable(req, res);
    res.json({ units: await directory.listUnits(org.id) });
  });

  r.put('/organisations/:org/units/:unitId', async (req, res) => {
    const { org } = await managed(req, res);
    const { unitId } = parse(UnitParams, req.params, 'params');
    const body = parse(UnitBody, req.body, 'body');
    res.json({ unit: await directory.putUnit(org.id, { ...body, id: unitId }, actorLabel(principalOf(res))) });
  });

  r.get('/organisations/:org/people', async (req, res) => {
    const { org, access } = await readable(req, res);
    const people = await directory.listPeople(org.id);
    // A colleague sees who is who, never how to reach them: contacts are the office's.
    res.json({ people: access === 'names' ? people.map(publicPerson) : people });
  });

  r.put('/organisations/:org/people/:personId', async (req, res) => {
    const p = principalOf(res);
    const { org, access } = await orgOf(req, res);
    const { personId } = parse(PersonParams, req.params, 'params');
    const body = parse(PersonBody, req.body, 'body');
    const existing = await directory.getPerson(personId);
    const moving = existing !== null && existing.org !== org.id;
    if (moving && body.transfer) {
      const rule = checkTransfer(p, await directory.getOrg(existing.org), org);
      if (rule) refuse(rule);
    } else {
      const rule = checkManage(access);
      if (rule) refuse(rule);
    }
    const { transfer, ...person } = body;
    res.json({ person: await directory.putPerson({ ...person, id: personId, org: org.id }, actorLabel(p), { transfer }) });
  });

  r.post('/organisations/:org/people/import', async (req, res) => {
    const { org } = await managed(req, res);
    const body = parse(ImportBody, req.body, 'body');
    const book = body.csv !== undefined ? readAddressBook(body.csv) : null;
    try {
      const result = await directory.bulkPut(org.id, book ? book.rows : body.rows!, actorLabel(principalOf(res)));
      res.json({ ...result, ignoredColumns: book?.ignoredColumns ?? [] });
    } catch (err) {
      // Rows of a file are found by their line: say it first.
      if (!(err instanceof InvalidInputError) || !book) throw err;
      throw new InvalidInputError(
        err.problems.map((problem) => {
          const row = /^people\[(\d+)\]/.exec(problem.path);
          const line = row ? book.lines[Number(row[1])] : undefined;
          return line === undefined ? problem : { path: problem.path, message: `第 ${line} 行 / line ${line} — ${problem.message}` };
        }),
        err.text,
      );
    }
  });

  r.delete('/organisations/:org/people/:personId', async (req, res) => {
    const { org } = await managed(req, res);
    const { personId } = parse(PersonParams, req.params, 'params');
    const person = await directory.getPerson(personId);
    if (!person || person.org !== org.id) {
      throw new NotFoundError({ zh: `${org.name}没有人员 ${personId}`, en: `${org.id} has no person ${personId}` });
    }
    res.json({ person: await directory.deactivatePerson(personId, actorLabel(principalOf(res))) });
  });

  r.get('/organisations/:org/history', async (req, res) => {
    const { org, access } = await orgOf(req, res);
    const rule = checkRead(access) ?? checkHistory(access);
    if (rule) refuse(rule);
    res.json({ history: await directory.history(org.id) });
  });

  return r;
}
