/**
 * The parts a plan makes of its tasks, from its definition alone: the school calendar
 * of a three-year 每学期 duty, every problem of a plan's parts named by path at once,
 * and the forecast of a plan whose tasks have parts.
 */
import { describe, expect, it } from 'vitest';
import { partsOf, taskTitleOf } from '../../src/domain/children.js';
import { parsePlanDefinition } from '../../src/engine/engine.js';
import { InvalidInputError } from '../../src/errors.js';
import { simulate, type ScheduledAction } from '../../src/simulate/simulate.js';
import { planOrder } from '../../src/web/ledger.js';
import { childrenPlan } from '../helpers/children-plan.js';
import { fixturePlan } from '../helpers/plan-fixture.js';

const threeYears = () => {
  const base = fixturePlan({ id: 'p3', start: Date.parse('2024-03-01T00:00:00+08:00') });
  return {
    ...base,
    phases: [
      { key: 'launch' as const, start: '2024-03-01', end: '2024-08-31' },
      { key: 'promotion' as const, start: '2024-09-01', end: '2025-08-31' },
      { key: 'implementation' as const, start: '2025-09-01', end: '2026-08-31' },
      { key: 'evaluation' as const, start: '2026-09-01', end: '2027-02-28' },
    ],
    tasks: [{ ...base.tasks[0]!, deadline: '2027-02-28', recurrence: { every: 'semester' as const, times: 1, text: '每学期1次' } }],
  };
};

describe('parts of a plan’s tasks', () => {
  it('makes one occurrence per semester of a three-year plan, each due at its semester’s end', () => {
    const def = parsePlanDefinition(threeYears());
    const parts = partsOf(def, def.tasks[0]!);
    expect(parts.map((p) => p.id)).toEqual(['t1~2024-1', 't1~2024-2', 't1~2025-1', 't1~2025-2', 't1~2026-1', 't1~2026-2']);
    // Spring runs to the end of 31 August, autumn to the end of February (both in Beijing time).
    expect(parts[0]!.deadline).toBe(new Date('2024-09-01T00:00:00+08:00').toISOString());
    expect(parts[1]!.deadline).toBe(new Date('2025-03-01T00:00:00+08:00').toISOString());
    expect(taskTitleOf(def, 't1~2025-2')).toBe('制定质量监测实施方案（2025年秋季学期）');
  });

  it('follows the plan’s own school calendar', () => {
    const def = parsePlanDefinition({ ...threeYears(), semesters: { spring: '02-20', autumn: '08-25' } });
    const parts = partsOf(def, def.tasks[0]!);
    expect(parts[0]!.issueAt).toBe(Date.parse('2024-02-20T00:00:00+08:00'));
    expect(parts[0]!.deadline).toBe(new Date('2024-08-25T00:00:00+08:00').toISOString());
  });

  it('refuses a plan whose parts cannot be made, naming every problem by path at once', () => {
    const input = childrenPlan('bad', Date.parse('2027-01-01T00:00:00Z'));
    const tasks = input.tasks as Record<string, unknown>[];
    tasks[1] = {
      ...tasks[1],
      cascade: { group: '各学校', units: ['s1', 'nowhere', 'jjb-x'] },
      milestones: [{ title: '方案', due: '2027-01-01' }],
    };
    (input.units as Record<string, unknown>[]).push({ id: 'jjb-x', name: '无负责人的学校', kind: 'school' });
    tasks[0] = { ...tasks[0], recurrence: { every: 'year', times: 1, text: '每年1次' } };
    let problems: { path: string; message: string }[] = [];
    try {
      parsePlanDefinition(input);
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      problems = (err as InvalidInputError).problems;
    }
    const at = (path: string) => problems.filter((p) => p.path === path).map((p) => p.message);
    expect(at('tasks[1]')[0]).toContain('周期、节点、分解下达只能选其一');
    expect(at('tasks[1].cascade.units[1]')).toEqual(['tasks[1].cascade.units[1]: no unit "nowhere"']);
    expect(at('tasks[1].cascade.units[2]')[0]).toContain('没有负责人');
    expect(at('tasks[0].recurrence')[0]).toContain('方案期内没有一个完整的周期');
  });

  it('numbers each part in the ledger right after its task', () => {
    const def = parsePlanDefinition(childrenPlan('ledger', Date.parse('2027-01-01T00:00:00Z')));
    const rows = ['keti~m2', 'peitao~s1', 'visit', 'keti', 'keti~m1', 'peitao', 'jiance', 'visit~2027-1'].map((id) => ({ id }));
    expect(planOrder(def, rows).map((r) => `${r.no} ${r.task.id}`)).toEqual([
      '1.1 visit',
      '1.1-1 visit~2027-1',
      '1.2 peitao',
      '1.2-1 peitao~s1',
      '1.3 jiance',
      '1.4 keti',
      '1.4-1 keti~m1',
      '1.4-2 keti~m2',
    ]);
  });

  it('forecasts every part: occurrences issued as their semesters open, a container accepted with its last part', () => {
    const start = Date.parse('2027-01-01T00:00:00Z');
    const def = parsePlanDefinition(childrenPlan('sim', start));
    // Second-scale: each part is submitted a second after it is due and accepted at once; the lead department's own task too.
    const held = def.tasks.flatMap((t) => [...(t.id === 'jiance' ? [t] : []), ...partsOf(def, t)]);
    const actions: ScheduledAction[] = held.flatMap((t) => {
      const due = Date.parse(t.deadline) + 1_000;
      return [
        { at: due, task: t.id, by: t.responsiblePerson, command: { type: 'task.submit', evidence: ['https://e.org/1'], note: '' } },
        { at: due + 100, task: t.id, by: t.responsibleLeader, command: { type: 'task.accept', note: '' } },
      ];
    });
    const timeline = simulate(def, { publishAt: start, actions });
    const of = (entity: string) => timeline.filter((e) => e.entity === entity).map((e) => e.event);
    expect(of('visit~2028-1').slice(0, 2)).toEqual(['task.created', 'task.activate']);
    expect(timeline.find((e) => e.entity === 'visit~2028-1' && e.event === 'task.activate')!.at).toBe(start + 3_500);
    expect(of('keti')).toEqual(['task.complete']);
    expect(of('peitao')).toEqual(['task.complete']);
    // Every part reached its first rung a second late, on its own record: nobody else's.
    const rungOne = timeline.filter((e) => e.notices.some((n) => n.kind === 'rectification' && n.rung === 1)).map((e) => e.entity);
    expect(rungOne).toEqual(expect.arrayContaining(['peitao~s1', 'peitao~s2', 'peitao~s3', 'jiance~co-jyzx', 'keti~m1', 'visit~2027-1']));
    expect(rungOne).not.toContain('visit');
    expect(rungOne).not.toContain('peitao');
  });
});
