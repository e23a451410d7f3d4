/**
 * Which text is a task and which heading is its area, from the outline and the field
 * blocks. Two shapes occur in the genre and mix freely:
 *
 *  - a numbered measure with its own fields: "3.提升班主任专业能力。…(负责部门:德育处)"
 *    → the heading is the task, its parent heading the area;
 *  - an area whose paragraphs each end in a field block: "(九)抓创新…。责任领导:…
 *    主要职责和完成时限:…。对城乡…评估…。责任领导:…" → one task per block, the
 *    heading is the area, each task's text runs from the previous block.
 *
 * A numbered heading with no fields among siblings that have them is still a task (or
 * an area with one task): its blanks are reported rather than the measure dropped.
 */
import type { FieldBlock } from './fields.js';
import { headingAt, isTaskSection, type Heading } from './outline.js';
import type { SourceText } from './source-text.js';

export interface TaskSlot {
  /** Stream range of the task's own text (fields excluded later). */
  textStart: number;
  textEnd: number;
  block: FieldBlock | null;
  /** The heading that is this task, when it is a numbered measure. */
  heading: Heading | null;
  /** Title from the area heading (first paragraph of an area) rather than from the text. */
  titleFrom: Heading | null;
  area: Heading | null;
  /** Why the task has no fields at all, if so. */
  orphan?: 'no-fields' | 'after-last-block' | 'recurring-duty';
  /** The clause that is the whole task, for a recurring duty outside the measures. */
  dutyTitle?: string;
}

const DUTY =
  /每(?:个)?(?:半年|学期|学年|年度|年(?!级)|季度|月|周|星期)(?:对[^,,;;。]{1,15})?(?:都|要|至少|定期)?(?:召开|开展|组织|举办|举行|通报|听取|督导|督查|检查|调度|研究|部署|发布|评估|考核|公布|报告|汇报)/;

/**
 * Recurring duties written outside the measures ("县教育局每季度召开一次推进会" under
 * 保障措施): each clause becomes a task of its own with the clause as its title.
 */
export function recurringDutySlots(src: SourceText, slots: readonly TaskSlot[]): TaskSlot[] {
  const s = src.norm;
  const out: TaskSlot[] = [];
  const inside = (i: number) =>
    slots.some((x) => i >= (x.heading?.index ?? x.textStart) && i < x.textEnd) ||
    slots.some((x) => x.block && i >= x.block.start && i < x.block.end);
  for (const m of s.matchAll(/[^。;;\n]+/g)) {
    const clause = m[0];
    const d = DUTY.exec(clause);
    if (!d) continue;
    const at = m.index + d.index;
    if (inside(at)) continue;
    // From the clause's subject ("县教育局") to its end, without the numbering or a heading title before it.
    const start = Math.max(m.index + clause.lastIndexOf(',', d.index) + 1, m.index + clause.lastIndexOf(',', d.index) + 1, m.index);
    // A following clause with a number of its own is a target beside the duty ("…评选,培养骨干教师30人以上"), not its title.
    const next = clause.indexOf(',', d.index + d[0].length);
    const end = m.index + (next >= 0 && /\d/.test(clause.slice(next)) ? next : clause.length);
    const title = src.orig
      .slice(start, end)
      .replace(/^[\s(（]*[一二三四五六七八九十\d]{1,3}[)）、.]\s*/, '')
      .replace(/[,，]\s*$/, '')
      .trim();
    out.push({
      textStart: start,
      textEnd: end,
      block: null,
      heading: null,
      titleFrom: null,
      area: null,
      orphan: 'recurring-duty',
      dutyTitle: title.length > 40 ? `${title.slice(0, 40)}…` : title,
    });
  }
  return out;
}

/** A section heading too generic to be an area (三、主要任务和职责分工, 三、主要措施). */
function isGenericSection(h: Heading): boolean {
  return h.level === 1 && (/^[\u4e00-\u9fa5]{0,8}(任务|措施|举措|分工|工作)$/.test(h.title) || !isTaskSection(h));
}

function areaFor(h: Heading | null): Heading | null {
  if (h === null) return null;
  return h.level === 1 && isGenericSection(h) ? null : h;
}

export function layoutTasks(
  src: SourceText,
  headings: readonly Heading[],
  blocks: readonly FieldBlock[],
  consumed: ReadonlyArray<[number, number]>,
): TaskSlot[] {
  const s = src.norm;
  const own = new Map<Heading | null, FieldBlock[]>();
  for (const b of blocks) {
    const h = headingAt(headings, b.start);
    own.set(h, [...(own.get(h) ?? []), b]);
  }
  const role = new Map<Heading, 'task' | 'container' | 'area'>();
  for (const h of headings) {
    const n = own.get(h)?.length ?? 0;
    if (h.children.length === 0 && n === 1 && h.level >= 2) role.set(h, 'task');
    else if (n >= 1) role.set(h, 'container');
  }
  for (const h of headings) {
    if (role.get(h) === 'task' && h.parent && !role.has(h.parent)) {
      const area = areaFor(h.parent);
      if (area) role.set(area, 'area');
    }
  }
  const hasTasks = (h: Heading): boolean => role.has(h) || h.children.some(hasTasks);
  const siblingsOf = (h: Heading) => (h.parent ? h.parent.children : headings.filter((x) => x.parent === null));
  const underTaskSection = (h: Heading): boolean => {
    for (let p = h.parent; p; p = p.parent) if (isTaskSection(p)) return true;
    return false;
  };

  const slots: TaskSlot[] = [];
  const skip = (a: number) => consumed.reduce((at, [x, y]) => (at >= x && at < y ? y : at), a);

  for (const h of headings) {
    const r = role.get(h);
    if (r === 'task') {
      slots.push({ textStart: h.titleEnd, textEnd: h.end, block: own.get(h)![0]!, heading: h, titleFrom: null, area: areaFor(h.parent) });
    } else if (r === 'container') {
      const area = areaFor(h);
      let from = skip(h.titleEnd);
      own.get(h)!.forEach((b, k) => {
        const direct = k === 0 && s.slice(h.titleEnd, b.start).replace(/^[。\s]+/, '').length > 0 && from === h.titleEnd;
        slots.push({ textStart: from, textEnd: b.start, block: b, heading: null, titleFrom: direct && h.level >= 2 ? h : null, area });
        from = skip(b.end);
      });
      const tail = s.slice(from, h.ownEnd).replace(/[\s。;,]/g, '');
      if (tail.length >= 15) {
        slots.push({ textStart: from, textEnd: h.ownEnd, block: null, heading: null, titleFrom: null, area, orphan: 'after-last-block' });
      }
    } else if (h.children.length === 0 && !hasTasks(h)) {
      const siblings = siblingsOf(h).filter((x) => x !== h);
      if (siblings.some((x) => role.get(x) === 'task')) {
        slots.push({
          textStart: h.titleEnd,
          textEnd: h.end,
          block: null,
          heading: h,
          titleFrom: null,
          area: areaFor(h.parent),
          orphan: 'no-fields',
        });
      } else if (siblings.some((x) => role.get(x) === 'container' || role.get(x) === 'area') && h.level >= 2) {
        role.set(h, 'area');
        slots.push({ textStart: h.titleEnd, textEnd: h.end, block: null, heading: h, titleFrom: null, area: h, orphan: 'no-fields' });
      } else if (underTaskSection(h) && h.level >= 2) {
        slots.push({
          textStart: h.titleEnd,
          textEnd: h.end,
          block: null,
          heading: h,
          titleFrom: null,
          area: areaFor(h.parent),
          orphan: 'no-fields',
        });
      }
    }
  }
  // Blocks before the first heading belong to no area.
  let from = 0;
  for (const b of own.get(null) ?? []) {
    slots.push({ textStart: skip(from), textEnd: b.start, block: b, heading: null, titleFrom: null, area: null });
    from = b.end;
  }
  return slots.sort((a, b) => a.textStart - b.textStart);
}
