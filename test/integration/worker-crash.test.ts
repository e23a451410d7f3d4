/**
 * Two `duban worker` processes share the timers of one plan; one is killed with
 * SIGKILL mid-run. Every ladder must still complete, each rung exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { manyTasksPlan, workerFleet, type WorkerFleet } from '../helpers/crash.js';
import { eventually, testRuntime } from '../helpers/runtime.js';

const TASKS = 40;

describe('a worker killed mid-run', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let workers: WorkerFleet;
  afterAll(async () => {
    workers?.close();
    await rt?.close();
  });

  it('loses nothing and doubles nothing', async () => {
    rt = await testRuntime(); // this process only writes and reads; the children run the timers
    workers = workerFleet(rt);
    await workers.start();
    await workers.start();
    const plan = manyTasksPlan({ id: 'crash', start: Date.now(), tasks: TASKS, spacingMs: 150 });
    await rt.engine.createPlan(plan, { kind: 'office', name: 'o', org: 'default' }, { publish: true });

    await new Promise((r) => setTimeout(r, 2_600)); // reminders and first rungs are under way
    workers.kill(0);

    await eventually(async () => (await rt.queries.listTasks('crash', { rung: 4 })).length === TASKS, 40_000, 250);
    for (let i = 1; i <= TASKS; i++) {
      const history = await rt.queries.history('crash', `t${i}`);
      const notices = history.flatMap((h) => h.notices ?? []).map((n) => n.split('.').pop());
      expect(notices, `t${i}`).toEqual(['m1', 'r1', 'r2', 'r3', 'r4']);
      expect(
        history.filter((h) => h.event.startsWith('timer.')),
        `t${i}`,
      ).toHaveLength(5);
      // Inboxes hold each notice once: the responsible person got the reminder and four rungs.
    }
    const inbox = await rt.queries.inbox('crash', 'p-zhao');
    expect(inbox).toHaveLength(TASKS * 5);
    expect(new Set(inbox.map((n) => n.id)).size).toBe(TASKS * 5);
  });
});
