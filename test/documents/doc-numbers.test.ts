/**
 * 文号 allocation on the test run's Redis: many writers at once get consecutive,
 * distinct numbers; a notice keeps its number however often it asks; the year is the
 * notice's date in the plan's zone; a void is on the record and its number never
 * comes back.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DocNumbers, DocNumberError, DocNumberSeriesSchema, formatDocNumber } from '../../src/documents/doc-numbers.js';
import { testPrefix } from '../helpers/runtime.js';

const ZONE = 'Asia/Shanghai';
const AT = Date.parse('2026-12-09T10:30:00+08:00');
let clients: Redis[];
let prefix: string;

beforeAll(() => {
  clients = Array.from({ length: 6 }, () => new Redis(inject('redisUrl')));
  prefix = testPrefix();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit()));
});

const series = (id: string) => DocNumberSeriesSchema.parse({ id, prefix: 'X教督' });

describe('document numbers (文号)', () => {
  it('gives many notices numbered at once distinct, consecutive numbers from 1, each written 机关代字〔年〕N号', async () => {
    const s = series('concurrent');
    const numbers = clients.map((c) => new DocNumbers(c, prefix));
    const got = await Promise.all(Array.from({ length: 120 }, (_, i) => numbers[i % numbers.length]!.allocate(s, `t${i}.r1`, AT, ZONE)));
    expect(got.map((g) => g.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(got.every((g) => g.issued && g.year === 2026 && g.text === `X教督〔2026〕${g.n}号`)).toBe(true);
    const { lines, gaps } = await numbers[0]!.ledger(s, 2026);
    expect(gaps).toEqual([]);
    expect(new Set(lines.map((l) => l.noticeId)).size).toBe(120);
  });

  it('gives the same notice the same number, however many writers ask at once, and spends no number on the repeats', async () => {
    const s = series('repeat');
    const numbers = clients.map((c) => new DocNumbers(c, prefix));
    const got = await Promise.all(Array.from({ length: 30 }, (_, i) => numbers[i % numbers.length]!.allocate(s, 't3.r2', AT, ZONE)));
    expect(new Set(got.map((g) => g.text))).toEqual(new Set(['X教督〔2026〕1号']));
    expect(got.filter((g) => g.issued)).toHaveLength(1);
    expect((await numbers[0]!.allocate(s, 't4.r1', AT, ZONE)).text).toBe('X教督〔2026〕2号');
    expect(await numbers[1]!.lookup(s, 't3.r2')).toMatchObject({ text: 'X教督〔2026〕1号' });
  });

  it('numbers by the notice’s date in the plan’s zone and starts each year at 1', async () => {
    const s = series('years');
    const numbers = new DocNumbers(clients[0]!, prefix);
    // 2026-12-31 23:30 in Shanghai is still 2026 there; 00:10 the next day is 2027, though UTC still says 2026.
    expect((await numbers.allocate(s, 'late-dec', Date.parse('2026-12-31T23:30:00+08:00'), ZONE)).text).toBe('X教督〔2026〕1号');
    expect((await numbers.allocate(s, 'new-year', Date.parse('2027-01-01T00:10:00+08:00'), ZONE)).text).toBe('X教督〔2027〕1号');
    expect((await numbers.allocate(s, 'late-dec', Date.parse('2027-01-05T09:00:00+08:00'), ZONE)).text).toBe('X教督〔2026〕1号');
  });

  it('records a void with who and why; the number is never issued again and the notice, issued again, takes the next', async () => {
    const s = series('voids');
    const numbers = new DocNumbers(clients[0]!, prefix);
    await numbers.allocate(s, 'a', AT, ZONE);
    await numbers.allocate(s, 'b', AT, ZONE);
    expect(await numbers.void(s, 2026, 1, { reason: '通知书内容有误，重新印发', by: 'p-chen', at: AT })).toBe('a');
    await expect(numbers.void(s, 2026, 1, { reason: 'again', by: 'p-chen', at: AT })).rejects.toBeInstanceOf(DocNumberError);
    await expect(numbers.void(s, 2026, 9, { reason: 'never issued', by: 'p-chen', at: AT })).rejects.toMatchObject({ code: 'unissued' });
    expect((await numbers.allocate(s, 'a', AT, ZONE)).text).toBe('X教督〔2026〕3号');
    const { lines, gaps } = await numbers.ledger(s, 2026);
    expect(gaps).toEqual([]);
    expect(lines.map((l) => [l.text, l.noticeId, l.void?.reason ?? null])).toEqual([
      ['X教督〔2026〕1号', 'a', '通知书内容有误，重新印发'],
      ['X教督〔2026〕2号', 'b', null],
      ['X教督〔2026〕3号', 'a', null],
    ]);
  });

  it('(the script alone) refuses an unknown op and writes nothing', async () => {
    const { readFileSync } = await import('node:fs');
    const lua = readFileSync(new URL('../../src/documents/doc-numbers.lua', import.meta.url), 'utf8');
    const keys = ['notices', 'n:2026', 'numbers:2026', 'voids:2026'].map((k) => `${prefix}:docno:{raw}:${k}`);
    await expect(clients[0]!.eval(lua, 4, ...keys, 'explode')).rejects.toThrow(/unknown op explode/);
    expect(await clients[0]!.exists(...keys)).toBe(0);
    expect(await clients[0]!.eval(lua, 4, ...keys, 'allocate', 'n1', 2026)).toEqual([2026, 1, 1]);
    expect(await clients[0]!.eval(lua, 4, ...keys, 'allocate', 'n1', 2026)).toEqual([2026, 1, 0]);
  });

  it('refuses a 机关代字 that would break the number’s form', () => {
    expect(DocNumberSeriesSchema.safeParse({ id: 'x', prefix: 'X教督〔' }).success).toBe(false);
    expect(formatDocNumber('督办', 2026, 12)).toBe('督办〔2026〕12号');
  });
});
