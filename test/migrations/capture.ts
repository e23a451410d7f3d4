/**
 * Writes what this build stores for a running plan — every Redis key of one plan, as
 * the engine left it — to `test/migrations/fixtures/stored-v<N>.json`, so later
 * builds can prove they still load and run it (test/migrations/stored-data.test.ts).
 *
 * Run it before changing a machine or the stored layout, with the build that is about
 * to be replaced, and commit the file it writes:
 *
 *   npx tsx test/migrations/capture.ts
 *
 * It starts its own redis-server on a free port and drives one plan into the states
 * worth keeping: on track, due soon, overdue at rungs 1 and 2, at the top rung,
 * submitted while overdue, under review, returned for rectification, accepted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLAN_MACHINE_VERSION, TASK_MACHINE_VERSION } from '../../machines/index.js';
import type { TaskCommandInput } from '../../src/domain/commands.schema.js';
import type { Principal } from '../../src/domain/permissions.js';
import { startRedisServer } from '../../src/infra/redis-server.js';
import { startRuntime } from '../../src/runtime.js';
import { dumpPlanKeys, STORED_FIXTURE_PLAN, storedFixturePlan } from './stored-plan.js';

const office: Principal = { kind: 'office', name: 'office', org: 'default' };
const as = (personId: string): Principal => ({ kind: 'person', personId });

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'duban-capture-'));
  const server = await startRedisServer(dir, { persist: false });
  // The plan runs a day in the past, so deadlines are behind us and rungs can be fired by hand.
  const start = Date.now() - 86_400_000;
  const rt = await startRuntime({ redisUrl: server.url, prefix: 'cap', log: () => undefined });
  try {
    const { engine } = rt;
    await engine.createPlan(storedFixturePlan(start), office, { publish: true });
    const fire = async (taskId: string, times: number) => {
      for (let i = 0; i < times; i++) {
        const t = await engine.loadTask(STORED_FIXTURE_PLAN, taskId);
        // The deadline's clock only (reminders, rungs): other clocks (签收) are left running.
        const timer = Object.entries(t.timers)
          .filter(([id]) => /\.(checkpoint|rungGrace)\./.test(id))
          .map(([, x]) => x)
          .sort((a, b) => a.at - b.at)[0];
        if (!timer) throw new Error(`${taskId} has no timer left to fire`);
        await engine.fireTimer(STORED_FIXTURE_PLAN, taskId, timer.tok);
      }
    };
    const evidence: TaskCommandInput = { type: 'task.submit', evidence: ['https://example.org/e'], note: '已完成' };
    // The policy has one reminder: the first firing sends it, the next ones climb.
    // dueSoon: the reminder sent.
    await fire('due-soon', 1);
    // overdue at rung 1 and 2; top rung.
    await fire('rung-1', 2);
    await fire('rung-2', 3);
    await fire('top', 5);
    // submitted while at rung 1: v1 keeps the ladder climbing under review.
    await fire('submitted-overdue', 2);
    await engine.taskEvent(STORED_FIXTURE_PLAN, 'submitted-overdue', evidence, as('p-zhao'));
    // under review, on time.
    await engine.taskEvent(STORED_FIXTURE_PLAN, 'under-review', evidence, as('p-zhao'));
    await engine.taskEvent(STORED_FIXTURE_PLAN, 'under-review', { type: 'task.review' }, as('p-li'));
    // returned for rectification, with a new deadline a year out.
    await engine.taskEvent(STORED_FIXTURE_PLAN, 'returned', evidence, as('p-zhao'));
    await engine.taskEvent(
      STORED_FIXTURE_PLAN,
      'returned',
      { type: 'task.return', reason: '材料不全', deadline: new Date(start + 400 * 86_400_000).toISOString() },
      as('p-li'),
    );
    // accepted.
    await engine.taskEvent(STORED_FIXTURE_PLAN, 'accepted', { type: 'task.acknowledge' }, as('p-zhao'));
    await engine.taskEvent(STORED_FIXTURE_PLAN, 'accepted', evidence, as('p-zhao'));
    await engine.taskEvent(STORED_FIXTURE_PLAN, 'accepted', { type: 'task.accept', note: '' }, as('p-li'));
    // in progress with a report.
    await engine.taskEvent(STORED_FIXTURE_PLAN, 'on-track', { type: 'task.progress', percent: 40, note: '已起草' }, as('p-zhao'));

    const keys = await dumpPlanKeys(rt.redis, 'cap', STORED_FIXTURE_PLAN);
    const fixture = {
      capturedAt: new Date().toISOString(),
      machines: { plan: PLAN_MACHINE_VERSION, task: TASK_MACHINE_VERSION },
      prefix: 'cap',
      planId: STORED_FIXTURE_PLAN,
      start,
      keys,
    };
    const out = new URL(`./fixtures/stored-v${TASK_MACHINE_VERSION}.json`, import.meta.url);
    writeFileSync(out, `${JSON.stringify(fixture, null, 1)}\n`);
    console.log(`wrote ${out.pathname}: ${Object.keys(keys).length} keys`);
  } finally {
    await rt.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
