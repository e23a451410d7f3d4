/**
 * People and units as plans name them: "李全林校长", "王建国(副局长)", "局长 张三",
 * "分管副局长" (a post, no name), "各科室主任" (a whole category), "*" (redacted).
 */

// Longest first, so "副校长" wins over "校长".
const TITLES = [
  '党组书记',
  '党委书记',
  '党支部书记',
  '党总支书记',
  '工会主席',
  '团委书记',
  '教导主任',
  '德育主任',
  '总务主任',
  '办公室主任',
  '教研室主任',
  '中心主任',
  '副书记',
  '副校长',
  '副局长',
  '副主任',
  '副县长',
  '副区长',
  '副处长',
  '副科长',
  '副股长',
  '副院长',
  '副园长',
  '副组长',
  '调研员',
  '督学',
  '书记',
  '校长',
  '局长',
  '主任',
  '县长',
  '区长',
  '处长',
  '科长',
  '股长',
  '院长',
  '园长',
  '组长',
  '老师',
  '教师',
  '主席',
].sort((a, b) => b.length - a.length);

export interface PersonMention {
  /** A personal name, when one is given. */
  name?: string;
  title?: string;
  /** The text as written. */
  text: string;
  /** A category of people rather than one person ("各科室主任", "机关各股室主任"). */
  collective: boolean;
  /** Redacted or placeholder text ("*", "×××", "XXX"). */
  redacted: boolean;
}

const REDACTED = /^[*＊×xX某○◯]+$|^待定$/;
const COLLECTIVE = /各|全体|所有|相关|有关|等$|们$|科室|股室|部门|学校|中心|机关|单位/;
const NAME = /^[\u4e00-\u9fa5·]{2,4}$/;
// Words that look like two-to-four character names but are posts or roles.
const NOT_NAME = /分管|主管|主要|负责|领导|学校|部门|单位|科室|班子|成员|校级|中层|年级|^各|^全|^所有/;

function isName(s: string): boolean {
  return NAME.test(s) && !NOT_NAME.test(s);
}

export function parsePerson(raw: string): PersonMention {
  const text = raw.trim().replace(/^[、,\uFF0C;\uFF1B]+|[、,\uFF0C;\uFF1B。]+$/g, '');
  const base: PersonMention = { text, collective: false, redacted: false };
  if (text === '' || REDACTED.test(text)) return { ...base, redacted: text !== '' };
  // 王建国(副局长) / 王建国(副局长)
  const paren = /^(.+?)[(\uFF08](.+?)[)\uFF09]$/.exec(text);
  if (paren) {
    const [who, what] = [paren[1]!.trim(), paren[2]!.trim()];
    if (isName(who)) return { ...base, name: who, title: what };
    if (isName(what)) return { ...base, name: what, title: who };
  }
  // "陈国栋 区教育体育局局长" / "局长 张三": a name and a post separated by a space.
  const parts = text.split(/\s+/).filter((x) => x !== '');
  if (parts.length >= 2) {
    if (isName(parts[0]!)) return { ...base, name: parts[0]!, title: parts.slice(1).join('') };
    if (isName(parts[parts.length - 1]!)) return { ...base, name: parts[parts.length - 1]!, title: parts.slice(0, -1).join('') };
  }
  const compact = text.replace(/\s+/g, '');
  for (const title of TITLES) {
    // 李全林校长
    if (compact.endsWith(title)) {
      const who = compact.slice(0, -title.length);
      if (isName(who)) return { ...base, name: who, title };
    }
    // 局长张三 / 局长 张三
    if (compact.startsWith(title)) {
      const who = compact.slice(title.length);
      if (isName(who)) return { ...base, name: who, title };
    }
  }
  // "县教育局局长孟凡军": a body and a post before the name.
  for (const title of TITLES) {
    const at = compact.lastIndexOf(title);
    if (at <= 0) continue;
    const who = compact.slice(at + title.length);
    if (isName(who)) return { ...base, name: who, title: compact.slice(0, at + title.length) };
  }
  // "成立以校长为组长": a post alone ("校长", "局长") names a role, not a person.
  if (TITLES.includes(compact)) return { ...base, title: compact };
  if (isName(compact) && !COLLECTIVE.test(compact)) return { ...base, name: compact };
  if (COLLECTIVE.test(compact)) return { ...base, collective: true, title: compact };
  // A post without a name: "分管副局长", "教学副校长".
  return { ...base, title: compact };
}

/** Splits a list of names or units: "党支部、教导处、办公室", "李雨归副校长、赵贵强副校长". */
export function splitList(value: string): string[] {
  // Separators outside brackets only: "各县(市、区)教育局" is one unit.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '(' || ch === '\uFF08') depth += 1;
    if ((ch === ')' || ch === '\uFF09') && depth > 0) depth -= 1;
    const gap = /\s/.test(ch) && (/\s/.test(value[i + 1] ?? '') || /[)\uFF09]/.test(value[i - 1] ?? ''));
    if (depth === 0 && (/[、,\uFF0C;\uFF1B]/.test(ch) || gap)) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return parts
    .map((s) =>
      s
        .trim()
        .replace(/等$/, '')
        .replace(/^(和|及|以及)/, ''),
    )
    .filter((s) => s !== '' && !/^[。.]+$/.test(s));
}

export type UnitKind = 'department' | 'school' | 'office' | 'other';

export function unitKind(name: string): UnitKind {
  if (/学校$|中学$|小学$|幼儿园$|^各学校|^各校|学$|中心校$/.test(name)) return 'school';
  if (/领导小组办公室$/.test(name)) return 'office';
  if (/^各|等$/.test(name)) return 'other';
  return 'department';
}
