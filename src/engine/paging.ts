/**
 * Pages of lists read newest first: plan lists and inboxes. A page is a keyset page —
 * the cursor names the last item served (its score and id), and the next page starts
 * after it — so items added between pages (which are newer, so they sort before the
 * cursor) neither repeat nor push other items past a page boundary.
 *
 * The cursor is opaque to clients: base64url of a small JSON document.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import type { RedisClient } from '../store/batch.js';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

/** Where a page starts: after the item with this score and these ids (compared in order). */
export interface Cursor {
  s: number;
  k: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit: number;
  cursor: Cursor | null;
}

const CursorDoc = z.object({ s: z.number().finite(), k: z.array(z.string().max(200)).min(1).max(3) }).strict();

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function badCursor(): InvalidInputError {
  return new InvalidInputError([{ path: 'cursor', message: 'is not a cursor this server gave out: pass nextCursor back unchanged' }], {
    zh: 'cursor 参数无效：请原样传回上一页返回的 nextCursor',
    en: 'Invalid cursor: pass back the nextCursor of the previous page unchanged',
  });
}

export function decodeCursor(raw: string): Cursor {
  if (!/^[A-Za-z0-9_-]{1,800}$/.test(raw)) throw badCursor();
  try {
    const parsed = CursorDoc.safeParse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the 400
  }
  throw badCursor();
}

/** `limit` and `cursor` from a query string, each refused by name when malformed. */
export function pageOf(query: { limit?: unknown; cursor?: unknown }): PageRequest {
  let limit = DEFAULT_PAGE;
  if (query.limit !== undefined) {
    const n = typeof query.limit === 'string' && /^\d{1,4}$/.test(query.limit) ? Number(query.limit) : NaN;
    if (!(n >= 1 && n <= MAX_PAGE)) {
      throw new InvalidInputError([{ path: 'limit', message: `must be a whole number from 1 to ${MAX_PAGE}` }], {
        zh: `limit 参数须为 1 到 ${MAX_PAGE} 的整数`,
        en: `limit must be a whole number from 1 to ${MAX_PAGE}`,
      });
    }
    limit = n;
  }
  if (query.cursor === undefined || query.cursor === '') return { limit, cursor: null };
  if (typeof query.cursor !== 'string') throw badCursor();
  return { limit, cursor: decodeCursor(query.cursor) };
}

/** Newest first: higher score first, then ids in descending order. */
export function compareDesc(a: Cursor, b: Cursor): number {
  if (a.s !== b.s) return b.s - a.s;
  for (let i = 0; i < Math.max(a.k.length, b.k.length); i++) {
    const x = a.k[i] ?? '';
    const y = b.k[i] ?? '';
    if (x !== y) return x < y ? 1 : -1;
  }
  return 0;
}

/** Whether `item` comes after `cursor` in newest-first order (so belongs to the pages after it). */
export function after(item: Cursor, cursor: Cursor | null): boolean {
  return cursor === null || compareDesc(cursor, item) < 0;
}

/**
 * Up to `want` members of a sorted set after `cursor`, newest first, as cursors
 * (`k` = [member], or [tag, member] with `tag`). Reads only what it needs.
 */
export async function zsetAfter(redis: RedisClient, key: string, want: number, cursor: Cursor | null, tag?: string): Promise<Cursor[]> {
  const out: Cursor[] = [];
  const max = cursor === null ? '+inf' : String(cursor.s);
  let offset = 0;
  const batch = Math.max(want, 16);
  for (;;) {
    const flat = await redis.zrevrangebyscore(key, max, '-inf', 'WITHSCORES', 'LIMIT', offset, batch);
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const item: Cursor = { s: Number(flat[i + 1]), k: tag === undefined ? [flat[i]!] : [tag, flat[i]!] };
      if (after(item, cursor)) out.push(item);
    }
    offset += flat.length / 2;
    if (out.length >= want || flat.length / 2 < batch) break;
  }
  return out.sort(compareDesc).slice(0, want);
}

/** The page of `sorted` (newest first) of `limit` items, and the cursor of the next, if any. */
export function cut<T>(sorted: { at: Cursor; item: T }[], limit: number): Page<T> {
  const items = sorted.slice(0, limit);
  return {
    items: items.map((x) => x.item),
    nextCursor: sorted.length > limit ? encodeCursor(items[items.length - 1]!.at) : null,
  };
}
