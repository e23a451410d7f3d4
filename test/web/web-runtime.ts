/**
 * A runtime with the web workspace mounted, on the test run's private Redis, and the
 * scenario the workspace tests share: the fixture plan published with t3 already
 * overdue and climbing, t2 due soon, t1 on track, and tokens for the people.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { mountWeb } from '../../src/web/index.js';
import { eventually, testPrefix } from '../helpers/runtime.js';
import { seedScenario, type Scenario } from './scenario.js';

export type WebRuntime = Runtime & { base: string };

export async function webRuntime(o: { worker?: boolean } = {}): Promise<WebRuntime> {
  const runtime = await startRuntime({
    redisUrl: inject('redisUrl'),
    prefix: testPrefix(),
    log: () => undefined,
    api: { port: 0, extend: mountWeb },
    dataDir: mkdtempSync(join(tmpdir(), 'duban-test-data-')),
    ...(o.worker ? { worker: { concurrency: 20, reconcileMs: 1_000, lockMs: 2_000, stalledMs: 1_000 } } : {}),
  });
  return Object.assign(runtime, { base: `http://127.0.0.1:${runtime.port}` });
}

/** Seeds the scenario and waits until the worker has taken t3 to the top rung. */
export async function seededWebRuntime(): Promise<{ rt: WebRuntime; scenario: Scenario }> {
  const rt = await webRuntime({ worker: true });
  const scenario = await seedScenario(rt);
  await eventually(async () => (await rt.queries.task(scenario.planId, 't3')).rung === 4, 30_000);
  return { rt, scenario };
}
