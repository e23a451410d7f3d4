/**
 * The supervision bulletin (督导结果通报) as a Word document: the part of the office's
 * printable draft (src/web/report-page.ts) it issues — the overall figures, the
 * departments commended, the tasks that were late and how far up the ladder they went,
 * and the table by department — in the same words, from the one model both lay out
 * (src/documents/bulletin-model.ts).
 */
import type { Lang } from '../domain/i18n.js';
import type { AccountabilityReport } from '../domain/report.js';
import { bulletinContent } from './bulletin-model.js';
import { officeDate } from './office-text.js';
import { officialDocx, type OfficialDocument } from './official-docx.js';

export interface BulletinOptions {
  /** 文号 from the series, or null for a draft (the number line is left for the office). */
  number: string | null;
  lang?: Lang;
}

export function bulletinDocument(report: AccountabilityReport, o: BulletinOptions): OfficialDocument {
  const lang = o.lang ?? 'zh';
  const content = bulletinContent(report, lang, { full: false });
  return {
    lang,
    issuer: report.issuer,
    number: o.number,
    title: content.title,
    ...(o.number === null ? { subtitle: content.draft } : {}),
    addressee: content.addressee,
    blocks: content.blocks,
    signer: report.issuer,
    date: officeDate(report.generatedAt, report.timeZone, lang),
  };
}

export function bulletinDocx(report: AccountabilityReport, o: BulletinOptions): Promise<Buffer> {
  return officialDocx(bulletinDocument(report, o));
}
