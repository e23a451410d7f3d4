import type { z } from 'zod';
import type { Problem } from '../errors.js';

/** `tasks[4].responsibleLeader` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

/** Every zod issue as { path, message }, the message led by its path like the issue asks. */
export function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    const message = issue.message.startsWith(path) && path !== '' ? issue.message : `${path || '(body)'}: ${issue.message}`;
    return { path, message };
  });
}
