/**
 * Problem paths as people read them in a plan file: tasks[3].deadline. The same
 * format is used by the importer's report, so a draft's comments and a plan file's
 * errors point at fields the same way.
 */
export type PathSegment = string | number;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Inverse of formatPath: "tasks[3].deadline" → ["tasks", 3, "deadline"]. */
export function parsePath(text: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}

/** True when `prefix` is `path` or one of its ancestors. */
export function isPathPrefix(prefix: readonly PropertyKey[], path: readonly PropertyKey[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((seg, i) => seg === path[i]);
}

/** The raw value at `path`, or undefined. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}
