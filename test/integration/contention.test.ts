/**
 * Many writers on one task, and a Redis that loses its last writes. No permitted
 * event is refused for contention alone, and no process commits from a copy of a
 * task that Redis no longer holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/domain/permissions.js';
import { fixturePlan, iso } from '../helpers/plan-fixture.js';
import { testRuntime } from '../helpers/runtime.js';

const office: Principal = { kind: 'office', name: 'office', org: 'default' };
const zhao: Principal = { kind: 'person', personId: 'p-zhao' };
const runtimes: Awaited<ReturnType<typeof testRuntime>>[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

describe('a busy task', () => {
  it('takes 1,000 permitted events at once from one process, refusing none', async () => {
    const rt = await testRuntime();
    runtimes.push(rt);
    await rt.engine.createPlan(fixturePlan({ id: 'busy', start: Date.now() }), office, { publish: true });
    const before = (await rt.engine.loadTask('busy', 't1')).ver;
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        rt.engine.taskEvent('busy', 't1', { type: 'task.progress', percent: i % 101, note: `#${i}` }, zhao),
      ),
    );
    const refused = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason));
    expect(refused).toEqual([]);
    const task = await rt.engine.loadTask('busy', 't1');
    expect(task.ver).toBe(before + 1000);
    const history = await rt.queries.history('busy', 't1');
    expect(history.filter((h) => h.event === 'task.progress')).toHaveLength(1000);
  });

  it('takes events from three processes at once on one task, refusing none', async () => {
    const prefix = `c${Date.now().toString(36)}`;
    const a = await testRuntime({}, prefix);
    const b = await testRuntime({}, prefix);
    const c = await testRuntime({}, prefix);
    runtimes.push(a, b, c);
    await a.engine.createPlan(fixturePlan({ id: 'busy3', start: Date.now() }), office, { publish: true });
    const send = (rt: typeof a, n: number) =>
      Array.from({ length: n }, (_, i) => rt.engine.taskEvent('busy3', 't1', { type: 'task.progress', percent: i % 101, note: '' }, zhao));
    const results = await Promise.allSettled([...send(a, 100), ...send(b, 100), ...send(c, 100)]);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await a.queries.history('busy3', 't1')).filter((h) => h.event === 'task.progress')).toHaveLength(300);
  });
});

describe('Redis losing its last writes', () => {
  it('a process never commits from its copy of a task that Redis rolled back and rewrote', async () => {
    const prefix = `r${Date.now().toString(36)}`;
    const a = await testRuntime({}, prefix);
    const b = await testRuntime({}, prefix);
    runtimes.push(a, b);
    const start = Date.now();
    await a.engine.createPlan(fixturePlan({ id: 'rollback', start }), office, { publish: true });
    const key = a.engine.pk('rollback').task('t1');
    // A acknowledges the task: it now remembers the task as it committed it.
    await a.engine.taskEvent('rollback', 't1', { type: 'task.acknowledge' }, zhao);
    const saved = await a.redis.dumpBuffer(key);
    // A moves the deadline; Redis then loses that write (AOF everysec, a failover)…
    const moved = start + 7_200_000;
    await a.engine.taskEvent('rollback', 't1', { type: 'task.deadline.change', deadline: iso(moved), reason: '延期' }, office);
    await a.redis.restore(key, 0, saved, 'REPLACE');
    // …and B writes the same version number with other content.
    await b.engine.taskEvent('rollback', 't1', { type: 'task.progress', percent: 60, note: 'B 的进展' }, zhao);
    const rewritten = await a.engine.loadTask('rollback', 't1');
    // A's next event must build on what Redis holds (B's progress), not on its stale copy.
    await a.engine.taskEvent('rollback', 't1', { type: 'task.progress', percent: 70, note: 'A 的进展' }, zhao);
    const task = await a.engine.loadTask('rollback', 't1');
    expect(task.ver).toBe(rewritten.ver + 1);
    const history = await a.queries.history('rollback', 't1');
    expect(history.map((h) => h.event).slice(-2)).toEqual(['task.progress', 'task.progress']);
    expect((task.snap.context as { progress: { note: string } }).progress.note).toBe('A 的进展');
    // The deadline A moved was lost with Redis's write: the task says so, rather than A's memory.
    expect(task.snap.context.deadline).toBe(rewritten.snap.context.deadline);
    expect(task.snap.context.deadline).not.toBe(moved);
  });
});
