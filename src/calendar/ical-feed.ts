/**
 * One person's deadlines as an iCalendar feed (RFC 5545) a phone calendar subscribes
 * to: their tasks' deadlines (完成时限), the rectification deadlines of the rungs they
 * were sent (整改时限) and the reviews they owe (验收时限). One VEVENT per task and kind,
 * its UID stable, so when a deadline moves or a rung sets a new one the subscriber's
 * event moves instead of a second one appearing. Times are UTC (DTSTART:…Z): nothing
 * depends on the phone knowing the plan's zone; the text says the time as the office
 * wrote it. Pure: the caller gathers the items and serves the text.
 */
import type { Lang } from '../domain/i18n.js';
import { officeDateTime } from '../documents/office-text.js';

export type CalendarItemKind = 'deadline' | 'rectification' | 'review';

export interface CalendarItem {
  planId: string;
  taskId: string;
  kind: CalendarItemKind;
  /** Epoch ms of the deadline. */
  at: number;
  /** The task's title. */
  title: string;
  planTitle: string;
  /** The plan's zone, for the time as written in the text. */
  zone: string;
  /** For a rectification deadline: the rung that set it. */
  rung?: number;
  /** The task's page in the workspace. */
  url?: string;
}

export interface FeedOptions {
  /** The calendar's name as the phone lists it. */
  name: string;
  /** DTSTAMP: when the feed was generated. */
  now: number;
  /** The right-hand side of UIDs: the server's host name. */
  domain: string;
}

const WHAT: Record<CalendarItemKind, Record<Lang, string>> = {
  deadline: { zh: '完成时限', en: 'Deadline' },
  rectification: { zh: '整改时限', en: 'Rectify by' },
  review: { zh: '验收时限', en: 'Review by' },
};

/** 20261202T090000Z */
export function icalTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks as \n. */
export function icalText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * One content line folded at 75 octets (RFC 5545 §3.1): each continuation starts with
 * one space, and no UTF-8 character is split across lines.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    const limit = out.length === 0 ? 75 : 74; // a continuation's leading space is its 75th octet
    if (octets + n > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

function summary(item: CalendarItem): string {
  const rung = item.kind === 'rectification' && item.rung !== undefined ? `（第${item.rung}级）` : '';
  return `${WHAT[item.kind].zh}${rung}：${item.title}`;
}

function description(item: CalendarItem): string {
  const rung = item.kind === 'rectification' && item.rung !== undefined ? ` (rung ${item.rung})` : '';
  return [
    `${item.planTitle}`,
    `${WHAT[item.kind].zh}：${officeDateTime(item.at, item.zone, 'zh')}`,
    `${WHAT[item.kind].en}${rung}: ${officeDateTime(item.at, item.zone, 'en')}`,
    ...(item.url ? [item.url] : []),
  ].join('\n');
}

/** The stable UID of a task's deadline of one kind. */
export function calendarUid(item: Pick<CalendarItem, 'planId' | 'taskId' | 'kind'>, domain: string): string {
  return `${item.planId}.${item.taskId}.${item.kind}@${domain}`;
}

/**
 * The feed, CRLF-terminated. Items of the same task and kind are one event: the latest
 * date wins (a later rung's rectification deadline replaces the earlier one).
 */
export function icalFeed(items: readonly CalendarItem[], o: FeedOptions): string {
  const byUid = new Map<string, CalendarItem>();
  for (const item of items) {
    const uid = calendarUid(item, o.domain);
    const seen = byUid.get(uid);
    if (!seen || item.at > seen.at) byUid.set(uid, item);
  }
  const events = [...byUid.entries()].sort(([a, x], [b, y]) => x.at - y.at || a.localeCompare(b));
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Duban//督办//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icalText(o.name)}`,
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
  for (const [uid, item] of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${uid}`,
      `DTSTAMP:${icalTime(o.now)}`,
      `DTSTART:${icalTime(item.at)}`,
      `SUMMARY:${icalText(summary(item))}`,
      `DESCRIPTION:${icalText(description(item))}`,
      ...(item.url ? [`URL:${item.url}`] : []),
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
