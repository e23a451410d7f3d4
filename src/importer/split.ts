/**
 * Where the plans of a document start. A web page or a collection (汇编, 选编) holds
 * several plans, each under its own title line followed by its own "一、"; a notice
 * (关于印发《…》的通知) holds one plan after its preamble. Each plan becomes a draft of its
 * own, read from its lines only, so tasks of one plan never land in another.
 *
 * A title line is short, names a plan (…方案, …计划, …规划, …实施意见), has no sentence
 * punctuation and no numbering of its own ("一、XX方案" is a table-of-contents entry), and
 * the first section heading after it is "一、" (or "第一部分"). Site text — navigation,
 * copyright and filing lines — is set aside and reported.
 */

export interface PlanSegment {
  /** 0-based line range [from, to). */
  from: number;
  to: number;
  titleLine: number;
}

export interface DocumentLayout {
  segments: PlanSegment[];
  /** 0-based lines of site text (navigation, copyright) left out of every plan. */
  siteLines: number[];
  /** 0-based lines before the first plan (a notice's preamble, a page header). */
  preamble: [number, number] | null;
}

const PLAN_TITLE =
  /^(?!关于|各|制定|研究|印发|根据|按照|为)[\u4e00-\u9fa5A-Za-z0-9“”"《》〈〉()（）—\-·、]{4,60}?(?:方案|计划|规划|实施意见|行动纲要)(?:\s*[(（][^()（）]{2,20}[)）])?$/;
const NUMBERED = /^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十]+[部章节])/;
const SECTION = /^(?:[一二三四五六七八九十]{1,3}[、．.]|第[一二三四五六七八九十]{1,3}部分)/;
const FIRST_SECTION = /^(?:一[、．.]|第一部分)/;
const SITE =
  /版权所有|Copyright|©|ICP备|备案号|技术支持|设为首页|加入收藏|友情链接|^当前位置|浏览次数|^\s*(?:首页|网站首页)\s*[|｜\s]|^(?:用户登录|热门搜索)|^\s*附件\s*\d*\s*[:：]?\s*$/i;

export function isSiteLine(line: string): boolean {
  return SITE.test(line.trim());
}

function isTitle(line: string): boolean {
  const t = line.trim();
  if (t === '' || NUMBERED.test(t) || /[。，,；;：:!！?？>|｜]/.test(t)) return false;
  return PLAN_TITLE.test(t);
}

export function layoutDocument(lines: readonly string[]): DocumentLayout {
  const siteLines = lines.flatMap((l, i) => (isSiteLine(l) ? [i] : []));
  const titles = lines.flatMap((l, i) => (isTitle(l) ? [i] : []));
  // A title whose first section (before the next title) is "一、" starts a plan.
  const starts = titles.filter((t, k) => {
    const next = titles[k + 1] ?? lines.length;
    const first = lines
      .slice(t + 1, next)
      .map((l) => l.trim())
      .find((l) => SECTION.test(l));
    return first !== undefined && FIRST_SECTION.test(first);
  });
  const segments = starts.map((from, k) => ({ from, to: starts[k + 1] ?? lines.length, titleLine: from }));
  const preamble: [number, number] | null = segments[0] && segments[0].from > 0 ? [0, segments[0].from] : null;
  return { segments, siteLines, preamble };
}

/** "XX县教育局关于印发《…》的通知": the body that issues the plan. */
export function noticeIssuer(lines: readonly string[]): string | null {
  for (const l of lines) {
    const m =
      /^\s*([\u4e00-\u9fa5]{2,30}?(?:教育局|教育和体育局|教育体育局|教体局|教育厅|教育委员会|人民政府(?:办公室)?|中学|小学|学校|幼儿园))关于印发/.exec(
        l,
      );
    if (m) return m[1]!;
  }
  return null;
}
