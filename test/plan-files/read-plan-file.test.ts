import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formatProblems, parsePlanText, readPlanFile, type PlanFileProblem } from '../../src/plan-files/index.js';

const REPO_ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'duban-plan-files-'));
const simple = (problems: PlanFileProblem[]) => problems.map((p) => `${p.line} ${p.path}: ${p.message}`);

// Line numbers matter below: keep this text as it is.
const BAD = `id: demo
title: 示例方案
issuer: 示例区教育局
units:
  - { id: jjb, name: 基础教育股 }
people:
  - { id: p1, name: 王明, titel: 局长 }
  - { id: 007, name: 李华 }
leadershipGroup:
  leader: p9
phases:
  - { key: launch, start: 2023-04-01, end: 2023-08-31 }
  - { key: promotion, start: 2023-09-01, end: 2024-08-31 }
  - { key: implementation, start: 2024-09-01, end: 2024-08-31 }
tasks:
  - { id: t1, title: 甲, responsibleLeader: p1, leadDepartment: jjb, responsiblePerson: p1, deadline: 2023-08-31 }
  - { id: t2, title: 乙, responsibleLeader: p1, leadDepartment: jjb, responsiblePerson: p1, deadline: 2023-08-31 }
  - { id: t3, title: 丙, responsibleLeader: p1, leadDepartment: jjb, responsiblePerson: p1, deadline: 2023-08-31 }
  - id: t4
    title: 丁
    responsibleLeader: p1
    leadDepartment: jwb
    responsiblePerson: p1
    deadline: 2023-02-30
  - id: t5
    title: 戊
    responsibleLeader: p1
    leadDepartment: jjb
    deadlne: 2023-03-01
escalation:
  rungs:
    - { action: rectification_notice, notify: [responsiblePerson], grace: 7 days }
    - { action: disciplinary, notify: [leadershipGroup] }
`;

describe('readPlanFile', () => {
  it('accepts the shipped example plan, with no warnings', async () => {
    const result = await readPlanFile(join(REPO_ROOT, 'examples/plan.yaml'));
    expect(result.ok ? result.warnings : formatProblems(result.problems)).toEqual([]);
    if (result.ok) {
      expect(result.plan.tasks).toHaveLength(5);
      expect(result.plan.people).toHaveLength(8);
      expect(result.plan.phases.map((p) => p.key)).toEqual(['launch', 'promotion', 'implementation', 'evaluation']);
      expect(result.plan.escalation.rungs[2]?.grace).toEqual({ workingDays: 5 });
      expect(result.plan.calendar).toBe('cn-mainland');
    }
  });

  it('reports every problem at once, each with its line and path', () => {
    const result = parsePlanText(BAD, { file: 'bad.yaml' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(simple(result.problems)).toEqual([
      '7 people[0].titel: unknown field "titel" is ignored',
      '8 people[1].id: must be a string, found number 7 (put it in quotes: "007")',
      '10 leadershipGroup.leader: no person "p9"',
      '11 phases: must have exactly 4 item(s)',
      '14 phases[2].end: phases[2].end is before phases[2].start',
      '22 tasks[3].leadDepartment: no unit "jwb"',
      '24 tasks[3].deadline: "2023-02-30" is not a date',
      '25 tasks[4].deadline: is required',
      '25 tasks[4].responsiblePerson: is required',
      '29 tasks[4].deadlne: unknown field "deadlne" is ignored (did you mean "deadline"?)',
      '32 escalation.rungs[0].grace: "7 days" is not a positive ISO 8601 duration (P7D, PT12H, PT30S)',
    ]);
    expect(result.problems.filter((p) => p.severity === 'warning').map((p) => p.path)).toEqual(['people[0].titel', 'tasks[4].deadlne']);
  });

  it('formats problems as "line N path: message", in English, Chinese or both', () => {
    const result = parsePlanText(BAD, { file: 'bad.yaml' });
    if (result.ok) throw new Error('expected problems');
    const deadline = result.problems.filter((p) => p.path === 'tasks[3].deadline');
    expect(formatProblems(deadline, { lang: 'en' })).toBe('line 24 tasks[3].deadline: "2023-02-30" is not a date');
    expect(formatProblems(deadline, { lang: 'zh' })).toBe('第 24 行 tasks[3].deadline: "2023-02-30" 不是真实存在的日期');
    expect(formatProblems(deadline)).toBe('line 24 tasks[3].deadline: "2023-02-30" is not a date / "2023-02-30" 不是真实存在的日期');
    expect(formatProblems(deadline, { lang: 'en', file: 'bad.yaml' })).toBe('bad.yaml:24 tasks[3].deadline: "2023-02-30" is not a date');
    const warning = result.problems.filter((p) => p.path === 'people[0].titel');
    expect(formatProblems(warning, { lang: 'en' })).toBe('line 7 warning people[0].titel: unknown field "titel" is ignored');
  });

  it('reports YAML syntax errors with their line', () => {
    const result = parsePlanText('id: x\ntitle: "unclosed\nissuer: y\n', { file: 'broken.yaml' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]).toMatchObject({ path: '', severity: 'error' });
      expect(result.problems[0]!.line).toBeGreaterThanOrEqual(2);
      expect(result.problems[0]!.zh).toContain('YAML 语法错误');
    }
    const dup = parsePlanText('id: x\nid: y\n', { file: 'dup.yaml' });
    expect(dup.ok ? [] : dup.problems.map((p) => [p.line, p.zh])).toEqual([[2, 'YAML 语法错误：同一对象中键重复']]);
  });

  it('reads JSON plans with the same line numbers, and JSON syntax errors', async () => {
    const example = parse(readFileSync(join(REPO_ROOT, 'examples/plan.yaml'), 'utf8')) as Record<string, unknown>;
    const good = join(dir, 'plan.json');
    writeFileSync(good, JSON.stringify(example, null, 2));
    expect((await readPlanFile(good)).ok).toBe(true);

    const bad = join(dir, 'bad.json');
    const broken = { ...example, issuer: '', phases: (example.phases as object[]).slice(0, 3) };
    writeFileSync(bad, JSON.stringify(broken, null, 2));
    const result = await readPlanFile(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const issuerLine =
        JSON.stringify(broken, null, 2)
          .split('\n')
          .findIndex((l) => l.includes('"issuer"')) + 1;
      expect(result.problems.find((p) => p.path === 'issuer')).toMatchObject({ line: issuerLine, message: 'must not be empty' });
      expect(result.problems.find((p) => p.path === 'phases')?.message).toBe('must have exactly 4 item(s)');
    }

    const syntax = parsePlanText('{\n  "id": "x",\n  "title": "t",\n}\n', { file: 'trailing.json' });
    expect(syntax.ok ? null : syntax.problems[0]).toMatchObject({ line: 4, path: '', severity: 'error' });
  });

  it('says when the file is missing, empty or not a mapping', async () => {
    const missing = await readPlanFile(join(dir, 'nope.yaml'));
    expect(missing.ok ? null : missing.problems[0]?.zh).toMatch(/^无法读取文件/);
    expect(parsePlanText('   \n').ok).toBe(false);
    const list = parsePlanText('- a\n- b\n');
    expect(list.ok ? null : list.problems[0]?.message).toMatch(/mapping/);
  });
});

describe('working-day offsets in plan files', () => {
  const example = readFileSync(join(REPO_ROOT, 'examples/plan.yaml'), 'utf8');
  const withGrace = (grace: string) =>
    parsePlanText(example.replace('grace: { workingDays: 5 }', `grace: ${grace}`), { file: 'plan.yaml' });
  const line = example.split('\n').findIndex((l) => l.includes('grace: { workingDays: 5 }')) + 1;

  it('explains a grace that is neither a duration nor working days', () => {
    const bad = withGrace('{ workngDays: 3 }');
    expect(bad.ok ? [] : formatProblems(bad.problems, { lang: 'en' }).split('\n')).toEqual([
      `line ${line} escalation.rungs[2].grace: an object must be an ISO 8601 duration ("P7D") or working days ({ workingDays: 3 })`,
      `line ${line} warning escalation.rungs[2].grace.workngDays: unknown field "workngDays" is ignored (did you mean "workingDays"?)`,
    ]);
    const zero = withGrace('{ workingDays: 0 }');
    expect(zero.ok ? [] : simple(zero.problems)).toEqual([`${line} escalation.rungs[2].grace.workingDays: 0 must be at least 1`]);
  });
});

describe('bounds in plan files, in Chinese', () => {
  it('says in Chinese why an absurd year, offset or period is refused', async () => {
    const { schemaMessage } = await import('../../src/plan-files/messages.js');
    expect(schemaMessage('"2400-01-01" is outside the years a plan may run in (2000–2100)', '"2400-01-01"').zh).toBe(
      '"2400-01-01" 超出方案可用的年份范围（2000–2100 年）',
    );
    expect(schemaMessage('"2026-01-01T00:00+25:00" has the UTC offset +25:00; real offsets run from -12:00 to +14:00', '').zh).toContain(
      'UTC 偏移 +25:00 不存在',
    );
    expect(schemaMessage('"P99999999Y" is longer than the longest allowed period (10 years)', '').zh).toBe(
      '"P99999999Y" 超过允许的最长期限（10 年）',
    );
  });
});
