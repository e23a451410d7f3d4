/**
 * `/me` and API tokens: named, listed without their secrets, expiring, revocable.
 * Each principal issues and lists only its own tokens (admins also issue office
 * tokens); nobody can issue a token that acts as another person.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { TokenStore } from '../auth/tokens.js';
import { checkIssueTokens, ruleText, type Principal } from '../domain/permissions.js';
import type { Engine } from '../engine/engine.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';

const DAY_MS = 86_400_000;
const Lifetime = {
  /** What the token is for, shown in the list ("nightly export"). */
  label: z.string().trim().max(100).default(''),
  expiresInDays: z.number().int().min(1).max(365).default(90),
};

export const IssueTokenBody = z.discriminatedUnion('kind', [
  /** A token acting as whoever asks. */
  z.object({ kind: z.literal('self'), ...Lifetime }),
  z.object({ kind: z.literal('office'), name: z.string().min(1).max(100), ...Lifetime }),
  z.object({ kind: z.literal('person'), planId: z.string().min(1), personId: z.string().min(1), ...Lifetime }),
]);

function credentialOf(p: Principal): Exclude<Principal, { kind: 'system' }> {
  if (p.kind === 'system') throw new ForbiddenError(ruleText('actAsOther'));
  return p;
}

export function tokensRouter(engine: Engine, tokens: TokenStore): Router {
  const r = Router();
  r.get('/me', (_req, res) => {
    res.json({ principal: principalOf(res) });
  });
  r.get('/tokens', async (_req, res) => {
    res.json({ tokens: await tokens.list(credentialOf(principalOf(res))) });
  });
  r.post('/tokens', async (req, res) => {
    const body = parse(IssueTokenBody, req.body, 'body');
    const me = credentialOf(principalOf(res));
    const target =
      body.kind === 'self'
        ? me
        : body.kind === 'office'
          ? { kind: 'office' as const, name: body.name }
          : { kind: 'person' as const, planId: body.planId, personId: body.personId };
    const rule = checkIssueTokens(me, target);
    if (rule) throw new ForbiddenError(ruleText(rule));
    if (target.kind === 'person') {
      const { def } = await engine.loadPlan(target.planId);
      if (!def.people.some((p) => p.id === target.personId)) {
        throw new NotFoundError({
          zh: `方案 ${target.planId} 中没有人员 ${target.personId}`,
          en: `Plan ${target.planId} has no person ${target.personId}`,
        });
      }
    }
    const { token, info } = await tokens.issueWithInfo(target, { label: body.label, ttlMs: body.expiresInDays * DAY_MS });
    res.status(201).json({ token, principal: target, ...info });
  });
  r.delete('/tokens/:id', async (req, res) => {
    if (!(await tokens.revoke(credentialOf(principalOf(res)), req.params.id))) {
      throw new NotFoundError({ zh: `你没有编号为 ${req.params.id} 的令牌`, en: `You hold no token ${req.params.id}` });
    }
    res.status(204).end();
  });
  return r;
}
