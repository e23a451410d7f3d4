/**
 * The bulletin an office issues (.docx) and the draft it prints from the workspace say
 * the same thing: every heading and paragraph of the document stands in the printed
 * draft word for word, in the same order, and its department table is the draft's with
 * the same rows. The draft adds what the office works from (tasks done on time by
 * name, the leaders' reviews, the tables by person and by leader).
 */
import { describe, expect, it } from 'vitest';
import { bulletinDocument } from '../../src/documents/bulletin-docx.js';
import type { AccountabilityReport } from '../../src/domain/report.js';
import { escapeHtml } from '../../src/web/notice-page.js';
import { renderReportPage } from '../../src/web/report-page.js';
import { bulletinReport, outcome, tally } from '../helpers/report-fixture.js';

const base = bulletinReport();
/** The fixture's term, with 基教办's task returned once and an extension asked, 人事股's task by name, and a leader's reviews. */
const report: AccountabilityReport = {
  ...base,
  totals: { ...base.totals, returns: 1, extensionsRequested: 1 },
  departments: base.departments.map((d) => (d.department === 'jjb' ? { ...d, returns: 1, extensionsRequested: 1 } : d)),
  people: [
    ...base.people,
    {
      person: 'p-zhou',
      name: '周敏',
      department: 'rsg',
      departmentName: '人事股',
      ...tally({ tasks: 1, finished: 1, onTime: 1, onTimeRate: 1 }),
    },
  ],
  leaders: [
    { leader: 'p-li', name: '李明', tasks: 2, reviews: 2, accepted: 1, returned: 1, averageReviewDays: 1.5, lateReviews: 1, pending: 0 },
  ],
  tasks: [
    outcome({ returns: 1, extensionsRequested: 1, extensionsRejected: 1 }),
    outcome({
      taskId: 't2',
      title: '出台职称倾斜政策',
      leadDepartment: 'rsg',
      responsiblePerson: 'p-zhou',
      finished: true,
      onTime: true,
      overdue: false,
      overdueDays: 0,
      rungs: [0, 0, 0, 0],
      highestRung: 0,
    }),
  ],
};

/** The page's headings and paragraphs inside its body, and its tables' rows, as text. */
function pageParts(html: string) {
  const body = html.slice(html.indexOf('<div class="rd-body">'), html.indexOf('<div class="rd-sign">'));
  const text = [...body.matchAll(/<(h2|p)>(.*?)<\/\1>/g)].map((m) => m[2]!);
  const tables = [...body.matchAll(/<table>(.*?)<\/table>/g)].map((t) =>
    [...t[1]!.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map((c) => c[1]!)),
  );
  return { text, tables };
}

describe.each(['zh', 'en'] as const)('the bulletin (督导结果通报) in %s', (lang) => {
  const doc = bulletinDocument(report, { number: null, lang });
  const page = renderReportPage(report, lang);
  const { text, tables } = pageParts(page);

  it('has the same title, draft mark and addressees on the page as in the document', () => {
    expect(page).toContain(`<h1 class="rd-title">${escapeHtml(doc.title)}</h1>`);
    expect(page).toContain(`<p class="rd-draft">${escapeHtml(doc.subtitle!)}</p>`);
    expect(page).toContain(`<p class="rd-to">${escapeHtml(doc.addressee)}</p>`);
  });

  it('prints every heading and paragraph of the document, word for word and in order', () => {
    const words = doc.blocks.flatMap((b) => (b.kind === 'heading' || b.kind === 'paragraph' ? [escapeHtml(b.text)] : []));
    expect(words.length).toBeGreaterThan(6);
    let at = -1;
    for (const w of words) {
      const next = text.indexOf(w, at + 1);
      expect(next, w).toBeGreaterThan(at);
      at = next;
    }
    // What the draft adds for the office: the tasks done on time by name, and the reviews.
    expect(text.length).toBeGreaterThan(words.length);
    expect(text.join('\n')).toContain(lang === 'zh' ? '出台职称倾斜政策' : 'Tasks done on time');
  });

  it('has the document’s department table as the page’s first table, the page adding the extension counts', () => {
    const table = doc.blocks.find((b) => b.kind === 'table');
    if (table?.kind !== 'table') throw new Error('no table in the document');
    const [head, ...rows] = tables[0]!;
    expect(head!.slice(0, -1)).toEqual(table.head.map(escapeHtml));
    expect(rows.map((r) => r.slice(0, -1))).toEqual(table.rows.map((r) => r.map(escapeHtml)));
    expect(rows.map((r) => r.at(-1))).toEqual(['1/0', '0/0', '1/0']);
    expect(tables).toHaveLength(3);
  });
});
