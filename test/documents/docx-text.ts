/** Reads a .docx as Word would show its text: unzip (fflate), word/document.xml, one string per paragraph. */
import { strFromU8, unzipSync } from 'fflate';

const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };

export function docxParagraphs(bytes: Uint8Array): string[] {
  const files = unzipSync(bytes);
  const xml = strFromU8(files['word/document.xml']!);
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
    .map((p) =>
      [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]!.replace(/&[a-z]+;/g, (e) => XML_ENTITIES[e] ?? e)).join(''),
    )
    .filter((text) => text.length > 0);
}

export function docxFiles(bytes: Uint8Array): string[] {
  return Object.keys(unzipSync(bytes));
}
