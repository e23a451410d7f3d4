/**
 * `/me` and API tokens: named, listed without their secrets, expiring, revocable.
 * Each principal issues and lists only its own tokens (admins also issue office
 * tokens); nobody can issue a token that acts as another person.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { CredentialPrincipal, TokenStore } from '../auth/tokens.js';
import { checkIssueTokens, ruleText, type Principal } from '../domain/permissions.js';
import { DEFAULT_ORGANISATION, directoryIdOf, Id } from '../domain/plan.schema.js';
import type { Engine } from '../engine/engine.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';
import { readablePlan } from './plan-access.js';

const DAY_MS = 86_400_000;
const Lifetime = {
  /** What the token is for, shown in the list ("nightly export"). */
  label: z.string().trim().max(100).default(''),
  expiresInDays: z.number().int().min(1).max(365).default(90),
};

export const IssueTokenBody = z.discriminatedUnion('kind', [
  /** A token acting as whoever asks. */
  z.object({ kind: z.literal('self'), ...Lifetime }),
  /** An office of one organisation (`default` on a server with one). */
  z.object({ kind: z.literal('office'), name: z.string().min(1).max(100), org: Id.default(DEFAULT_ORGANISATION), ...Lifetime }),
  /** A directory person; with `planId`, `personId` is the id that plan gives them. */
  z.object({ kind: z.literal('person'), planId: z.string().min(1).optional(), personId: z.string().min(1), ...Lifetime }),
]);

/** What the token routes need of the directory: whether an organisation exists. */
export interface OrganisationLookup {
  exists(org: string): Promise<boolean>;
}

function credentialOf(p: Principal): CredentialPrincipal {
  if (p.kind === 'system') throw new ForbiddenError(ruleText('actAsOther'));
  return p;
}

export function tokensRouter(engine: Engine, tokens: TokenStore, organisations?: OrganisationLookup): Router {
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
    let target: CredentialPrincipal;
    if (body.kind === 'self') target = me;
    else if (body.kind === 'office') target = { kind: 'office', name: body.name, org: body.org };
    else if (body.planId === undefined) target = { kind: 'person', personId: body.personId };
    else {
      // The plan is read only for someone it names (or its office): anyone else learns nothing of it.
      const def = await readablePlan(engine, me, body.planId);
      const person = def.people.find((p) => p.id === body.personId);
      if (!person) {
        throw new NotFoundError({
          zh: `方案 ${body.planId} 中没有人员 ${body.personId}`,
          en: `Plan ${body.planId} has no person ${body.personId}`,
        });
      }
      target = { kind: 'person', personId: directoryIdOf(person) };
    }
    const rule = checkIssueTokens(me, target);
    if (rule) throw new ForbiddenError(ruleText(rule));
    if (target.kind === 'office' && organisations && !(await organisations.exists(target.org))) {
      throw new NotFoundError({ zh: `没有单位 ${target.org}`, en: `No organisation ${target.org}` });
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
