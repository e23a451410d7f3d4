/**
 * Configuration: the only module that reads process.env. Command-line flags win
 * over the environment; the environment wins over defaults.
 */
import { z } from 'zod';

const Env = z.object({
  REDIS_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DUBAN_ADMIN_TOKEN: z.string().min(16, 'DUBAN_ADMIN_TOKEN must be at least 16 characters').optional(),
  DUBAN_PREFIX: z
    .string()
    .regex(/^[a-z0-9-]{1,16}$/)
    .default('dn'),
  DUBAN_DATA_DIR: z.string().default('./data'),
  DUBAN_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
  DUBAN_RECONCILE_MS: z.coerce.number().int().min(100).default(30_000),
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
  /** Where `duban apply` sends plans, and the token it uses. */
  DUBAN_SERVER: z.string().url().default('http://127.0.0.1:3000'),
  DUBAN_TOKEN: z.string().optional(),
});

export type Config = z.infer<typeof Env>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (REDIS_URL= ) means unset, as in most tools.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`环境变量有误 / invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
