/**
 * The escalation ladder, where a plan states one (the district plan's 五(四)):
 * 下发整改意见 → 通报批评 + 第二次整改通知书 → 诫勉谈话 + 第三次整改通知书 → 处理直至处分.
 * Found when at least two rungs appear in order within one passage. Plans rarely give
 * the rectification period; when they do it becomes the grace ("限期5个工作日内整改" →
 * { workingDays: 5 }, in the plan's holiday calendar; "7日内" → P7D), otherwise the
 * default ladder's 7 days is used and reported as assumed.
 */
import type { PlanDefinitionInput } from '../domain/plan.schema.js';
import { DEFAULT_ESCALATION } from '../domain/policy.js';
import { chineseNumber } from './numerals.js';
import type { Report } from './report.js';
import { lineOf, type SourceText } from './source-text.js';

type EscalationInput = NonNullable<PlanDefinitionInput['escalation']>;
type RungInput = EscalationInput['rungs'][number];

const RUNGS: Array<{ action: RungInput['action']; re: RegExp; zh: string }> = [
  { action: 'rectification_notice', re: /下发整改(?:意见|通知)|第一次整改通知书|责令(?:限期)?整改|限期整改/, zh: '下发整改意见' },
  { action: 'public_criticism', re: /通报批评|公开通报|第二次整改通知书/, zh: '通报批评' },
  { action: 'admonishment', re: /诫勉谈话|约谈|当面(?:提出)?警告|第三次整改通知书/, zh: '诫勉谈话' },
  { action: 'disciplinary', re: /直至处分|给予处分|纪律处分|处分|追究责任|严肃问责|问责/, zh: '处理直至处分' },
];
/** How far apart the first and last rung may be and still be one ladder. */
const PASSAGE = 800;
const GRACE = /(?:限期|在)?([一二三四五六七八九十两\d]{1,3})\s*(?:个)?(工作日|日|天|周|个月)(?:之?内|以内)/;

/** The schema's grace: an ISO duration, or working days in the plan's holiday calendar. */
function grace(n: number, unit: string): RungInput['grace'] {
  if (unit === '工作日') return { workingDays: n };
  if (unit === '周') return `P${n * 7}D`;
  if (unit === '个月') return `P${n}M`;
  return `P${n}D`;
}

function describe(g: RungInput['grace']): string {
  return typeof g === 'object' && g !== null ? `${g.workingDays} 个工作日 / working days` : String(g);
}

export interface EscalationResult {
  escalation?: EscalationInput;
  lines: number[];
}

export function extractEscalation(src: SourceText, report: Report): EscalationResult {
  const s = src.norm;
  // Every place a rung is named, in order; the first that starts a run of at least two
  // rungs, in ladder order within one passage, is the ladder. A plan may start its
  // ladder above rung 1 ("予以通报批评…约谈").
  const starts = RUNGS.flatMap((rung, level) => [...s.matchAll(new RegExp(rung.re.source, 'g'))].map((m) => ({ m, level }))).sort(
    (a, b) => a.m.index - b.m.index,
  );
  for (const { m: start, level } of starts) {
    const first = RUNGS[level]!;
    const hits: Array<{ action: RungInput['action']; index: number; end: number; zh: string }> = [
      { action: first.action, index: start.index, end: start.index + start[0].length, zh: first.zh },
    ];
    let from = hits[0]!.end;
    for (const rung of RUNGS.slice(level + 1)) {
      const window = s.slice(from, start.index + PASSAGE);
      const m = rung.re.exec(window);
      if (!m) continue;
      hits.push({ action: rung.action, index: from + m.index, end: from + m.index + m[0].length, zh: rung.zh });
      from = from + m.index + m[0].length;
    }
    if (hits.length < 2) continue;

    const rungs: RungInput[] = [];
    const lines: number[] = [];
    hits.forEach((h, k) => {
      const base = DEFAULT_ESCALATION.rungs.find((r) => r.action === h.action)!;
      const rung: RungInput = { action: h.action, notify: [...base.notify] };
      const line = lineOf(src, h.index);
      lines.push(line);
      if (k < hits.length - 1) {
        const between = s.slice(h.index, hits[k + 1]!.index);
        const g = GRACE.exec(between);
        const n = g ? chineseNumber(g[1] ?? '') : null;
        if (g && n !== null && n > 0) {
          rung.grace = grace(n, g[2] ?? '日');
          const at = lineOf(src, h.index + g.index);
          report.add(
            'found',
            `escalation.rungs[${k}].grace`,
            at,
            `第 ${k + 1} 级（${h.zh}）的整改期限：「${g[0]}」（第 ${at} 行）→ ${describe(rung.grace)}`,
            `rung ${k + 1} (${h.action}) gives a rectification period: "${g[0]}" (line ${at}) → ${describe(rung.grace)}`,
          );
        } else {
          rung.grace = 'P7D';
          report.add(
            'assumed',
            `escalation.rungs[${k}].grace`,
            line,
            `原文未写第 ${k + 1} 级（${h.zh}）的整改期限，草稿暂定 P7D（7 天）`,
            `the document gives no rectification period for rung ${k + 1} (${h.zh}); the draft uses P7D (7 days)`,
          );
        }
      }
      rungs.push(rung);
    });
    const summary = hits.map((h) => h.zh).join(' → ');
    report.add(
      'found',
      'escalation',
      lines[0] ?? null,
      `督办升级共 ${hits.length} 级：${summary}（第 ${[...new Set(lines)].join('、')} 行）`,
      `escalation ladder of ${hits.length} rungs: ${hits.map((h) => h.action).join(' → ')} (line ${[...new Set(lines)].join(', ')})`,
    );
    if (hits.length < RUNGS.length) {
      const missing = RUNGS.filter((r) => !hits.some((h) => h.action === r.action)).map((r) => r.zh);
      report.add(
        'found',
        'escalation',
        lines[0] ?? null,
        `原文的升级规则没有：${missing.join('、')}`,
        `the document's ladder has no ${missing.join(', ')} rung`,
      );
    }
    return { escalation: { reminders: [...DEFAULT_ESCALATION.reminders], reminderNotify: ['responsiblePerson'], rungs }, lines };
  }
  report.add(
    'missing',
    'escalation',
    null,
    '原文未写督办升级规则，将使用默认规则（整改通知 → 通报批评 → 诫勉谈话 → 处分，每级 7 天）',
    'the document states no escalation ladder; the default applies (notice → public criticism → admonishment → disciplinary, 7 days a rung)',
  );
  return { lines: [] };
}
