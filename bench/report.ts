/** The results as a console table and as BENCHMARKS.md. */
import type { Breakdown, Census, Micro } from './census.js';
import type { Machine } from './machine.js';
import { median, type DrainResult } from './measure.js';
import type { Summary } from './profile-summary.js';
import type { BurstResult, IsolatedResult, Lateness, LatenessResult, MemoryResult, ScaleResult } from './scenarios.js';

export interface Results {
  machine: Machine;
  config: unknown;
  quick: boolean;
  command: string;
  burst?: BurstResult;
  isolated?: IsolatedResult;
  lateness?: LatenessResult;
  memory?: MemoryResult;
  scale?: ScaleResult;
  census?: { raw: Census; burst: Census; isolated: Census };
  profile?: { summary: Summary; inclusive: [string, number][]; drain: DrainResult; file: string };
  breakdown?: Breakdown;
  micro?: Micro[];
  scheduleFailures?: string[];
  totalSeconds?: number;
}

/** Issue 13's goals. */
export const GOALS = { burst: 1.0, isolated: 0.6, latenessP99PlusMs: 10, bytesPerTask: 1.5 * 1024 };

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const kib = (b: number) => `${(b / 1024).toFixed(2)} KiB`;
const ms = (x: number) => `${f1(x)} ms`;
const n = (x: number) => x.toLocaleString('en');
const verdict = (ok: boolean, goal: string) => (ok ? `meets ${goal}` : `**MISSES** ${goal}`);

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function plain(head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  const width = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(width[i]!)).join('  ');
  return [line(head), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The summary rows: one per goal of issue 13, each beside raw BullMQ. */
function summaryRows(r: Results): string[][] {
  const rows: string[][] = [];
  const b = r.burst;
  if (b) {
    for (const raw of b.raw) {
      const ratio = b.enginePerSec / raw.perSec;
      rows.push([
        `1. Burst: ${n(b.tasks)} tasks of one plan due at once (raw at concurrency ${raw.concurrency})`,
        `${f0(b.enginePerSec)} transitions/s`,
        `${f0(raw.perSec)} jobs/s`,
        `${f2(ratio)}×`,
        verdict(ratio >= GOALS.burst, `≥ ${f1(GOALS.burst)}×`),
      ]);
    }
  }
  const i = r.isolated;
  if (i) {
    const ratio = i.enginePerSec / i.rawPerSec;
    rows.push([
      `2. Isolated timers: ${n(i.plans)} plans × 1 due task (${i.shards} shard × ${i.concurrency}; raw at ${i.shards * i.concurrency})`,
      `${f0(i.enginePerSec)} transitions/s`,
      `${f0(i.rawPerSec)} jobs/s`,
      `${f2(ratio)}×`,
      verdict(ratio >= GOALS.isolated, `≥ ${f1(GOALS.isolated)}×`),
    ]);
  }
  const l = r.lateness;
  if (l) {
    const diff = l.engine.p99 - l.raw.p99;
    rows.push([
      `3. Lateness p99 with ${n(l.background)} open tasks (due → committed / completed)`,
      ms(l.engine.p99),
      ms(l.raw.p99),
      `${diff >= 0 ? '+' : '−'}${f1(Math.abs(diff))} ms`,
      verdict(diff <= GOALS.latenessP99PlusMs, `≤ raw + ${GOALS.latenessP99PlusMs} ms`),
    ]);
    rows.push(['   Lateness p50 (for context)', ms(l.engine.p50), ms(l.raw.p50), `${f1(l.engine.p50 / l.raw.p50)}×`, '']);
  }
  const m = r.memory;
  if (m)
    rows.push([
      '4. Redis memory per open task',
      kib(m.engineBytesPerTask),
      `${kib(m.rawBytesPerJob)} per delayed job`,
      `${f1(m.ratio)}×`,
      verdict(m.engineBytesPerTask <= GOALS.bytesPerTask, `≤ ${kib(GOALS.bytesPerTask)}`),
    ]);
  const s = r.scale;
  if (s) {
    rows.push([
      `5. Transitions/s with ${n(s.large.openTasks)} vs ${n(s.small.openTasks)} open tasks`,
      `${f0(s.large.perSec)} vs ${f0(s.small.perSec)}`,
      '',
      `${f2(s.ratio)}×`,
      Math.abs(1 - s.ratio) <= 0.15 ? 'flat (±15%)' : s.ratio < 1 ? '**SLOWER** with more tasks' : 'faster with more tasks',
    ]);
  }
  return rows;
}

const SUMMARY_HEAD = ['Measure', 'Engine', 'Raw BullMQ', 'Ratio', 'Verdict (issue 13 goal)'];

export function renderConsole(r: Results): string {
  const parts = [
    plain(
      SUMMARY_HEAD,
      summaryRows(r).map((row) => row.map((c) => c.replace(/\*\*/g, ''))),
    ),
  ];
  if (r.census) {
    const c = r.census;
    parts.push(
      '',
      `Redis commands per transition (client → server / inside Lua): burst ${f2(c.burst.clientTotal)} / ${f1(c.burst.luaTotal)}, isolated ${f1(c.isolated.clientTotal)} / ${f1(c.isolated.luaTotal)}, raw job ${f1(c.raw.clientTotal)} / ${f1(c.raw.luaTotal)}`,
    );
  }
  if (r.totalSeconds) parts.push('', `total ${f0(r.totalSeconds)} s`);
  return parts.join('\n');
}

const DRAIN_HEAD = ['Run', 'per s', 'ms', 'first → last, per s', 'Node CPU µs each', 'Redis CPU µs each', 'wake-ups', 'failed', ''];

function drainRow(label: string, d: DrainResult): string[] {
  return [
    label,
    f0(d.perSec),
    f0(d.ms),
    f0(d.steadyPerSec),
    f0(d.nodeCpuUsPerJob),
    f0(d.redisCpuUsPerJob),
    d.wakeUps === undefined ? '' : String(d.wakeUps),
    String(d.failed),
    d.timedOut ? 'TIMED OUT' : '',
  ];
}

function lat(label: string, l: Lateness): string[] {
  return [label, String(l.n), ms(l.p50), ms(l.p99), ms(l.max)];
}

function censusTable(c: { raw: Census; burst: Census; isolated: Census }, which: 'client' | 'lua'): string {
  const names = new Set<string>();
  for (const x of [c.raw, c.burst, c.isolated]) for (const [k, v] of x[which]) if (v >= 0.005) names.add(k);
  const get = (x: Census, k: string) => x[which].find(([name]) => name === k)?.[1] ?? 0;
  const rows = [...names]
    .sort((a, b) => get(c.isolated, b) - get(c.isolated, a))
    .map((k) => [`\`${k}\``, f2(get(c.raw, k)), f2(get(c.burst, k)), f2(get(c.isolated, k))]);
  const total = which === 'client' ? 'clientTotal' : 'luaTotal';
  rows.push(['**total**', f2(c.raw[total]), f2(c.burst[total]), f2(c.isolated[total])]);
  return table(['Command', 'Raw no-op job', 'Engine, burst', 'Engine, isolated'], rows);
}

export function renderMarkdown(r: Results): string {
  const m = r.machine;
  const cfg = r.config as { census: { microCalls: number } };
  const out: string[] = [];
  out.push(
    '# Benchmarks',
    '',
    "Duban's timers measured against raw BullMQ on the same private Redis, in the same run, for issue 13's goals. These machines are",
    'shared and noisy, so the headline numbers are **ratios** (engine ÷ raw BullMQ); absolute numbers are given for context only.',
    '',
    '```sh',
    r.command,
    '```',
    '',
    `Written by \`bench/run.ts\`${r.quick ? ' (QUICK mode: small sizes, not for conclusions)' : ''}; total run time ${f0(r.totalSeconds ?? NaN)} s.`,
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['CPU', `${m.cpu}, ${m.cores} cores available`],
        ['Memory', `${f1(m.memoryGiB)} GiB`],
        ['Kernel', m.kernel],
        ['Node', m.node],
        [
          'Redis',
          `${m.redis} (private redis-server started by the bench: appendonly yes, appendfsync everysec, hz 100, noeviction — as \`duban start\` runs it)`,
        ],
        ['Libraries', `bullmq ${m.bullmq}, xstate ${m.xstate}, ioredis ${m.ioredis}`],
        ['Code measured', `\`${m.code}\``],
        ['Date', m.date],
        ['Load average at start', m.loadAtStart],
      ],
    ),
    '',
    "Redis, the engine and BullMQ's workers all share these cores: the bench process (API-side engine, worker-side engine and",
    'timer workers) and redis-server run side by side.',
    '',
    '## Summary',
    '',
    table(SUMMARY_HEAD, summaryRows(r)),
    '',
    'How the engine is wired (`bench/harness.ts`): as `startRuntime` wires it — the real `Engine`, `BullTimerScheduler` (wake-up',
    'queues sharded by plan) and `createTimerWorkers` — with plans created by one engine (the API process) and timers fired by',
    "another with its own connections and cold caches (a worker process). The bench counts fired timers through the worker engine's",
    '`metrics` option (`timerFired(latenessMs)` is called right after the commit that fired the timer). Raw BullMQ is a plain',
    "`Queue` (`addBulk`) and a `Worker` whose processor returns at once, with the wake-up workers' options (`removeOnComplete: { count: 0 }`).",
    'Rates count from the moment the workers are started to the last transition committed (engine) or the last job completed (raw),',
    'so start-up is in both; "first → last" leaves it out.',
    '',
  );

  if (r.burst) {
    const b = r.burst;
    out.push(
      '## 1. Burst: one plan, every task due at one instant',
      '',
      `- **Engine**: one plan of ${n(b.tasks)} tasks created and published with \`engine.createPlan(def, office, { publish: true })\`; every`,
      "  task's reminders are already past, so `task.activate` arms its checkpoint for the catch-up reminder *now*, and the plan holds",
      `  one wake-up job. Then the timer workers start (production: ${b.shards} shards × concurrency ${b.concurrency}); the one wake-up fires`,
      '  every task (watching.onTrack → dueSoon, a reminder notice, the next checkpoint in the index) in batches of 500, one',
      '  compare-and-set commit each. Creating the plan is not timed (it took ' +
        b.createMs.map((x) => `${f1(x / 1000)} s`).join(', ') +
        ').',
      `- **Raw**: ${n(b.tasks)} no-op jobs added with \`addBulk\` (delay 0), then a worker at concurrency ${b.raw.map((x) => x.concurrency).join(' and ')}.`,
      '',
      table(DRAIN_HEAD, [
        ...b.raw.flatMap((x) => x.runs.map((d, i) => drainRow(`raw, c=${x.concurrency}, rep ${i + 1}`, d))),
        ...b.engine.map((d, i) => drainRow(`engine, rep ${i + 1}`, d)),
      ]),
      '',
    );
  }

  if (r.isolated) {
    const i = r.isolated;
    out.push(
      '## 2. Isolated timers: one due task per wake-up',
      '',
      `- **Engine**: ${n(i.plans)} plans of one task each, every task due at publish, so each plan holds one wake-up job that fires one`,
      `  timer. Workers: ${i.shards} shard × concurrency ${i.concurrency} = ${i.shards * i.concurrency} wake-ups at once in all, the same total concurrency as raw`,
      `  (production's 4 shards × 20 would give the engine 80). Creating the plans is not timed (${i.createMs.map((x) => `${f1(x / 1000)} s`).join(', ')}).`,
      `- **Raw**: ${n(i.plans)} no-op jobs, a worker at concurrency ${i.shards * i.concurrency}. Raw and engine alternate, ${i.engine.length} rep(s); medians in the summary.`,
      '',
      table(DRAIN_HEAD, [
        ...i.raw.map((d, k) => drainRow(`raw, c=${i.shards * i.concurrency}, rep ${k + 1}`, d)),
        ...i.engine.map((d, k) => drainRow(`engine, ${i.shards}×${i.concurrency}, rep ${k + 1}`, d)),
      ]),
      '',
    );
  }

  if (r.lateness) {
    const l = r.lateness;
    out.push(
      `## 3. Timer lateness with ${n(l.background)} open tasks armed`,
      '',
      `- **Engine**: on the ${n(l.background)} far-future open tasks of §5's large case (${n(l.background / 1000)} plans × 1,000, deadlines 30 days away, each`,
      `  plan's wake-up far off), ${n(l.plans)} more plans of ${n(l.timers / l.plans)} tasks whose timers fall due one at a time, evenly over`,
      `  ${f0(l.spreadMs / 1000)} s, interleaved across the plans (timer k of plan p at base + (k·plans + p)·step): one plan's timers are`,
      `  ${f1(((l.spreadMs / l.timers) * l.plans) / 1000)} s apart, and a wake-up ends once nothing of its plan is due, so every wake-up should fire one`,
      `  timer (measured: ${f2(l.timersPerWake)} timers per wake-up). Workers at production settings run throughout. Lateness = the moment`,
      "  the commit that fired the timer returned − the timer's due time (`EngineMetrics.timerFired`).",
      l.armedWithMsToSpare >= 0
        ? `  The last stream plan was created ${f1(l.armedWithMsToSpare / 1000)} s before the first timer fell due.`
        : `  Creating the stream plans ran ${f1(-l.armedWithMsToSpare / 1000)} s past the first due time; the ${l.dropped} timers due before it ended are left out.`,
      `- **Raw**: ${n(l.rawBackground)} no-op delayed jobs 30 days ahead, then ${n(l.timers)} delayed no-op jobs due evenly over the same`,
      "  span, a worker at concurrency 80 (production's 4 × 20) running throughout. Lateness = now − (`timestamp` + `delay`), at the",
      "  processor's start and at the worker's `completed` event (the latter is compared with the engine's commit).",
      '',
      table(
        ['', 'Timers', 'p50', 'p99', 'max'],
        [
          lat('Engine: due → committed', l.engine),
          lat('Raw: due → completed', l.raw),
          lat('Raw: due → processor start', l.rawStart),
          lat(
            `Engine, second stream (one plan's timers ${f1(((l.spreadMs / (l.close.plans * l.close.perPlan)) * l.close.plans) / 1000)} s apart)`,
            l.close.engine,
          ),
        ],
      ),
      '',
      `The second stream is ${n(l.close.plans)} plans × ${n(l.close.perPlan)} timers over the same ${f0(l.spreadMs / 1000)} s, so one plan's timers are ${f1(((l.spreadMs / (l.close.plans * l.close.perPlan)) * l.close.plans) / 1000)} s apart:`,
      'each timer has a wake-up job of its own. A wake-up that finds nothing due ends at once; only the job armed for exactly the next',
      'timer, run early by a clock that is ahead, waits for it (at most `EARLY_MS`, 1 s, src/engine/timers.ts), so no wake-up holds a worker slot',
      `for its plan's later timers. Measured ${f2(l.close.timersPerWake)} timers per wake-up (${l.close.perPlan} would mean every wake-up stayed for its plan's whole stream).` +
        (l.close.dropped > 0 ? ` (${l.close.dropped} timers due while its plans were still being created are left out.)` : ''),
      '',
      `Engine process during the stream: worst event-loop delay ${f0(l.engineLoopMaxMs)} ms, ${l.engineLongGcs} GC pause(s) over 20 ms.`,
      '',
    );
  }

  if (r.memory) {
    const mm = r.memory;
    out.push(
      '## 4. Redis memory per open task',
      '',
      `\`used_memory\` (lowest of three reads after a pause) before and after creating ${n(mm.tasks)} open tasks (${n(mm.tasks / 1000)} plans × 1,000,`,
      `deadlines 30 days away), divided by tasks (creation took ${f1(mm.createMs / 1000)} s); beside ${n(mm.rawJobs)} raw delayed no-op jobs due in 30 days.`,
      `The engine held ${mm.wakeJobs} wake-up job(s) for them (one per plan) instead of one job per task.`,
      '',
      table(
        ['', 'Bytes', ''],
        [
          [
            'Engine, per open task (task, history, indexes, plan share, wake-up jobs)',
            f0(mm.engineBytesPerTask),
            kib(mm.engineBytesPerTask),
          ],
          ['Raw BullMQ, per delayed job', f0(mm.rawBytesPerJob), kib(mm.rawBytesPerJob)],
          ['Ratio', '', `**${f1(mm.ratio)}×**`],
          ["Issue 13's goal", f0(GOALS.bytesPerTask), kib(GOALS.bytesPerTask)],
        ],
      ),
      '',
      "Where the engine's bytes are (`MEMORY USAGE … SAMPLES 0` summed by key kind, per task; excludes Redis's per-key dictionary overhead):",
      '',
      table(
        ['Key kind', 'Bytes per task'],
        mm.breakdown.filter(([, v]) => v >= 0.5).map(([k, v]) => [k, f0(v)]),
      ),
      '',
      `One stored task hash, field by field (value bytes)${mm.snapshotHasPolicy ? '; its snapshot includes the escalation policy' : '; its snapshot does not include the escalation policy'}:`,
      '',
      table(
        ['Field', 'Bytes'],
        mm.taskFields.map(([k, v]) => [`\`${k}\``, String(v)]),
      ),
      '',
      Number.isFinite(mm.listpackBytesPerTask)
        ? [
            `Redis keeps this hash as \`${mm.taskEncoding}\`: with \`hash-max-listpack-value\` at ${mm.listpackDefault} bytes, any longer field`,
            `forces the full hash-table encoding. Measured again with \`hash-max-listpack-value 1024\` on the same private Redis: ${kib(mm.listpackBytesPerTask)} per`,
            `open task (${pct(1 - mm.listpackBytesPerTask / mm.engineBytesPerTask)} less).`,
          ].join('\n')
        : `Redis keeps this hash as \`${mm.taskEncoding}\`: the server runs with \`hash-max-listpack-value ${mm.listpackDefault}\` (as \`duban start\` sets it), so every field fits the compact encoding already.`,
      '',
      `The plan's definition is held once, in the plan's hash, compressed: ${f0(mm.definitionJsonPerTask)} bytes of JSON per task stored in ${f1(mm.definitionStoredPerTask)}`,
      `(${f0(mm.definitionJsonPerTask / Math.max(mm.definitionStoredPerTask, 1e-9))}×). This bench's tasks differ only in their number, so they compress far better than a real plan's:`,
      `a definition whose tasks all have their own titles and duties (the children-plan test fixture) shrinks ${f1(mm.variedDefinitionRatio)}×; at that ratio`,
      `this bench's plans would cost ${f0(mm.definitionJsonPerTask / mm.variedDefinitionRatio - mm.definitionStoredPerTask)} bytes more per task (${kib(mm.engineBytesPerTask + mm.definitionJsonPerTask / mm.variedDefinitionRatio - mm.definitionStoredPerTask)} in all).`,
      '',
    );
  }

  if (r.scale) {
    const s = r.scale;
    const note =
      s.large.openTasks < s.largeTarget
        ? ` Only ${n(s.large.openTasks)} of the intended ${n(s.largeTarget)} background tasks were created within the creation budget on this machine.`
        : '';
    out.push(
      '## 5. Cost per transition vs number of open tasks',
      '',
      "Background open tasks (deadlines 30 days away; they hold no job, only their plan's one far wake-up) created in bulk with",
      '`engine.createPlan(..., { publish: true })`, 1,000 tasks per plan; then, in each case, the same fixed number of timer-driven',
      `transitions (${n(s.transitions)} fresh due tasks per rep, in ${s.hotPlans} plans of ${n(s.transitions / s.hotPlans)}: one wake-up each) drained by the workers at production`,
      `settings (${s.shards} shards × ${s.concurrency}). The small case runs on a second private redis-server (same settings) so the two cases can be`,
      'measured alternately, rep by rep, and drift on the shared machine hits both alike. The hot tasks stay open after firing, so each',
      `rep adds ${n(s.transitions)} open tasks to the background.${note}`,
      '',
      table(
        ['Background open tasks', 'Created in', 'used_memory after', 'Runs (transitions/s)', 'Median transitions/s', 'µs per transition'],
        [s.small, s.large].map((c) => [
          n(c.openTasks),
          `${f1(c.createMs / 1000)} s`,
          `${f1(c.usedMemory / 2 ** 20)} MiB`,
          c.runs.map((x) => f0(x.perSec)).join(', '),
          f0(c.perSec),
          f0(c.usPerTransition),
        ]),
      ),
      '',
      `Ratio (${n(s.large.openTasks)} ÷ ${n(s.small.openTasks)}): **${f2(s.ratio)}×** transitions/s — 1.0 means the cost of a transition does not grow with the number of tasks.`,
      '',
      ...(s.large.openTasks < 1e6
        ? [
            `This run's large case has fewer than 1,000,000 background tasks. At the creation rate measured here (${f0(s.large.openTasks / (s.large.createMs / 1000))} tasks/s through`,
            `\`createPlan\` + publish) a million take ≈ ${f0(1e6 / (s.large.openTasks / (s.large.createMs / 1000)) / 60)} min to create and ≈ ${f1(((s.large.usedMemory / Math.max(1, s.large.openTasks)) * 1e6) / 2 ** 30)} GiB of Redis:`,
            '`npm run bench -- --only=background --background=1000000 --out=FILE` measures them.',
            '',
          ]
        : []),
    );
  }

  if (r.census || r.breakdown || r.profile || r.micro) out.push("## 6. Where a transition's time goes", '');
  if (r.census) {
    const c = r.census;
    out.push(
      `Redis commands per transition, from \`MONITOR\` on the private Redis over untimed drains of ${c.raw.jobs} transitions at one shard,`,
      "concurrency 1 (so idle shards' blocking polls are not counted): a burst (one plan, all due: one wake-up) and isolated timers",
      '(one task per plan: one wake-up each); beside as many raw no-op jobs. Client → server commands (EVALSHA named by matching',
      'script SHA1s; blocking and marker polls included):',
      '',
      censusTable(c, 'client'),
      '',
      'Commands run inside Lua scripts, per transition:',
      '',
      censusTable(c, 'lua'),
      '',
    );
  }
  if (r.breakdown) {
    const b = r.breakdown;
    for (const s of b.shapes) {
      out.push(
        `Wall-clock and Node CPU per transition, ${s.shape === 'burst' ? `burst (one plan of ${n(s.transitions)} due tasks, ${s.wakeUps} wake-up)` : `isolated timers (${n(s.transitions)} plans × 1 task, ${s.wakeUps} wake-ups)`},`,
        "one shard, concurrency 1 (the parts are wrapped on the bench's own worker instances; `engine computing` is the time in engine.wake with no read, commit or arm in flight, overlapping calls counted once):",
        '',
        table(
          ['Part', 'What', 'Wall µs', 'Share', 'Node CPU µs'],
          [
            ...s.parts.map((p) => [p.label, p.what, f0(p.wallUs), pct(p.wallUs / s.cycleUs), f0(p.cpuUs)]),
            ['**Whole drain, per transition**', '', f0(s.cycleUs), '100%', f0(s.cycleCpuUs)],
            ['Raw no-op job, for comparison', '', f0(b.raw.cycleUs), '', f0(b.raw.cpuUs)],
          ],
        ),
        '',
        'Redis execution time per transition (SLOWLOG at threshold 0, a separate drain):',
        '',
        table(
          ['Command or script', 'µs'],
          [
            ...s.redis.filter(([, v]) => v >= 0.05).map(([k, v]) => [`\`${k}\``, f1(v)]),
            ['**total**', f1(s.redis.reduce((a, [, v]) => a + v, 0))],
          ],
        ),
        '',
      );
    }
    out.push(
      'Raw no-op job, Redis execution time per job:',
      '',
      table(
        ['Command or script', 'µs'],
        [
          ...b.raw.redis.filter(([, v]) => v >= 0.05).map(([k, v]) => [`\`${k}\``, f1(v)]),
          ['**total**', f1(b.raw.redis.reduce((a, [, v]) => a + v, 0))],
        ],
      ),
      '',
    );
  }
  if (r.profile) {
    const p = r.profile;
    out.push(
      `CPU profile of the bench process (API engine, worker engine and timer workers) over an untimed burst drain of ${n(p.drain.done)}`,
      `transitions in plans of 500 at production settings (${f0(p.drain.perSec)} transitions/s under the profiler; ${f0(p.drain.nodeCpuUsPerJob)} µs Node CPU and`,
      `${f0(p.drain.redisCpuUsPerJob)} µs Redis CPU per transition). Self time:`,
      '',
      table(
        ['Package', 'Share'],
        p.summary.packages.slice(0, 12).map(([k, v]) => [k, pct(v)]),
      ),
      '',
      table(
        ['Function', 'Share'],
        p.summary.functions.slice(0, 20).map(([k, v]) => [`\`${k}\``, pct(v)]),
      ),
      '',
      'Inclusive share of the same profile for the steps of a wake-up (synchronous stacks only: work after an `await` is counted',
      'under the frame that resumed it, so these are lower bounds and do not add up):',
      '',
      table(
        ['Step', 'Share of Node CPU'],
        p.inclusive.filter(([, v]) => v >= 0.0005).map(([k, v]) => [k, pct(v)]),
      ),
      '',
    );
  }
  if (r.micro) {
    out.push(
      `Small sequential measurements (${cfg.census.microCalls} BullMQ calls each on a scratch queue; xstate calls on a task snapshot as a wake-up sees it):`,
      '',
      table(
        ['Call', 'µs per call', 'Node CPU µs'],
        r.micro.map((x) => [x.label, f1(x.us), x.cpuUs === undefined ? '(CPU only)' : f0(x.cpuUs)]),
      ),
      '',
    );
  }
  out.push(
    '## 7. What this bench no longer measures',
    '',
    "- **Arming and disarming a job per timer**: gone from the engine. A commit now only moves its plan's wake time (inside",
    "  commit.lua) and the committer adds at most one wake-up job for the plan; cancelled timers leave the plan's index in the same",
    '  commit and need no job removed. The time split above shows the one arm per wake-up instead.',
    '- **Timer tokens BullMQ refuses** (integer-like custom job ids): job ids are now `<plan>@<due ms>`, never an integer, so the',
    '  check that drew tokens is dropped.',
    `- Wake-ups the engine failed to arm during this run (its "could not arm" log lines): ${(r.scheduleFailures ?? []).length}`,
    ...(r.scheduleFailures ?? []).slice(0, 5).map((l) => `  - \`${l.slice(0, 200)}\``),
    '',
    ...analysis(r),
  );
  return out.join('\n');
}

/** Conclusions, computed from this run's numbers. */
function analysis(r: Results): string[] {
  const out = ['## 8. Reading the numbers', ''];
  const part = (shape: 'burst' | 'isolated', label: string) =>
    r.breakdown?.shapes.find((x) => x.shape === shape)?.parts.find((p) => p.label === label);
  const b = r.burst;
  if (b) {
    const ratios = b.raw.map((x) => `${f2(b.enginePerSec / x.perSec)}× raw at concurrency ${x.concurrency}`).join(', ');
    const met = b.raw.every((x) => b.enginePerSec / x.perSec >= GOALS.burst);
    const metAt = b.raw.filter((x) => b.enginePerSec / x.perSec >= GOALS.burst).map((x) => x.concurrency);
    const verdict = met
      ? 'met'
      : metAt.length > 0
        ? `met against raw at concurrency ${metAt.join(', ')} only, not met at the others`
        : 'not met';
    const e = b.engine[0];
    const batches = Math.ceil(b.tasks / 500);
    const raw50 = b.raw.find((x) => x.concurrency === 50)?.runs[0];
    const burst = r.breakdown?.shapes.find((x) => x.shape === 'burst');
    out.push(
      `**Burst (goal ≥ 1.0×): ${verdict}.** The engine fired ${n(b.tasks)} timers of one plan at ${f0(b.enginePerSec)} transitions/s: ${ratios}.`,
      `One wake-up does all the work, one batch of 500 after another (${batches} batches, ≈ ${e ? f0(e.ms / batches) : '–'} ms each here), so a`,
      "single plan's burst runs on one worker slot however many shards and workers there are, while raw BullMQ at concurrency 50 overlaps",
      "many jobs' round trips." +
        (e && raw50
          ? ` That loop is serial: ≈ ${f0((e.ms * 1000) / Math.max(1, e.done))} µs of wall-clock per transition, of which ${f0(e.nodeCpuUsPerJob)} µs are Node CPU and ${f0(e.redisCpuUsPerJob)} µs Redis CPU (a raw job at concurrency 50: ${f0(raw50.nodeCpuUsPerJob)} and ${f0(raw50.redisCpuUsPerJob)} µs), so the rate is what one thread's work per transition allows.`
          : '') +
        (burst
          ? ` At concurrency 1 (§6, a ${n(burst.transitions)}-task plan) a transition costs ${f0(burst.cycleCpuUs)} µs of Node CPU against ${f0(r.breakdown!.raw.cpuUs)} µs for a whole raw no-op job; the wake-up computes its next batch while the last one's reads and commit are in flight, so only ${f0(part('burst', 'Engine computing')?.wallUs ?? NaN)} µs of a transition's wall-clock pass with no I/O under way. Batching removed the per-timer round trips (${f2(r.census?.burst.clientTotal ?? NaN)} client commands per transition); what is left is the work of a transition itself.`
          : ''),
      '',
    );
  }
  const i = r.isolated;
  if (i) {
    const ratio = i.enginePerSec / i.rawPerSec;
    const c = r.census;
    const arm = part('isolated', 'Arm next wake-up');
    const iso = r.breakdown?.shapes.find((x) => x.shape === 'isolated');
    out.push(
      `**Isolated timers (goal ≥ 0.6×): ${ratio >= GOALS.isolated ? 'met' : 'not met'}** (${f2(ratio)}×: ${f0(i.enginePerSec)} vs ${f0(i.rawPerSec)}/s). A wake-up that fires one timer reads its due timer, its task and (when this process does not hold it) the plan's definition in one script (due-read.lua), commits, and finishes its BullMQ job; the task's next timer, an hour on, is beyond the wake horizon (10 min), so no job is added for it` +
        (c ? `: ${f1(c.isolated.clientTotal)} client commands per transition against ${f1(c.raw.clientTotal)} for a no-op job (§6)` : '') +
        (arm && iso && arm.wallUs >= 1
          ? `; arming a next wake-up is still ${f0(arm.wallUs)} µs of the ${f0(iso.cycleUs)} µs a transition takes at concurrency 1`
          : '') +
        (iso
          ? `. Node CPU per transition at concurrency 1 is ${f0(iso.cycleCpuUs)} µs against ${f0(r.breakdown!.raw.cpuUs)} µs for a raw job, so one process cannot reach 0.6× while a wake-up is a BullMQ job of its own plus a transition: the job cycle alone costs what a raw job does`
          : '') +
        '.',
      '',
    );
  }
  out.push(...budget(r));
  const l = r.lateness;
  if (l) {
    const diff = l.engine.p99 - l.raw.p99;
    out.push(
      `**Lateness p99 (goal ≤ raw + 10 ms): ${diff <= GOALS.latenessP99PlusMs ? 'met' : 'not met'}** — ${ms(l.engine.p99)} against ${ms(l.raw.p99)} (${diff >= 0 ? '+' : '−'}${f1(Math.abs(diff))} ms) with ${n(l.background)} open tasks armed (raw: ${n(l.rawBackground)} delayed jobs); p50 ${ms(l.engine.p50)} against ${ms(l.raw.p50)}. The far-future tasks hold no job (one far wake-up per plan), so they do not weigh on the delayed set the stream's wake-ups are promoted from; on this machine both sides' tails are set by the shared, loaded CPU.` +
        (l.close.engine.p99 > l.engine.p99 + 100
          ? ` When one plan's timers are 1 s apart or closer (second stream), p99 is ${ms(l.close.engine.p99)}: each wake-up stays to fire its plan's next timer and holds a worker slot for the whole stream, so plans beyond a shard's 20 slots wait — a shape a deadline day with many tasks of few plans spread over minutes can take.`
          : ` With one plan's timers 1 s apart (second stream) p99 is ${ms(l.close.engine.p99)}.`),
      '',
    );
  }
  const m = r.memory;
  if (m) {
    const top = m.breakdown.slice(0, 3).map(([k, v]) => `${k} ${f0(v)} B`);
    const fields = m.taskFields.slice(0, 3).map(([k, v]) => `\`${k}\` ${v} B`);
    const realistic = m.engineBytesPerTask + m.definitionJsonPerTask / m.variedDefinitionRatio - m.definitionStoredPerTask;
    out.push(
      `**Memory (goal ≤ 1.5 KiB per open task): ${m.engineBytesPerTask <= GOALS.bytesPerTask ? 'met' : 'not met'}** — ${kib(m.engineBytesPerTask)} per task (${f1(m.ratio)}× a bare delayed job). What dominates: ${top.join(', ')}; in the task hash, ${fields.join(', ')}. ${Number.isFinite(m.listpackBytesPerTask) ? `With \`hash-max-listpack-value 1024\` it would be ${kib(m.listpackBytesPerTask)}.` : `Task hashes are already in the compact listpack encoding (\`${m.taskEncoding}\`).`} The timer layer itself is no longer a per-task cost (${m.wakeJobs} wake-up jobs for ${n(m.tasks)} tasks). What is left is the task's own record: its hash (a compact snapshot, its first history entry, timers under short aliases, no copy of its definition), its index memberships, its place in the plan's task list and one entry (its earliest timer) in the plan's timer index. With a definition that compresses like one whose tasks all differ (${f1(m.variedDefinitionRatio)}×, §4) it would be ${kib(realistic)}: the goal is ${realistic <= GOALS.bytesPerTask ? 'met there too' : 'missed there by ' + f0(realistic - GOALS.bytesPerTask) + ' bytes'}.`,
      '',
    );
  }
  const s = r.scale;
  if (s) {
    out.push(
      `**Scaling.** With ${n(s.large.openTasks)} open tasks the engine runs ${f2(s.ratio)}× the transitions/s it runs with ${n(s.small.openTasks)} (${f0(s.large.usPerTransition)} vs ${f0(s.small.usPerTransition)} µs per transition).`,
      '',
    );
  }
  return out;
}

/**
 * What the two concurrency-50 goals would take, from this run's numbers: the least Node CPU a
 * transition can cost while it is an xstate step of a stored task (and, isolated, a BullMQ job
 * and a read and a commit of its own), against what raw BullMQ spends per job.
 */
function budget(r: Results): string[] {
  const m = (key: string) => r.micro?.find((x) => x.key === key);
  const restore = m('restore')?.us;
  const step = m('step')?.us;
  const persist = m('persist')?.us;
  const json = m('json')?.us;
  const rt = m('roundTrip50')?.cpuUs;
  if (restore === undefined || step === undefined || persist === undefined || json === undefined || rt === undefined) return [];
  const xs = restore + step + persist;
  const out = [
    `**What the concurrency-50 goals would take.** Raw BullMQ at concurrency 50 keeps the one Node thread busy (its rate is set by its Node CPU per job), and so does the engine. The least Node CPU a transition can cost here is one xstate step of its task: restore + step + persist, ${f1(restore)} + ${f1(step)} + ${f1(persist)} = ${f1(xs)} µs (§6), with nothing else — no parsing, notice, history or encoding.`,
    '',
  ];
  const i = r.isolated;
  if (i) {
    const R = median(i.raw.map((x) => x.nodeCpuUsPerJob));
    const E = median(i.engine.map((x) => x.nodeCpuUsPerJob));
    const ER = median(i.engine.map((x) => x.redisCpuUsPerJob));
    const floor = R + xs + 2 * rt;
    const allowed = R / GOALS.isolated;
    const left = allowed - floor;
    out.push(
      `- **Isolated:** a raw job cost ${f0(R)} µs of Node CPU at concurrency 50 in this run, so ${f1(GOALS.isolated)}× allows ${f0(allowed)} µs per wake-up. A wake-up is at least that BullMQ job, the step (${f1(xs)} µs) and two round trips beyond the job's — its read and its compare-and-set commit, ${f1(rt)} µs of client CPU each at 50 in flight (§6): ${f0(floor)} µs, the most this design could reach being ${f2(R / floor)}×. ` +
        (left > 0
          ? `That leaves ${f0(left)} µs for all the rest a wake-up does (parsing its task, its notice, history and index moves, encoding the commit, garbage collection); `
          : `That is already over the allowance before any of the rest a wake-up does (parsing its task, its notice, history and index moves, encoding the commit, garbage collection); `) +
        `the engine spends ${f0(E)} µs in all. With more worker processes the two cores bound the rate instead, at 2 ÷ (the floor + Redis's ${f0(ER)} µs per wake-up): ${f2((2 * R) / (floor + ER))}× this raw rate.`,
    );
  }
  const b = r.burst;
  const raw50 = b?.raw.find((x) => x.concurrency === 50);
  if (b && raw50) {
    const R = median(raw50.runs.map((x) => x.nodeCpuUsPerJob));
    const E = median(b.engine.map((x) => x.nodeCpuUsPerJob));
    const floor = xs + json;
    out.push(
      `- **Burst:** one plan's wake-up is one serial loop, so 1.0× of raw at concurrency 50 needs at most ${f0(R)} µs of Node CPU per transition (a raw job's in this run). The step and one parse and serialisation of the task's snapshot (${f1(json)} µs) take ${f0(floor)} µs, ${R - floor > 0 ? `leaving ${f0(R - floor)} µs for` : `already ${f0(floor - R)} µs over that before`} everything else a transition does (its notice and deliveries, history entry, index moves, its share of the commit, garbage collection); the engine spends ${f0(E)} µs in all, ${f0(E - floor)} µs of it on those.`,
    );
  }
  out.push('');
  return out;
}
