import type { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { zodProblems } from '../engine/zod-problems.js';

const PART = {
  body: { zh: '请求内容', en: 'request body' },
  query: { zh: '查询参数', en: 'query parameters' },
  params: { zh: '地址中的参数', en: 'path parameters' },
} as const;

/**
 * Parses a request part with its schema, or throws a 400 naming every problem and where:
 * the message names the fields at fault; "nothing was changed" is said of a body, which
 * asked for a change.
 */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = zodProblems(result.error);
  const fields = [...new Set(problems.map((p) => p.path.split(/[.[]/)[0]).filter((f): f is string => !!f))];
  const part = PART[where];
  throw new InvalidInputError(
    problems.map((p) => ({ path: p.path, message: where === 'body' ? p.message : `${where}.${p.message}` })),
    {
      zh: `${part.zh}有误${fields.length > 0 ? `：${fields.join('、')}` : ''}${where === 'body' ? '，未做任何更改' : ''}`,
      en: `Invalid ${part.en}${fields.length > 0 ? `: ${fields.join(', ')}` : ''}${where === 'body' ? '; nothing was changed' : ''}`,
    },
  );
}
