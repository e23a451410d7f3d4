/**
 * The parts of tasks (src/domain/children.ts) in the engine: created when the plan is
 * published, issued when due, and their parent accepted with its last part.
 *
 * - **Publish** writes every part in the same commit as the plan's step: milestones,
 *   units' and cooperating units' parts issued at once; the occurrences of a recurring
 *   duty written ahead of time as drafts (the ledger lists them), each issued when its
 *   window opens. Occurrences whose window closed before publication are not made: a
 *   duty nobody could do on time is not counted late. A container parent is not issued.
 * - **Issuing** is a sweep the reconciler runs (every worker, every DUBAN_RECONCILE_MS):
 *   a due draft part is issued as of its issue time, as a late timer is — or now, with
 *   its clocks from now, if the sweep ran more than the lateness threshold after it.
 *   Why a sweep and not a timer: timers belong to a machine's delayed transitions, and
 *   a draft task has none; the reconciler already visits every plan. Nothing is issued
 *   while the plan is suspended or after it closed.
 * - **Completion**: accepting (or cancelling) a container's last open part accepts the
 *   container in the same commit (task.complete), its siblings' versions checked, so
 *   two parts accepted at once in two processes cannot both miss the moment.
 */
import { isPart, parentKind, partsDone, partsOf, type PartDefinition } from '../domain/children.js';
import { taskNoticeFacts, type NoticeFacts } from '../domain/notices.js';
import type { PlanDefinition, TaskDefinition } from '../domain/plan.schema.js';
import { NotFoundError } from '../errors.js';
import type { Batch } from '../store/batch.js';
import { INDEX } from '../store/index-names.js';
import type { PlanKeys } from '../store/keys.js';
import { historyEntry, type Change, type Write } from './commit.js';
import type { EngineCore } from './core.js';
import { initialTaskSnapshot, isFinished, planStage, storedTaskDefinition, taskIndexes, taskState, type StoredTask } from './entity.js';
import { TASK_MACHINE_VERSION, type TaskEvent, type TaskSystemEvent } from '../../machines/index.js';
import { stepTask, type StepResult, type TaskEmitted, type TaskSnapshot, type TokenSource } from './step.js';
import { applyToTask, taskWrite } from './tasks.js';

/** Whether the plan's fan-out reaches `task`: a container is never issued (nobody holds it). */
export function takesFanOut(def: PlanDefinition, task: TaskDefinition, event: { type: string }): boolean {
  return event.type !== 'task.activate' || parentKind(def, task) !== 'container';
}

/** The parts publication makes at `at`, each with whether it is issued at once. */
export function partsAtPublish(
  def: PlanDefinition,
  at: number,
  tasks: readonly TaskDefinition[] = def.tasks,
): { part: PartDefinition; issue: boolean }[] {
  const out: { part: PartDefinition; issue: boolean }[] = [];
  for (const t of tasks) {
    for (const part of partsOf(def, t)) {
      if (part.part.kind === 'occurrence' && part.part.window!.end <= at) continue;
      out.push({ part, issue: part.issueAt <= at });
    }
  }
  return out;
}

/** A part's first state: a draft, or issued with its clocks armed. */
export function firstStep(
  def: PlanDefinition,
  part: PartDefinition,
  at: number,
  issue: boolean,
  newToken: TokenSource,
): { draft: TaskSnapshot; result: StepResult<TaskSnapshot, TaskEmitted> | null; event: TaskSystemEvent } {
  const draft = initialTaskSnapshot(def, part, at);
  const event: TaskSystemEvent = { type: 'task.activate', at };
  return { draft, result: issue ? stepTask(draft, event, {}, newToken) : null, event };
}

/** A stored-task shape for a part not yet stored: version 0, so the commit requires that it does not exist. */
function unstored(def: PlanDefinition, part: PartDefinition, snap: TaskSnapshot, rev: number): StoredTask {
  return { ver: 0, cas: '', mv: TASK_MACHINE_VERSION, snap, timers: {}, indexedTimers: {}, ix: [], def: part, rev, polrev: rev };
}

/** The writes that create the parts of `tasks` at publication (plans.ts) or when an amendment adds them (amend.ts). */
export function publishWrites(
  core: EngineCore,
  def: PlanDefinition,
  rev: number,
  at: number,
  by: string,
  batch: Batch,
  tasks: readonly TaskDefinition[] = def.tasks,
): { writes: Write[]; notices: NoticeFacts[] } {
  const pk = core.pk(def.id);
  const writes: Write[] = [];
  const notices: NoticeFacts[] = [];
  for (const { part, issue } of partsAtPublish(def, at, tasks)) {
    const { draft, result, event } = firstStep(def, part, at, issue, core.newToken);
    const before = unstored(def, part, draft, rev);
    const fields = { def: storedTaskDefinition(def, part), rev, polrev: rev };
    batch.zadd(pk.tasks, 0, part.id);
    if (result) {
      const facts = result.emitted.map((e) => taskNoticeFacts(def, part, result.snapshot.context, e.params, at));
      notices.push(...facts);
      writes.push({ ...taskWrite(pk, def, before, result, event, by, facts), fields });
    } else {
      const created = { type: 'task.created', at };
      writes.push({ ...draftWrite(pk, def, before, created, by), fields });
    }
  }
  return { writes, notices };
}

function draftWrite(pk: PlanKeys, def: PlanDefinition, before: StoredTask, event: { type: string; at: number }, by: string): Write {
  const state = taskState(before.snap);
  return {
    kind: 'task',
    id: before.def.id,
    key: pk.task(before.def.id),
    before,
    snap: before.snap,
    timers: {},
    ix: taskIndexes(def, before.def, before.snap),
    history: historyEntry(event, by, null, state, [], event.type),
  };
}

/**
 * When `change` finishes a part (accepted or cancelled), the container it belongs to,
 * accepted in the same commit if that was its last open part. The siblings are read
 * fresh and their versions checked by the commit.
 */
export async function withParent(core: EngineCore, def: PlanDefinition, part: StoredTask, change: Change, by: string): Promise<Change> {
  if (!isPart(part.def)) return change;
  const own = change.writes.find((w) => w.id === part.def.id);
  if (!own || own.kind !== 'task' || !isFinished(taskState(own.snap).work)) return change;
  const parentDef = def.tasks.find((t) => t.id === (part.def as PartDefinition).parent);
  if (!parentDef || parentKind(def, parentDef) !== 'container') return change;
  const pk = core.pk(def.id);
  let parent: StoredTask;
  try {
    parent = await core.reader.loadTask(def.id, parentDef.id);
  } catch (err) {
    if (err instanceof NotFoundError) return change;
    throw err;
  }
  if (isFinished(taskState(parent.snap).work)) return change;
  const siblingIds = partsOf(def, parentDef)
    .map((p) => p.id)
    .filter((id) => id !== part.def.id);
  const siblings = await core.reader.loadTasks(def.id, siblingIds);
  const works = [taskState(own.snap).work, ...siblings.map((s) => taskState(s.snap).work)];
  if (!partsDone(works)) return change;
  const at = own.history.at;
  const complete: TaskEvent = { type: 'task.complete', at };
  const r = core.stepTask(parent, complete);
  if (!r.handled) return change;
  for (const s of siblings) change.batch.expectVersion(pk.task(s.def.id), s.ver, s.cas);
  return { ...change, writes: [...change.writes, taskWrite(pk, def, parent, r, complete, by, [])] };
}

/** Issues every due draft part of every running plan; returns how many it issued. */
export async function issueDueParts(core: EngineCore, plans?: string[]): Promise<number> {
  let issued = 0;
  for (const planId of plans ?? (await core.redis.zrange(core.keys.plans, '0', '-1'))) {
    try {
      issued += await issueDuePartsOf(core, planId);
    } catch (err) {
      if (!(err instanceof NotFoundError)) core.log?.(`parts of plan ${planId}: ${(err as Error).message}`);
    }
  }
  return issued;
}

async function issueDuePartsOf(core: EngineCore, planId: string): Promise<number> {
  const { plan } = await core.reader.loadPlan(planId);
  const stage = planStage(plan.snap);
  if (stage === 'draft' || stage === 'closed' || plan.snap.context.suspension !== null) return 0;
  const pk = core.pk(planId);
  const drafts = (await core.redis.smembers(pk.index(INDEX.work('draft')))).filter((id) => id.includes('~'));
  const now = core.now();
  let issued = 0;
  for (const task of await core.reader.loadTasks(planId, drafts)) {
    if (!isPart(task.def) || task.def.issueAt > now) continue;
    const due = task.def.issueAt;
    const outcome = await core.commit.transact(pk.task(task.def.id), async () => {
      const fresh = await core.reader.loadTask(planId, task.def.id);
      if (taskState(fresh.snap).work !== 'draft') return null;
      const current = await core.reader.loadPlan(planId);
      if (current.plan.snap.context.suspension !== null || planStage(current.plan.snap) === 'closed') return null;
      const def = await core.defs.get(planId, fresh.rev);
      // As of its issue time, like a timer; held up past the lateness threshold, as of now.
      const at = core.now() - due > core.lateAfterMs ? core.now() : due;
      const change = applyToTask(core, def, fresh, { type: 'task.activate', at }, 'system');
      // The plan's suspension or close, read above, must still hold when this commits.
      change?.batch.expectVersion(pk.plan, current.plan.ver, current.plan.cas);
      return change;
    });
    if (outcome.version > 0) issued += 1;
  }
  if (issued > 0) core.log?.(`plan ${planId}: issued ${issued} part(s)`);
  return issued;
}
