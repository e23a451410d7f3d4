/**
 * Names of the index sets a plan's tasks are filed under (`dn:{plan}:ix:<name>`).
 * Built here only: the engine files tasks under them and the queries intersect them,
 * so both sides spell a name the same way.
 */
export const INDEX = {
  /**
   * Every task of the plan, as builds before task machine v6 filed it. Every task is
   * in the plan's task list (`dn:{plan}:tasks`) anyway, so the queries read that, and
   * a task's next commit takes it out of this set (120 bytes less per task).
   */
  legacyAll: 'all',
  /** Tasks not yet accepted (nor ended unfinished). */
  open: 'open',
  work: (state: string) => `w:${state}`,
  supervision: (state: string) => `s:${state}`,
  /** Tasks on rung n of an open ladder. */
  rung: (n: number) => `r:${n}`,
  department: (unitId: string) => `d:${unitId}`,
  person: (personId: string) => `p:${personId}`,
} as const;
