/**
 * A simulated timeline as a table (for the office to read), JSON (for tools) or
 * iCalendar (deadlines and rung dates, for a calendar app).
 */
import { parentKind, partsOf } from '../domain/children.js';
import { NOTICE_KIND_TEXT } from '../domain/labels.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { SUPERVISION_TEXT, WORK_TEXT } from '../domain/labels.js';
import { PHASE_TEXT } from '../domain/notices.js';
import { formatPlanTime } from '../domain/time.js';
import { taskDeadline } from '../engine/entity.js';
import { PLAN_ENTITY } from '../store/keys.js';
import type { TimelineEntry } from './simulate.js';

function describeState(state: unknown): string {
  // A part written ahead of time (task.created) comes from nothing.
  if (state === null || state === undefined) return '—';
  if (typeof state === 'string') return PHASE_TEXT[state]?.zh ?? state;
  const s = state as { work: string; supervision: string; rung: number };
  const sup = s.supervision === 'overdue' ? `逾期${s.rung}级` : (SUPERVISION_TEXT[s.supervision]?.zh ?? s.supervision);
  return `${WORK_TEXT[s.work]?.zh ?? s.work}/${sup}`;
}

/** One row per transition, in the plan's time zone, with notices and recipients by name. */
export function formatTable(def: PlanDefinition, timeline: TimelineEntry[]): string {
  const rows = [['时间 time', '对象 entity', '变化 transition', '通知 notice', '接收人 recipients']];
  for (const e of timeline) {
    const entity = e.entity === PLAN_ENTITY ? '方案 plan' : e.entity;
    const change = `${describeState(e.from)} → ${describeState(e.to)}`;
    const notices = e.notices.length === 0 ? [null] : e.notices;
    for (const n of notices) {
      rows.push([
        formatPlanTime(e.at, def.timeZone, 'startOfDay'),
        entity,
        n === notices[0] ? `${e.event}: ${change}` : '',
        n
          ? n.kind === 'rectification'
            ? `第${n.rung}级 rung ${n.rung}`
            : `${NOTICE_KIND_TEXT[n.kind].zh} ${NOTICE_KIND_TEXT[n.kind].en}`
          : '',
        n ? n.recipients.map((r) => r.name).join('、') : '',
      ]);
    }
  }
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uFFFF]/.test(ch) ? 2 : 1), 0);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i]!))));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatJson(def: PlanDefinition, timeline: TimelineEntry[]): string {
  return JSON.stringify(
    {
      plan: def.id,
      timeZone: def.timeZone,
      timeline: timeline.map((e) => ({
        at: new Date(e.at).toISOString(),
        local: formatPlanTime(e.at, def.timeZone, 'startOfDay'),
        entity: e.entity === PLAN_ENTITY ? 'plan' : e.entity,
        event: e.event,
        from: e.from,
        to: e.to,
        notices: e.notices.map((n) => ({
          id: n.id,
          kind: n.kind,
          rung: n.rung,
          title: n.title,
          recipients: n.recipients.map((r) => r.name),
        })),
      })),
    },
    null,
    2,
  );
}

const icsTime = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const icsText = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');

/** Folds a content line at 75 octets, as RFC 5545 asks, without splitting a character. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  for (const ch of line) {
    if (Buffer.byteLength(current + ch) > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
    }
    current += ch;
  }
  out.push(current);
  return out.join('\r\n ');
}

/** Task deadlines and every rung date (with its rectification deadline) as calendar events. */
export function formatIcs(def: PlanDefinition, timeline: TimelineEntry[], stamp: number): string {
  const events: { uid: string; at: number; summary: string; description: string }[] = [];
  // Work someone holds: every task but a container, and every part of a task (src/domain/children.ts).
  const held = def.tasks.flatMap((t) => [...(parentKind(def, t) === 'container' ? [] : [t]), ...partsOf(def, t)]);
  for (const t of held) {
    events.push({
      uid: `${def.id}.${t.id}.deadline`,
      at: taskDeadline(def, t),
      summary: `完成时限：${t.title}`,
      description: `Deadline of ${t.id}`,
    });
  }
  for (const e of timeline) {
    for (const n of e.notices) {
      if (n.kind !== 'rectification') continue;
      const rectify = n.rectificationDeadline ? `\n整改期限 / rectify by ${formatPlanTime(n.rectificationDeadline, def.timeZone)}` : '';
      events.push({
        uid: `${def.id}.${n.id}`,
        at: e.at,
        summary: n.title.zh,
        description: `${n.title.en}\n→ ${n.recipients.map((r) => r.name).join('、')}${rectify}`,
      });
    }
  }
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Duban//督办//ZH', 'CALSCALE:GREGORIAN', `X-WR-CALNAME:${icsText(def.title)}`];
  for (const ev of events.sort((a, b) => a.at - b.at)) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${ev.uid}@duban`,
      `DTSTAMP:${icsTime(stamp)}`,
      `DTSTART:${icsTime(ev.at)}`,
      `DTEND:${icsTime(ev.at + 30 * 60_000)}`,
      `SUMMARY:${icsText(ev.summary)}`,
      `DESCRIPTION:${icsText(ev.description)}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}
