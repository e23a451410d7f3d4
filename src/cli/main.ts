/**
 * duban — command line. `start` runs the API and workers in one process (and its own
 * redis-server unless REDIS_URL is set); `api` and `worker` run them apart on a shared
 * Redis, as many as you like.
 */
import { parseArgs } from 'node:util';
import { loadConfig, redisSpec, type Config } from '../config.js';
import { DataDirInUseError, startLocalRedis, type LocalRedis } from '../infra/local-redis.js';
import { hasRedisServer, NO_REDIS_HELP } from '../infra/redis-server.js';
import { createLogger } from '../infra/logger.js';
import type { RedisSpec } from '../infra/redis-connect.js';
// The server (runtime, workspace, demo) is imported when a command starts it, so `duban --help` and the tools start fast.
import type { Runtime } from '../runtime.js';
import { auditCommand } from './audit-command.js';
import { applyCommand, archiveCommand, importCommand, simulateCommand, validateCommand } from './plan-commands.js';
import { reassignCommand } from './personnel-commands.js';
import { orgCommand, peopleCommand } from './directory-commands.js';

const extraCommands = [
  validateCommand,
  applyCommand,
  importCommand,
  simulateCommand,
  archiveCommand,
  auditCommand,
  reassignCommand,
  orgCommand,
  peopleCommand,
];

const HELP = `duban — 督办：行动计划督办引擎 / action-plan supervision engine

用法 / usage:
  duban start  [--port N] [--demo] [--beat S] [--exit]   API + 定时任务处理，一个进程 / API and workers in one process
  duban api    [--port N]                                只运行 HTTP API / the HTTP API only (needs REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS)
  duban worker [--concurrency N]                         只运行定时任务处理 / timer workers only (needs REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS)
${extraCommands.map((c) => `  ${c.usage}`).join('\n')}

环境变量 / environment: REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS, REDIS_SENTINEL_NAME,
  REDIS_USERNAME, REDIS_PASSWORD, PORT, DUBAN_ADMIN_TOKEN, DUBAN_DATA_DIR, DUBAN_WORKER_CONCURRENCY, DUBAN_TIMER_SHARDS, DUBAN_RECONCILE_MS,
  DUBAN_WAKE_HORIZON_MS, DUBAN_DEFINITION_CACHE_MB, DUBAN_REDIS_TIMEOUT_MS, DUBAN_SHUTDOWN_MS, DUBAN_LATE_AFTER_MS, DUBAN_TRUST_PROXY, DUBAN_SERVER, DUBAN_TOKEN (for apply),
  DUBAN_SMTP_URL, DUBAN_MAIL_FROM, DUBAN_DELIVERY_ATTEMPTS, DUBAN_DELIVERY_BACKOFF_MS, DUBAN_DELIVERY_TIMEOUT_MS, DUBAN_PUBLIC_URL,
  DUBAN_LOG_LEVEL, DUBAN_LOG_FORMAT, DUBAN_METRICS_TOKEN, DUBAN_WORKER_PORT
每个命令都支持 --help / every command takes --help.`;

const COMMAND_HELP: Record<string, string> = {
  start: `duban start [--port N] [--demo] [--beat S] [--exit]
  在一个进程中运行 API 和定时任务处理。未设置 REDIS_URL、REDIS_CLUSTER_NODES 或 REDIS_SENTINELS 时自动启动 redis-server，数据保存在 ./data。
  Runs the API and the workers in one process. Without REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS it starts its own redis-server with data in ./data.
  --port N   HTTP 端口 / HTTP port (default: PORT or 3000)
  --demo     载入演示方案并运行到结束 / load the demo plan and run it end to end
  --beat S   演示节拍秒数 / seconds per demo beat (default 10: the plan lasts 15 beats)
  --exit     演示结束后退出 / exit when the demo plan has closed`,
  api: `duban api [--port N]
  只运行 HTTP API，需要 REDIS_URL（或 REDIS_CLUSTER_NODES、REDIS_SENTINELS）。可运行多个。 / The HTTP API only; needs REDIS_URL (or REDIS_CLUSTER_NODES, REDIS_SENTINELS). Run as many as you like.`,
  worker: `duban worker [--concurrency N]
  只运行定时任务处理和对账，需要 REDIS_URL（或 REDIS_CLUSTER_NODES、REDIS_SENTINELS）。可运行多个。 / Timer workers and the reconciler only; needs REDIS_URL (or REDIS_CLUSTER_NODES, REDIS_SENTINELS). Run as many as you like.`,
};

/** A worker's /healthz and /metrics port unless DUBAN_WORKER_PORT says otherwise (Prometheus's exporter range). */
const DEFAULT_WORKER_PORT = 9464;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/**
 * How a server's start fails: one JSON line where its log is JSON (stderr not a terminal,
 * or DUBAN_LOG_FORMAT=json) — a log collector reads it like any other — else the text.
 */
function startFailure(role: string, format: string | undefined): (message: string) => never {
  const json = (format ?? (process.stderr.isTTY ? 'pretty' : 'json')) === 'json';
  return (message) => {
    if (!json) fail(message);
    createLogger({ format: 'json', base: { role } }).fatal(message);
    process.exit(1);
  };
}

/**
 * Set once a stop has begun. Work still running (the demo, a request) then fails as
 * its connections close; those failures are expected and must not decide the exit code.
 */
let stopping: Promise<void> | null = null;

async function redisFor(
  command: string,
  config: Config,
  fail: (message: string) => never,
): Promise<{ spec: RedisSpec; server: LocalRedis | null }> {
  let spec: RedisSpec | null;
  try {
    spec = redisSpec(config);
  } catch (err) {
    fail(`环境变量有误 / invalid environment: ${(err as Error).message}`);
  }
  if (spec) return { spec, server: null };
  if (command !== 'start') {
    fail(
      `duban ${command} 需要 REDIS_URL、REDIS_CLUSTER_NODES 或 REDIS_SENTINELS（多个进程共用一个 Redis）。/ duban ${command} needs REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS (processes share one Redis).`,
    );
  }
  if (!hasRedisServer()) fail(NO_REDIS_HELP);
  let server: LocalRedis;
  try {
    server = await startLocalRedis(config.DUBAN_DATA_DIR);
  } catch (err) {
    fail(
      err instanceof DataDirInUseError ? err.message : `无法启动 redis-server / could not start redis-server: ${(err as Error).message}`,
    );
  }
  console.log(
    server.reused
      ? `沿用上次未停止的 redis-server / reusing the redis-server an earlier start left running: pid ${server.pid}, port ${server.port}, data in ${config.DUBAN_DATA_DIR}`
      : `已启动 redis-server / started redis-server on port ${server.port}, data in ${config.DUBAN_DATA_DIR}`,
  );
  return { spec: { kind: 'single', url: server.url }, server };
}

async function serve(command: 'start' | 'api' | 'worker', argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      concurrency: { type: 'string' },
      demo: { type: 'boolean', default: false },
      beat: { type: 'string' },
      exit: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(COMMAND_HELP[command]);
    return;
  }
  const config = ((): Config => {
    try {
      return loadConfig(
        {
          ...process.env,
          ...(values.port !== undefined ? { PORT: values.port } : {}),
          ...(values.concurrency !== undefined ? { DUBAN_WORKER_CONCURRENCY: values.concurrency } : {}),
        },
        // A bad flag is named as typed.
        {
          ...(values.port !== undefined ? { PORT: '--port' } : {}),
          ...(values.concurrency !== undefined ? { DUBAN_WORKER_CONCURRENCY: '--concurrency' } : {}),
        },
      );
    } catch (err) {
      const raw = process.env.DUBAN_LOG_FORMAT;
      return startFailure(command, raw === 'json' || raw === 'pretty' ? raw : undefined)(`错误 / error: ${(err as Error).message}`);
    }
  })();
  const fail: (message: string) => never = startFailure(command, config.DUBAN_LOG_FORMAT);
  const beat = values.beat === undefined ? 10 : Number(values.beat);
  if (!(beat > 0 && beat <= 3600))
    fail(`--beat 应为 0 到 3600 之间的秒数 / --beat must be seconds between 0 and 3600, got "${values.beat}"`);

  const { spec, server } = await redisFor(command, config, fail);
  let runtime: Runtime | null = null;
  // Logs go to stderr (stdout is the CLI's own output); the demo's story stays readable at warn unless asked otherwise.
  const logger = createLogger({
    level: config.DUBAN_LOG_LEVEL ?? (values.demo ? 'warn' : 'info'),
    ...(config.DUBAN_LOG_FORMAT ? { format: config.DUBAN_LOG_FORMAT } : {}),
    base: { role: command },
  });
  const log = (line: string) => logger.info(line);
  // The API and the workers first, so work in flight can finish; redis-server last,
  // after everything that uses it. Each step is bounded, so a stop never hangs.
  const shutdown = (code: number): Promise<void> => {
    stopping ??= (async () => {
      try {
        await runtime?.close();
      } finally {
        await server?.stop();
      }
      process.exit(code);
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // Asked twice: stop waiting for work in flight; redis-server is still stopped cleanly.
      logger.warn(`再次收到 ${signal}，立即退出 / ${signal} again: exiting now`);
      void (server ? server.stop() : Promise.resolve()).finally(() => process.exit(1));
      return;
    }
    const what = command === 'api' ? 'the API' : command === 'worker' ? 'the workers' : 'the API and workers';
    logger.warn(`收到 ${signal}，正在停止 / ${signal}: stopping ${what}${server ? ', then redis-server' : ''}`);
    void shutdown(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  const { startRuntime } = await import('../runtime.js');
  const { mountWorkspace } = await import('./web.js');
  try {
    runtime = await startRuntime({
      redis: spec,
      prefix: config.DUBAN_PREFIX,
      log,
      logger,
      ...(config.DUBAN_METRICS_TOKEN ? { metricsToken: config.DUBAN_METRICS_TOKEN } : {}),
      // A worker-only process has no API: /healthz and /metrics get a port of their own.
      ...(command === 'worker'
        ? { workerPort: config.DUBAN_WORKER_PORT ?? DEFAULT_WORKER_PORT, workerPortIsDefault: config.DUBAN_WORKER_PORT === undefined }
        : {}),
      redisTimeoutMs: config.DUBAN_REDIS_TIMEOUT_MS,
      lateAfterMs: config.DUBAN_LATE_AFTER_MS,
      shutdownMs: config.DUBAN_SHUTDOWN_MS,
      dataDir: config.DUBAN_DATA_DIR,
      delivery: {
        maxAttempts: config.DUBAN_DELIVERY_ATTEMPTS,
        backoffMs: config.DUBAN_DELIVERY_BACKOFF_MS,
        timeoutMs: config.DUBAN_DELIVERY_TIMEOUT_MS,
        ...(config.DUBAN_SMTP_URL ? { smtpUrl: config.DUBAN_SMTP_URL } : {}),
        ...(config.DUBAN_MAIL_FROM ? { mailFrom: config.DUBAN_MAIL_FROM } : {}),
        ...(config.DUBAN_PUBLIC_URL ? { publicUrl: config.DUBAN_PUBLIC_URL } : {}),
      },
      ...(config.DUBAN_ADMIN_TOKEN ? { adminToken: config.DUBAN_ADMIN_TOKEN } : {}),
      ...(config.DUBAN_TIMER_SHARDS !== undefined ? { timerShards: config.DUBAN_TIMER_SHARDS } : {}),
      wakeHorizonMs: config.DUBAN_WAKE_HORIZON_MS,
      definitionCacheBytes: config.DUBAN_DEFINITION_CACHE_MB * 1024 * 1024,
      ...(command !== 'worker'
        ? {
            api: {
              port: config.PORT,
              extend: mountWorkspace,
              ...(config.DUBAN_TRUST_PROXY !== undefined ? { trustProxy: config.DUBAN_TRUST_PROXY } : {}),
            },
          }
        : {}),
      ...(command !== 'api'
        ? {
            worker: {
              concurrency: config.DUBAN_WORKER_CONCURRENCY,
              reconcileMs: config.DUBAN_RECONCILE_MS,
              lockMs: config.DUBAN_LOCK_MS,
              stalledMs: config.DUBAN_STALLED_MS,
            },
          }
        : {}),
    });
  } catch (err) {
    await server?.stop();
    fail(`启动失败 / could not start: ${(err as Error).message}`);
  }

  // Only a process that serves the API makes the first admin token: its log is where the
  // README sends the office to find it (docker compose logs api), and a worker started
  // beside an API given DUBAN_ADMIN_TOKEN must not mint a second one.
  const admin = command === 'worker' ? null : await runtime.tokens.ensureAdmin();
  if (admin) console.log(`首个管理员令牌（仅显示一次）/ first admin token (shown once): ${admin}`);
  if (runtime.port !== undefined)
    console.log(`Duban ${command} 已就绪 / ready: http://127.0.0.1:${runtime.port}/  (API: /api/v1, health: /healthz)`);
  else
    console.log(
      `Duban worker 已就绪 / ready (concurrency ${config.DUBAN_WORKER_CONCURRENCY}; health: http://127.0.0.1:${runtime.workerPort}/healthz, metrics: /metrics)`,
    );

  if (values.demo) {
    if (command !== 'start') fail('--demo 只能用于 start / --demo goes with start');
    const { runDemo } = await import('../demo/run-demo.js');
    await runDemo(runtime, { beat, out: (line) => console.log(line) });
    if (values.exit) {
      console.log('演示结束 / demo finished.');
      await shutdown(0);
    }
    console.log(
      `\n演示结束，服务仍在运行：http://127.0.0.1:${runtime.port}/ — 按 Ctrl-C 退出。/ Demo finished; the server keeps running — Ctrl-C to stop.`,
    );
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return;
  }
  if (command === 'start' || command === 'api' || command === 'worker') return serve(command, rest);
  const extra = extraCommands.find((c) => c.name === command);
  if (extra) {
    process.exitCode = await extra.run(rest);
    return;
  }
  fail(`未知命令 / unknown command: ${command}\n\n${HELP}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (!stopping) fail(`错误 / error: ${(err as Error).message}`);
});
