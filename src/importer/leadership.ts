/**
 * The leadership group (领导小组): as a form ("组长:张三(局长) 副组长:… 成员:…") or
 * as prose ("学校成立由李全林校长任组长,李雨归副校长、赵贵强副校长为副组长,
 * 各科室主任为成员的领导小组"), and its office ("领导小组下设办公室,X任办公室主任").
 */
import type { Registry } from './registry.js';
import type { Report } from './report.js';
import { parsePerson, splitList } from './people.js';
import { lineOf, textOf, type SourceText } from './source-text.js';

type Role = 'leader' | 'deputies' | 'members' | 'director';

export interface LeadershipResult {
  leader: string;
  deputies: string[];
  members: string[];
  office: { unit?: string; director?: string; members: string[] };
  /** "XX工作领导小组", when the document names it. */
  name?: string;
  hasOffice: boolean;
  /** Stream range of the passage, so tasks do not swallow it. */
  range: [number, number] | null;
  line: number | null;
}

const ROLE_OF: Record<string, Role> = { 组长: 'leader', 副组长: 'deputies', 成员: 'members', 办公室主任: 'director' };
const PATH: Record<Role, string> = {
  leader: 'leadershipGroup.leader',
  deputies: 'leadershipGroup.deputies',
  members: 'leadershipGroup.members',
  director: 'leadershipGroup.office.director',
};
const WORDS: Record<Role, { zh: string; en: string }> = {
  leader: { zh: '组长', en: 'group leader' },
  deputies: { zh: '副组长', en: 'deputy leaders' },
  members: { zh: '成员', en: 'members' },
  director: { zh: '办公室主任', en: 'office director' },
};

const GROUP_WORDS = /组\s?长|成\s?员|领导小组|工作小组|办公室/;

/** Sentences (by 。 and line ends) of `s` as [start, end) ranges. */
function sentences(s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '。' || s[i] === '\n') {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < s.length) out.push([start, s.length]);
  return out;
}

function findPassage(s: string): [number, number] | null {
  const all = sentences(s);
  const first = all.findIndex(([a, b]) => {
    const t = s.slice(a, b);
    return (/领导小组|工作小组/.test(t) && /组\s?长|成\s?员|成立/.test(t)) || /^\s*组\s?长\s*:/.test(t);
  });
  if (first < 0) return null;
  let last = first;
  for (let k = first + 1; k < all.length; k++) {
    const [a, b] = all[k]!;
    const t = s.slice(a, b);
    if (t.trim() === '') continue; // a blank line between the group's lines
    if (!GROUP_WORDS.test(t) || !/组\s?长|成\s?员|办公室/.test(t)) break;
    last = k;
  }
  return [all[first]![0], all[last]![1]];
}

/** Cut a list value where the sentence moves on ("…学校校长领导小组下设办公室…"). */
function listItems(value: string): string[] {
  const out: string[] = [];
  for (const item of splitList(value)) {
    const cut = item.search(/领导小组|下设|负责(?!人)|办公室设/);
    if (cut === 0) break;
    if (cut > 0) {
      out.push(item.slice(0, cut));
      break;
    }
    out.push(item);
  }
  return out;
}

export function extractLeadership(src: SourceText, registry: Registry, report: Report): LeadershipResult {
  const s = src.norm;
  const result: LeadershipResult = {
    leader: '',
    deputies: [],
    members: [],
    office: { members: [] },
    hasOffice: false,
    range: null,
    line: null,
  };
  const passage = findPassage(s);
  if (passage === null) {
    result.leader = registry.tbdPerson();
    report.missing('leadershipGroup.leader', null, { zh: '领导小组及组长', en: 'a leadership group or its leader' }, 'tbd');
    return result;
  }
  const [from, to] = passage;
  result.range = passage;
  result.line = lineOf(src, from);
  const text = s.slice(from, to);

  const name = /成立([^,,。;:由的]{2,40}?领导小组)/.exec(text) ?? /([^,,。;:、\s]{2,30}?领导小组)/.exec(text);
  if (name?.[1]) {
    // "…为成员的领导小组" names no group: keep only what follows the last 的/由/为/任.
    const cut = Math.max(...['的', '由', '为', '任'].map((c) => name[1]!.lastIndexOf(c)));
    const own = name[1].slice(cut + 1);
    const at = from + name.index + name[0].indexOf(name[1]) + cut + 1;
    if (own !== '领导小组') result.name = textOf(src, at, at + own.length);
  }
  result.hasOffice = /下设办公室|领导小组办公室|办公室设在/.test(text);

  const mentions: Array<{ role: Role; value: string; at: number; stated: boolean }> = [];
  // Form: 组长:…副组长:…成员:…
  const labels = [...text.matchAll(/(副\s?组\s?长|(?<!副\s?)组\s?长|成\s?员|办公室主任)\s*:/g)];
  labels.forEach((l, k) => {
    const start = l.index + l[0].length;
    const next = labels[k + 1]?.index ?? text.length;
    const stop = text.slice(start, next).search(/[。;\n]/);
    const end = stop < 0 ? next : start + stop;
    const role = ROLE_OF[l[1]!.replace(/\s/g, '')]!;
    mentions.push({ role, value: src.orig.slice(from + start, from + end), at: from + l.index, stated: true });
  });
  // Prose: 由X任组长 / X为副组长 / X任办公室主任 / 组长由X担任
  for (const m of text.matchAll(
    /(?:由)?([^,,。;:由、]{1,40}?(?:、[^,,。;:由、]{1,20}?)*)(?:兼任|担任|任|为)(副组长|组长|成员|办公室主任)/g,
  )) {
    // "成立以校长为组长": the group is being set up "with" (以/由) the post; the words
    // before it ("学校成立以") are not part of who leads.
    const raw = m[1] ?? '';
    const lead = /^(?:[^,,。;:、]{0,12}?成立)?(?:以|由)/.exec(raw);
    const subject = lead ? raw.slice(lead[0].length) : raw;
    const at = from + m.index + m[0].indexOf(raw) + (lead ? lead[0].length : 0);
    mentions.push({ role: ROLE_OF[m[2]!]!, value: src.orig.slice(at, at + subject.length), at, stated: true });
  }
  // 组长为X: only at a clause start, so "各年级组长为成员" is not read as "组长为 成员".
  for (const m of text.matchAll(/(?<=^|[,,。;;:\s])(副组长|组长|成员|办公室主任)(?:为|是)([^,,。;:]{1,60}?)(?=[,,。;]|$)/g)) {
    const at = from + m.index + m[1]!.length + 1;
    mentions.push({ role: ROLE_OF[m[1]!]!, value: src.orig.slice(at, at + m[2]!.length), at, stated: true });
  }
  for (const m of text.matchAll(/(副组长|组长|成员)由([^,,。;]{1,40}?)担任/g)) {
    const at = from + m.index + m[0].indexOf(m[2]!, m[1]!.length);
    mentions.push({ role: ROLE_OF[m[1]!]!, value: src.orig.slice(at, at + m[2]!.length), at, stated: true });
  }

  const blank = new Map<Role, number>();
  const categories = new Map<Role, { line: number; texts: string[] }>();
  for (const mention of mentions.sort((a, b) => a.at - b.at)) {
    const line = lineOf(src, mention.at);
    const items = listItems(mention.value.replace(/^\s+/, ''));
    if (items.length === 0) {
      if (!blank.has(mention.role)) blank.set(mention.role, line);
      continue;
    }
    for (const item of items) {
      const p = parsePerson(item);
      const path = PATH[mention.role];
      const words = WORDS[mention.role];
      if (p.redacted) {
        report.add(
          'blank',
          path,
          line,
          `${path}（${words.zh}）在原文第 ${line} 行被隐去（「${p.text}」）`,
          `${path} (${words.en}) is redacted in the document ("${p.text}", line ${line})`,
        );
        continue;
      }
      if (p.collective) {
        const c = categories.get(mention.role) ?? { line, texts: [] };
        c.texts.push(p.text);
        categories.set(mention.role, c);
        continue;
      }
      const id = registry.person(p.name ?? p.text, line, p.title);
      if (p.name === undefined) {
        report.add(
          'assumed',
          path,
          line,
          `${words.zh}只写了职务「${p.text}」（第 ${line} 行），已按职务建人员条目 ${id}，请补姓名`,
          `${words.en} given by post only ("${p.text}", line ${line}); person ${id} is named after the post: add the name`,
        );
      }
      if (mention.role === 'leader') {
        if (result.leader === '') result.leader = id;
        else if (!result.deputies.includes(id)) result.deputies.push(id);
      } else if (mention.role === 'director') result.office.director = id;
      else if (!result[mention.role].includes(id)) result[mention.role].push(id);
    }
  }
  for (const [role, { line, texts }] of categories) {
    const list = texts.join('、');
    report.add(
      'found',
      PATH[role],
      line,
      `${WORDS[role].zh}按类别列出（「${list}」，第 ${line} 行），未列姓名，请补充具体人员`,
      `${WORDS[role].en} given as a category ("${list}", line ${line}), not by name: add the people`,
    );
  }
  for (const [role, line] of blank) {
    if (role === 'leader' && result.leader !== '') continue;
    if (role !== 'leader' && (role === 'director' ? result.office.director !== undefined : result[role].length > 0 || categories.has(role)))
      continue;
    report.blank(PATH[role], line, WORDS[role], role === 'leader' ? 'tbd' : undefined);
  }
  if (result.leader === '') {
    result.leader = registry.tbdPerson();
    if (!blank.has('leader')) report.missing('leadershipGroup.leader', result.line, WORDS.leader, 'tbd');
  }
  if (result.hasOffice) {
    // "办公室设在基础教育股": the office is that department; otherwise a unit of its own.
    const seat = /办公室设在([^,,。;;、]{2,20})/.exec(text);
    const officeName = seat?.[1] ?? (result.name ? `${result.name}办公室` : '领导小组办公室');
    result.office.unit = registry.unit(officeName, lineOf(src, seat ? from + seat.index : from), seat ? undefined : 'office');
  }
  return result;
}
