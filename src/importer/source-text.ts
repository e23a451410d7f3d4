/**
 * The document as one character stream, with every character's source line.
 *
 * Plans arrive as clean one-paragraph-per-line text, as .docx paragraphs, or as dumps
 * from document-sharing sites where each line is a whole page prefixed "1、", "2、"…
 * and paragraphs run on across page breaks ("配合单位:…综合办公室、\n4、督导室…").
 * Headings and responsibility fields are found inline in the stream, so both shapes
 * parse alike; `lineAt` keeps every extracted item's line number in the source.
 *
 * Two strings of equal length are kept: `norm` for matching (full-width ASCII folded
 * to half-width, wrap-spaces between Chinese characters removed) and `orig` for the
 * text put into the draft, so titles keep their own punctuation.
 */

export interface SourceText {
  norm: string;
  orig: string;
  /** 1-based source line of each character of norm/orig. */
  lineAt: number[];
  /** True when the document was recognised as a page dump (lines "1、…", "2、…"). */
  pageDump: boolean;
  /** Source lines dropped as site boilerplate after the last page of a dump. */
  dropped: { from: number; to: number } | null;
  /** Number of source lines. */
  lineCount: number;
}

const PAGE_MARK = /^\s*(\d{1,3})、/;

/**
 * A page dump: at least three lines start "1、", "2、", "3、"… in order, they are long
 * (whole pages), and most of them stop mid-sentence (a page ends where the page ends).
 * A numbered list of measures "1、…" has items that end in 。 or ), so it is not
 * mistaken for one, however long its items are.
 */
function findPageLines(lines: string[]): Set<number> | null {
  const pages: number[] = [];
  let expect = 1;
  lines.forEach((line, i) => {
    const m = PAGE_MARK.exec(line);
    if (m && Number(m[1]) === expect) {
      pages.push(i);
      expect += 1;
    }
  });
  if (pages.length < 3) return null;
  const mean = pages.reduce((n, i) => n + (lines[i]?.length ?? 0), 0) / pages.length;
  const cut = pages.filter((i) => !/[。;;!！?？)）”]\s*$/.test(lines[i] ?? '')).length;
  return mean >= 150 && cut * 2 > pages.length ? new Set(pages) : null;
}

function fold(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
  if (code === 0x3000 || ch === '\t' || ch === '\u00a0') return ' ';
  return ch;
}

const ASCII_WORD = /[A-Za-z0-9]/;

export function buildSourceText(text: string): SourceText {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  const pages = findPageLines(lines);
  const lastPage = pages ? Math.max(...pages) : -1;
  let dropped: SourceText['dropped'] = null;
  if (pages && lastPage < lines.length - 1 && lines.slice(lastPage + 1).some((l) => l.trim() !== '')) {
    dropped = { from: lastPage + 2, to: lines.length };
  }

  const norm: string[] = [];
  const orig: string[] = [];
  const lineAt: number[] = [];
  const push = (n: string, o: string, line: number) => {
    norm.push(n);
    orig.push(o);
    lineAt.push(line);
  };
  lines.forEach((raw, i) => {
    if (pages && i > lastPage) return;
    let line = raw;
    const isPage = pages?.has(i) ?? false;
    if (isPage) line = line.replace(PAGE_MARK, '');
    // A page continues the previous page's sentence: join without a break.
    if (norm.length > 0 && !(isPage && i > 0 && pages?.has(i - 1))) push('\n', '\n', i + 1);
    // UTF-16 units, not code points: norm, orig and lineAt must stay index-aligned.
    for (let j = 0; j < line.length; j++) {
      const ch = line[j]!;
      const n = fold(ch);
      if (n !== ' ') {
        push(n, ch, i + 1);
        continue;
      }
      // A whitespace run. A single ASCII space between Chinese characters is line-wrap
      // residue ("意见精 神", "2023 年"): dropped. A wider gap, a tab or an ideographic
      // space separates fields ("组  长：陈国栋  区教育体育局局长"): kept as one space.
      // Between two ASCII words ("QQ group") a space is kept too.
      let k = j;
      while (k < line.length && fold(line[k]!) === ' ') k++;
      const run = line.slice(j, k);
      const before = norm.length > 0 && lineAt[lineAt.length - 1] === i + 1 ? (norm[norm.length - 1] ?? '') : '';
      const after = k < line.length ? fold(line[k]!) : '';
      const separator = run.length >= 2 || /[\t\u3000]/.test(run);
      if ((separator && before !== '' && after !== '') || (ASCII_WORD.test(before) && ASCII_WORD.test(after))) {
        push(' ', ' ', i + 1);
      }
      j = k - 1;
    }
  });
  return {
    norm: norm.join(''),
    orig: orig.join(''),
    lineAt,
    pageDump: pages !== null,
    dropped,
    lineCount: lines.length,
  };
}

/** Source line of stream index `i` (clamped). */
export function lineOf(src: SourceText, i: number): number {
  if (src.lineAt.length === 0) return 1;
  return src.lineAt[Math.max(0, Math.min(i, src.lineAt.length - 1))] ?? 1;
}

/** Original text of [a, b), trimmed of spaces and stray punctuation at the edges. */
export function textOf(src: SourceText, a: number, b: number): string {
  return src.orig
    .slice(a, b)
    .replace(/^[\s,\uFF0C、;\uFF1B:\uFF1A。.]+/, '')
    .replace(/[\s,\uFF0C、;\uFF1B:\uFF1A]+$/, '')
    .trim();
}
