/**
 * The process logger (pino): one JSON object per line on stderr — stdout stays the
 * CLI's own output (the demo's story, the first admin token) — with `level` as a
 * word (`info`, `warn`, `error`), `time` in ISO 8601 and `msg`.
 *
 * - Level: DUBAN_LOG_LEVEL (trace, debug, info, warn, error, fatal, silent), default info.
 * - Format: DUBAN_LOG_FORMAT=json|pretty. Unset, it is `pretty` when stderr is a
 *   terminal (a person running `duban start --demo` reads it) and JSON otherwise
 *   (a log collector reads it). `pretty` is our own one-line form, so no
 *   pretty-printer dependency: `11:04:16 WARN  message  key=value`.
 * - Errors are one line: logged as `err: { type, message, code }`; the stack is kept
 *   only at debug level or below, and then as one escaped JSON string (pretty output
 *   never prints it).
 *
 * Code that only has a `log(line)` callback (the engine, the directory) keeps it:
 * `duban start` passes `(line) => logger.info(line)`.
 */
import { pino, type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerConfig {
  level?: LogLevel;
  /** Unset: pretty on a terminal, JSON otherwise. */
  format?: LogFormat;
  /** Where lines go (default stderr); tests pass a collector. */
  destination?: DestinationStream;
  /** Fields on every line (e.g. `{ role: 'worker' }`). */
  base?: Record<string, unknown>;
}

const STACK_LEVELS = new Set<string>(['trace', 'debug']);

/** One line's worth of an error: its type, message and code, the stack only when asked for. */
export function errorFields(err: unknown, withStack: boolean): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: err.message,
    ...(code !== undefined ? { code } : {}),
    ...(withStack && err.stack ? { stack: err.stack } : {}),
  };
}

/** pino options shared by every logger we build. */
function options(level: LogLevel, base: Record<string, unknown> | undefined): LoggerOptions {
  const withStack = STACK_LEVELS.has(level);
  return {
    level,
    base: { pid: process.pid, ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: (err: unknown) => errorFields(err, withStack) },
  };
}

/** A field's value as text: strings as they are, the rest as JSON. */
const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

const PRETTY_SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** One pino JSON line in the pretty form: `11:04:16 WARN  message  key=value …`. */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.replace(/\n+$/, '');
  }
  const time = typeof o.time === 'string' ? o.time.slice(11, 19) : '';
  const level = text(o.level).toUpperCase();
  const rest = Object.entries(o)
    .filter(([k]) => !PRETTY_SKIP.has(k))
    .map(([k, v]) => {
      if (k === 'err' && v && typeof v === 'object') {
        const e = v as { message?: unknown; code?: unknown };
        return `err=${JSON.stringify(text(e.message))}${e.code !== undefined ? ` code=${text(e.code)}` : ''}`;
      }
      return `${k}=${text(v)}`;
    });
  const msg = text(o.msg).replace(/\s*\n\s*/g, ' ');
  return `${time} ${level.padEnd(5)} ${msg}${rest.length ? `  ${rest.join(' ')}` : ''}`;
}

/** The process logger, as DUBAN_LOG_LEVEL and DUBAN_LOG_FORMAT ask. */
export function createLogger(c: LoggerConfig = {}): Logger {
  const level = c.level ?? 'info';
  const format = c.format ?? (process.stderr.isTTY ? 'pretty' : 'json');
  // Synchronous, so the lines written just before process.exit are not lost.
  const sink: { write(line: string): unknown } =
    c.destination ?? (format === 'pretty' ? process.stderr : pino.destination({ fd: 2, sync: true }));
  const stream: DestinationStream = format === 'pretty' ? { write: (line) => void sink.write(`${prettyLine(line)}\n`) } : sink;
  return pino(options(level, c.base), stream);
}

/**
 * A logger for code that was given only a `log(line)` callback (the runtime in tests):
 * each record reaches it as its pretty line, so nothing is lost and no JSON is forced on it.
 */
export function loggerFromLines(log: (line: string) => void, level: LogLevel = 'info'): Logger {
  return pino(options(level, undefined), { write: (line: string) => log(prettyLine(line).replace(/^\S* \S+\s+/, '')) });
}

/** Whether `level` is one pino knows (for config parsing). */
export function isLogLevel(level: string): level is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(level);
}

/** `log(line)` at a level: what code with a line callback gets from a logger. */
export function lineLog(logger: Logger, level: Level = 'info'): (line: string) => void {
  return (line) => logger[level](line);
}
