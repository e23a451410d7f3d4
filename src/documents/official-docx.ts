/**
 * A Word document in the layout of a Chinese official document (党政机关公文格式,
 * GB/T 9704-2012), built with the `docx` package: A4 with the standard margins
 * (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm), the issuing body in red over a
 * red rule, the document number (发文字号) under it, the title in 小标宋 二号, the
 * addressee line (主送), the body in 仿宋 三号 on a fixed 28-point line with a two-
 * character first-line indent, headings in 黑体, then the issuer and the date
 * (成文日期) on the right, page numbers at the foot. Offices open it in Word or WPS to
 * edit, print and stamp. Chinese text passes through `fullWidth` here, once.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';
import type { Lang } from '../domain/i18n.js';
import { fullWidth } from './office-text.js';

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  /** Label–value lines of a notice's facts, the one to act on in bold. */
  | { kind: 'facts'; rows: { label: string; value: string; emphasis?: boolean }[] }
  | { kind: 'table'; caption: string; head: string[]; rows: string[][] };

export interface OfficialDocument {
  lang: Lang;
  /** 发文机关标志. */
  issuer: string;
  /** 发文字号 (X教督〔2026〕7号), or null for a draft without one. */
  number: string | null;
  title: string;
  /** A line under the title, e.g. （草稿）. */
  subtitle?: string;
  /** 主送: the addressees, once, ending with a colon. */
  addressee: string;
  blocks: Block[];
  /** 发文机关署名 and 成文日期. */
  signer: string;
  date: string;
}

const MM = 56.7; // twips per millimetre
const RED = 'C00000';
const PT = (points: number) => points * 2; // docx sizes are half-points

const FONTS = {
  zh: { title: '方正小标宋简体', body: '仿宋_GB2312', heading: '黑体', issuer: '方正小标宋简体' },
  en: { title: 'Times New Roman', body: 'Times New Roman', heading: 'Times New Roman', issuer: 'Times New Roman' },
};

function run(text: string, font: string, size: number, o: { bold?: boolean; color?: string } = {}): TextRun {
  return new TextRun({
    text,
    font: { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: font, cs: 'Times New Roman' },
    size: PT(size),
    ...(o.bold ? { bold: true } : {}),
    ...(o.color ? { color: o.color } : {}),
  });
}

/** 三号 (16 pt) on a fixed 28-point line: GB/T 9704's 22 lines of 28 characters to a page. */
const BODY_LINE = { line: 28 * 20, lineRule: LineRuleType.EXACT };

export async function officialDocx(doc: OfficialDocument): Promise<Buffer> {
  const zh = doc.lang === 'zh';
  const f = FONTS[doc.lang];
  const t = (text: string) => (zh ? fullWidth(text) : text);
  const body = (text: string, o: { indent?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; bold?: boolean } = {}) =>
    new Paragraph({
      spacing: BODY_LINE,
      ...(o.align ? { alignment: o.align } : { alignment: AlignmentType.JUSTIFIED }),
      ...(o.indent === false ? {} : { indent: { firstLine: PT(16) * 20 } }),
      children: [run(t(text), f.body, 16, o.bold ? { bold: true } : {})],
    });

  const children: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 240 },
      children: [run(t(doc.issuer), f.issuer, 22, { color: RED })],
    }),
    ...(doc.number ? [new Paragraph({ alignment: AlignmentType.CENTER, children: [run(t(doc.number), f.body, 16)] })] : []),
    new Paragraph({
      border: { bottom: { style: BorderStyle.SINGLE, size: 18, color: RED, space: 1 } },
      spacing: { after: 480 },
      children: [],
    }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { line: 35 * 20, lineRule: LineRuleType.EXACT },
      children: [run(t(doc.title), f.title, 22)],
    }),
    ...(doc.subtitle ? [new Paragraph({ alignment: AlignmentType.CENTER, children: [run(t(doc.subtitle), f.body, 16)] })] : []),
    new Paragraph({ spacing: { before: 560, ...BODY_LINE }, children: [run(t(doc.addressee), f.body, 16)] }),
  ];

  for (const block of doc.blocks) {
    switch (block.kind) {
      case 'paragraph':
        children.push(body(block.text));
        break;
      case 'heading':
        children.push(
          new Paragraph({ spacing: BODY_LINE, indent: { firstLine: PT(16) * 20 }, children: [run(t(block.text), f.heading, 16)] }),
        );
        break;
      case 'facts':
        for (const row of block.rows) {
          const sep = zh ? '：' : ': ';
          children.push(
            new Paragraph({
              spacing: BODY_LINE,
              indent: { firstLine: PT(16) * 20 },
              children: [run(t(`${row.label}${sep}`), f.body, 16), run(t(row.value), f.body, 16, row.emphasis ? { bold: true } : {})],
            }),
          );
        }
        break;
      case 'table': {
        const cell = (text: string, bold = false) =>
          new TableCell({
            verticalAlign: VerticalAlign.CENTER,
            children: [
              new Paragraph({ alignment: AlignmentType.CENTER, children: [run(t(text), f.body, 10.5, bold ? { bold: true } : {})] }),
            ],
          });
        children.push(
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 240 }, children: [run(t(block.caption), f.heading, 12)] }),
        );
        children.push(
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              new TableRow({ tableHeader: true, children: block.head.map((h) => cell(h, true)) }),
              ...block.rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
            ],
          }),
        );
        break;
      }
    }
  }

  // 发文机关署名 and 成文日期: right, the date four characters in from the margin.
  children.push(
    new Paragraph({
      spacing: { before: 1120, ...BODY_LINE },
      alignment: AlignmentType.RIGHT,
      indent: { right: PT(16) * 20 * 2 },
      children: [run(t(doc.signer), f.body, 16)],
    }),
  );
  children.push(
    new Paragraph({
      spacing: BODY_LINE,
      alignment: AlignmentType.RIGHT,
      indent: { right: PT(16) * 20 * 4 },
      children: [run(t(doc.date), f.body, 16)],
    }),
  );

  const document = new Document({
    creator: 'Duban 督办',
    title: doc.title,
    styles: { default: { document: { run: { font: { ascii: 'Times New Roman', eastAsia: f.body }, size: PT(16) } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: Math.round(210 * MM), height: Math.round(297 * MM) },
            margin: { top: Math.round(37 * MM), bottom: Math.round(35 * MM), left: Math.round(28 * MM), right: Math.round(26 * MM) },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], size: PT(14) })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}
