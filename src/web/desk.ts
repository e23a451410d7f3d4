/**
 * A leader's desk: what waits on this person now — tasks submitted to them for
 * acceptance (待我验收) and extension requests for them to decide (待我审批的延期申请).
 * "Them" is whoever the permission rules let review the task: its responsible leader
 * or the group leader. Each item carries the actions the person may take on it, so
 * the landing page draws the forms without another round trip.
 */
import { checkTaskEvent, type Principal } from '../domain/permissions.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { taskState, type StoredTask } from '../engine/entity.js';
import { allowedActions } from './task-actions.js';

interface DeskTask {
  id: string;
  title: string;
  leadDepartment: string;
  responsibleLeader: string;
  deadlineMs: number;
  work: string;
  actions: string[];
}

export interface ReviewItem extends DeskTask {
  submittedAt: number | null;
  /** 验收时限 of the pending submission. */
  reviewDeadline: number | null;
  /** Steps already taken past the review deadline (notices above the reviewer). */
  reviewRung: number;
}

export interface ExtensionItem extends DeskTask {
  requestedAt: number;
  requestedDeadline: number;
  reason: string;
  /** Who asked, when the history says (a person id). */
  requestedBy: string | null;
}

export interface Desk {
  now: number;
  review: ReviewItem[];
  extensions: ExtensionItem[];
}

export interface DeskInput {
  task: StoredTask;
  def: PlanDefinition;
  /** Who filed the pending extension request, from the task's history. */
  requestedBy?: string | null;
}

/** What waits on `me`, oldest first: the longest-waiting submission and request at the top. */
export function buildDesk(me: Principal, inputs: DeskInput[], now: number): Desk {
  const review: ReviewItem[] = [];
  const extensions: ExtensionItem[] = [];
  for (const { task, def, requestedBy } of inputs) {
    const ctx = task.snap.context;
    const state = taskState(task.snap);
    const base = (): DeskTask => ({
      id: task.def.id,
      title: task.def.title,
      leadDepartment: task.def.leadDepartment,
      responsibleLeader: task.def.responsibleLeader,
      deadlineMs: ctx.deadline,
      work: state.work,
      actions: allowedActions(me, def, task.def, task.snap, now),
    });
    if (state.supervision === 'withReviewer' && checkTaskEvent(me, def, task.def, 'task.accept') === null) {
      review.push({ ...base(), submittedAt: ctx.submittedAt, reviewDeadline: ctx.reviewDeadline, reviewRung: ctx.reviewRung });
    }
    const request = ctx.extensionRequest;
    if (state.extension === 'pending' && request && checkTaskEvent(me, def, task.def, 'task.extension.approve') === null) {
      extensions.push({
        ...base(),
        requestedAt: request.at,
        requestedDeadline: request.deadline,
        reason: request.reason,
        requestedBy: requestedBy ?? null,
      });
    }
  }
  review.sort((a, b) => (a.submittedAt ?? 0) - (b.submittedAt ?? 0));
  extensions.sort((a, b) => a.requestedAt - b.requestedAt);
  return { now, review, extensions };
}
