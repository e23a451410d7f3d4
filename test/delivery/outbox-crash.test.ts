/**
 * Two `duban worker` processes send a plan's deliveries to a bureau's OA (a slow one:
 * it answers 300 ms after each request); one is SIGKILLed mid-batch. Every delivery
 * still arrives, and each is confirmed exactly once: the sender heard the OA's 2xx for
 * it once. A request the killed worker had in flight reached the OA but its answer
 * reached nobody; that delivery is claimed again when its lease runs out and sent
 * again under the same Idempotency-Key, which is what the key is for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import type { Runtime } from '../../src/runtime.js';
import { fixturePlan, iso } from '../helpers/plan-fixture.js';
import { eventually } from '../helpers/runtime.js';
import { deliveryRuntime, oaStandIn } from './outbox-helpers.js';
import type { StandIn } from './stand-in-server.js';

const TASKS = 30;
const SECRET = 'oa-shared-secret-crash-7d3e91';
const OFFICE = { kind: 'office', name: '陈静', org: 'default' } as const;

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
      DUBAN_DELIVERY_TIMEOUT_MS: '1000',
      DUBAN_DELIVERY_BACKOFF_MS: '100',
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

describe('a delivery worker killed mid-batch', () => {
  const children: ChildProcess[] = [];
  let rt: Runtime & { url: string; prefix: string };
  let oa: StandIn;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await rt?.close();
    await oa?.close();
  });

  it('still delivers everything, each confirmed exactly once', async () => {
    oa = await oaStandIn(SECRET, { delayMs: 300 });
    rt = await deliveryRuntime({ worker: false }); // this process commits and reads; the children send
    await rt.channelStore.put('default', 'oa', { kind: 'webhook', url: `${oa.base}/notices`, secret: SECRET }, 'test');
    children.push(await startWorker(rt.url, rt.prefix), await startWorker(rt.url, rt.prefix));
    const start = Date.now();
    const base = fixturePlan({ id: 'crash-out', start, reminders: ['PT1S'], grace: 'PT0.6S' });
    const plan: PlanDefinitionInput = {
      ...base,
      tasks: Array.from({ length: TASKS }, (_, i) => ({
        ...base.tasks[0]!,
        id: `t${i + 1}`,
        deadline: iso(start + 2_000 + (i % 10) * 100),
      })),
      escalation: { ...base.escalation!, rungs: base.escalation!.rungs.slice(0, 3) },
      delivery: { routes: [{ roles: ['responsiblePerson'], channel: 'oa' }] },
    };
    await rt.engine.createPlan(plan, OFFICE, { publish: true });

    await eventually(() => Promise.resolve(oa.received.length >= 10), 20_000, 20);
    children[0]!.kill('SIGKILL');

    const all = await eventually(
      async () => {
        const list = await rt.outbox.list('crash-out');
        return list.length === TASKS * 4 && list.every((d) => d.status === 'sent') ? list : null;
      },
      60_000,
      250,
    );
    const confirmed = new Map<string, number>();
    for (const r of oa.confirmed) {
      const key = String(r.headers['idempotency-key']);
      confirmed.set(key, (confirmed.get(key) ?? 0) + 1);
    }
    for (const d of all) expect(confirmed.get(d.id), d.id).toBe(1);
    expect(confirmed.size).toBe(TASKS * 4);
  });
});
