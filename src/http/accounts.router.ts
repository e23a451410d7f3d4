/**
 * The office sets up the accounts of a plan's people and hands out one-time sign-in
 * links; it never sets or sees a password. A reset clears the password, ends the
 * person's sessions and issues a new link.
 *
 *   GET  /plans/:planId/accounts                       every person, with their account if any
 *   PUT  /plans/:planId/accounts/:personId              { logins: [...] }
 *   POST /plans/:planId/accounts/:personId/link         { reset?: boolean } → the link, once
 *   GET  /plans/:planId/accounts/:personId/sign-ins     the latest sign-in attempts
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { accountIdOf } from '../auth/accounts.js';
import { authOf } from '../auth/index.js';
import { Login } from '../auth/logins.js';
import type { TokenStore } from '../auth/tokens.js';
import { actorLabel, checkManageAccounts, ruleText } from '../domain/permissions.js';
import type { Engine } from '../engine/engine.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';

const AccountBody = z.object({ logins: z.array(Login).min(1).max(3) });
const LinkBody = z.object({ reset: z.boolean().default(false) }).default({ reset: false });

export function accountsRouter(engine: Engine, tokens: TokenStore): Router {
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
    return { def, person, accountId: accountIdOf(def.id, person.id) };
  }

  r.get('/plans/:planId/accounts', async (req, res) => {
    const def = await officeOf(req, res);
    const byPerson = new Map((await accounts.listForPlan(def.id)).map((a) => [a.personId, a]));
    res.json({
      people: def.people.map((p) => ({ personId: p.id, name: p.name, title: p.title ?? null, account: byPerson.get(p.id) ?? null })),
    });
  });

  r.put('/plans/:planId/accounts/:personId', async (req, res) => {
    const { def, person } = await personOf(req, res);
    const body = parse(AccountBody, req.body, 'body');
    res.json({ account: await accounts.upsert(def.id, person.id, body.logins, actorLabel(principalOf(res))) });
  });

  r.post('/plans/:planId/accounts/:personId/link', async (req, res) => {
    const { accountId } = await personOf(req, res);
    const body = parse(LinkBody, req.body ?? {}, 'body');
    if (!(await accounts.get(accountId))) {
      throw new NotFoundError({ zh: '此人尚无账号：请先设置登录名', en: 'This person has no account yet: set up their logins first' });
    }
    const { secret, expiresAt } = await accounts.issueLink(accountId, actorLabel(principalOf(res)), { reset: body.reset });
    if (body.reset) await sessions.endAll(accountId);
    res.status(201).json({ link: `${req.protocol}://${req.get('host')}/#/link/${secret}`, expiresAt, setsPassword: true });
  });

  r.get('/plans/:planId/accounts/:personId/sign-ins', async (req, res) => {
    const { accountId } = await personOf(req, res);
    res.json({ attempts: await guard.recent(accountId) });
  });
  return r;
}
