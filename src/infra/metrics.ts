/**
 * Prometheus metrics of one runtime (prom-client). Each runtime owns its own
 * Registry, never prom-client's global one: tests start several runtimes in one
 * process, and two registrations of one name in one registry throw.
 *
 * Callers count through the methods below, so they never touch prom-client or
 * label names themselves; the scrape (`render()`) is what `/metrics` answers.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DefinitionCacheUsage } from '../engine/definitions.js';

/** One queue's job count in one state, as read at scrape time. */
export interface QueueDepth {
  queue: string;
  state: string;
  count: number;
}

export type DeliveryOutcome = 'sent' | 'failed' | 'retry';

export interface MetricsOptions {
  /** prom-client's process metrics (CPU, memory, event loop lag); default true. */
  processMetrics?: boolean;
}

/** Seconds, from a millisecond to a minute: a timer's lateness and an HTTP request's duration. */
const LATENESS_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

export class Metrics {
  readonly registry = new Registry();
  private readonly transitions: Counter<'entity' | 'by'>;
  private readonly lateness: Histogram;
  private readonly batch: Histogram;
  private readonly notices: Counter<'kind'>;
  private readonly deliveries: Counter<'channel' | 'outcome'>;
  private readonly rearmed: Counter;
  private readonly reconcilerRuns: Counter<'outcome'>;
  private readonly failures: Counter<'where'>;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly outages: Counter;
  private readonly depthSources: (() => Promise<QueueDepth[]>)[] = [];
  private definitionSource: (() => DefinitionCacheUsage) | undefined;
  private redisSource: (() => Promise<boolean>) | undefined;

  constructor(opts: MetricsOptions = {}) {
    const registers = [this.registry];
    this.transitions = new Counter({
      name: 'duban_transitions_total',
      help: 'Committed transitions of tasks and plans, by what caused them',
      labelNames: ['entity', 'by'],
      registers,
    });
    this.lateness = new Histogram({
      name: 'duban_timer_lateness_seconds',
      help: 'How long after its due time a timer fired',
      buckets: LATENESS_BUCKETS,
      registers,
    });
    this.batch = new Histogram({
      name: 'duban_timer_batch_size',
      help: 'Timers fired per wake-up of a timer worker',
      buckets: BATCH_BUCKETS,
      registers,
    });
    const sources = this.depthSources;
    new Gauge({
      name: 'duban_queue_depth',
      help: 'Jobs in each queue by state (waiting, delayed, active, failed), read at scrape time',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        // A source that cannot answer (Redis down) leaves its series out; the scrape still answers.
        const read = await Promise.all(sources.map((fn) => fn().catch(() => [] as QueueDepth[])));
        for (const d of read.flat()) this.set({ queue: d.queue, state: d.state }, d.count);
      },
    });
    const definitions = () => this.definitionSource?.();
    new Gauge({
      name: 'duban_definition_cache',
      help: 'Plan definitions this process holds parsed: their text in bytes, and how many (DUBAN_DEFINITION_CACHE_MB)',
      labelNames: ['measure'],
      registers,
      collect() {
        const u = definitions();
        if (!u) return;
        this.set({ measure: 'bytes' }, u.bytes);
        this.set({ measure: 'definitions' }, u.definitions);
      },
    });
    const redisUp = () => this.redisSource?.();
    new Gauge({
      name: 'duban_redis_up',
      help: "1 when this process's Redis connection answers a PING at scrape time, 0 while Redis is out of reach",
      registers,
      async collect() {
        const up = await redisUp();
        if (up !== undefined) this.set(up ? 1 : 0);
      },
    });
    this.outages = new Counter({
      name: 'duban_redis_outages_total',
      help: "Times this process's Redis connection was lost (counted when it goes, once however long it lasts)",
      registers,
    });
    this.notices = new Counter({ name: 'duban_notices_total', help: 'Notices issued, by kind', labelNames: ['kind'], registers });
    this.deliveries = new Counter({
      name: 'duban_deliveries_total',
      help: 'Delivery attempts by channel and outcome',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.rearmed = new Counter({ name: 'duban_reconciler_rearmed_total', help: 'Timers the reconciler re-armed', registers });
    this.reconcilerRuns = new Counter({
      name: 'duban_reconciler_runs_total',
      help: 'Reconciler runs by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.failures = new Counter({
      name: 'duban_failures_total',
      help: 'Failures logged, by where they happened',
      labelNames: ['where'],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'duban_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'duban_http_request_duration_seconds',
      help: 'HTTP request duration, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** `n` committed transitions of tasks or plans, caused by a timer or a command. */
  transition(entity: 'task' | 'plan', by: 'timer' | 'command', n = 1): void {
    if (n > 0) this.transitions.inc({ entity, by }, n);
  }

  /** A timer fired `latenessMs` after its due time (negative counts as on time). */
  timerFired(latenessMs: number): void {
    this.lateness.observe(Math.max(0, latenessMs) / 1000);
  }

  /** One wake-up of a timer worker fired `size` timers. */
  timerBatch(size: number): void {
    this.batch.observe(size);
  }

  /** A notice of this kind was issued (reminder, rung, …). */
  notice(kind: string): void {
    this.notices.inc({ kind });
  }

  /** One delivery attempt through `channel` ended so. */
  delivery(channel: string, outcome: DeliveryOutcome): void {
    this.deliveries.inc({ channel, outcome });
  }

  /** One reconciler run ended, having re-armed `rearmed` timers. */
  reconcilerRun(ok: boolean, rearmed: number): void {
    this.reconcilerRuns.inc({ outcome: ok ? 'ok' : 'failed' });
    if (rearmed > 0) this.rearmed.inc(rearmed);
  }

  /** Something failed and was logged; `where` names the part (reconciler, delivery, http, timer). */
  failure(where: string): void {
    this.failures.inc({ where });
  }

  /** This process lost its Redis connection (once per outage). */
  redisOutage(): void {
    this.outages.inc();
  }

  /** One HTTP request answered; `route` is the route's pattern, never the raw path. */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds);
  }

  /** Registers a source of queue depths, read at each scrape. */
  queueDepths(fn: () => Promise<QueueDepth[]>): void {
    this.depthSources.push(fn);
  }

  /** Where the definition cache's size is read at scrape time (the engine's Definitions). */
  definitionCache(fn: () => DefinitionCacheUsage): void {
    this.definitionSource = fn;
  }

  /** How to tell at scrape time whether Redis answers (a PING bounded in time: a scrape must not hang). */
  redisReachable(fn: () => Promise<boolean>): void {
    this.redisSource = fn;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
