/**
 * Configuration: the only module that reads process.env. Command-line flags win
 * over the environment; the environment wins over defaults.
 */
import { z } from 'zod';
import { parseHostPorts, type RedisSpec } from './infra/redis-connect.js';

const EnvShape = z.object({
  REDIS_URL: z
    .string()
    .url()
    .refine((v) => /^rediss?:\/\//.test(v), '应以 redis:// 或 rediss:// 开头 / must start with redis:// or rediss://')
    .optional(),
  /** A Redis Cluster instead: some of its nodes as host:port,host:port (the rest are found from them). */
  REDIS_CLUSTER_NODES: z.string().optional(),
  /** Or a master behind Sentinel: the sentinels as host:port,…, and the master's name. */
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z.string().optional(),
  /** Credentials of the cluster's nodes or the Sentinel master (a single server takes them in REDIS_URL). */
  REDIS_USERNAME: z.string().optional(),
  REDIS_PASSWORD: z.string().optional(),
  /** Credentials of the sentinels themselves, when they ask for any. */
  REDIS_SENTINEL_USERNAME: z.string().optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DUBAN_ADMIN_TOKEN: z.string().min(16).optional(),
  DUBAN_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]{1,16}$/)
    .default('dn'),
  DUBAN_DATA_DIR: z.string().default('./data'),
  DUBAN_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
  /**
   * Wake-up queue shards (hash-tagged queues, so on a Redis Cluster each sits in its own slot).
   * Read once, when a deployment first starts; every later start uses the number stored then.
   */
  DUBAN_TIMER_SHARDS: z.coerce.number().int().min(1).max(256).optional(),
  DUBAN_RECONCILE_MS: z.coerce.number().int().min(100).default(30_000),
  /**
   * How far ahead a plan's wake-up is armed as a job: further-off ones are armed by the
   * reconciler's pass as they come within it (src/engine/scheduler.ts). At least two
   * reconciler periods, so each is armed before it is due.
   */
  DUBAN_WAKE_HORIZON_MS: z.coerce.number().int().min(1_000).default(600_000),
  /**
   * Plan definitions each process holds parsed, in MiB of their text (src/engine/definitions.ts):
   * a worker that wakes more plans than fit unpacks a definition again at each wake-up.
   */
  DUBAN_DEFINITION_CACHE_MB: z.coerce.number().int().min(1).max(65_536).default(64),
  DUBAN_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  DUBAN_STALLED_MS: z.coerce.number().int().min(100).default(30_000),
  /** Bound on each Redis command a request makes; past it the request answers 503. */
  DUBAN_REDIS_TIMEOUT_MS: z.coerce.number().int().min(100).default(3_000),
  /** How long a stop lets requests and jobs in flight finish before cutting connections. */
  DUBAN_SHUTDOWN_MS: z.coerce.number().int().min(0).default(5_000),
  /** A timer that runs this long after it was due (an outage held it up) issues its step now, with periods counted from now. */
  DUBAN_LATE_AFTER_MS: z.coerce.number().int().min(1_000).default(60_000),
  /**
   * Behind a reverse proxy (nginx, a load balancer): which proxies to trust for the
   * client's address in X-Forwarded-For, as Express takes it — a hop count ("1"),
   * "loopback", or addresses. Unset, the socket's address is the client's, so
   * per-address sign-in limits cannot be dodged with a forged header.
   */
  DUBAN_TRUST_PROXY: z.string().optional(),
  /** Mail for notices (the `email` route): smtp://user:pass@host:587 or smtps://…:465, and the sender. */
  DUBAN_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  DUBAN_MAIL_FROM: z.string().optional(),
  /** Tries of one delivery before it is failed, and the first backoff (each further try waits twice as long). */
  DUBAN_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  DUBAN_DELIVERY_BACKOFF_MS: z.coerce.number().int().min(10).default(30_000),
  /** How long one request to a robot, webhook or mail server may take. */
  DUBAN_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** The workspace's public address, for the link in each message. */
  DUBAN_PUBLIC_URL: z.string().url().optional(),
  /** Log level (trace, debug, info, warn, error, fatal, silent); debug also logs errors' stacks. Unset: info (warn for the demo). */
  DUBAN_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
  /** json (one object per line) or pretty (one readable line); unset, pretty on a terminal and JSON otherwise. */
  DUBAN_LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** Bearer token for /metrics from other machines; unset, /metrics answers only on loopback. */
  DUBAN_METRICS_TOKEN: z.string().min(16).optional(),
  /** A worker-only process's port for /healthz and /metrics (0: any free port). Unset: 9464, or any free port when that is taken. */
  DUBAN_WORKER_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Where `duban apply` sends plans, and the token it uses. */
  DUBAN_SERVER: z.string().url().default('http://127.0.0.1:3000'),
  DUBAN_TOKEN: z.string().optional(),
});

const Env = EnvShape.superRefine((env, ctx) => {
  if (env.DUBAN_WAKE_HORIZON_MS < 2 * env.DUBAN_RECONCILE_MS)
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['DUBAN_WAKE_HORIZON_MS'],
      message: `须至少为 DUBAN_RECONCILE_MS（${env.DUBAN_RECONCILE_MS}）的两倍，否则远期唤醒可能来不及安排 / must be at least twice DUBAN_RECONCILE_MS (${env.DUBAN_RECONCILE_MS}), or a far-off wake-up may be armed too late`,
    });
});

export type Config = z.infer<typeof Env>;

/**
 * What is wrong with one setting, in Chinese and English: the reason zod gives, said
 * from its code (its own text is English only), with the value given.
 */
function settingProblem(issue: z.core.$ZodIssue, value: string | undefined, name: string): string {
  // Secrets are never echoed; a URL's credentials are masked.
  const shown = value === undefined || /TOKEN|PASSWORD/.test(name) ? undefined : value.replace(/:\/\/[^@/]*@/, '://***@');
  const given = shown === undefined ? '' : `「${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}」`;
  const i = issue as z.core.$ZodIssue & {
    minimum?: number | bigint;
    maximum?: number | bigint;
    origin?: string;
    values?: unknown[];
    format?: string;
    expected?: string;
  };
  const text = ((): { zh: string; en: string } => {
    if (i.code === 'invalid_type')
      return i.expected === 'number' || i.expected === 'int'
        ? { zh: '应为整数', en: 'must be a whole number' }
        : { zh: `类型不对（应为 ${i.expected}）`, en: `must be ${i.expected}` };
    if (i.code === 'too_small')
      return i.origin === 'string'
        ? { zh: `至少 ${i.minimum} 个字符`, en: `must be at least ${i.minimum} characters` }
        : { zh: `不能小于 ${i.minimum}`, en: `must be at least ${i.minimum}` };
    if (i.code === 'too_big') return { zh: `不能大于 ${i.maximum}`, en: `must be at most ${i.maximum}` };
    if (i.code === 'invalid_value')
      return { zh: `应为 ${(i.values ?? []).join('、')} 之一`, en: `must be one of ${(i.values ?? []).join(', ')}` };
    if (i.code === 'invalid_format')
      return i.format === 'url'
        ? { zh: '不是网址', en: 'is not a URL' }
        : { zh: `格式不对（${i.format}）`, en: `is not a valid ${i.format}` };
    // Checks written here give both languages already.
    return { zh: i.message, en: '' };
  })();
  return text.en ? `${name}${given}：${text.zh} / ${name} ${text.en}` : `${name}${given}：${text.zh}`;
}

/**
 * The settings, from the environment. A bad value stops the start with one line that names
 * each setting that is wrong (by `labels`, when it came from a command-line flag) and why.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, labels: Record<string, string> = {}): Config {
  // An empty variable (REDIS_URL= ) means unset, as in most tools.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(set);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = i.path.join('.');
      return settingProblem(i, set[key], labels[key] ?? key);
    });
    throw new Error(`设置有误 / invalid settings：${problems.join('；')}`);
  }
  return parsed.data;
}

/** Thrown for a Redis configuration that cannot work; its message names the variables. */
export class RedisConfigError extends Error {}

/**
 * Where Redis is, from REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS — at most
 * one of them — or null when none is set (`duban start` then runs its own server).
 * A cluster's nodes take REDIS_USERNAME / REDIS_PASSWORD, or those of a
 * `redis://user:pass@host:port` written in the list's first entry.
 */
export function redisSpec(config: Config): RedisSpec | null {
  const given = (['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'] as const).filter((k) => config[k] !== undefined);
  if (given.length > 1)
    throw new RedisConfigError(
      `${given.join('、')} 只能设置一个（单机、集群或哨兵）/ set only one of ${given.join(', ')} (one server, a cluster or Sentinel)`,
    );
  const auth = {
    ...(config.REDIS_USERNAME ? { username: config.REDIS_USERNAME } : {}),
    ...(config.REDIS_PASSWORD ? { password: config.REDIS_PASSWORD } : {}),
  };
  if (config.REDIS_URL) return { kind: 'single', url: config.REDIS_URL };
  if (config.REDIS_CLUSTER_NODES) {
    const { list, fromUrl } = credentialsInList(config.REDIS_CLUSTER_NODES);
    const nodes = parseHostPorts(list);
    if (typeof nodes === 'string') throw new RedisConfigError(`REDIS_CLUSTER_NODES：${nodes}`);
    return { kind: 'cluster', nodes, ...fromUrl, ...auth };
  }
  if (config.REDIS_SENTINELS) {
    const sentinels = parseHostPorts(config.REDIS_SENTINELS);
    if (typeof sentinels === 'string') throw new RedisConfigError(`REDIS_SENTINELS：${sentinels}`);
    if (!config.REDIS_SENTINEL_NAME)
      throw new RedisConfigError(
        "REDIS_SENTINELS 需要 REDIS_SENTINEL_NAME（主节点名，如 mymaster）/ REDIS_SENTINELS needs REDIS_SENTINEL_NAME (the master's name, e.g. mymaster)",
      );
    return {
      kind: 'sentinel',
      sentinels,
      name: config.REDIS_SENTINEL_NAME,
      ...auth,
      ...(config.REDIS_SENTINEL_USERNAME ? { sentinelUsername: config.REDIS_SENTINEL_USERNAME } : {}),
      ...(config.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: config.REDIS_SENTINEL_PASSWORD } : {}),
    };
  }
  return null;
}

/** `redis://user:pass@h1:p1,h2:p2` → the bare list and its credentials (decoded). */
function credentialsInList(value: string): { list: string; fromUrl: { username?: string; password?: string } } {
  const m = /^rediss?:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(.*?)\/?$/.exec(value.trim());
  if (!m) return { list: value, fromUrl: {} };
  const fromUrl: { username?: string; password?: string } = {};
  if (m[1]) fromUrl.username = decodeURIComponent(m[1]);
  if (m[2]) fromUrl.password = decodeURIComponent(m[2]);
  return { list: m[3]!, fromUrl };
}
