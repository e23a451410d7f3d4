/**
 * What every `duban` subcommand shares: its shape, how a failure becomes a message
 * and exit code 1, and the JSON client the office's commands talk to a server with
 * (its address from --server or DUBAN_SERVER, its token from --token or DUBAN_TOKEN).
 */
import { loadConfig } from '../config.js';

export interface CliCommand {
  name: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** A failure the command explains itself; anything else is printed as an error. */
export class CliError extends Error {}

/**
 * A subcommand that runs `run`, prints `help` on --help (and, with `argsRequired`, when
 * called with no arguments, exiting 1), and turns failures into a message and exit 1.
 */
export function command(
  name: string,
  usage: string,
  help: string,
  run: (argv: string[]) => Promise<void>,
  o: { argsRequired?: boolean } = {},
): CliCommand {
  return {
    name,
    usage,
    async run(argv) {
      const bare = o.argsRequired === true && argv.length === 0;
      if (bare || argv.includes('--help') || argv.includes('-h')) {
        console.log(`${usage}\n${help}`);
        return bare ? 1 : 0;
      }
      try {
        await run(argv);
        return 0;
      } catch (err) {
        console.error(err instanceof CliError ? err.message : `错误 / error: ${(err as Error).message}`);
        return 1;
      }
    },
  };
}

interface ErrorAnswer {
  error?: { message?: string; message_en?: string; problems?: { path: string; message: string }[] };
}

/**
 * A JSON call to the server's `/api/v1`: answers the parsed body, or prints every
 * problem the server named and throws a CliError with its message.
 */
export function apiClient(values: { server?: string | undefined; token?: string | undefined }) {
  const config = loadConfig();
  const server = (values.server ?? config.DUBAN_SERVER).replace(/\/$/, '');
  const token = values.token ?? config.DUBAN_TOKEN;
  if (!token) throw new CliError('缺少令牌：用 --token 或 DUBAN_TOKEN / no token: pass --token or set DUBAN_TOKEN');
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${server}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).catch((err: unknown) => {
      throw new CliError(`无法连接服务器 / cannot reach ${server}: ${(err as Error).message}`);
    });
    const json = (await res.json().catch(() => ({}))) as T & ErrorAnswer;
    if (res.status >= 300) {
      // Some answers already open each message with its path: print it once.
      for (const p of json.error?.problems ?? []) console.error(`  ${p.message.includes(`${p.path}:`) ? '' : `${p.path}: `}${p.message}`);
      throw new CliError(`${res.status}：${json.error?.message ?? '请求失败'} / ${json.error?.message_en ?? 'failed'}`);
    }
    return json;
  };
}
