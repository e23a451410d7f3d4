/**
 * `npm run bench`: measures the engine's timers against raw BullMQ on a private
 * redis-server and writes BENCHMARKS.md. See BENCHMARKS.md for what each number means.
 *
 *   npm run bench                    full run (~12–20 min on 2 shared cores), writes BENCHMARKS.md
 *   npm run bench -- --quick         small sizes, for checking the harness; writes nothing
 *   npm run bench -- --only=burst,isolated,background,memory,census
 *   npm run bench -- --out=FILE      write the report elsewhere (implies writing)
 *   npm run bench -- --background=N  N open tasks in §3 and §5's large case instead of 100,000
 *                                    (e.g. --only=background --background=1000000 --out=FILE)
 *   npm run bench -- --from=FILE     measure nothing: render the results JSON an earlier run saved
 *                                    (every run saves it to $TMPDIR/duban-bench-results*.json)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { breakdown, census, micro, profileEngine } from './census.js';
import { scheduleFailures } from './harness.js';
import { machine } from './machine.js';
import { startBenchRedis } from './redis.js';
import { renderConsole, renderMarkdown, type Results } from './report.js';
import { background, burst, isolated, memory } from './scenarios.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const from = args.find((a) => a.startsWith('--from='))?.slice('--from='.length);
const out = args.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? (quick || only ? null : 'BENCHMARKS.md');
/** A partial run (--only) saves its results apart, so it does not overwrite a full run's. */
const RESULTS_FILE = join(tmpdir(), only ? `duban-bench-results-${only.join('+')}.json` : 'duban-bench-results.json');
const wanted = (name: string) => !only || only.includes(name);

export const CONFIG = quick
  ? {
      burst: { tasks: 1000, reps: 1, rawConcurrency: [1, 50] },
      isolated: { plans: 100, reps: 1, shards: 1, concurrency: 50 },
      background: {
        small: 1,
        large: 3,
        tasksPerPlan: 1000,
        createBudgetMs: 60_000,
        hot: 1000,
        hotPerPlan: 500,
        reps: 2,
        streamPlans: 20,
        streamPerPlan: 5,
        closePlans: 10,
        closePerPlan: 10,
        spreadMs: 3000,
        leadMs: 3000,
      },
      memory: { plans: 2, tasksPerPlan: 1000 },
      census: { n: 100, breakdown: 200, microCalls: 300 },
      profile: { tasks: 1000 },
    }
  : {
      // Three repetitions each, the median reported: a single raw drain of a thousand jobs took 120 ms,
      // and on a shared host its rate varied by half from one run to the next.
      burst: { tasks: 10_000, reps: 3, rawConcurrency: [1, 50] },
      isolated: { plans: 3000, reps: 3, shards: 1, concurrency: 50 },
      background: {
        small: 1,
        large: 100,
        tasksPerPlan: 1000,
        createBudgetMs: 300_000,
        hot: 3000,
        hotPerPlan: 500,
        // Four, alternating small and large: with two, one run read 1.06× and the next 0.76×.
        reps: 4,
        streamPlans: 200,
        streamPerPlan: 5,
        closePlans: 100,
        closePerPlan: 10,
        spreadMs: 10_000,
        leadMs: 12_000,
      },
      memory: { plans: 10, tasksPerPlan: 1000 },
      census: { n: 300, breakdown: 300, microCalls: 2000 },
      profile: { tasks: 2000 },
    };

const backgroundArg = args.find((a) => a.startsWith('--background='))?.slice('--background='.length);
const backgroundTasks = backgroundArg === undefined ? NaN : Number(backgroundArg);
if (backgroundArg !== undefined) {
  if (!Number.isInteger(backgroundTasks) || backgroundTasks < 2 * CONFIG.background.tasksPerPlan)
    throw new Error(`--background=${backgroundArg}: a whole number of tasks, at least ${2 * CONFIG.background.tasksPerPlan}`);
  CONFIG.background.large = Math.round(backgroundTasks / CONFIG.background.tasksPerPlan);
  // Creation runs at a few thousand tasks a second: a millisecond a task is ample.
  CONFIG.background.createBudgetMs = Math.max(CONFIG.background.createBudgetMs, backgroundTasks);
}

/** Hard stop: the whole run is bounded even if something hangs. */
const WATCHDOG_MS = 30 * 60_000 + (Number.isFinite(backgroundTasks) ? backgroundTasks * 2 : 0);

/**
 * Sections of BENCHMARKS.md the bench does not write (the importer evaluation, start-up
 * time, …): every `## ` section of the current file whose title the new report lacks,
 * kept verbatim in their order, after the bench's own.
 */
function keptSections(file: string, fresh: string): string {
  if (!existsSync(file)) return '';
  const titles = new Set(fresh.split('\n').filter((l) => l.startsWith('## ')));
  const kept: string[] = [];
  let keep = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('## ')) keep = !titles.has(line) && !/^## \d+\. /.test(line) && !BENCH_TITLES.has(line);
    if (keep) kept.push(line);
  }
  return kept.length ? `\n${kept.join('\n').trimEnd()}\n` : '';
}

/** Titles earlier versions of the bench wrote, dropped rather than kept. */
const BENCH_TITLES = new Set(['## Machine', '## Summary', '## Reading the numbers']);

/** Writes the report (console, and `out` keeping the sections the bench does not write). */
function report(results: Results): void {
  console.log(`\n${renderConsole(results)}`);
  if (out) {
    const fresh = renderMarkdown(results);
    writeFileSync(out, fresh + keptSections(out, fresh));
    console.log(`\nwrote ${out}`);
  }
}

async function main(): Promise<void> {
  if (from) {
    report(JSON.parse(readFileSync(from, 'utf8')) as Results);
    return;
  }
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
    if (wanted('burst')) {
      section('1. burst: one plan, every task due at one instant');
      const b = CONFIG.burst;
      results.burst = await burst(redis, b.tasks, b.reps, b.rawConcurrency);
    }
    if (wanted('isolated')) {
      section('2. isolated timers: one due task per wake-up');
      const i = CONFIG.isolated;
      results.isolated = await isolated(redis, i.plans, i.reps, i.shards, i.concurrency);
    }
    if (wanted('background')) {
      section('3 + 5. lateness and cost per transition with a large background of open tasks');
      const bg = await background(redis, CONFIG.background);
      results.lateness = bg.lateness;
      results.scale = bg.scale;
    }
    if (wanted('memory')) {
      section('4. memory per open task');
      results.memory = await memory(redis, CONFIG.memory.plans, CONFIG.memory.tasksPerPlan);
    }
    if (wanted('census')) {
      section('Redis commands per transition (MONITOR)');
      results.census = await census(redis, CONFIG.census.n);
      section('time split of a wake-up (concurrency 1)');
      results.breakdown = await breakdown(redis, CONFIG.census.breakdown);
      section('CPU profile of a burst drain');
      results.profile = await profileEngine(redis, CONFIG.profile.tasks);
      console.log(`  profile: ${results.profile.file} (npx tsx bench/profile-summary.ts FILE 40)`);
      section('micro measurements');
      results.micro = await micro(redis, CONFIG.census.microCalls);
    }
    results.scheduleFailures = [...scheduleFailures];
    results.totalSeconds = (performance.now() - started) / 1000;
    writeFileSync(RESULTS_FILE, JSON.stringify(results));
    console.log(`results saved to ${RESULTS_FILE}`);
    report(results);
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
