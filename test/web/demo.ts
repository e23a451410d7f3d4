/**
 * Looks at the workspace by hand: starts a private redis-server, a runtime with the
 * web workspace, seeds the test scenario and prints a token for each person.
 *
 *   npx tsx test/web/demo.ts [port]      (Ctrl-C stops it)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '../../src/infra/redis-server.js';
import { startRuntime } from '../../src/runtime.js';
import { mountWeb } from '../../src/web/index.js';
import { seedScenario } from './scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-web-demo-'));
const redis = await startRedisServer(dir, { persist: false });
const rt = await startRuntime({
  redisUrl: redis.url,
  prefix: 'demo',
  log: (line) => console.error(line),
  api: { port: Number(process.argv[2] ?? 8080), extend: mountWeb },
  worker: { concurrency: 5, reconcileMs: 1_000 },
});
const { tokens } = await seedScenario(rt);
console.log(`workspace: http://127.0.0.1:${rt.port}/`);
for (const [person, token] of Object.entries(tokens)) console.log(`${person}\t${token}`);
const stop = async () => {
  await rt.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
