export {
  importPlanDocument,
  importPlanDocuments,
  type ImportAllResult,
  type ImportOptions,
  type ImportResult,
  type SourceRef,
} from './import-plan.js';
export { readDocument, docxText, documentXmlParagraphs, decodeText, type DocumentText } from './read-document.js';
export { writePlanYaml, type WriteYamlOptions } from './write-yaml.js';
export { formatReport, TBD_PERSON, TBD_UNIT, type ImportReportItem, type ReportKind } from './report.js';
