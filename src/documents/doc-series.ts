/**
 * Each organisation's 文号 series: the 机关代字 its office set (X教督) and who set it
 * when. One series per organisation, its id the organisation's id, so every plan of
 * the organisation numbers its documents in one sequence a year, as an office's
 * 发文登记簿 does. Changing the 机关代字 changes the text of numbers issued after the
 * change only: an issued number is stored with the document as it was issued.
 */
import type { RedisClient } from '../store/batch.js';
import { z } from 'zod';
import { DocNumberSeriesSchema, type DocNumberSeries } from './doc-numbers.js';

export const DocSeriesInput = z.object({ prefix: DocNumberSeriesSchema.shape.prefix });

export interface DocSeriesConfig extends DocNumberSeries {
  setBy: string;
  setAt: number;
}

const Stored = z.object({ prefix: z.string(), setBy: z.string(), setAt: z.number() });

export class DocSeriesStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(org: string): string {
    return `${this.prefix}:docseries:${org}`;
  }

  /** The organisation's series, or null while its office has not set one. */
  async get(org: string): Promise<DocSeriesConfig | null> {
    const raw = await this.redis.get(this.key(org));
    if (!raw) return null;
    const stored = Stored.parse(JSON.parse(raw));
    return { id: org, ...stored };
  }

  async set(org: string, prefix: string, by: string, at: number): Promise<DocSeriesConfig> {
    const series = DocNumberSeriesSchema.parse({ id: org, prefix });
    await this.redis.set(this.key(org), JSON.stringify({ prefix: series.prefix, setBy: by, setAt: at }));
    return { ...series, setBy: by, setAt: at };
  }
}
