/**
 * The workspace's pure parts: the machine diagram's tree, the allowed actions, the
 * phase a deadline falls in, and the notice page's escaping and layout.
 */
import { transition, type AnyMachineSnapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import { taskMachine } from '../../machines/index.js';
import type { Notice } from '../../src/domain/notices.js';
import { initialTaskSnapshot } from '../../src/engine/entity.js';
import { PlanDefinitionSchema, type PlanDefinition } from '../../src/domain/plan.schema.js';
import { WORK_TEXT } from '../../src/domain/labels.js';
import { activeStateIds, machineGraph, type GraphNode } from '../../src/web/machine-graph.js';
import { documentDate, renderNoticePage } from '../../src/web/notice-page.js';
import { resolvePlanDate } from '../../src/domain/time.js';
import { departmentPhaseMatrix, isBehind, phaseOfDeadline, phaseRollup, phaseWindows, stageMatrix } from '../../src/web/overview.js';
import { dateFormat, excelDate, planOrder } from '../../src/web/ledger.js';
import { allowedActions } from '../../src/web/task-actions.js';
import { fixturePlan } from '../helpers/plan-fixture.js';

const START = Date.UTC(2026, 2, 1, 0, 0, 0);
const plan: PlanDefinition = PlanDefinitionSchema.parse(fixturePlan({ start: START }));
const task = plan.tasks[0]!;
const DATED_PHASES = [
  { key: 'launch', name: '启动阶段', start: '2026-04-01', end: '2026-08-31' },
  { key: 'promotion', name: '推进阶段', start: '2026-09-01', end: '2027-02-28' },
  { key: 'implementation', name: '全面实施阶段', start: '2027-03-01', end: '2028-06-30' },
  { key: 'evaluation', name: '总结评估阶段', start: '2028-07-01', end: '2028-12-31' },
];

function snapshotAfter(...events: { type: string; [k: string]: unknown }[]): AnyMachineSnapshot {
  let snap = initialTaskSnapshot(plan, task, START);
  for (const e of events) snap = transition(taskMachine, snap, { at: START + 1, ...e } as never)[0];
  return snap;
}

describe('machine graph', () => {
  it('is the task machine as declared: four parallel regions, work through the phases with every work state', () => {
    const g = machineGraph(taskMachine);
    expect(g.type).toBe('parallel');
    expect(g.children.map((c) => c.key)).toEqual(['work', 'supervision', 'acknowledgement', 'extension']);
    const work = g.children[0]!;
    expect(work.initial).toBe('task.work.draft');
    expect(work.children.map((c) => c.key)).toEqual([
      'draft',
      'launch',
      'promotion',
      'implementation',
      'evaluation',
      'accepted',
      'unfinished',
      'cancelled',
    ]);
    const leaves = work.children.flatMap((c) => (c.children.length > 0 ? c.children.map((l) => l.key) : [c.key]));
    expect(leaves.sort()).toEqual(Object.keys(WORK_TEXT).sort());
    const evaluation = work.children.find((c) => c.key === 'evaluation')!;
    expect(evaluation.transitions).toContainEqual({
      event: 'task.return',
      targets: ['task.work.implementation.rectification', 'task.supervision.watching'],
      guard: 'newDeadlineInFuture',
    });
    const find = (n: GraphNode, id: string): GraphNode | undefined => (n.id === id ? n : n.children.map((c) => find(c, id)).find(Boolean));
    expect(find(g, 'task.supervision.watching')!.transitions.map((t) => t.event)).toContain('after:checkpoint');
  });

  it('marks the active states of a snapshot, ancestors included', () => {
    const active = activeStateIds(snapshotAfter({ type: 'task.activate' }, { type: 'task.acknowledge' }));
    expect(active).toEqual(
      expect.arrayContaining([
        'task',
        'task.work',
        'task.work.launch',
        'task.work.launch.acknowledged',
        'task.supervision.watching',
        'task.supervision.watching.onTrack',
      ]),
    );
  });
});

describe('allowed actions', () => {
  const person = (personId: string) => ({ kind: 'person' as const, personId });
  it('are the events the state takes that the person may send', () => {
    const submitted = snapshotAfter({ type: 'task.activate' }, { type: 'task.submit', evidence: ['https://x.org'], note: '' });
    const now = START + 2;
    expect(allowedActions(person('p-zhang'), plan, task, submitted, now)).toEqual([]);
    expect(allowedActions(person('p-li'), plan, task, submitted, now)).toEqual(['task.review', 'task.accept', 'task.return']);
    // The office: move the deadline, urge the reviewer, cancel — not suspend a task the reviewer holds.
    expect(allowedActions(person('p-chen'), plan, task, submitted, now)).toEqual(['task.deadline.change', 'task.urge', 'task.cancel']);
    const assigned = snapshotAfter({ type: 'task.activate' });
    expect(allowedActions(person('p-zhao'), plan, task, assigned, now)).toEqual([
      'task.acknowledge',
      'task.progress',
      'task.submit',
      'task.extension.request',
    ]);
    expect(allowedActions({ kind: 'office', name: '陈静', org: 'default' }, plan, task, assigned, now)).toEqual([
      'task.deadline.change',
      'task.urge',
      'task.cancel',
      'task.suspend',
    ]);
    // Admins run the server, not the work; an office of another organisation runs none of this plan.
    expect(allowedActions({ kind: 'admin' }, plan, task, assigned, now)).toEqual([]);
    expect(allowedActions({ kind: 'office', name: '周', org: 'school-2' }, plan, task, assigned, now)).toEqual([]);
    // Past the deadline, an extension is no longer offered.
    const late = snapshotAfter({ type: 'task.activate' });
    expect(allowedActions(person('p-zhao'), plan, task, late, late.context.deadline + 1)).not.toContain('task.extension.request');
  });
});

describe('department × phase matrix', () => {
  it('files each deadline under the phase it falls in, with outer columns only when used', () => {
    const w = phaseWindows(plan);
    expect(phaseOfDeadline(w, START, plan.timeZone)).toBe('launch');
    expect(phaseOfDeadline(w, START + 3_600_000, plan.timeZone)).toBe('promotion');
    expect(phaseOfDeadline(w, START - 1, plan.timeZone)).toBe('before');
    expect(phaseOfDeadline(w, START + 10 * 3_600_000, plan.timeZone)).toBe('after');
    const m = departmentPhaseMatrix(plan, [
      { id: 'a', leadDepartment: 'rsg', deadlineMs: START + 60_000, supervision: 'overdue' },
      { id: 'b', leadDepartment: 'jjb', deadlineMs: START + 60_000, supervision: 'dueSoon' },
      { id: 'c', leadDepartment: 'jjb', deadlineMs: START + 10 * 3_600_000, supervision: 'closed' },
    ]);
    expect(m.columns).toEqual(['launch', 'promotion', 'implementation', 'evaluation', 'after']);
    expect(m.rows.map((r) => r.department)).toEqual(['jjb', 'rsg']);
    expect(m.rows[0]!.cells.launch).toMatchObject({ yellow: 1, tasks: ['b'] });
    expect(m.rows[0]!.cells.after).toMatchObject({ done: 1 });
    expect(m.rows[1]!.cells.launch).toMatchObject({ red: 1 });
  });
});

describe('department × stage matrix and the phase roll-up', () => {
  const t = (id: string, leadDepartment: string, stage: string, supervision: string, work = 'inProgress') => ({
    id,
    title: `任务${id}`,
    leadDepartment,
    deadlineMs: START + 60_000,
    stage,
    work,
    supervision,
  });

  it("marks open tasks in a stage before the plan's phase as behind, never closed ones", () => {
    expect(isBehind('launch', 'implementation')).toBe(true);
    expect(isBehind('promotion', 'implementation')).toBe(true);
    expect(isBehind('implementation', 'implementation')).toBe(false);
    expect(isBehind('evaluation', 'implementation')).toBe(false);
    expect(isBehind('closed', 'implementation')).toBe(false);
    expect(isBehind('launch', 'closed')).toBe(false);
    const m = stageMatrix(
      plan,
      [t('b', 'jjb', 'promotion', 'overdue'), t('a', 'jjb', 'launch', 'onTrack'), t('c', 'rsg', 'closed', 'closed', 'accepted')],
      'implementation',
    );
    expect(m.columns).toEqual(['launch', 'promotion', 'implementation', 'evaluation', 'closed']);
    expect(m.rows.map((r) => r.department)).toEqual(['jjb', 'rsg']);
    expect(m.rows[0]!.cells.promotion).toEqual([{ id: 'b', title: '任务b', light: 'red', work: 'inProgress', behind: true }]);
    expect(m.rows[0]!.cells.launch![0]!.behind).toBe(true);
    expect(m.rows[1]!.cells.closed).toMatchObject([{ id: 'c', light: 'done', behind: false }]);
    expect(m.behind).toBe(2);
  });

  it("counts each phase's tasks as done, late, open or unfinished", () => {
    const due = (id: string, work: string, supervision: string, finishedLate = false, at = START + 60_000) => ({
      id,
      deadlineMs: at,
      work,
      supervision,
      finishedLate,
    });
    const r = phaseRollup(plan, [
      due('a', 'accepted', 'closed'),
      due('b', 'accepted', 'closed', true),
      due('c', 'inProgress', 'overdue'),
      due('d', 'submitted', 'withReviewer'),
      due('e', 'unfinished', 'closed'),
      due('f', 'inProgress', 'onTrack', false, START + 3_600_000 + 60_000),
    ]);
    expect(r.map((x) => x.phase)).toEqual(['launch', 'promotion', 'implementation', 'evaluation']);
    expect(r[0]).toEqual({
      phase: 'launch',
      due: 5,
      counts: { done: 1, late: 2, open: 1, unfinished: 1 },
      tasks: { done: ['a'], late: ['b', 'c'], open: ['d'], unfinished: ['e'] },
    });
    expect(r[1]).toMatchObject({ due: 1, counts: { open: 1 } });
  });
});

describe('ledger', () => {
  it('numbers tasks in plan order: area, then task', () => {
    const two = PlanDefinitionSchema.parse({
      ...fixturePlan({ start: START }),
      areas: [
        { id: 'a1', title: '一' },
        { id: 'a2', title: '二' },
      ],
      tasks: fixturePlan({ start: START }).tasks.map((task, i) => ({ ...task, area: i === 1 ? 'a2' : 'a1' })),
    });
    const order = planOrder(two, [{ id: 't3' }, { id: 't2' }, { id: 't1' }]);
    expect(order.map((o) => [o.no, o.task.id])).toEqual([
      ['1.1', 't1'],
      ['1.2', 't3'],
      ['2.1', 't2'],
    ]);
    const none = PlanDefinitionSchema.parse({
      ...fixturePlan({ start: START }),
      areas: [],
      tasks: fixturePlan({ start: START }).tasks.map(({ area: _a, ...task }) => task),
    });
    expect(planOrder(none, [{ id: 't2' }, { id: 't1' }]).map((o) => o.no)).toEqual(['1', '2']);
  });

  it("writes dates as the plan zone's wall clock; a deadline that ends a day is the date alone", () => {
    const zone = 'Asia/Shanghai';
    const endOfAug31 = resolvePlanDate('2026-08-31', zone, 'end')!;
    expect(excelDate(endOfAug31, zone, 'deadline')).toEqual(new Date('2026-08-31T00:00:00Z'));
    expect(dateFormat(excelDate(endOfAug31, zone, 'deadline'), 'deadline')).toBe('yyyy-mm-dd');
    expect(excelDate(endOfAug31, zone, 'time')).toEqual(new Date('2026-09-01T00:00:00Z'));
    const afternoon = resolvePlanDate('2026-08-31T15:30', zone, 'end')!;
    expect(excelDate(afternoon, zone, 'deadline')).toEqual(new Date('2026-08-31T15:30:00Z'));
    expect(dateFormat(excelDate(afternoon, zone, 'deadline'), 'deadline')).toBe('yyyy-mm-dd hh:mm');
  });
});

describe('the phase a deadline falls in', () => {
  // Phases as plans write them: whole days, each ending on its last day inclusive.
  const dated = (timeZone: string, phases = DATED_PHASES) =>
    PlanDefinitionSchema.parse({ ...fixturePlan({ start: START }), timeZone, phases });
  const phaseOf = (def: PlanDefinition, deadline: string) =>
    phaseOfDeadline(phaseWindows(def), resolvePlanDate(deadline, def.timeZone, 'end')!, def.timeZone);

  it("keeps a deadline on a phase's last day in that phase, to the end of the day in the plan's zone", () => {
    const sh = dated('Asia/Shanghai');
    expect(phaseOf(sh, '2026-08-31')).toBe('launch');
    expect(phaseOf(sh, '2026-08-31T18:00')).toBe('launch');
    expect(phaseOf(sh, '2026-09-01T00:00')).toBe('launch'); // 8月31日 24:00
    expect(phaseOf(sh, '2026-08-31T15:59:00Z')).toBe('launch'); // 23:59 in Shanghai
    expect(phaseOf(sh, '2026-08-31T16:00:01Z')).toBe('promotion'); // 9月1日 00:00:01 in Shanghai
    expect(phaseOf(sh, '2026-09-01')).toBe('promotion');
    expect(phaseOf(sh, '2027-02-28')).toBe('promotion');
    expect(phaseOf(sh, '2027-03-01')).toBe('implementation');
    expect(phaseOf(sh, '2028-12-31')).toBe('evaluation');
    expect(phaseOf(sh, '2029-01-01T00:00:01')).toBe('after');
    expect(phaseOf(sh, '2026-03-31')).toBe('before'); // 3月31日 24:00, the night before launch
    expect(phaseOf(sh, '2026-04-01T08:00')).toBe('launch');
    // The same instant is already 1 September in Shanghai but still 31 August in UTC.
    const utc = dated('UTC');
    expect(phaseOf(sh, '2026-09-01T06:00:00+08:00')).toBe('promotion');
    expect(phaseOf(utc, '2026-09-01T06:00:00+08:00')).toBe('launch');
  });

  it('files a deadline between two phases under the earlier one, which the plan is still in', () => {
    const gap = dated('Asia/Shanghai', [
      { key: 'launch', name: '启动阶段', start: '2026-04-01', end: '2026-08-31' },
      { key: 'promotion', name: '推进阶段', start: '2026-09-15', end: '2027-02-28' },
      { key: 'implementation', name: '全面实施阶段', start: '2027-03-01', end: '2028-06-30' },
      { key: 'evaluation', name: '总结评估阶段', start: '2028-07-01', end: '2028-12-31' },
    ]);
    expect(phaseOf(gap, '2026-09-05')).toBe('launch');
    expect(phaseOf(gap, '2026-09-15T08:00')).toBe('promotion');
  });

  it("puts a task due on a phase's last day in that phase's column of the matrix", () => {
    const sh = dated('Asia/Shanghai');
    const due = (deadline: string) => resolvePlanDate(deadline, 'Asia/Shanghai', 'end')!;
    const m = departmentPhaseMatrix(sh, [
      { id: 'a', leadDepartment: 'jjb', deadlineMs: due('2026-08-31'), supervision: 'onTrack' },
      { id: 'b', leadDepartment: 'jjb', deadlineMs: due('2027-02-28'), supervision: 'onTrack' },
      { id: 'c', leadDepartment: 'jjb', deadlineMs: due('2028-12-31'), supervision: 'onTrack' },
    ]);
    expect(m.columns).toEqual(['launch', 'promotion', 'implementation', 'evaluation']);
    expect(m.rows[0]!.cells.launch!.tasks).toEqual(['a']);
    expect(m.rows[0]!.cells.promotion!.tasks).toEqual(['b']);
    expect(m.rows[0]!.cells.evaluation!.tasks).toEqual(['c']);
  });
});

describe('notice page', () => {
  const notice: Notice & { acknowledgements: Record<string, number> } = {
    id: 't1.x.r1',
    planId: plan.id,
    taskId: 't1',
    kind: 'rectification',
    rung: 1,
    action: 'rectification_notice',
    number: '督办〔qx-2026〕t1-1号',
    issuer: '青溪区<教育局>',
    recipients: [
      { id: 'p-zhao', name: '赵小红', roles: ['responsiblePerson'] },
      { id: 'p-zhang', name: '张华', roles: ['departmentHead'] },
    ],
    deadline: START,
    rectificationDeadline: START + 7 * 86_400_000,
    createdAt: START + 1000,
    title: { zh: '第一次整改通知书:"<script>"', en: 'Rectification notice no. 1' },
    body: { zh: '请整改 & 提交', en: 'Rectify & submit' },
    acknowledgements: { 'p-zhang': START + 5000 },
  };

  it('escapes every value and lays out issuer, number, addressees, task, new deadline and date', () => {
    const html = renderNoticePage(notice, plan, 'zh');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<div class="nd-issuer">青溪区&lt;教育局&gt;</div>');
    expect(html).toContain('<div class="nd-number">督办〔qx-2026〕t1-1号</div>');
    expect(html).toContain('<p class="nd-to">赵小红、张华：</p>');
    expect(html).toContain('请整改 &amp; 提交');
    expect(html).toContain('制定质量监测实施方案（t1）');
    expect(html).toContain('<strong class="nd-new-deadline">2026年3月8日8时');
    expect(html).toContain('<div class="nd-date">2026年3月1日</div>');
    expect(html).toMatch(/张华（股室负责人）：已签收/);
    expect(html).toMatch(/赵小红（责任人）：未签收/);
  });

  it('states the review deadline, the extension asked for and its decision, and when a late notice was due', () => {
    const overdue = renderNoticePage(
      {
        ...notice,
        kind: 'reviewOverdue',
        rung: 1,
        number: null,
        reviewDeadline: START + 86_400_000,
        rectificationDeadline: START + 3 * 86_400_000,
        late: START + 86_400_000,
      },
      plan,
      'zh',
    );
    expect(overdue).toContain('<th scope="row">验收督办次数</th><td>1</td>');
    expect(overdue).toContain('<th scope="row">验收时限</th><td><strong class="nd-review-deadline">2026年3月2日8时</strong></td>');
    expect(overdue).toContain('<th scope="row">下一次督办</th>');
    expect(overdue).toContain('<th scope="row">原定发出时间</th><td>2026年3月2日8时（系统中断后迟发，期限自发出之时起算）</td>');
    expect(overdue).not.toContain('整改时限');
    const decided = renderNoticePage(
      {
        ...notice,
        kind: 'extensionDecided',
        rung: null,
        number: null,
        rectificationDeadline: null,
        requestedDeadline: START + 5 * 86_400_000,
        approved: false,
      },
      plan,
      'zh',
    );
    expect(decided).toContain('<th scope="row">申请延至</th><td>2026年3月6日8时</td>');
    expect(decided).toContain('<th scope="row">审批结果</th><td>不同意延期，原时限不变</td>');
    expect(decided).toContain('<th scope="row">完成时限</th>');
    expect(
      renderNoticePage({ ...notice, kind: 'extensionDecided', rung: null, rectificationDeadline: null, approved: true }, plan, 'en'),
    ).toContain('<th scope="row">Decision</th><td>approved</td>');
  });

  it('dates documents in the plan zone', () => {
    // 2026-02-28 20:00 UTC is already 1 March in Shanghai.
    expect(documentDate(Date.UTC(2026, 1, 28, 20), 'Asia/Shanghai', 'zh')).toBe('2026年3月1日');
    expect(documentDate(Date.UTC(2026, 1, 28, 20), 'Asia/Shanghai', 'en')).toBe('1 March 2026');
  });
});
