/**
 * A local HTTP server standing in for a robot platform or an OA system: it hands each
 * request (raw URL, headers, raw body) to the test's handler, records it, and can be
 * told to answer 500 or to hang. Closing it drops hung connections.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status?: number;
  json: unknown;
  headers?: Record<string, string>;
}

export type Mode = 'normal' | 'error500' | 'hang';

export interface StandIn {
  base: string;
  received: Received[];
  /** Requests the handler accepted (answered with the platform's success). */
  accepted: Received[];
  /** Accepted requests whose answer reached a sender still connected: what the sender could have recorded. */
  confirmed: Received[];
  mode: Mode;
  close(): Promise<void>;
}

export async function startStandIn(
  handle: (req: Received) => Answer & { accepted?: boolean },
  /** `delayMs`: answer this long after the request arrived (a slow platform: a sender killed meanwhile never hears). */
  o: { delayMs?: number } = {},
): Promise<StandIn> {
  const received: Received[] = [];
  const accepted: Received[] = [];
  const confirmed: Received[] = [];
  const state = { mode: 'normal' as Mode };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      if (state.mode === 'hang') return;
      if (state.mode === 'error500') {
        res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
        return;
      }
      const answer = () => {
        const a = handle(r);
        if (a.accepted) accepted.push(r);
        if (req.socket.destroyed) return;
        res
          .writeHead(a.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...a.headers })
          .end(JSON.stringify(a.json), () => {
            if (a.accepted) confirmed.push(r);
          });
      };
      if (o.delayMs) setTimeout(answer, o.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    accepted,
    confirmed,
    get mode() {
      return state.mode;
    },
    set mode(m: Mode) {
      state.mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The value of one query parameter as the platform's server reads it (form-decoded). */
export function queryParam(url: string, name: string): string | null {
  return new URL(url, 'http://x').searchParams.get(name);
}
