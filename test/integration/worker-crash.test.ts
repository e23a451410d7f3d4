/**
 * Two `duban worker` processes share the timers of one plan; one is killed with
 * SIGKILL mid-run. Every ladder must still complete, each rung exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { fixturePlan, iso } from '../helpers/plan-fixture.js';
import { eventually, testRuntime } from '../helpers/runtime.js';

const TASKS = 40;

function startWorker(url: string, prefix: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/duban.js', 'worker'], {
    env: {
      ...process.env,
      REDIS_URL: url,
      DUBAN_PREFIX: prefix,
      DUBAN_WORKER_CONCURRENCY: '4',
      DUBAN_LOCK_MS: '1500',
      DUBAN_STALLED_MS: '500',
      DUBAN_RECONCILE_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve(child);
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${out}`)));
  });
}

describe('a worker killed mid-run', () => {
  const children: ChildProcess[] = [];
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await rt?.close();
  });

  it('loses nothing and doubles nothing', async () => {
    rt = await testRuntime(); // this process only writes and reads; the children run the timers
    children.push(await startWorker(rt.url, rt.prefix), await startWorker(rt.url, rt.prefix));
    const start = Date.now();
    const base = fixturePlan({ id: 'crash', start, reminders: ['PT1S'], grace: 'PT0.6S' });
    const template = base.tasks[0]!;
    const plan: PlanDefinitionInput = {
      ...base,
      tasks: Array.from({ length: TASKS }, (_, i) => ({ ...template, id: `t${i + 1}`, deadline: iso(start + 2_000 + (i % 10) * 150) })),
    };
    await rt.engine.createPlan(plan, { kind: 'office', name: 'o', org: 'default' }, { publish: true });

    await new Promise((r) => setTimeout(r, 2_600)); // reminders and first rungs are under way
    children[0]!.kill('SIGKILL');

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
