import type { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { zodProblems } from '../engine/zod-problems.js';

/** Parses a request part with its schema, or throws a 400 naming every problem and where. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidInputError(
    zodProblems(result.error).map((p) => ({ path: p.path, message: where === 'body' ? p.message : `${where}.${p.message}` })),
    { zh: `请求的 ${where} 有误，未做任何更改`, en: `The request ${where} is invalid; nothing was changed` },
  );
}
