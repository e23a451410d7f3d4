import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { importPlanDocument, writePlanYaml } from '../../src/importer/index.js';
import { parsePlanText, formatProblems } from '../../src/plan-files/index.js';
import { fillBlanks } from './fill.js';

const text = readFileSync(new URL('./fixtures/county-reading-plan.txt', import.meta.url), 'utf8');
const { plan, report, sources } = importPlanDocument(text, { sourceName: 'county-reading-plan.txt' });
const yaml = writePlanYaml(plan, report, { sources, sourceName: 'county-reading-plan.txt' });

describe('writePlanYaml', () => {
  it('starts with a header listing every report item by line', () => {
    const header = yaml.split('\n').filter((l) => l.startsWith('#'));
    expect(header[0]).toContain('county-reading-plan.txt');
    expect(yaml).toContain(`导入报告 / import report (${report.length})`);
    expect(yaml).toContain('#   第 41 行 [原文错误] phases[2]');
    expect(yaml).toContain('#   第 21 行 [空白] tasks[1].responsibleLeader');
  });

  it('puts comments at the fields and source lines at the items', () => {
    expect(yaml).toMatch(/# 原文第 14 行 \/ source line 14\n\s+- id: t1/);
    expect(yaml).toMatch(/responsibleLeader: tbd # ⚠ 待填（第 21 行）/);
    expect(yaml).toMatch(/end: 2024-07-31 # ✗ 原文有误（第 41 行）/);
    expect(yaml).toMatch(/deadline: 2024-08-31 # ↻ 周期性（第 25 行）/);
  });

  it('reads back as the same plan, failing only on the reported defect', () => {
    const loaded = parsePlanText(yaml, { file: 'draft.yaml' });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.problems.map((p) => p.path)).toEqual(['phases[2].end']);
      expect(formatProblems(loaded.problems, { lang: 'en' })).toMatch(
        /^line \d+ phases\[2\]\.end: phases\[2\]\.end is before phases\[2\]\.start$/,
      );
    }
  });

  it('loads once the blanks are filled', () => {
    const filled = fillBlanks(plan, [
      ['2023-09-01', '2023-12-31'],
      ['2024-01-01', '2024-08-31'],
      ['2024-09-01', '2025-07-31'],
      ['2025-09-01', '2025-12-31'],
    ]);
    const loaded = parsePlanText(writePlanYaml(filled, []), { file: 'filled.yaml' });
    expect(loaded.ok ? [] : formatProblems(loaded.problems)).toEqual([]);
    if (loaded.ok) {
      // Four measures and the two recurring duties outside them (lines 5 and 44).
      expect(loaded.plan.tasks).toHaveLength(6);
      expect(loaded.plan.tasks[1]!.recurrence).toEqual({ every: 'schoolYear', times: 1, text: '每学年一次' });
      expect(loaded.plan.goals[1]).toMatchObject({ target: 0.25, comparison: '<' });
      expect(loaded.warnings).toEqual([]);
    }
  });
});
