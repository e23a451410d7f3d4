/**
 * Reads an address book (通讯录) exported as CSV — from Excel, DingTalk, WeCom — into
 * import rows. Headers are matched in Chinese or English (姓名, 职务, 单位(科室), 手机,
 * 邮箱, …); columns Duban does not keep (入职时间, 备注) are skipped and named in the
 * answer, so the office sees what was left out. Comma- or tab-separated, quoted per
 * RFC 4180, with or without a byte-order mark.
 */
import { InvalidInputError } from '../errors.js';

export type AddressBookField = 'id' | 'name' | 'title' | 'unit' | 'phone' | 'email' | 'wechat' | 'dingtalk' | 'wecom' | 'feishu';

/** Header → field, after `normaliseHeader`. */
const HEADERS: Record<string, AddressBookField> = {
  编号: 'id',
  人员编号: 'id',
  工号: 'id',
  id: 'id',
  姓名: 'name',
  name: 'name',
  职务: 'title',
  职位: 'title',
  title: 'title',
  '单位(科室)': 'unit',
  科室: 'unit',
  股室: 'unit',
  部门: 'unit',
  单位: 'unit',
  unit: 'unit',
  手机: 'phone',
  手机号: 'phone',
  手机号码: 'phone',
  phone: 'phone',
  mobile: 'phone',
  邮箱: 'email',
  电子邮箱: 'email',
  email: 'email',
  'e-mail': 'email',
  微信: 'wechat',
  微信号: 'wechat',
  wechat: 'wechat',
  钉钉: 'dingtalk',
  dingtalk: 'dingtalk',
  企业微信: 'wecom',
  wecom: 'wecom',
  飞书: 'feishu',
  feishu: 'feishu',
};

const normaliseHeader = (h: string): string => h.trim().replace(/（/g, '(').replace(/）/g, ')').replace(/\s+/g, '').toLowerCase();

/** Splits CSV text into records, each with the line it starts on (1-based). */
function records(text: string): { line: number; cells: string[] }[] {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const separator = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    cells.push(cell);
    if (cells.some((c) => c.trim() !== '')) out.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (ch === separator) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return out;
}

export interface AddressBook {
  /** Import rows (see `ImportRow`), to be checked by `Directory.bulkPut`. */
  rows: Record<string, unknown>[];
  /** The line of the file each row came from, for messages. */
  lines: number[];
  /** Headers of columns Duban does not keep. */
  ignoredColumns: string[];
}

/** Reads CSV text into import rows; a 400 when there is no header with 姓名 or a header repeats a column. */
export function readAddressBook(text: string): AddressBook {
  const [header, ...data] = records(text);
  if (!header) {
    throw new InvalidInputError([{ path: 'csv', message: 'csv: 文件是空的 / the file is empty' }], {
      zh: '通讯录是空的，未导入任何人员',
      en: 'The address book is empty; no one was imported',
    });
  }
  const fields = header.cells.map((h) => HEADERS[normaliseHeader(h)] ?? null);
  const problems = [];
  if (!fields.includes('name')) {
    problems.push({
      path: 'csv',
      message: `csv: 第 1 行须是表头，且有「姓名」列（可用的列：姓名、职务、单位（科室）、手机、邮箱、编号、微信、钉钉、企业微信、飞书） / line 1 must be a header with a 姓名 (name) column`,
    });
  }
  fields.forEach((f, j) => {
    if (f !== null && fields.indexOf(f) !== j) {
      problems.push({
        path: 'csv',
        message: `csv: 第 1 行的「${header.cells[j]!.trim()}」与「${header.cells[fields.indexOf(f)]!.trim()}」是同一列 / columns ${fields.indexOf(f) + 1} and ${j + 1} are the same field`,
      });
    }
  });
  if (problems.length > 0)
    throw new InvalidInputError(problems, {
      zh: '通讯录的表头有误，未导入任何人员',
      en: 'The address book’s header is wrong; no one was imported',
    });

  const rows = data.map(({ cells }) => {
    const value = (f: AddressBookField) => {
      const j = fields.indexOf(f);
      const v = j < 0 ? '' : (cells[j] ?? '').trim();
      return v === '' ? undefined : v;
    };
    const contacts = Object.fromEntries(
      (['phone', 'email', 'wechat', 'dingtalk', 'wecom', 'feishu'] as const).flatMap((f) =>
        value(f) === undefined ? [] : [[f, value(f)]],
      ),
    );
    return Object.fromEntries(
      Object.entries({ id: value('id'), name: value('name') ?? '', title: value('title'), unit: value('unit'), contacts }).filter(
        ([, v]) => v !== undefined,
      ),
    );
  });
  return {
    rows,
    lines: data.map((r) => r.line),
    ignoredColumns: header.cells.filter((_, j) => fields[j] === null).map((h) => h.trim()),
  };
}
