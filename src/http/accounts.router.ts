/**
 * The office sets up the accounts of a plan's people and hands out one-time sign-in
 * links; it never sets or sees a password. A reset clears the password, ends the
 * person's sessions and issues a new link. An account is the directory person's, one
 * for every plan they are in: a plan's routes reach it through the plan's person.
 *
 *   GET  /plans/:planId/accounts                       every person, with their account if any
 *   PUT  /plans/:planId/accounts/:personId              { logins: [...] }
 *   POST /plans/:planId/accounts/:personId/link         { reset?: boolean } → the link, once
 *   GET  /plans/:planId/accounts/:personId/sign-ins     the latest sign-in attempts
 *
 * Office accounts belong to one organisation and are the admin's to set up:
 *
 *   GET  /organisations/:org/office-accounts
 *   PUT  /organisations/:org/office-accounts/:name      { logins: [...] }
 *   POST /organisations/:org/office-accounts/:name/link { reset?: boolean }
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { accountIdOf, type AccountPrincipal } from '../auth/accounts.js';
import { authOf } from '../auth/index.js';
import { Login } from '../auth/logins.js';
import type { TokenStore } from '../auth/tokens.js';
import { actorLabel, checkManageAccounts, ruleText } from '../domain/permissions.js';
import { directoryIdOf, Id } from '../domain/plan.schema.js';
import type { Engine } from '../engine/engine.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';
import type { OrganisationLookup } from './tokens.router.js';

const AccountBody = z.object({ logins: z.array(Login).min(1).max(3) });
const OfficeName = z.string().trim().min(1).max(100);
const LinkBody = z.object({ reset: z.boolean().default(false) }).default({ reset: false });

export function accountsRouter(engine: Engine, tokens: TokenStore, organisations?: OrganisationLookup): Router {
  const { accounts, sessions, guard } = authOf(tokens);
  const r = Router();

  async function officeOf(req: Request<{ planId: string }>, res: Response) {
    const { def } = await engine.loadPlan(req.params.planId);
    const rule = checkManageAccounts(principalOf(res), def);
    if (rule) throw new ForbiddenError(ruleText(rule));
    return def;
  }
  async function personOf(req: Request<{ planId: string; personId: string }>, res: Response) {
    const def = await officeOf(req, res);
    const person = def.people.find((p) => p.id === req.params.personId);
    if (!person)
      throw new NotFoundError({
        zh: `方案 ${def.id} 中没有人员 ${req.params.personId}`,
        en: `Plan ${def.id} has no person ${req.params.personId}`,
      });
    const principal: AccountPrincipal = { kind: 'person', personId: directoryIdOf(person) };
    return { def, person, principal, accountId: accountIdOf(principal) };
  }

  /** Issues a one-time link for an existing account (a reset also ends its sessions). */
  async function link(req: Request, res: Response, accountId: string) {
    const body = parse(LinkBody, req.body ?? {}, 'body');
    if (!(await accounts.get(accountId))) {
      throw new NotFoundError({ zh: '尚无此账号：请先设置登录名', en: 'There is no such account yet: set up its logins first' });
    }
    const { secret, expiresAt } = await accounts.issueLink(accountId, actorLabel(principalOf(res)), { reset: body.reset });
    if (body.reset) await sessions.endAll(accountId);
    res.status(201).json({ link: `${req.protocol}://${req.get('host')}/#/link/${secret}`, expiresAt, setsPassword: true });
  }

  r.get('/plans/:planId/accounts', async (req, res) => {
    const def = await officeOf(req, res);
    const byId = await accounts.getMany(def.people.map(directoryIdOf));
    res.json({
      people: def.people.map((p) => ({
        personId: p.id,
        directoryId: directoryIdOf(p),
        name: p.name,
        title: p.title ?? null,
        account: byId.get(directoryIdOf(p)) ?? null,
      })),
    });
  });

  r.put('/plans/:planId/accounts/:personId', async (req, res) => {
    const { principal } = await personOf(req, res);
    const body = parse(AccountBody, req.body, 'body');
    res.json({ account: await accounts.upsert(principal, body.logins, actorLabel(principalOf(res))) });
  });

  r.post('/plans/:planId/accounts/:personId/link', async (req, res) => {
    const { accountId } = await personOf(req, res);
    await link(req, res, accountId);
  });

  r.get('/plans/:planId/accounts/:personId/sign-ins', async (req, res) => {
    const { accountId } = await personOf(req, res);
    res.json({ attempts: await guard.recent(accountId) });
  });

  async function officeAccountOf(req: Request<{ org: string; name?: string }>, res: Response) {
    if (principalOf(res).kind !== 'admin') throw new ForbiddenError(ruleText('issueTokens'));
    const org = parse(z.object({ org: Id }), req.params, 'params').org;
    if (organisations && !(await organisations.exists(org))) {
      throw new NotFoundError({ zh: `没有单位 ${org}`, en: `No organisation ${org}` });
    }
    const principal: AccountPrincipal = { kind: 'office', org, name: parse(z.object({ name: OfficeName }), req.params, 'params').name };
    return { org, principal, accountId: accountIdOf(principal) };
  }

  r.get('/organisations/:org/office-accounts', async (req, res) => {
    if (principalOf(res).kind !== 'admin') throw new ForbiddenError(ruleText('issueTokens'));
    res.json({ accounts: await accounts.listOffice(parse(z.object({ org: Id }), req.params, 'params').org) });
  });

  r.put('/organisations/:org/office-accounts/:name', async (req, res) => {
    const { principal } = await officeAccountOf(req, res);
    const body = parse(AccountBody, req.body, 'body');
    res.json({ account: await accounts.upsert(principal, body.logins, actorLabel(principalOf(res))) });
  });

  r.post('/organisations/:org/office-accounts/:name/link', async (req, res) => {
    const { accountId } = await officeAccountOf(req, res);
    await link(req, res, accountId);
  });
  return r;
}
