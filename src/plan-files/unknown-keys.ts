/**
 * Keys the schema does not know. zod objects strip them silently, so `deadlne:` or a
 * misspelt optional `titel:` would vanish without a word. They are reported as
 * warnings (the plan still loads), with the nearest known key when one is close.
 */
import { z } from 'zod';
import type { PathSegment } from './paths.js';

export interface UnknownKey {
  path: PathSegment[];
  key: string;
  suggestion?: string;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  // Optional, default and nullable wrappers all expose unwrap() in zod v4.
  for (let i = 0; i < 10 && (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable); i++) {
    s = (s as z.ZodOptional<z.ZodType>).unwrap();
  }
  return s;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

export function findUnknownKeys(schema: z.ZodType, data: unknown, path: PathSegment[] = [], out: UnknownKey[] = []): UnknownKey[] {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject && data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const shape = s.shape as Record<string, z.ZodType>;
    for (const [key, value] of Object.entries(data)) {
      const child = shape[key];
      if (child === undefined) {
        const near = Object.keys(shape)
          .map((k) => [k, distance(k.toLowerCase(), key.toLowerCase())] as const)
          .sort((a, b) => a[1] - b[1])[0];
        const hit: UnknownKey = { path: [...path, key], key };
        if (near && near[1] <= Math.max(1, Math.floor(key.length / 4))) hit.suggestion = near[0];
        out.push(hit);
      } else {
        findUnknownKeys(child, value, [...path, key], out);
      }
    }
  } else if (s instanceof z.ZodArray && Array.isArray(data)) {
    data.forEach((item, i) => findUnknownKeys(s.element as z.ZodType, item, [...path, i], out));
  } else if (s instanceof z.ZodUnion && data !== null && typeof data === 'object' && !Array.isArray(data)) {
    // grace: "P7D" | { workingDays: 5 }: an object is checked against the object option.
    const option = (s.options as readonly z.ZodType[]).map(unwrap).find((o) => o instanceof z.ZodObject);
    if (option) findUnknownKeys(option, data, path, out);
  }
  return out;
}
