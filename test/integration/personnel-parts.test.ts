/**
 * Personnel changes reach the parts of tasks (src/domain/children.ts). A part's holders
 * are derived — a school's part of a cascade is its head's, a contribution is accepted
 * by the lead department's head, milestones and occurrences follow their task — so a
 * change names no part, yet the parts change hands with it: the new holder is told
 * which parts are now theirs, the change's record lists them, and the next rung of a
 * part goes to the new holder.
 */
import { afterEach, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { childrenPlan } from '../helpers/children-plan.js';
import { testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: '陈静', org: 'default' };
let rt: Awaited<ReturnType<typeof testRuntime>> | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

async function running() {
  const start = Date.now() + 60_000;
  let now = start + 100;
  rt = await testRuntime({ now: () => now });
  await rt.engine.createPlan(childrenPlan('pp', start), office, { publish: true });
  return { r: rt, start, setNow: (at: number) => (now = at), now: () => now };
}

it("a school's new head is told of that school's part of every cascade, is on its record, and takes its next rung", async () => {
  const { r, start, setNow, now } = await running();
  const out = await r.engine.personnel.request(
    'pp',
    { role: 'unitHead', unit: 's1', to: 'p-s9', person: { name: '褚校长', title: '校长' }, reason: '吴校长调任' },
    office,
  );
  expect(out.change).toMatchObject({ status: 'applied', replaced: 'p-s1' });
  expect(out.change.tasks).toEqual(['peitao~s1']);
  expect(out.diff!.handovers).toEqual(
    expect.arrayContaining([
      { task: 'peitao~s1', role: 'responsiblePerson', from: 'p-s1', to: 'p-s9' },
      { task: 'peitao~s1', role: 'departmentHead', from: 'p-s1', to: 'p-s9' },
    ]),
  );
  // Only that school's part: the other schools keep their heads.
  expect(out.diff!.handovers.map((h) => h.task)).not.toContain('peitao~s2');

  const handover = (await r.queries.inbox('pp', 'p-s9')).find((n) => n.kind === 'handover')!;
  expect(handover.tasks).toEqual(['peitao~s1']);
  expect(handover.body.zh).toContain('完成配套方案（青溪第一小学）');
  expect((await r.queries.task('pp', 'peitao~s1')).chain.responsiblePerson).toEqual({ id: 'p-s9', name: '褚校长' });

  // Past the part's deadline and grace: the first rung goes to the new head, not the old one.
  setNow(start + 6_000);
  for (let i = 0; i < 3; i++) {
    const part = await r.engine.loadTask('pp', 'peitao~s1');
    for (const t of Object.values(part.timers)) if (t.at <= now()) await r.engine.fireTimer('pp', 'peitao~s1', t.tok);
  }
  const rung = (await r.queries.inbox('pp', 'p-s9')).find((n) => n.kind === 'rectification' && n.taskId === 'peitao~s1');
  expect(rung).toBeDefined();
  expect((await r.queries.inbox('pp', 'p-s1')).filter((n) => n.taskId === 'peitao~s1' && n.kind === 'rectification')).toEqual([]);
});

it("the lead department's new head takes over accepting the cooperating units' contributions, and is told so", async () => {
  const { r } = await running();
  const out = await r.engine.personnel.request(
    'pp',
    { role: 'unitHead', unit: 'jjb', to: 'p-wu', person: { name: '吴刚' }, reason: '调整' },
    office,
  );
  expect(out.change.tasks).toEqual(expect.arrayContaining(['jiance', 'jiance~co-jyzx', 'jiance~co-rsg']));
  expect(out.diff!.handovers).toEqual(
    expect.arrayContaining([{ task: 'jiance~co-jyzx', role: 'responsibleLeader', from: 'p-zhang', to: 'p-wu' }]),
  );
  const handover = (await r.queries.inbox('pp', 'p-wu')).find((n) => n.kind === 'handover')!;
  expect(handover.tasks).toEqual(expect.arrayContaining(['jiance', 'jiance~co-jyzx', 'jiance~co-rsg']));
});

it("a task's new responsible person is told of its occurrences and milestones too, and a closed part is not handed over", async () => {
  const { r, start, setNow } = await running();
  // The first semester's visit is issued at once; close it before the change.
  setNow(start + 600);
  await r.engine.reconcile();
  const first = 'visit~2027-1';
  await r.engine.taskEvent('pp', first, { type: 'task.cancel', reason: '本学期取消' }, office);
  const out = await r.engine.personnel.request(
    'pp',
    { role: 'responsiblePerson', from: 'p-zhao', to: 'p-sun', reason: '分工调整' },
    office,
  );
  const tasks = out.change.tasks ?? [];
  expect(tasks).toEqual(expect.arrayContaining(['visit', 'peitao', 'jiance', 'visit~2027-2', 'visit~2029-2']));
  expect(tasks).not.toContain(first);
  // Cascade parts are the schools' heads', not the task's responsible person's.
  expect(tasks.filter((t) => t.startsWith('peitao~'))).toEqual([]);
  const handover = (await r.queries.inbox('pp', 'p-sun')).find((n) => n.kind === 'handover')!;
  expect(handover.tasks).toEqual(expect.arrayContaining(['visit~2027-2']));
  expect(handover.tasks ?? []).not.toContain(first);
  expect((await r.queries.task('pp', 'visit~2027-2')).chain.responsiblePerson?.id).toBe('p-sun');
});
