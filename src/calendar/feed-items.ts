/**
 * What goes in a person's calendar feed: across every plan they are in, the open
 * tasks they hold — their deadline (完成时限) and, once a rung set one, the
 * rectification deadline (整改时限) — and the submissions they are to review, with
 * their 验收时限. A submitted task is the reviewer's: its deadline leaves the
 * department's calendar until it is returned. A suspended task runs no clock and
 * shows nothing until it resumes.
 */
import { peopleInRole } from '../domain/chain.js';
import type { Principal } from '../domain/permissions.js';
import type { Engine } from '../engine/engine.js';
import { taskState } from '../engine/entity.js';
import type { Queries } from '../engine/queries.js';
import { INDEX } from '../store/index-names.js';
import type { CalendarItem } from './ical-feed.js';

export async function calendarItems(
  engine: Engine,
  queries: Queries,
  person: Extract<Principal, { kind: 'person' }>,
  link: (planId: string, taskId: string) => string,
): Promise<CalendarItem[]> {
  const items: CalendarItem[] = [];
  for (const { def, me } of await queries.readablePlans(person)) {
    if (me === null) continue;
    const ids = await engine.redis.smembers(engine.pk(def.id).index(INDEX.open));
    for (const task of await engine.loadTasks(def.id, ids)) {
      const state = taskState(task.snap);
      const ctx = task.snap.context;
      const base = { planId: def.id, taskId: task.def.id, title: task.def.title, planTitle: def.title, zone: def.timeZone };
      const url = link(def.id, task.def.id);
      const holds = ['responsiblePerson', 'departmentHead'] as const;
      const holder = holds.some((role) => peopleInRole(def, task.def, role).includes(me));
      if (state.supervision === 'suspended' || state.supervision === 'closed') continue;
      if (state.supervision === 'withReviewer') {
        if (task.def.responsibleLeader === me && ctx.reviewDeadline !== null)
          items.push({ ...base, kind: 'review', at: ctx.reviewDeadline, url });
        continue;
      }
      if (!holder) continue;
      items.push({ ...base, kind: 'deadline', at: ctx.deadline, url });
      if (state.rung > 0 && ctx.rectificationDeadline !== null)
        items.push({ ...base, kind: 'rectification', at: ctx.rectificationDeadline, rung: state.rung, url });
    }
  }
  return items;
}
