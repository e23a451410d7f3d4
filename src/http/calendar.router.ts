/**
 * A person's live calendar (issue 10, item 5).
 *
 *   GET    /api/v1/calendar-feed     whether the signed-in person has a feed, since when (never its URL)
 *   POST   /api/v1/calendar-feed     creates the feed, or rotates its secret: the URL is answered once
 *   DELETE /api/v1/calendar-feed     revokes it
 *   GET    /calendar/:secret.ics     the feed (text/calendar), no credential but the secret; 404 once rotated or revoked
 *
 * Items: src/calendar/feed-items.ts; the iCalendar text: src/calendar/ical-feed.ts.
 */
import { Router, type Response } from 'express';
import { calendarItems } from '../calendar/feed-items.js';
import { CalendarFeedSecrets } from '../calendar/feed-secrets.js';
import { icalFeed } from '../calendar/ical-feed.js';
import { keyPrefix } from '../documents/notice-numbers.js';
import type { Engine } from '../engine/engine.js';
import type { Queries } from '../engine/queries.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { principalOf } from './auth.js';

const NO_FEED = { zh: '没有这个日历订阅：链接已更换或已撤销', en: 'No such calendar feed: its link was replaced or revoked' };

function secretsOf(engine: Engine): CalendarFeedSecrets {
  return new CalendarFeedSecrets(engine.redis, keyPrefix(engine.keys));
}

/** A calendar of deadlines belongs to a person; office and admin tokens have none. */
function person(res: Response) {
  const p = principalOf(res);
  if (p.kind !== 'person') {
    throw new InvalidInputError([{ path: 'authorization', message: 'a calendar feed belongs to a person: sign in as yourself' }], {
      zh: '日历订阅属于个人：请以本人账号登录',
      en: 'A calendar feed belongs to a person: sign in as yourself',
    });
  }
  return p;
}

/** Under /api/v1, behind authentication. */
export function calendarApiRouter(engine: Engine): Router {
  const secrets = secretsOf(engine);
  const r = Router();
  r.get('/calendar-feed', async (_req, res) => {
    const me = person(res);
    const info = await secrets.info(me.personId);
    res.json({ active: info !== null, createdAt: info?.createdAt ?? null });
  });
  r.post('/calendar-feed', async (req, res) => {
    const me = person(res);
    const now = Date.now();
    const secret = await secrets.rotate(me.personId, now);
    res.status(201).json({ url: `${req.protocol}://${req.get('host')}/calendar/${secret}.ics`, createdAt: now });
  });
  r.delete('/calendar-feed', async (_req, res) => {
    const me = person(res);
    if (!(await secrets.revoke(me.personId))) throw new NotFoundError({ zh: '您还没有日历订阅', en: 'You have no calendar feed' });
    res.status(204).end();
  });
  return r;
}

/** At the app's root, before authentication: the phone's calendar sends only the URL. */
export function calendarFeedRouter(engine: Engine, queries: Queries): Router {
  const secrets = secretsOf(engine);
  const r = Router();
  r.get('/calendar/:secret.ics', async (req, res) => {
    const personId = /^cal_[A-Za-z0-9_-]{20,64}$/.test(req.params.secret) ? await secrets.personOf(req.params.secret) : null;
    if (personId === null) throw new NotFoundError(NO_FEED);
    const base = `${req.protocol}://${req.get('host')}`;
    const items = await calendarItems(
      engine,
      queries,
      { kind: 'person', personId },
      (_planId, taskId) => `${base}/#/task/${encodeURIComponent(taskId)}`,
    );
    const body = icalFeed(items, { name: '督办 · 我的时限', now: Date.now(), domain: req.hostname || 'duban' });
    res.set({ 'Content-Type': 'text/calendar; charset=utf-8', 'Cache-Control': 'private, max-age=300' });
    res.send(body);
  });
  return r;
}
