/**
 * Durations, dates and zones the engine cannot compute are refused by the plan
 * schema, each by path and with the reason, so they never reach a commit (issue 7:
 * P99999999Y passed, luxon gave NaN and the commit script failed half-way).
 */
import { describe, expect, it } from 'vitest';
import { TaskCommandSchema } from '../../src/domain/commands.schema.js';
import { shiftOffset } from '../../src/domain/offsets.js';
import { PlanDefinitionSchema } from '../../src/domain/plan.schema.js';
import { resolvePlanDate, shiftBy } from '../../src/domain/time.js';
import { parsePlanDefinition } from '../../src/engine/engine.js';
import { zodProblems } from '../../src/engine/zod-problems.js';
import { InvalidInputError } from '../../src/errors.js';
import { fixturePlan } from '../helpers/plan-fixture.js';

const plan = () => fixturePlan({ id: 'bounds', start: Date.parse('2026-03-01T00:00:00+08:00') });

/** A plan as a client may send it: anything at all. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Sent = any;

/** The messages of the problems the schema finds in `mutate(plan)`. */
function problems(mutate: (p: Sent) => void): string[] {
  const p: Sent = plan();
  mutate(p);
  const r = PlanDefinitionSchema.safeParse(p);
  return r.success ? [] : zodProblems(r.error).map((x) => x.message);
}

describe('plan durations', () => {
  it('refuse a grace period longer than ten years, naming the rung', () => {
    expect(problems((p) => (p.escalation.rungs[1].grace = 'P99999999Y'))).toEqual([
      'escalation.rungs[1].grace: "P99999999Y" is longer than the longest allowed period (10 years)',
    ]);
  });

  it('refuse absurd reminders, in every unit', () => {
    for (const d of ['P99999999Y', 'P1000000D', 'PT99999999999H', 'P11Y', 'P121M', 'P3653D', 'P10YT1S']) {
      expect(problems((p) => (p.escalation.reminders = ['P1D', d]))).toEqual([
        `escalation.reminders[1]: "${d}" is longer than the longest allowed period (10 years)`,
      ]);
    }
    // Too many digits for luxon to read at all: refused all the same, by path.
    expect(problems((p) => (p.escalation.reminders = ['P99999999999999999999999Y']))).toEqual([
      'escalation.reminders[0]: is not a positive ISO 8601 duration (P7D, PT12H, PT30S)',
    ]);
  });

  it('refuse zero, negative and mixed-sign durations', () => {
    for (const d of ['P0D', 'PT0S', 'PT0.0001S', 'P-1D', 'P1Y-2D', 'PT-1H', 'P', 'PT']) {
      const found = problems((p) => (p.escalation.rungs[0].grace = d));
      expect(found, d).toEqual([`escalation.rungs[0].grace: is not a positive ISO 8601 duration (P7D, PT12H, PT30S)`]);
    }
  });

  it('accept ten years, the default ladder and working days', () => {
    for (const d of ['P10Y', 'P120M', 'P3652D', 'P7D', 'PT30S', 'PT0.5S', 'P1Y2M3W', 'P1.5D']) {
      expect(
        problems((p) => (p.escalation.rungs[0].grace = d)),
        d,
      ).toEqual([]);
    }
    expect(problems((p) => (p.escalation.reminders = [{ workingDays: 366 }]))).toEqual([]);
    expect(problems((p) => delete p.escalation)).toEqual([]);
  });

  it('refuse working-day counts outside 1–366', () => {
    expect(problems((p) => (p.escalation.reminders = [{ workingDays: 100000 }]))).toHaveLength(1);
    expect(problems((p) => (p.escalation.rungs[0].grace = { workingDays: 0 }))).toHaveLength(1);
    expect(problems((p) => (p.escalation.rungs[0].grace = { workingDays: 1.5 }))).toHaveLength(1);
  });

  it('bound the ladder: at most 20 rungs, 50 reminders', () => {
    expect(problems((p) => (p.escalation.rungs = Array.from({ length: 21 }, () => ({ ...p.escalation.rungs[0] }))))[0]).toMatch(
      /^escalation\.rungs: /,
    );
    expect(problems((p) => (p.escalation.reminders = Array.from({ length: 51 }, () => 'P1D')))[0]).toMatch(/^escalation\.reminders: /);
  });

  it('throw InvalidInputError through parsePlanDefinition, with the path', () => {
    const p: Sent = plan();
    p.escalation.reminders = ['P99999999Y'];
    let err: unknown;
    try {
      parsePlanDefinition(p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).problems).toEqual([
      {
        path: 'escalation.reminders[0]',
        message: 'escalation.reminders[0]: "P99999999Y" is longer than the longest allowed period (10 years)',
      },
    ]);
  });

  it('keep every date the engine computes finite: the latest date moved by the longest period, rung after rung', () => {
    const latest = resolvePlanDate('2100-12-31T23:59:59+14:00', 'Asia/Shanghai', 'end')!;
    let at = latest;
    for (let rung = 0; rung < 20; rung++) at = shiftOffset(at, 'P10Y', 'Pacific/Kiritimati', 'cn-mainland');
    expect(Number.isFinite(at)).toBe(true);
    expect(at).toBeLessThan(8.64e15);
    const earliest = resolvePlanDate('2000-01-01T00:00-12:00', 'UTC', 'start')!;
    expect(Number.isFinite(shiftOffset(earliest, { workingDays: 366 }, 'Asia/Shanghai', 'cn-mainland', -1))).toBe(true);
  });

  it('shiftBy refuses to return NaN for a duration it cannot compute', () => {
    expect(() => shiftBy(Date.now(), 'P99999999Y', 'Asia/Shanghai')).toThrow(RangeError);
  });
});

describe('plan dates', () => {
  it('refuse dates outside 2000–2100 wherever they appear', () => {
    const found = problems((p) => {
      p.phases[3].end = '9999-12-31';
      p.tasks[0].deadline = '275760-01-01';
      p.tasks[1].deadline = '1999-12-31T23:00';
      p.tasks[2].milestones = [{ title: 'm', due: '2101-01-01' }];
      p.goals = [{ id: 'g', title: 'g', target: 1, comparison: '>=', due: '0000-01-01' }];
    });
    expect(found).toEqual([
      'phases[3].end: "9999-12-31" is outside the years a plan may run in (2000–2100)',
      'tasks[0].deadline: is not a date (use 2023-08-31, 2023-08-31T18:00 or 2023-08-31T18:00:00+08:00)',
      'tasks[1].deadline: "1999-12-31T23:00" is outside the years a plan may run in (2000–2100)',
      'tasks[2].milestones[0].due: "2101-01-01" is outside the years a plan may run in (2000–2100)',
      'goals[0].due: "0000-01-01" is outside the years a plan may run in (2000–2100)',
    ]);
  });

  it('refuse UTC offsets no place uses, naming the path', () => {
    expect(problems((p) => (p.tasks[1].deadline = '2026-03-01T18:00:00+25:00'))).toEqual([
      'tasks[1].deadline: "2026-03-01T18:00:00+25:00" has the UTC offset +25:00; real offsets run from -12:00 to +14:00',
    ]);
    expect(problems((p) => (p.phases[0].start = '2026-03-01T00:00-13:00'))).toEqual([
      'phases[0].start: "2026-03-01T00:00-13:00" has the UTC offset -13:00; real offsets run from -12:00 to +14:00',
    ]);
    expect(problems((p) => (p.tasks[1].deadline = '2026-03-01T18:00:00+08:99'))).toHaveLength(1);
    expect(problems((p) => (p.tasks[1].deadline = '2026-03-01T18:00:00+14:00'))).toEqual([]);
    expect(problems((p) => (p.tasks[1].deadline = '2026-03-01T18:00:00-12:00'))).toEqual([]);
    expect(problems((p) => (p.tasks[1].deadline = '2026-03-01T10:00:00Z'))).toEqual([]);
  });

  it('refuse time zones and fixed offsets outside −12:00…+14:00, and the server-dependent "local"', () => {
    for (const zone of ['UTC+25', 'UTC+25:00', 'UTC-13', 'UTC+14:30', 'local', 'system', 'Mars/Olympus', '+08:00']) {
      const found = problems((p) => (p.timeZone = zone));
      expect(found, zone).toHaveLength(1);
      expect(found[0], zone).toMatch(/^timeZone: /);
    }
    expect(problems((p) => (p.timeZone = 'UTC+25'))).toEqual([
      'timeZone: "UTC+25" is a UTC offset no place uses; real offsets run from -12:00 to +14:00',
    ]);
    for (const zone of [
      'Asia/Shanghai',
      'Asia/Urumqi',
      'UTC',
      'UTC+8',
      'UTC+05:30',
      'Etc/GMT-14',
      'Pacific/Kiritimati',
      'America/New_York',
    ]) {
      expect(
        problems((p) => (p.timeZone = zone)),
        zone,
      ).toEqual([]);
    }
  });

  it('bound the new deadline of task.return and task.deadline.change the same way', () => {
    for (const deadline of ['2026-03-01T18:00:00+25:00', '9999-12-31']) {
      const r = TaskCommandSchema.safeParse({ type: 'task.deadline.change', deadline, reason: 'x' });
      expect(r.success, deadline).toBe(false);
      if (!r.success) expect(zodProblems(r.error)[0]!.path).toBe('deadline');
    }
  });
});

describe('evidence links', () => {
  const submit = (evidence: string[]) => TaskCommandSchema.safeParse({ type: 'task.submit', evidence });

  it('accept only http and https links, in Chinese first', () => {
    for (const link of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'ftp://example.org/a',
      'http:example.org',
      'not a link',
      'JaVaScRiPt:alert(1)',
    ]) {
      const r = submit(['https://example.org/ok.pdf', link]);
      expect(r.success, link).toBe(false);
      if (r.success) continue;
      const [problem, ...more] = zodProblems(r.error);
      expect(more).toEqual([]);
      expect(problem!.path).toBe('evidence[1]');
      expect(problem!.message).toMatch(
        /^evidence\[1\]: 只接受 http:\/\/ 或 https:\/\/ 链接 \/ only http:\/\/ or https:\/\/ links are evidence/,
      );
    }
  });

  it('keep ordinary links and the workspace upload links working', () => {
    const r = submit([
      'https://example.org/a.pdf',
      'http://127.0.0.1:4321/web-api/files/qx-2026/AbC_-123',
      'HTTPS://EXAMPLE.ORG/报告.docx',
    ]);
    expect(r.success).toBe(true);
  });
});
