/**
 * `npm run bench`: measures the engine against raw BullMQ on a private redis-server
 * and writes BENCHMARKS.md. See BENCHMARKS.md for what each number means.
 *
 *   npm run bench                    full run (~4–6 min on 2 cores), writes BENCHMARKS.md
 *   npm run bench -- --quick         small sizes, for checking the harness; writes nothing
 *   npm run bench -- --only=throughput,lateness,memory,scale,census
 *   npm run bench -- --out=FILE      write the report elsewhere (implies writing)
 */
import { writeFileSync } from 'node:fs';
import { breakdown, census, micro, profileEngine, unsafeTokens } from './census.js';
import { scheduleFailures } from './harness.js';
import { machine } from './machine.js';
import { startBenchRedis } from './redis.js';
import { renderConsole, renderMarkdown, type Results } from './report.js';
import { memory, scale, throughput, timerLateness } from './scenarios.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const out = args.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? (quick || only ? null : 'BENCHMARKS.md');
const wanted = (name: string) => !only || only.includes(name);

export const CONFIG = quick
  ? {
      throughput: { jobs: 1000, reps: 1, concurrencies: [1, 50] },
      lateness: { timers: 300, spreadMs: 3000, leadMs: 3000, concurrency: 20, rounds: 1 },
      memory: { plans: 2, tasksPerPlan: 1000 },
      scale: { small: 1, large: 5, tasksPerPlan: 1000, hot: 1000, reps: 2, concurrency: 20, createBudgetMs: 60_000 },
      census: { jobs: 100, breakdownJobs: 500, tokenSamples: 200_000, microCalls: 300 },
      profile: { jobs: 1000, concurrency: 50 },
    }
  : {
      throughput: { jobs: 5000, reps: 3, concurrencies: [1, 50] },
      lateness: { timers: 1000, spreadMs: 5000, leadMs: 4000, concurrency: 20, rounds: 2 },
      memory: { plans: 10, tasksPerPlan: 1000 },
      scale: { small: 1, large: 100, tasksPerPlan: 1000, hot: 3000, reps: 4, concurrency: 20, createBudgetMs: 240_000 },
      census: { jobs: 300, breakdownJobs: 2000, tokenSamples: 2_000_000, microCalls: 2000 },
      profile: { jobs: 3000, concurrency: 50 },
    };

const DRAIN_TIMEOUT_MS = 120_000;
/** Hard stop: the whole run is bounded even if something hangs. */
const WATCHDOG_MS = 15 * 60_000;

async function main(): Promise<void> {
  const started = performance.now();
  const redis = await startBenchRedis();
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${WATCHDOG_MS / 60_000} min; stopping`);
    void redis.stop().finally(() => process.exit(2));
  }, WATCHDOG_MS);
  const stopOnSignal = () => void redis.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const section = (name: string) => console.log(`\n== ${name} (t+${((performance.now() - started) / 1000).toFixed(0)} s)`);
  try {
    const results: Results = {
      machine: await machine(redis.admin),
      config: CONFIG,
      quick,
      command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    };
    console.log(`bench: private redis-server ${results.machine.redis} at ${redis.url} (data in ${redis.dir})`);
    if (wanted('throughput')) {
      results.throughput = [];
      for (const c of CONFIG.throughput.concurrencies) {
        section(`throughput, concurrency ${c}`);
        results.throughput.push(await throughput(redis, c, CONFIG.throughput.jobs, CONFIG.throughput.reps, DRAIN_TIMEOUT_MS));
      }
    }
    if (wanted('lateness')) {
      section('timer lateness');
      const l = CONFIG.lateness;
      results.lateness = await timerLateness(redis, l.timers, l.spreadMs, l.leadMs, l.concurrency, l.rounds);
    }
    if (wanted('memory')) {
      section('memory per open task');
      results.memory = await memory(redis, CONFIG.memory.plans, CONFIG.memory.tasksPerPlan);
    }
    if (wanted('scale')) {
      section('cost per transition vs open tasks');
      const s = CONFIG.scale;
      results.scale = await scale(
        redis,
        s.small,
        s.large,
        s.tasksPerPlan,
        s.hot,
        s.reps,
        s.concurrency,
        s.createBudgetMs,
        DRAIN_TIMEOUT_MS,
      );
    }
    if (wanted('census')) {
      section('Redis commands per job (MONITOR)');
      results.census = await census(redis, CONFIG.census.jobs);
      section('latency breakdown of a transition (concurrency 1)');
      results.breakdown = await breakdown(redis, CONFIG.census.breakdownJobs);
      section('CPU profile of an engine drain');
      results.profile = await profileEngine(redis, CONFIG.profile.jobs, CONFIG.profile.concurrency);
      console.log(`  profile: ${results.profile.file} (npx tsx bench/profile-summary.ts FILE 40)`);
      section('micro measurements');
      results.micro = await micro(redis, CONFIG.census.microCalls);
      section('timer token check');
      results.tokens = unsafeTokens(CONFIG.census.tokenSamples);
    }
    results.scheduleFailures = [...scheduleFailures];
    results.totalSeconds = (performance.now() - started) / 1000;
    console.log(`\n${renderConsole(results)}`);
    if (out) {
      writeFileSync(out, renderMarkdown(results));
      console.log(`\nwrote ${out}`);
    }
  } finally {
    clearTimeout(watchdog);
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
