/**
 * The plan whose stored keys are kept as fixtures of each build (see capture.ts), and
 * the helpers that dump a plan's keys from Redis and load them back under another
 * prefix. Written for the tests in the genre of the seeds, not copied from them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { PlanDefinitionInput } from '../../src/domain/plan.schema.js';
import type { DumpedKey } from '../../src/engine/archive.js';
import type { RedisClient } from '../../src/store/batch.js';

export type { DumpedKey };

export const STORED_FIXTURE_PLAN = 'mig-2026';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Task ids, each driven into the state it is named after. */
export const STORED_TASKS = [
  'on-track',
  'due-soon',
  'rung-1',
  'rung-2',
  'top',
  'submitted-overdue',
  'under-review',
  'returned',
  'accepted',
] as const;

export function storedFixturePlan(start: number): PlanDefinitionInput {
  return {
    id: STORED_FIXTURE_PLAN,
    title: '云岭县义务教育优质均衡发展三年行动计划',
    issuer: '云岭县教育体育局优质均衡工作领导小组办公室',
    timeZone: 'Asia/Shanghai',
    units: [
      { id: 'jjb', name: '基础教育股', head: 'p-zhang' },
      { id: 'jyzx', name: '教研室', head: 'p-sun' },
      { id: 'bgs', name: '领导小组办公室', kind: 'office', head: 'p-chen' },
    ],
    people: [
      { id: 'p-wang', name: '王立新', title: '局长' },
      { id: 'p-li', name: '李向东', title: '副局长' },
      { id: 'p-zhang', name: '张晓燕', title: '基础教育股股长', unit: 'jjb' },
      { id: 'p-zhao', name: '赵丽', title: '干事', unit: 'jjb' },
      { id: 'p-sun', name: '孙伟', title: '教研室主任', unit: 'jyzx' },
      { id: 'p-chen', name: '陈芳', title: '办公室主任', unit: 'bgs' },
    ],
    leadershipGroup: { leader: 'p-wang', deputies: ['p-li'], members: ['p-sun'], office: { unit: 'bgs', director: 'p-chen', members: [] } },
    phases: [
      { key: 'launch', name: '启动阶段', start: iso(start), end: iso(start + 100 * DAY - 1) },
      { key: 'promotion', name: '推进阶段', start: iso(start + 100 * DAY), end: iso(start + 400 * DAY - 1) },
      { key: 'implementation', name: '全面实施阶段', start: iso(start + 400 * DAY), end: iso(start + 800 * DAY - 1) },
      { key: 'evaluation', name: '总结评估阶段', start: iso(start + 800 * DAY), end: iso(start + 900 * DAY) },
    ],
    areas: [{ id: 'a1', title: '推进优质均衡' }],
    tasks: STORED_TASKS.map((id, i) => ({
      id,
      area: 'a1',
      title: `举措${i + 1}：${id}`,
      responsibleLeader: 'p-li',
      leadDepartment: 'jjb',
      responsiblePerson: 'p-zhao',
      cooperatingUnits: ['jyzx'],
      deadline: iso(start + 30 * DAY),
    })),
    escalation: {
      reminders: ['P1D'],
      reminderNotify: ['responsiblePerson'],
      rungs: [
        { action: 'rectification_notice', notify: ['responsiblePerson', 'departmentHead'], grace: 'P1D' },
        { action: 'public_criticism', notify: ['responsiblePerson', 'departmentHead', 'responsibleLeader'], grace: 'P1D' },
        { action: 'admonishment', notify: ['responsiblePerson', 'departmentHead', 'responsibleLeader', 'groupLeader'], grace: 'P1D' },
        { action: 'disciplinary', notify: ['responsiblePerson', 'departmentHead', 'responsibleLeader', 'leadershipGroup'] },
      ],
    },
  };
}

/** A fixture: the plan's keys as one build stored them, and the machines that build ran. */
export interface StoredFixture {
  machines: { plan: number; task: number };
  planId: string;
  start: number;
  keys: Record<string, DumpedKey>;
}

/** Every fixture in fixtures/ (stored-v<N>.json), by file name. */
export function storedFixtures(): { file: string; data: StoredFixture }[] {
  const dir = new URL('./fixtures/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => /^stored-v\d+\.json$/.test(f))
    .map((f) => ({ file: f, data: JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as StoredFixture }));
}

/** Every key of one plan (its hash tag), by key name with the prefix cut off. */
export async function dumpPlanKeys(redis: RedisClient, prefix: string, planId: string): Promise<Record<string, DumpedKey>> {
  const head = `${prefix}:{${planId}}`;
  const keys = (await redis.keys(`${head}*`)).sort();
  const out: Record<string, DumpedKey> = {};
  for (const key of keys) {
    const name = key.slice(prefix.length);
    const type = await redis.type(key);
    if (type === 'hash') out[name] = { type, value: await redis.hgetall(key) };
    else if (type === 'list') out[name] = { type, value: await redis.lrange(key, '0', '-1') };
    else if (type === 'set') out[name] = { type, value: (await redis.smembers(key)).sort() };
    else if (type === 'zset') {
      const flat = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      const pairs: [string, number][] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, Number(flat[i + 1])]);
      out[name] = { type, value: pairs };
    } else if (type === 'string') out[name] = { type, value: (await redis.get(key)) ?? '' };
    else throw new Error(`cannot dump ${key} of type ${type}`);
  }
  return out;
}

/** Writes dumped keys back under `prefix`, and lists the plan as the plan list would. */
export async function loadPlanKeys(
  redis: RedisClient,
  prefix: string,
  planId: string,
  keys: Record<string, DumpedKey>,
  at: number,
): Promise<void> {
  const pipeline = redis.pipeline();
  for (const [name, k] of Object.entries(keys)) {
    const key = `${prefix}${name}`;
    if (k.type === 'hash') pipeline.hset(key, k.value);
    else if (k.type === 'list') pipeline.rpush(key, ...k.value);
    else if (k.type === 'set') pipeline.sadd(key, ...k.value);
    else if (k.type === 'zset') pipeline.zadd(key, ...k.value.flatMap(([m, s]) => [String(s), m]));
    else pipeline.set(key, k.value);
  }
  await pipeline.exec();
  // The plan list is a global key, in another Cluster slot than the plan's: written on its own, after.
  await redis.zadd(`${prefix}:plans`, at, planId);
}
