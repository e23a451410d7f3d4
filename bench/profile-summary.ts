/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by
 * package, so a bottleneck can be named with numbers.
 *   npx tsx bench/profile-summary.ts FILE.cpuprofile [top] [function-to-show-callers-of]
 * `npm run bench` leaves the engine drain's profile in $TMPDIR/duban-bench-engine.cpuprofile.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per profile node, leaving out the profiler's own work (stopping the
 * profiler through node:inspector shows up as a native `dispatch` frame).
 */
function selfTimes(p: Profile): Map<number, number> {
  const parent = new Map<number, Node>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const profiler = new Set<number>();
  for (const n of p.nodes) {
    for (let q: Node | undefined = n; q; q = parent.get(q.id)) {
      if (q.callFrame.url === 'node:inspector') {
        profiler.add(n.id);
        break;
      }
    }
  }
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => {
    if (!profiler.has(id) && byId.has(id)) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  return self;
}

export function summarise(path: string, top = 25): string {
  return summariseProfile(JSON.parse(readFileSync(path, 'utf8')) as Profile, top);
}

const ROOT = `file://${process.cwd()}/`;

export interface Summary {
  totalMs: number;
  packages: [string, number][];
  functions: [string, number][];
}

export function profileSummary(p: Profile): Summary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = selfTimes(p);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const url = n.callFrame.url;
    const short = url.replace(/^.*node_modules\//, '').replace(ROOT, '');
    const key = `${n.callFrame.functionName || '(anon)'} ${short}:${n.callFrame.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const group = url.includes('node_modules/')
      ? url.replace(/^.*node_modules\//, '').split('/')[0]!
      : url.startsWith('file://')
        ? `duban:${url.replace(ROOT, '').split('/')[0]}`
        : url.startsWith('node:')
          ? 'node-internal'
          : n.callFrame.functionName.startsWith('(')
            ? n.callFrame.functionName
            : 'v8/native';
    pkg.set(group, (pkg.get(group) ?? 0) + us);
  }
  const share = (m: Map<string, number>): [string, number][] => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, v / total]);
  return { totalMs: total / 1000, packages: share(pkg), functions: share(fn) };
}

/** Who calls `name` (matched on function name), by the callee's self time: for native frames such as `dispatch`. */
export function callersOf(p: Profile, name: string): [string, number][] {
  const parent = new Map<number, Node>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = selfTimes(p);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const out = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    if (n.callFrame.functionName !== name) continue;
    const chain: string[] = [];
    // The nearest callers outside Node's internals, which only relay.
    for (let q = parent.get(id); q && chain.length < 4; q = parent.get(q.id)) {
      if (q.callFrame.url.startsWith('node:') || !q.callFrame.url) continue;
      chain.push(`${q.callFrame.functionName || '(anon)'} ${q.callFrame.url.replace(/^.*node_modules\//, '').replace(ROOT, '')}`);
    }
    const key = chain.join(' ← ');
    out.set(key, (out.get(key) ?? 0) + us / total);
  }
  return [...out].sort((a, b) => b[1] - a[1]);
}

/**
 * Inclusive time of selected frames (function name + a piece of its file path): the
 * share of samples with that frame anywhere on the stack.
 */
export function inclusive(p: Profile, frames: { label: string; fn: string; file: string }[]): [string, number][] {
  const parent = new Map<number, Node>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
  const self = selfTimes(p);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const sums = new Map<string, number>(frames.map((f) => [f.label, 0]));
  for (const [id, us] of self) {
    const hit = new Set<string>();
    for (let q = p.nodes.find((n) => n.id === id); q; q = parent.get(q.id)) {
      for (const f of frames) {
        if (q.callFrame.functionName === f.fn && q.callFrame.url.includes(f.file)) hit.add(f.label);
      }
    }
    for (const label of hit) sums.set(label, (sums.get(label) ?? 0) + us / total);
  }
  return frames.map((f) => [f.label, sums.get(f.label) ?? 0]);
}

export function summariseProfile(p: Profile, top = 25): string {
  const s = profileSummary(p);
  const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)}%`;
  const lines = [`total ${s.totalMs.toFixed(0)} ms sampled`, '', 'self time by package:'];
  for (const [k, v] of s.packages.slice(0, 15)) lines.push(`  ${pct(v)}  ${k}`);
  lines.push('', 'self time by function:');
  for (const [k, v] of s.functions.slice(0, top)) lines.push(`  ${pct(v)}  ${k}`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, top, callers] = process.argv.slice(2);
  if (!path) throw new Error('usage: profile-summary.ts file.cpuprofile [top] [function-to-show-callers-of]');
  console.log(summarise(path, Number(top ?? 25)));
  if (callers) {
    console.log(`\ncallers of ${callers}:`);
    for (const [k, v] of callersOf(JSON.parse(readFileSync(path, 'utf8')) as Profile, callers).slice(0, 15)) {
      console.log(`  ${(100 * v).toFixed(1).padStart(5)}%  ${k}`);
    }
  }
}
