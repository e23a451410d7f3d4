/**
 * Reads a plan document as text: .txt and .md as they are (UTF-8, or GB18030 — the
 * encoding Chinese Windows saves text in — when the bytes are not valid UTF-8), and
 * .docx as one line per paragraph of word/document.xml, so report line numbers count
 * paragraphs. A .docx is a zip; fflate reads it without a document library.
 *
 * Word's automatic numbering (w:numPr) is not in the text: a paragraph numbered by
 * Word reads as its words alone. Such paragraphs are counted so the caller can warn.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { unzipSync } from 'fflate';

export interface DocumentText {
  text: string;
  format: 'txt' | 'md' | 'docx';
  encoding: 'utf-8' | 'gb18030';
  /** .docx only: paragraphs numbered by Word's list numbering (numbers not in the text). */
  autoNumbered: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ENTITIES[e.toLowerCase()] ?? _;
  });
}

/** Paragraph texts of a WordprocessingML document.xml. */
export function documentXmlParagraphs(xml: string): { paragraphs: string[]; autoNumbered: number } {
  const paragraphs: string[] = [];
  let autoNumbered = 0;
  for (const p of xml.matchAll(/<w:p[\s>][\s\S]*?<\/w:p>|<w:p\/>/g)) {
    const body = p[0];
    if (/<w:numPr>/.test(body)) autoNumbered += 1;
    let text = '';
    // Runs in order: text, tabs and breaks. Deleted text (w:delText) is left out.
    for (const t of body.matchAll(/<w:t(?:\s[^>]*)?>([\s\S]*?)<\/w:t>|<w:tab\/>|<w:br\/>|<w:cr\/>/g)) {
      if (t[1] !== undefined) text += decodeEntities(t[1]);
      else if (t[0] === '<w:tab/>') text += '\t';
      else text += ' ';
    }
    paragraphs.push(text);
  }
  return { paragraphs, autoNumbered };
}

/** Text of a .docx file's bytes. */
export function docxText(bytes: Uint8Array): { text: string; autoNumbered: number } {
  const files = unzipSync(bytes, { filter: (f) => f.name === 'word/document.xml' });
  const xml = files['word/document.xml'];
  if (xml === undefined) throw new Error('not a .docx: word/document.xml is missing / 不是有效的 .docx 文件');
  const { paragraphs, autoNumbered } = documentXmlParagraphs(new TextDecoder('utf-8').decode(xml));
  return { text: paragraphs.join('\n'), autoNumbered };
}

/**
 * Markdown marks that would hide numbering from the importer ("## 一、", "**责任领导**:",
 * "- 1.…"), removed line by line so line numbers stay those of the file.
 */
export function stripMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/^\s{0,3}#{1,6}\s+/, '')
        .replace(/^\s{0,3}>\s?/, '')
        .replace(/^\s*[-*+]\s+(?=\S)/, '')
        .replace(/\*\*|__/g, ''),
    )
    .join('\n');
}

/** Decodes text bytes: UTF-8 if valid, else GB18030. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

export async function readDocument(path: string): Promise<DocumentText> {
  const bytes = new Uint8Array(await readFile(path));
  const ext = extname(path).toLowerCase();
  if (ext === '.docx') {
    const { text, autoNumbered } = docxText(bytes);
    return { text, format: 'docx', encoding: 'utf-8', autoNumbered };
  }
  if (ext === '.doc') throw new Error('.doc (Word 97–2003) is not supported: save it as .docx / 不支持 .doc 格式，请另存为 .docx');
  const { text, encoding } = decodeText(bytes);
  if (ext === '.md' || ext === '.markdown') return { text: stripMarkdown(text), format: 'md', encoding, autoNumbered: 0 };
  return { text, format: 'txt', encoding, autoNumbered: 0 };
}
