/**
 * Parts of tasks run through the real engine, worker and Redis at second scale
 * (issue 11, items 1–4): a 每学期 duty over three school years, a task for every school
 * of a district, a task with two cooperating units one of which is late, a task with
 * two milestones. What people rely on: each part is supervised on its own (its holder
 * is chased, nobody else), occurrences appear ahead of time and are issued by the
 * engine, a parent closes by its rule, leaders see which school lags and which
 * cooperating unit made a task late — and the simulator forecasts exactly what the
 * engine did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskCommandInput } from '../../src/domain/commands.schema.js';
import type { Principal } from '../../src/domain/permissions.js';
import { parsePlanDefinition } from '../../src/engine/engine.js';
import { simulate, type ScheduledAction } from '../../src/simulate/simulate.js';
import { PLAN_ENTITY } from '../../src/store/keys.js';
import { childrenPlan, SCHOOLS } from '../helpers/children-plan.js';
import { eventually, testRuntime } from '../helpers/runtime.js';

const PLAN = 'children';
const office: Principal = { kind: 'office', name: 'o', org: 'default' };
const evidence = ['https://example.org/e'];
const OCCURRENCES = ['visit~2027-1', 'visit~2027-2', 'visit~2028-1', 'visit~2028-2', 'visit~2029-1', 'visit~2029-2'];

describe('parts of tasks: recurring duties, cascades, 协办, milestones', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  const performed: ScheduledAction[] = [];
  let publishedWith: { occurrencesListed: string[]; drafts: string[] } = { occurrencesListed: [], drafts: [] };
  let ketiAfterFirstMilestone = '';

  const act = async (task: string, by: string, command: TaskCommandInput) => {
    await rt.engine.taskEvent(PLAN, task, command, { kind: 'person', personId: by });
    const last = (await rt.queries.history(PLAN, task)).filter((h) => h.event === command.type).at(-1)!;
    performed.push({ at: last.at, task, by, command });
  };
  const done = async (task: string, worker: string, reviewer: string) => {
    await act(task, worker, { type: 'task.submit', evidence, note: '' });
    await act(task, reviewer, { type: 'task.accept', note: '' });
  };
  const view = (id: string) => rt.queries.task(PLAN, id);

  beforeAll(async () => {
    rt = await testRuntime({ worker: true, reconcileMs: 200 });
    const start = Date.now() + 300;
    await rt.engine.createPlan(childrenPlan(PLAN, start), office, { publish: true });
    const listed = await rt.queries.listTasks(PLAN);
    publishedWith = {
      occurrencesListed: listed.filter((t) => t.partOf?.parent === 'visit').map((t) => t.id),
      drafts: listed.filter((t) => t.work === 'draft').map((t) => t.id),
    };

    // Schools 1 and 2 finish at once; school 3 only once it has been escalated.
    for (const s of SCHOOLS.slice(0, 2)) await done(`peitao~${s}`, `p-${s}`, 'p-li');
    // 人事股's contribution is on time; the lead department (基教办, p-zhang) receives and accepts it.
    await done('jiance~co-rsg', 'p-liu', 'p-zhang');
    // The first milestone.
    await done('keti~m1', 'p-zhou', 'p-li');
    ketiAfterFirstMilestone = (await view('keti')).work;

    // Every occurrence as the engine issues it, each done in its own semester.
    for (const id of OCCURRENCES) {
      await eventually(async () => (await view(id)).work === 'assigned', 15_000, 50);
      await done(id, 'p-zhao', 'p-li');
    }
    await eventually(async () => (await view('peitao~s3')).rung >= 1);
    await done('peitao~s3', 'p-s3', 'p-li');
    await eventually(async () => (await view('jiance~co-jyzx')).rung >= 1);
    await done('jiance~co-jyzx', 'p-sun', 'p-zhang');
    await eventually(async () => (await view('jiance')).rung >= 1);
    await done('jiance', 'p-zhao', 'p-li');
    await done('keti~m2', 'p-zhou', 'p-li');
    await eventually(async () => (await rt.queries.planSummary(PLAN)).stage === 'closed', 20_000);
  }, 60_000);
  afterAll(() => rt?.close());

  it('lists a recurring duty’s occurrences ahead of time and issues each as its semester opens', async () => {
    // Listed at publication, before their semesters, as drafts nobody is chased for.
    expect(publishedWith.occurrencesListed).toEqual(OCCURRENCES);
    expect(publishedWith.drafts).toEqual(expect.arrayContaining([...OCCURRENCES.slice(1), 'visit', 'peitao', 'keti']));
    for (const id of OCCURRENCES) {
      const h = await rt.queries.history(PLAN, id);
      expect(h.map((e) => e.event).slice(0, 2), id).toEqual(['task.created', 'task.activate']);
      expect((await view(id)).work).toBe('accepted');
    }
    // The duty itself is accepted with its last occurrence, and nobody was ever chased for it.
    const visit = await view('visit');
    expect(visit.work).toBe('accepted');
    expect(visit.parts).toMatchObject({ closes: 'withParts', total: 6, accepted: 6, upcoming: 0 });
    const own = await rt.queries.history(PLAN, 'visit');
    expect(own.some((h) => h.event.startsWith('timer.') || (h.notices ?? []).length > 0)).toBe(false);
    expect(own.at(-1)!.event).toBe('task.complete');
  });

  it('gives every school its own task, held by its head, and shows which school lagged', async () => {
    for (const s of SCHOOLS) {
      const part = await view(`peitao~${s}`);
      expect(part.responsiblePerson).toBe(`p-${s}`);
      expect(part.chain.leadDepartment.id).toBe(s);
    }
    const parent = await view('peitao');
    expect(parent.work).toBe('accepted');
    expect(parent.parts!.parts.filter((p) => p.late).map((p) => p.unit?.name)).toEqual(['青溪实验中学']);
    // The rectification notices of the late school went to its head, not to the bureau's department.
    const notices = await rt.queries.inbox(PLAN, 'p-s3');
    expect(notices.some((n) => n.taskId === 'peitao~s3' && n.title.zh.includes('整改通知书'))).toBe(true);
    expect((await rt.queries.inbox(PLAN, 'p-zhao')).some((n) => n.taskId?.startsWith('peitao'))).toBe(false);
  });

  it('sends each cooperating unit’s contribution to the lead department and blames the late unit', async () => {
    const inbox = await rt.queries.inbox(PLAN, 'p-zhang');
    const submitted = inbox.filter((n) => n.title.zh.startsWith('待验收') && n.taskId?.startsWith('jiance~co-'));
    expect(submitted.map((n) => n.taskId).sort()).toEqual(['jiance~co-jyzx', 'jiance~co-rsg']);
    expect(submitted.find((n) => n.taskId === 'jiance~co-jyzx')!.title.zh).toContain('教研教培中心协办');
    const parent = await view('jiance');
    expect(parent.record.highestRung).toBeGreaterThanOrEqual(1);
    expect(parent.parts!.closes).toBe('own');
    expect(parent.parts!.lateContributions.map((c) => c.name)).toEqual(['教研教培中心']);
  });

  it('accepts a task with milestones only when its last milestone is accepted', async () => {
    expect(ketiAfterFirstMilestone).toBe('draft');
    const keti = await view('keti');
    expect(keti.work).toBe('accepted');
    expect(keti.parts).toMatchObject({ total: 2, accepted: 2 });
  });

  it('plays out exactly as the simulator forecast', async () => {
    const def = parsePlanDefinition((await rt.engine.loadPlan(PLAN)).def);
    const publishAt = (await rt.queries.history(PLAN, PLAN_ENTITY)).find((h) => h.event === 'plan.publish')!.at;
    const expected = simulate(def, { publishAt, actions: performed });
    const entities = [PLAN_ENTITY, ...(await rt.engine.taskIds(PLAN))];
    expect(entities.length).toBe(1 + 4 + 6 + 3 + 2 + 2);
    for (const entity of entities) {
      const engine = (await rt.queries.history(PLAN, entity))
        .filter((h) => h.event !== 'plan.created' && h.event !== 'notice.acknowledge')
        .map((h) => ({ at: h.at, event: h.event, to: h.to, notices: h.notices ?? [] }));
      const oracle = expected
        .filter((e) => e.entity === entity)
        .map((e) => ({ at: e.at, event: e.event, to: e.to, notices: e.notices.map((n) => n.id) }));
      expect(engine, entity).toEqual(oracle);
    }
  });
});
