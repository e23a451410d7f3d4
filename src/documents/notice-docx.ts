/**
 * A notice as a Word document: the 整改通知书 of rungs 1–3 and the handling notice
 * (督办处理通知) of the disciplinary rung, or any other notice an office wants on
 * paper. The words are the one rendering the channels send (src/delivery/render.ts):
 * the addressees once in the 主送 line, the text with its dates as offices write them,
 * the facts (deadline, days overdue, rung, measure, the rectification deadline in
 * bold), then the issuer and the date.
 */
import type { Lang } from '../domain/i18n.js';
import type { Notice } from '../domain/notices.js';
import type { PlanDefinition } from '../domain/plan.schema.js';
import { noticeContent, salutation } from '../delivery/render.js';
import { officeDate } from './office-text.js';
import { officialDocx, type OfficialDocument } from './official-docx.js';

/** What a notice is on paper: a rectification notice, the disciplinary rung's handling notice, or another notice. */
export function noticeDocumentKind(notice: Pick<Notice, 'kind' | 'action'>): 'rectification' | 'handling' | 'notice' {
  if (notice.kind !== 'rectification') return 'notice';
  return notice.action === 'disciplinary' ? 'handling' : 'rectification';
}

export interface NoticeDocumentOptions {
  /** 文号 from the series (doc-numbers.ts); null leaves the line out. */
  number: string | null;
  lang?: Lang;
}

export function noticeDocument(plan: PlanDefinition, notice: Notice, o: NoticeDocumentOptions): OfficialDocument {
  const lang = o.lang ?? 'zh';
  const c = noticeContent(plan, notice, { number: o.number });
  return {
    lang,
    issuer: c.issuer,
    number: o.number,
    title: c.title[lang],
    addressee: salutation(c, lang),
    blocks: [
      { kind: 'paragraph', text: c.body[lang] },
      {
        kind: 'facts',
        rows: c.facts.map((f) => ({ label: f.label[lang], value: f.value[lang], ...(f.emphasis ? { emphasis: true } : {}) })),
      },
    ],
    signer: c.issuer,
    date: officeDate(c.issuedAt, c.zone, lang),
  };
}

/** The notice as a .docx file's bytes. */
export function noticeDocx(plan: PlanDefinition, notice: Notice, o: NoticeDocumentOptions): Promise<Buffer> {
  return officialDocx(noticeDocument(plan, notice, o));
}
