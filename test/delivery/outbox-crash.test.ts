/**
 * Two `duban worker` processes send a plan's deliveries to a bureau's OA (a slow one:
 * it answers 300 ms after each request); one is SIGKILLed mid-batch. Every delivery
 * still arrives, and arrives once for an OA that honours the Idempotency-Key: a request
 * the killed worker had in flight reached the OA, but its answer reached nobody, so
 * that delivery is claimed again when its lease runs out and sent again under the same
 * key — which is what the key is for. Only those in flight at the kill are sent twice;
 * everything else is sent once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import type { Runtime } from '../../src/runtime.js';
import { manyTasksPlan, workerFleet, type WorkerFleet } from '../helpers/crash.js';
import { eventually } from '../helpers/runtime.js';
import { deliveryRuntime, oaStandIn } from './outbox-helpers.js';
import type { StandIn } from './stand-in-server.js';

const TASKS = 30;
const SECRET = 'oa-shared-secret-crash-7d3e91';
const OFFICE = { kind: 'office', name: '陈静', org: 'default' } as const;

/** Each worker's concurrency: how many requests the killed one can have in flight. */
const WORKER_CONCURRENCY = 4;

describe('a delivery worker killed mid-batch', () => {
  let rt: Runtime & { url: string; prefix: string };
  let oa: StandIn;
  let workers: WorkerFleet;
  afterAll(async () => {
    workers?.close();
    await rt?.close();
    await oa?.close();
  });

  it('still delivers everything, once under each Idempotency-Key, repeating only what was in flight', async () => {
    oa = await oaStandIn(SECRET, { delayMs: 300 });
    rt = await deliveryRuntime({ worker: false }); // this process commits and reads; the children send
    await rt.channelStore.put('default', 'oa', { kind: 'webhook', url: `${oa.base}/notices`, secret: SECRET }, 'test');
    workers = workerFleet(rt, {
      DUBAN_WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      DUBAN_DELIVERY_TIMEOUT_MS: '1000',
      DUBAN_DELIVERY_BACKOFF_MS: '100',
    });
    await workers.start();
    await workers.start();
    const base = manyTasksPlan({ id: 'crash-out', start: Date.now(), tasks: TASKS, spacingMs: 100 });
    const plan: PlanDefinitionInput = {
      ...base,
      escalation: { ...base.escalation!, rungs: base.escalation!.rungs.slice(0, 3) },
      delivery: { routes: [{ roles: ['responsiblePerson'], channel: 'oa' }] },
    };
    await rt.engine.createPlan(plan, OFFICE, { publish: true });

    await eventually(() => Promise.resolve(oa.received.length >= 10), 20_000, 20);
    workers.kill(0);

    const all = await eventually(
      async () => {
        const list = await rt.outbox.list('crash-out');
        return list.length === TASKS * 4 && list.every((d) => d.status === 'sent') ? list : null;
      },
      60_000,
      250,
    );
    const sent = new Map<string, number>();
    for (const r of oa.received) {
      const key = String(r.headers['idempotency-key']);
      sent.set(key, (sent.get(key) ?? 0) + 1);
    }
    // Every delivery reached the OA, under its own key: an OA deduplicating by key records each once.
    expect(new Set(all.map((d) => d.id))).toEqual(new Set(sent.keys()));
    // A second request only for what the killed worker had in flight (at most its concurrency).
    const repeated = [...sent.values()].filter((n) => n > 1);
    expect(repeated.every((n) => n === 2)).toBe(true);
    expect(repeated.length).toBeLessThanOrEqual(WORKER_CONCURRENCY);
  });
});
