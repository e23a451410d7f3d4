/**
 * A person's deadlines as an iCalendar feed, read as RFC 5545 asks a calendar to read
 * it: CRLF lines of at most 75 octets, folded without splitting a character, escaped
 * text, one event per task and kind under a UID that does not change.
 */
import { describe, expect, it } from 'vitest';
import { calendarUid, icalFeed, type CalendarItem } from '../../src/calendar/ical-feed.js';

const Z = 'Asia/Shanghai';
const item = (o: Partial<CalendarItem>): CalendarItem => ({
  planId: 'qx-2026',
  taskId: 't1',
  kind: 'deadline',
  at: Date.parse('2026-12-02T17:00:00+08:00'),
  title: '制定质量监测实施方案',
  planTitle: '青溪区义务教育质量提升三年行动计划',
  zone: Z,
  ...o,
});
const opts = { name: '督办期限：孙丽', now: Date.parse('2026-12-01T08:00:00Z'), domain: 'duban.example.org' };

/** The logical lines: folds undone (RFC 5545 §3.1). */
const unfold = (feed: string) => feed.replace(/\r\n /g, '').split('\r\n');
const events = (feed: string) =>
  unfold(feed)
    .join('\n')
    .split('BEGIN:VEVENT\n')
    .slice(1)
    .map((e) =>
      Object.fromEntries(
        e.split('\n').flatMap((l) => (l.includes(':') ? [[l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]] : [])),
      ),
    );

describe('iCalendar feed', () => {
  it('lists deadlines, rectification and review deadlines in UTC with Chinese summaries, one stable event per task and kind', () => {
    const feed = icalFeed(
      [
        item({}),
        item({ kind: 'rectification', rung: 1, at: Date.parse('2026-12-09T17:00:00+08:00') }),
        item({ kind: 'rectification', rung: 2, at: Date.parse('2026-12-16T17:00:00+08:00') }),
        item({ taskId: 't2', title: '出台职称倾斜政策', kind: 'review', at: Date.parse('2026-12-05T00:00:00+08:00') }),
      ],
      opts,
    );
    const e = events(feed);
    expect(e.map((x) => x.UID)).toEqual([
      'qx-2026.t1.deadline@duban.example.org',
      'qx-2026.t2.review@duban.example.org',
      'qx-2026.t1.rectification@duban.example.org',
    ]);
    expect(e[0]).toMatchObject({ DTSTART: '20261202T090000Z', SUMMARY: '完成时限：制定质量监测实施方案', DTSTAMP: '20261201T080000Z' });
    // The later rung's deadline is the event; the review due at midnight reads as 24时 of the 4th.
    expect(e[2]).toMatchObject({ DTSTART: '20261216T090000Z', SUMMARY: '整改时限（第2级）：制定质量监测实施方案' });
    expect(e[1]!.DESCRIPTION).toContain('验收时限：2026年12月4日24时');
    expect(calendarUid({ planId: 'qx-2026', taskId: 't1', kind: 'deadline' }, 'duban.example.org')).toBe(e[0]!.UID);
  });

  it('folds long lines at 75 octets without splitting a character, and escapes commas, semicolons, backslashes and line breaks', () => {
    const title = '关于开展“双减”背景下作业设计与实施质量监测,并形成区级报告;同时完成教师培训\\资料汇编\n第二行'.repeat(2);
    const feed = icalFeed([item({ title, url: 'https://duban.example.org/#/task/qx-2026/t1' })], opts);
    expect(feed.endsWith('\r\n')).toBe(true);
    for (const line of feed.split('\r\n')) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      expect(line).not.toContain('\uFFFD');
      expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
    }
    expect(feed.split('\r\n').some((l) => l.startsWith(' '))).toBe(true);
    const summary = events(feed)[0]!.SUMMARY as string;
    expect(summary).toContain('质量监测\\,并形成区级报告\\;同时完成教师培训\\\\资料汇编\\n第二行');
    expect(summary).not.toMatch(/[^\\][,;]/);
  });

  it('is an empty but valid calendar when the person has nothing due', () => {
    expect(unfold(icalFeed([], opts))).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Duban//督办//ZH',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:督办期限：孙丽',
      'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
      'X-PUBLISHED-TTL:PT1H',
      'END:VCALENDAR',
      '',
    ]);
  });
});
