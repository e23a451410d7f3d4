/**
 * Redis keys of the workspace's uploaded evidence. They sit inside the plan's hash
 * tag (`{planId}`) under the engine's prefix, so a plan's files share its Cluster
 * slot and a test's prefix keeps its files apart, beside — never inside — the
 * engine's own key layout (src/store/keys.ts).
 */
import type { Engine } from '../engine/engine.js';

export interface WebKeys {
  /** Hash: name, type, size, taskId, by, at, data (the bytes). */
  file(fileId: string): string;
  /** Sorted set of a task's file ids, scored by upload time. */
  taskFiles(taskId: string): string;
}

/** The engine's key prefix (`dn` unless configured), read back from its plan list key. */
export function enginePrefix(engine: Engine): string {
  const plans = engine.keys.plans;
  if (!plans.endsWith(':plans')) throw new Error(`unexpected plan list key "${plans}": cannot derive the key prefix`);
  return plans.slice(0, -':plans'.length);
}

export function webKeys(engine: Engine, planId: string): WebKeys {
  const base = `${enginePrefix(engine)}:{${planId}}:web`;
  return {
    file: (fileId) => `${base}:f:${fileId}`,
    taskFiles: (taskId) => `${base}:tf:${taskId}`,
  };
}
