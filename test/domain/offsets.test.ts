import { DEFAULT_ESCALATION } from '../../src/domain/policy.js';
import { describe, expect, it } from 'vitest';
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import { taskMachine, type TaskContext } from '../../machines/index.js';
import { shiftOffset } from '../../src/domain/offsets.js';
import { step } from '../../src/engine/step.js';

const zone = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);

describe('working-day offsets', () => {
  it('count back over 国庆 2025 (1–8 Oct off) to the last working days of September', () => {
    // Deadline: end of Friday 10 Oct. Three working days before: 9 Oct, 30 Sep, 29 Sep.
    const deadline = at('2025-10-11T00:00:00+08:00');
    expect(shiftOffset(deadline, { workingDays: 3 }, zone, 'cn-mainland', -1)).toBe(at('2025-09-30T00:00:00+08:00'));
    // Weekends only, the holiday week would count as working days.
    expect(shiftOffset(deadline, { workingDays: 3 }, zone, 'weekends-only', -1)).toBe(at('2025-10-08T00:00:00+08:00'));
  });

  it('count make-up Saturdays as working days and keep the time of day', () => {
    // 11 Oct 2025 is a Saturday worked in place of the holiday.
    expect(shiftOffset(at('2025-10-09T15:00:00+08:00'), { workingDays: 2 }, zone, 'cn-mainland')).toBe(at('2025-10-11T15:00:00+08:00'));
  });

  it('a rung grace in working days skips 春节 2026', () => {
    // Rung 1 on Friday 13 Feb 2026; 春节 runs 15–23 Feb, 14 Feb and 28 Feb are worked.
    const rung = at('2026-02-13T10:00:00+08:00');
    expect(shiftOffset(rung, { workingDays: 2 }, zone, 'cn-mainland')).toBe(at('2026-02-24T10:00:00+08:00'));
  });

  it('drive the task machine: a reminder "3 working days before" lands before 国庆', () => {
    const policy = {
      ...DEFAULT_ESCALATION,
      reminders: [{ workingDays: 3 }],
      reminderNotify: ['responsiblePerson' as const],
      rungs: [{ action: 'disciplinary' as const, notify: ['responsiblePerson' as const] }],
    };
    const input = {
      at: at('2025-09-01T00:00:00+08:00'),
      taskId: 't',
      zone,
      calendar: 'cn-mainland' as const,
      deadline: at('2025-10-11T00:00:00+08:00'),
      policy,
    };
    const [snap] = initialTransition(taskMachine, input);
    const r = step(taskMachine, snap as AnyMachineSnapshot, { type: 'task.activate', at: input.at }, {}, () => 'k');
    expect((r.snapshot.context as TaskContext).reminderTimes).toEqual([at('2025-09-30T00:00:00+08:00')]);
    expect(Object.values(r.timers)[0]!.at).toBe(at('2025-09-30T00:00:00+08:00'));
  });
});

describe('deadlines in working days', () => {
  it('"限期5个工作日内整改" from Monday 29 Sep 2025 ends with 国庆 skipped', async () => {
    const { workingDaysFrom } = await import('../../src/domain/offsets.js');
    // 30 Sep is day 1; 1–8 Oct are off; 9, 10 Oct, Saturday 11 Oct (worked) and Monday 13 Oct follow.
    expect(workingDaysFrom(at('2025-09-29T10:00:00+08:00'), { workingDays: 5 }, zone, 'cn-mainland')).toBe(at('2025-10-14T00:00:00+08:00'));
  });
});
