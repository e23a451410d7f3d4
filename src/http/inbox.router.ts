import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Queries } from '../engine/queries.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';
import { parse } from './parse.js';
import { pageOf } from '../engine/paging.js';

const InboxQuery = z.object({
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  /** One plan's notices only (a plan's page shows its own). */
  plan: z.string().min(1).max(80).optional(),
  limit: z.unknown().optional(),
  cursor: z.unknown().optional(),
});

/** Inboxes belong to people of a plan; admin and office tokens have none. */
function person(res: Response) {
  const p = principalOf(res);
  if (p.kind !== 'person') {
    throw new InvalidInputError([{ path: 'authorization', message: 'an inbox belongs to a person: use a person token' }], {
      zh: '收件箱属于个人：请以本人账号登录或使用个人令牌',
      en: 'An inbox belongs to a person of a plan; use a person token',
    });
  }
  return p;
}

export function inboxRouter(queries: Queries): Router {
  const r = Router();
  r.get('/inbox', async (req, res) => {
    const me = person(res);
    const { open, plan } = parse(InboxQuery, req.query, 'query');
    const page = await queries.personInbox(me, { ...(open !== undefined ? { open } : {}), ...(plan ? { plan } : {}) }, pageOf(req.query));
    // `notices` repeats `items` for clients of before paging.
    res.json({ personId: me.personId, items: page.items, nextCursor: page.nextCursor, notices: page.items });
  });
  r.post('/inbox/:noticeId/ack', async (req, res) => {
    const me = person(res);
    const found = await queries.planOfNotice(me, req.params.noticeId);
    if (!found) {
      throw new NotFoundError({ zh: `收件箱中没有通知 ${req.params.noticeId}`, en: `No notice ${req.params.noticeId} in your inbox` });
    }
    res.json(await queries.acknowledge(found.planId, found.me, req.params.noticeId));
  });
  return r;
}
