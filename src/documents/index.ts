/** Notices as documents: 文号 series, .docx of notices and the bulletin, and the office's way of writing dates and punctuation. */
export {
  DocNumbers,
  DocNumberError,
  DocNumberSeriesSchema,
  docYear,
  formatDocNumber,
  type DocNumber,
  type DocNumberSeries,
  type LedgerLine,
  type VoidRecord,
} from './doc-numbers.js';
export { noticeDocument, noticeDocumentKind, noticeDocx, type NoticeDocumentOptions } from './notice-docx.js';
export { bulletinDocument, bulletinDocx, type BulletinOptions } from './bulletin-docx.js';
export { officialDocx, type Block, type OfficialDocument } from './official-docx.js';
export { fullWidth, officeDate, officeDateTime, officeDatesIn, withoutSalutation } from './office-text.js';
