import { Router } from 'express';
import { z } from 'zod';
import type { TokenStore } from '../auth/tokens.js';
import { checkIssueTokens, ruleText } from '../domain/permissions.js';
import type { Engine } from '../engine/engine.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';

export const IssueTokenBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('office'), name: z.string().min(1).max(100) }),
  z.object({ kind: z.literal('person'), planId: z.string().min(1), personId: z.string().min(1) }),
]);

export function tokensRouter(engine: Engine, tokens: TokenStore): Router {
  const r = Router();
  r.get('/me', (_req, res) => {
    res.json({ principal: principalOf(res) });
  });
  r.post('/tokens', async (req, res) => {
    const body = parse(IssueTokenBody, req.body, 'body');
    const me = principalOf(res);
    if (body.kind === 'office') {
      const rule = checkIssueTokens(me, null);
      if (rule) throw new ForbiddenError(ruleText(rule));
      res.status(201).json({ token: await tokens.issue(body), principal: body });
      return;
    }
    const { def } = await engine.loadPlan(body.planId);
    const rule = checkIssueTokens(me, def);
    if (rule) throw new ForbiddenError(ruleText(rule));
    const person = def.people.find((p) => p.id === body.personId);
    if (!person) throw new NotFoundError({ zh: `方案 ${body.planId} 中没有人员 ${body.personId}`, en: `Plan ${body.planId} has no person ${body.personId}` });
    res.status(201).json({ token: await tokens.issue(body), principal: body, name: person.name });
  });
  return r;
}
