/**
 * 文号: document numbers in a configurable series per organisation or plan, written
 * 机关代字〔年份〕序号号 (X教督〔2026〕12号, GB/T 9704 §7.2.4). The year is the notice's
 * date in the plan's time zone; numbers restart at 1 each year; each is allocated in
 * Redis by one script (doc-numbers.lua), so under any concurrency the numbers of a
 * year are consecutive, the same notice always gets the same number, and a number is
 * never reused. A gap can only come from a recorded void (作废, with who and why),
 * and `ledger` lists every number of a year with who holds it or why it is void.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { z } from 'zod';

const SCRIPT = readFileSync(new URL('./doc-numbers.lua', import.meta.url), 'utf8');

/** A series: its id (one per organisation, or per plan) and its 机关代字. */
export const DocNumberSeriesSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (at most 64)'),
  /** 机关代字, e.g. X教督: the issuing body's abbreviation and the kind of document. */
  prefix: z
    .string()
    .trim()
    .min(1)
    .max(16)
    .refine((s) => !/[〔〕[\]()（）号\s]/.test(s), '机关代字不含括号、“号”或空格 / no brackets, 号 or spaces'),
});
export type DocNumberSeries = z.infer<typeof DocNumberSeriesSchema>;

export interface DocNumber {
  series: string;
  year: number;
  n: number;
  /** X教督〔2026〕12号 */
  text: string;
  /** True when this call issued it; false when the notice already held it. */
  issued: boolean;
}

export interface VoidRecord {
  noticeId: string;
  reason: string;
  by: string;
  at: number;
}

export interface LedgerLine {
  n: number;
  text: string;
  noticeId: string | null;
  void: VoidRecord | null;
}

export class DocNumberError extends Error {
  constructor(
    message: string,
    readonly code: 'unissued' | 'void',
  ) {
    super(message);
    this.name = 'DocNumberError';
  }
}

/** X教督〔2026〕12号: full-width 六角括号 around the year, 号 after the number. */
export function formatDocNumber(prefix: string, year: number, n: number): string {
  return `${prefix}〔${year}〕${n}号`;
}

/** The year a notice issued at `at` is numbered in: its date in the plan's zone. */
export function docYear(at: number, zone: string): number {
  return DateTime.fromMillis(at, { zone }).year;
}

type DocNumbersClient = Redis & { dubanDocNumbers(...args: (string | number)[]): Promise<unknown> };

export class DocNumbers {
  private readonly client: DocNumbersClient;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    const client = redis as DocNumbersClient;
    if (!client.dubanDocNumbers) redis.defineCommand('dubanDocNumbers', { lua: SCRIPT, numberOfKeys: 4 });
    this.client = client;
  }

  private keys(series: string, year: number): [string, string, string, string] {
    const p = `${this.prefix}:docno:{${series}}`;
    return [`${p}:notices`, `${p}:n:${year}`, `${p}:numbers:${year}`, `${p}:voids:${year}`];
  }

  /** The notice's number in the series: issued now (the next of its year) or the one it already holds. */
  async allocate(series: DocNumberSeries, noticeId: string, issuedAt: number, zone: string): Promise<DocNumber> {
    const year = docYear(issuedAt, zone);
    const [y, n, fresh] = (await this.client.dubanDocNumbers(...this.keys(series.id, year), 'allocate', noticeId, year)) as [
      number,
      number,
      number,
    ];
    return { series: series.id, year: y, n, text: formatDocNumber(series.prefix, y, n), issued: fresh === 1 };
  }

  /** The number a notice holds, if any. */
  async lookup(series: DocNumberSeries, noticeId: string): Promise<DocNumber | null> {
    const held = await this.client.hget(this.keys(series.id, 0)[0], noticeId);
    if (!held) return null;
    const [y, n] = held.split(':').map(Number) as [number, number];
    return { series: series.id, year: y, n, text: formatDocNumber(series.prefix, y, n), issued: false };
  }

  /** Marks number n of a year void (作废) with who and why; the notice may then be numbered again, with a new number. */
  async void(series: DocNumberSeries, year: number, n: number, why: { reason: string; by: string; at: number }): Promise<string> {
    const out = (await this.client.dubanDocNumbers(...this.keys(series.id, year), 'void', n, JSON.stringify(why))) as string[];
    const text = formatDocNumber(series.prefix, year, n);
    if (out[0] === 'unissued') throw new DocNumberError(`${text}尚未编发，不能作废 / ${text} was never issued`, 'unissued');
    if (out[0] === 'void') throw new DocNumberError(`${text}已作废 / ${text} is already void`, 'void');
    return out[1]!;
  }

  /** Every number issued in a year, in order, with its holder or its void; `gaps` lists any number with neither (never expected). */
  async ledger(series: DocNumberSeries, year: number): Promise<{ lines: LedgerLine[]; gaps: number[] }> {
    const [, counterKey, numbersKey, voidsKey] = this.keys(series.id, year);
    const [last, numbers, voids] = await Promise.all([
      this.client.get(counterKey),
      this.client.hgetall(numbersKey),
      this.client.hgetall(voidsKey),
    ]);
    const lines: LedgerLine[] = [];
    const gaps: number[] = [];
    for (let n = 1; n <= Number(last ?? 0); n++) {
      const holder = numbers[String(n)] ?? null;
      const v = voids[String(n)];
      if (holder === null && v === undefined) gaps.push(n);
      lines.push({ n, text: formatDocNumber(series.prefix, year, n), noticeId: holder, void: v ? (JSON.parse(v) as VoidRecord) : null });
    }
    return { lines, gaps };
  }
}
