/**
 * The directory's one way to write: a change is computed from what was read at a
 * version, then applied by `write.lua` only if the version is still current, all
 * its ops at once. Offices write the directory rarely and by hand, so recomputing
 * on the odd collision costs nothing, and a check made before writing (an id is
 * free, a unit exists) still holds when the write lands.
 */
import { readFileSync } from 'node:fs';
import { ConflictError } from '../errors.js';
import type { RedisClient } from '../store/batch.js';

const SCRIPT = readFileSync(new URL('./write.lua', import.meta.url), 'utf8');

type WriteCommand = (...args: string[]) => Promise<number>;

function writeCommand(redis: RedisClient): WriteCommand {
  const client = redis as unknown as { dubanDirectoryWrite?: WriteCommand };
  if (!client.dubanDirectoryWrite) redis.defineCommand('dubanDirectoryWrite', { lua: SCRIPT });
  return (client.dubanDirectoryWrite as WriteCommand).bind(redis);
}

/** The ops of one change, collected before anything is written. */
export class Change {
  private readonly keys: string[] = [];
  private readonly args: string[] = [];

  get empty(): boolean {
    return this.args.length === 0;
  }

  private op(name: 'hset' | 'hdel' | 'sadd' | 'srem' | 'rpush', key: string, ...values: string[]): this {
    let index = this.keys.indexOf(key);
    if (index < 0) index = this.keys.push(key) - 1;
    // KEYS[1] is the version counter: the ops' keys start at 2.
    this.args.push(name, String(index + 2), String(values.length), ...values);
    return this;
  }

  hset(key: string, field: string, value: string): this {
    return this.op('hset', key, field, value);
  }
  sadd(key: string, member: string): this {
    return this.op('sadd', key, member);
  }
  srem(key: string, member: string): this {
    return this.op('srem', key, member);
  }
  rpush(key: string, value: string): this {
    return this.op('rpush', key, value);
  }

  /** Applies the change if the version is still `version`; false when another change landed first. */
  async apply(redis: RedisClient, versionKey: string, version: string): Promise<boolean> {
    if (this.empty) return true;
    const result = await writeCommand(redis)(String(this.keys.length + 1), versionKey, ...this.keys, version, ...this.args);
    return result !== -1;
  }
}

const ATTEMPTS = 20;

/**
 * Runs `compute` against the current version until its change lands. `compute` reads
 * what it needs and throws to refuse; it returns the change (possibly empty) and the
 * result to hand back.
 */
export async function changeDirectory<T>(
  redis: RedisClient,
  versionKey: string,
  compute: () => Promise<{ change: Change; result: T }>,
): Promise<T> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // Read the version before anything else: a change landing after this read makes the write refuse.
    const version = (await redis.get(versionKey)) ?? '0';
    const { change, result } = await compute();
    if (await change.apply(redis, versionKey, version)) return result;
  }
  throw new ConflictError({
    zh: '通讯录正被频繁修改，本次未写入：请稍后重试',
    en: 'The directory kept changing under this write; nothing was written: try again',
  });
}
