/**
 * Plan files from the command line: validate with line numbers, import a document,
 * simulate a timeline (table, JSON, iCalendar), apply to a running server.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRuntime } from '../helpers/runtime.js';

const ROOT = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/plan.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'duban-cli-'));
const duban = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/duban.js'), ...args], {
    cwd: tmp,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

/** For commands that talk to this process's own server: spawnSync would block it. */
const dubanAsync = (args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/duban.js'), ...args], { cwd: tmp, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (status) => done({ status, stdout, stderr }));
  });

describe('duban validate', () => {
  it('accepts the shipped example', () => {
    const r = duban(['validate', EXAMPLE]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('is valid');
  });

  it('lists each problem with its line and path, and exits non-zero', () => {
    const lines = readFileSync(EXAMPLE, 'utf8').split('\n');
    const i = lines.findIndex((l) => /^\s+deadline:/.test(l));
    lines[i] = lines[i]!.replace(/deadline:.*/, 'deadline: "2023-02-30"');
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, lines.join('\n'));
    const r = duban(['validate', bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`line ${i + 1} tasks\\[0\\]\\.deadline: "2023-02-30" is not a date`));
  });
});

describe('duban import', () => {
  it('drafts a plan file and a report from a document', () => {
    const out = join(tmp, 'draft.yaml');
    const r = duban(['import', join(ROOT, 'test/importer/fixtures/county-reading-plan.txt'), '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\d+ tasks, \d+ report items/);
    expect(readFileSync(out, 'utf8')).toContain('tasks:');
  });

  it('says what is wrong with a missing document', () => {
    const r = duban(['import', join(tmp, 'nope.docx')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot read');
  });
});

describe('duban simulate', () => {
  it('forecasts reminders and every rung for a task never finished, none for tasks on time', () => {
    const r = duban(['simulate', EXAMPLE, '--late', 't1=never', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    const { timeline } = JSON.parse(r.stdout) as { timeline: { entity: string; notices: { kind: string; rung: number | null }[] }[] };
    const t1 = timeline.filter((e) => e.entity === 't1').flatMap((e) => e.notices);
    expect(t1.filter((n) => n.kind === 'rectification').map((n) => n.rung)).toEqual([1, 2, 3, 4]);
    const others = timeline.filter((e) => e.entity !== 't1' && e.entity !== 'plan').flatMap((e) => e.notices);
    expect(others.filter((n) => n.kind === 'rectification')).toEqual([]);
    expect(timeline.filter((e) => e.entity === 'plan').length).toBe(5);
  });

  it('writes an iCalendar file a calendar app can import', () => {
    const r = duban(['simulate', EXAMPLE, '--late', '*=never', '--format', 'ics']);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(r.stdout.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
    const events = r.stdout.split('BEGIN:VEVENT').length - 1;
    expect(events).toBeGreaterThan(5);
    for (const line of r.stdout.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it('names a bad --late', () => {
    const r = duban(['simulate', EXAMPLE, '--late', 'nope=2']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no task "nope"');
  });
});

describe('duban apply', () => {
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let token: string;
  beforeAll(async () => {
    rt = await testRuntime({ api: true });
    token = await rt.tokens.issue({ kind: 'office', name: '办公室', org: 'default' });
  });
  afterAll(() => rt.close());

  it('creates the plan, updates the draft, then publishes it', async () => {
    const env = { DUBAN_SERVER: `http://127.0.0.1:${rt.port}`, DUBAN_TOKEN: token };
    const created = await dubanAsync(['apply', EXAMPLE], env);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toContain('created');
    const updated = await dubanAsync(['apply', EXAMPLE, '--publish'], env);
    expect(updated.status, updated.stderr).toBe(0);
    expect(updated.stdout).toContain('draft updated');
    const plans = await rt.queries.listPlans({ kind: 'office', name: '办公室', org: 'default' });
    expect(plans.map((p) => [p.id, p.stage])).toEqual([['jcjy-2023', 'launch']]);
    // Published now: applying again is an amendment, which needs a reason.
    const again = await dubanAsync(['apply', EXAMPLE], env);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('needs --reason');
  });

  it('amends a published plan: shows the diff, applies it only without --dry-run', async () => {
    const env = { DUBAN_SERVER: `http://127.0.0.1:${rt.port}`, DUBAN_TOKEN: token };
    const doc = parse(readFileSync(EXAMPLE, 'utf8')) as { tasks: { id: string; title: string }[] };
    doc.tasks[0]!.title = `${doc.tasks[0]!.title}（修订）`;
    const dir = mkdtempSync(join(tmpdir(), 'duban-amend-'));
    const file = join(dir, 'plan.yaml');
    writeFileSync(file, stringify(doc));
    const preview = await dubanAsync(['apply', file, '--reason', '标题调整', '--dry-run'], env);
    expect(preview.status, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('amendment preview');
    expect(preview.stdout).toContain(`${doc.tasks[0]!.id} 内容修改 / edited`);
    expect((await rt.queries.planSummary('jcjy-2023')).revision).toBe(2);
    const applied = await dubanAsync(['apply', file, '--reason', '标题调整'], env);
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('amended');
    expect((await rt.queries.planSummary('jcjy-2023')).revision).toBe(3);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses without a token', async () => {
    const r = await dubanAsync(['apply', EXAMPLE], { DUBAN_SERVER: `http://127.0.0.1:${rt.port}`, DUBAN_TOKEN: '' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no token');
  });
});
