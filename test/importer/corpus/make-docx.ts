/**
 * Writes the corpus's .docx documents from their text in docx-src/ (one paragraph per
 * line; a line that opens a section, "一、…", is a bold heading), with the `docx`
 * package, as Word would save them. Run after editing a source:
 *
 *   npx tsx test/importer/corpus/make-docx.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, Packer, Paragraph, TextRun } from 'docx';

const here = fileURLToPath(new URL('.', import.meta.url));
const sources = join(here, 'docx-src');

for (const name of readdirSync(sources).filter((f) => f.endsWith('.txt'))) {
  const lines = readFileSync(join(sources, name), 'utf8').replace(/\n$/, '').split('\n');
  const doc = new Document({
    sections: [
      {
        children: lines.map(
          (line, i) => new Paragraph({ children: [new TextRun({ text: line, bold: i === 0 || /^[一二三四五六七八九十]+、/.test(line) })] }),
        ),
      },
    ],
  });
  const out = join(here, name.replace(/\.txt$/, '.docx'));
  writeFileSync(out, await Packer.toBuffer(doc));
  console.log(`wrote ${out}`);
}
