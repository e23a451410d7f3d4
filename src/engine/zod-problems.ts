import { z } from 'zod';
import type { Problem } from '../errors.js';

/** `tasks[4].responsibleLeader` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    '',
  );
}

const A_OR_AN = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/**
 * zod says only "Invalid input" when a value fits none of a union's forms; when no
 * form even has the value's type (a number where a date or { workingDays } goes),
 * say which types would do.
 */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue.message;
  const expected = issue.errors.map((branch) =>
    branch.length === 1 && branch[0]!.code === 'invalid_type' && branch[0].path.length === 0 ? branch[0].expected : null,
  );
  if (expected.some((e) => e === null)) return issue.message;
  return `must be ${[...new Set(expected as string[])].map(A_OR_AN).join(' or ')}`;
}

/** Every zod issue as { path, message }, the message led by its path like the issue asks. */
export function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    const message = issueMessage(issue);
    return { path, message: message.startsWith(path) && path !== '' ? message : `${path || '(body)'}: ${message}` };
  });
}

/**
 * The problems of a strict body: zod's, plus one per field the body does not take,
 * named by its own path (it is most likely misspelt), so the caller sees where.
 */
export function strictBodyProblems(error: z.ZodError): Problem[] {
  const unknown = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath([...issue.path, key]),
          message: `没有这个字段「${key}」，是否拼写有误？/ there is no field "${key}": is it misspelt?`,
        }))
      : [],
  );
  return [...zodProblems(new z.ZodError(error.issues.filter((i) => i.code !== 'unrecognized_keys'))), ...unknown];
}
