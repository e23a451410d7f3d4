/**
 * The scaffolding of the tests that kill a worker mid-work and check that nothing was
 * lost or done twice: real `duban worker` processes on the test's Redis, each started
 * and ready before the test goes on, one SIGKILLed (no shutdown, no lease handed back,
 * whatever it had in flight left hanging) while another carries on, and every one left
 * killed when the test ends; and a plan with many copies of the fixture's first task,
 * due a few seconds after the start, so the workers have a batch to be killed in.
 */
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import { spawnDuban, type DubanProcess } from '../process/processes.js';
import { fixturePlan, iso } from './plan-fixture.js';

/** Short leases and sweeps, so a killed worker's jobs are taken over in about a second. */
const FAST_TAKEOVER = {
  DUBAN_WORKER_CONCURRENCY: '4',
  DUBAN_LOCK_MS: '1500',
  DUBAN_STALLED_MS: '500',
  DUBAN_RECONCILE_MS: '1000',
};

export interface WorkerFleet {
  /** Starts another `duban worker`; resolves once it says it is ready, rejects if it exits first. */
  start(): Promise<DubanProcess>;
  /** SIGKILLs the `i`th worker started. */
  kill(i: number): void;
  /** SIGKILLs every worker still running (for afterAll). */
  close(): void;
}

/**
 * Workers on `redis` (the test runtime's URL and key prefix). `env` is added to the
 * short leases and sweeps above (DUBAN_WORKER_CONCURRENCY among them).
 */
export function workerFleet(redis: { url: string; prefix: string }, env: Record<string, string> = {}): WorkerFleet {
  const workers: DubanProcess[] = [];
  const running = (p: DubanProcess) => p.child.exitCode === null && p.child.signalCode === null;
  return {
    async start() {
      const worker = spawnDuban(['worker'], { env: { REDIS_URL: redis.url, DUBAN_PREFIX: redis.prefix, ...FAST_TAKEOVER, ...env } });
      workers.push(worker);
      await worker.waitFor(/已就绪 \/ ready/);
      return worker;
    },
    kill(i) {
      const worker = workers[i];
      if (!worker) throw new Error(`no worker ${i}: ${workers.length} started`);
      worker.child.kill('SIGKILL');
    },
    close() {
      for (const w of workers) if (running(w)) w.child.kill('SIGKILL');
    },
  };
}

export interface ManyTasksOptions {
  id: string;
  /** Epoch ms the plan starts at. */
  start: number;
  tasks: number;
  /** The tasks fall due in ten waves from two seconds after the start, this far apart. */
  spacingMs: number;
}

/**
 * The fixture plan (reminded a second before each deadline, a rung every 0.6 s after it)
 * with `tasks` copies of its first task, t1…tN, all for 赵小红.
 */
export function manyTasksPlan(o: ManyTasksOptions): PlanDefinitionInput {
  const base = fixturePlan({ id: o.id, start: o.start, reminders: ['PT1S'], grace: 'PT0.6S' });
  const template = base.tasks[0]!;
  return {
    ...base,
    tasks: Array.from({ length: o.tasks }, (_, i) => ({
      ...template,
      id: `t${i + 1}`,
      deadline: iso(o.start + 2_000 + (i % 10) * o.spacingMs),
    })),
  };
}
