/**
 * Plan files from the command line: validate with line numbers, import a document,
 * simulate a timeline (table, JSON, iCalendar), apply to a running server.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  // Two short plans on one page, each under its own title with its own 一、.
  const twoPlans = [
    '南溪县教育局工作方案汇编',
    '南溪县中小学劳动教育推进方案',
    '一、工作目标',
    '到2025年，劳动教育实践基地达到10个。',
    '二、主要任务',
    '1.开设劳动课程。2025年6月底前每校开足劳动课。（责任单位：基教股）',
    '南溪县校园安全隐患排查方案',
    '一、主要任务',
    '1.排查校舍隐患。2024年9月底前完成全面排查。（责任单位：安全股）',
    '2.整改消防设施。2024年12月底前整改到位。（责任单位：后勤股）',
  ].join('\n');

  it('writes one draft and one report per plan into a folder, with a line for each', () => {
    const doc = join(tmp, 'nanxi-two.txt');
    writeFileSync(doc, twoPlans);
    const dir = join(tmp, 'drafts');
    const r = duban(['import', doc, '-o', `${dir}/`]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['nanxi-two-1.report.txt', 'nanxi-two-1.yaml', 'nanxi-two-2.report.txt', 'nanxi-two-2.yaml']);
    const first = parse(readFileSync(join(dir, 'nanxi-two-1.yaml'), 'utf8')) as { id: string; title: string; tasks: { title: string }[] };
    const second = parse(readFileSync(join(dir, 'nanxi-two-2.yaml'), 'utf8')) as { id: string; title: string; tasks: { title: string }[] };
    expect([first.id, first.title, first.tasks.map((t) => t.title)]).toEqual([
      'nanxi-two-1',
      '南溪县中小学劳动教育推进方案',
      ['开设劳动课程'],
    ]);
    expect([second.id, second.title, second.tasks.map((t) => t.title)]).toEqual([
      'nanxi-two-2',
      '南溪县校园安全隐患排查方案',
      ['排查校舍隐患', '整改消防设施'],
    ]);
    // Each report is its plan's, Chinese first with full-width punctuation, English after it.
    const report = readFileSync(join(dir, 'nanxi-two-2.report.txt'), 'utf8');
    expect(report).toMatch(/^第 \d+ 行 \[/m);
    expect(report).toContain('原文包含 2 个方案');
    expect(report).not.toMatch(/[\u4e00-\u9fa5][,:;]/);
    expect(report).toContain(' / ');
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('✓'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^✓ 「南溪县中小学劳动教育推进方案」：1 项任务，\d+ 条报告 \/ 1 tasks, \d+ report items → .*nanxi-two-1\.yaml/,
    );
    expect(lines[1]).toMatch(/2 项任务.*nanxi-two-2\.yaml/);
  });

  it('asks for a folder when a document with several plans is given one file, and writes nothing', () => {
    const doc = join(tmp, 'nanxi-two.txt');
    writeFileSync(doc, twoPlans);
    const out = join(tmp, 'one.yaml');
    const r = duban(['import', doc, '-o', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^nanxi-two\.txt 含 2 个方案（「南溪县中小学劳动教育推进方案」、「南溪县校园安全隐患排查方案」）.*-o 目录\/.* \/ .*holds 2 plans.*-o DIR\//m,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('writes nothing for a text that is not a plan, and says why', () => {
    const doc = join(tmp, 'essay.txt');
    writeFileSync(
      doc,
      ['谈谈读书', '读书使人明理。古人说，书犹药也，善读之可以医愚。', '我们每天读一点书，日积月累，自然会有收获。'].join('\n'),
    );
    const dir = join(tmp, 'essay-drafts');
    const r = duban(['import', doc, '-o', `${dir}/`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^essay\.txt 不是方案文档：.* \/ essay\.txt is not a plan/m);
    expect(existsSync(dir)).toBe(false);
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
