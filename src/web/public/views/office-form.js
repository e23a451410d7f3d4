// The plan as a form, for the office: a draft from an imported document, or a
// published plan being amended. Every control carries the plan path it edits
// (data-path="tasks[1].responsibleLeader"), so an import report item or a problem the
// server names by path is shown beside its field, and clicking it goes there.
// The form edits its own copy of the plan; value() returns it. Goals and the
// escalation ladder are kept as they are (they are rarely what a draft lacks).
import { C, getLang, pick } from '../i18n.js';
import { fullWidth } from '../refusals.js';
import { clear, h } from '../util.js';

/** A Chinese-first string with its English. */
export const ox = (zh, en) => pick({ zh, en });

/** "tasks[3].deadline" → ['tasks', 3, 'deadline']. */
export function parsePath(text) {
  const out = [];
  for (const m of String(text ?? '').matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

export function formatPath(segs) {
  return segs.reduce((out, s) => (typeof s === 'number' ? `${out}[${s}]` : out ? `${out}.${s}` : s), '');
}

function getAt(obj, segs) {
  return segs.reduce((cur, s) => (cur === null || cur === undefined ? undefined : cur[s]), obj);
}

function setAt(obj, segs, value) {
  let cur = obj;
  for (const [i, s] of segs.slice(0, -1).entries()) {
    if (cur[s] === undefined || cur[s] === null) cur[s] = typeof segs[i + 1] === 'number' ? [] : {};
    cur = cur[s];
  }
  const last = segs[segs.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

const SECTIONS = {
  tasks: ['任务', 'Task'],
  people: ['人员', 'Person'],
  units: ['单位', 'Unit'],
  phases: ['阶段', 'Phase'],
  areas: ['任务领域', 'Area'],
  goals: ['指标', 'Indicator'],
  leadershipGroup: ['领导小组', 'Leadership group'],
  escalation: ['督办升级规则', 'Escalation'],
  office: ['办公室', 'Office'],
  rungs: ['级', 'Rung'],
  milestones: ['节点', 'Milestone'],
};

const FIELDS = {
  id: ['编号', 'Id'],
  title: ['标题', 'Title'],
  issuer: ['发文机关', 'Issuing body'],
  name: ['名称', 'Name'],
  kind: ['类型', 'Kind'],
  head: ['负责人', 'Head'],
  unit: ['所在单位', 'Unit'],
  contacts: ['联系方式', 'Contacts'],
  phone: ['电话', 'Phone'],
  start: ['开始日期', 'Start'],
  end: ['结束日期', 'End'],
  leader: ['组长', 'Group leader'],
  deputies: ['副组长', 'Deputies'],
  members: ['成员', 'Members'],
  director: ['办公室主任', 'Office director'],
  area: ['任务领域', 'Area'],
  duties: ['工作内容', 'Duties'],
  responsibleLeader: ['责任领导', 'Responsible leader'],
  leadDepartment: ['责任股室', 'Lead department'],
  responsiblePerson: ['责任人', 'Responsible person'],
  cooperatingUnits: ['配合单位', 'Cooperating units'],
  deadline: ['完成时限', 'Deadline'],
  due: ['时限', 'Due'],
};

const word = (pair) => (getLang() === 'zh' ? pair[0] : pair[1]);

/** "tasks[1].responsibleLeader" → "任务 2 · 责任领导"; '' → "全文". */
export function pathLabel(path) {
  const segs = parsePath(path);
  if (segs.length === 0) return ox('全文', 'the whole document');
  const parts = [];
  for (const [i, s] of segs.entries()) {
    if (typeof s === 'number') parts[parts.length - 1] = `${parts[parts.length - 1]} ${s + 1}`;
    else if (SECTIONS[s] && (typeof segs[i + 1] === 'number' || i === segs.length - 1 || s === 'leadershipGroup' || s === 'office'))
      parts.push(word(SECTIONS[s]));
    else parts.push(FIELDS[s] ? word(FIELDS[s]) : s);
  }
  return parts.join(' · ');
}

/** The server's plan problems in Chinese (its schema words them in English). */
const ZH_PLAN_PROBLEMS = [
  [/^no person "(.*)"$/, (m) => `没有编号为「${m[1]}」的人员`],
  [/^no unit "(.*)"$/, (m) => `没有编号为「${m[1]}」的单位`],
  [/^no area "(.*)"$/, (m) => `没有编号为「${m[1]}」的任务领域`],
  [/^duplicate id "(.*)"$/, (m) => `编号「${m[1]}」重复`],
  [/^must be 1–40 letters/, () => '须为 1–40 个字母、数字、“-”或“_”，以字母或数字开头'],
  [/is before phases\[\d+\]\.start$/, () => '结束日期早于开始日期'],
  [/overlaps phases\[\d+\]$/, () => '与上一阶段的日期重叠'],
  [/^"(.*)" is not a date$/, (m) => `「${m[1]}」不是有效的日期`],
  [/^is not a date\b/, () => '不是有效的日期（如 2027-08-31 或 2027-08-31T18:00）'],
  [/^"(.*)" is outside the years/, (m) => `「${m[1]}」超出方案可用的年份`],
  [/^Too small: expected string to have >=1 characters?$/, () => '不能为空'],
  [/^Invalid input: expected string, received undefined$/, () => '不能为空'],
  [/^is required$/, () => '不能为空'],
  [/^Too small: expected array to have >=\s*(\d+) items?$/, (m) => `至少 ${m[1]} 项`],
  [/^must be "(\w+)"/, (m) => `须为「${m[1]}」（阶段依次为启动、推进、全面实施、总结评估）`],
];

/** A problem's message in the page's language, without the path it leads with. */
export function problemMessage({ path, message }) {
  const text = String(message ?? '');
  const said = path && text.startsWith(`${path}: `) ? text.slice(path.length + 2) : text.replace(/^\(body\): /, '');
  // "中文 / English" from routes that word problems in both languages.
  const both = /^(.*?\p{Script=Han}.*?)\s?\/ (?=[A-Za-z])(.*)$/u.exec(said);
  if (both) return getLang() === 'zh' ? fullWidth(both[1].trim()) : both[2];
  if (getLang() === 'zh') {
    for (const [re, zh] of ZH_PLAN_PROBLEMS) {
      const m = re.exec(said);
      if (m) return zh(m);
    }
  }
  return fullWidth(said);
}

/** "任务 2 · 责任领导：不能为空" */
export function problemText(problem) {
  return `${pathLabel(problem.path)}${C()}${problemMessage(problem)}`;
}

const KIND_NAMES = {
  blank: ['空白', 'blank'],
  missing: ['缺失', 'missing'],
  defect: ['原文有误', 'defect'],
  assumed: ['推定', 'assumed'],
  recurring: ['周期性', 'recurring'],
  found: ['已识别', 'found'],
};
export const kindName = (kind) => word(KIND_NAMES[kind] ?? [kind, kind]);

const UNIT_KINDS = {
  department: ['股室 / 部门', 'department'],
  school: ['学校', 'school'],
  office: ['办公室', 'office'],
  other: ['其他', 'other'],
};

/**
 * The editor. `mode`: 'import' (tasks may be removed; every id editable) or 'amend'
 * (a published plan: tasks are cancelled, not removed, and keep their ids).
 */
export function planEditor(initial, { mode = 'import' } = {}) {
  const plan = structuredClone(initial);
  for (const key of ['units', 'people', 'tasks', 'phases', 'areas']) plan[key] ??= [];
  plan.leadershipGroup ??= { leader: '', deputies: [], members: [], office: { members: [] } };
  plan.leadershipGroup.office ??= { members: [] };
  const fixedTasks = new Set(mode === 'amend' ? plan.tasks.map((t) => t.id) : []);
  const root = h('div', { class: 'plan-editor', dataset: { mode } });
  let report = [];
  let problems = [];

  const personOptions = () =>
    plan.people.map((p) => ({
      value: p.id,
      label: p.id === 'tbd' ? ox('待定（原文空白）', 'to be decided (blank)') : `${p.name || p.id}${p.title ? ` · ${p.title}` : ''}`,
    }));
  const unitOptions = () =>
    plan.units.map((u) => ({ value: u.id, label: u.id === 'tbd' ? ox('待定单位', 'unit to be decided') : u.name || u.id }));
  const areaOptions = () => plan.areas.map((a) => ({ value: a.id, label: a.title || a.id }));

  function wrap(path, label, control, extra = {}) {
    return h('label', { class: `field ${extra.class ?? ''}`, dataset: { path } }, h('span', { class: 'field-label' }, label), control);
  }

  /** A text box; empty is '' unless the field is optional (then the key goes). */
  function text(path, label, { optional = false, multiline = false, rerender = false, placeholder, readOnly = false } = {}) {
    const segs = parsePath(path);
    const value = getAt(plan, segs) ?? '';
    const input = h(multiline ? 'textarea' : 'input', {
      name: path,
      ...(multiline ? { rows: '3' } : { type: 'text' }),
      value: String(value),
      placeholder: placeholder ?? null,
      readOnly,
      spellcheck: 'false',
    });
    if (multiline) input.value = String(value);
    input.addEventListener('input', () => setAt(plan, segs, input.value === '' && optional ? undefined : input.value));
    if (rerender) input.addEventListener('change', () => render());
    return wrap(path, label, input);
  }

  function select(path, label, options, { optional = false, rerender = false } = {}) {
    const segs = parsePath(path);
    const value = getAt(plan, segs) ?? '';
    const known = options.some((o) => o.value === value);
    const el = h(
      'select',
      { name: path },
      optional || value === '' ? h('option', { value: '' }, optional ? ox('（无）', '(none)') : ox('（请选择）', '(choose)')) : null,
      !known && value !== '' ? h('option', { value, selected: true }, `${value} ${ox('（不存在）', '(unknown)')}`) : null,
      options.map((o) => h('option', { value: o.value, selected: o.value === value }, o.label)),
    );
    el.addEventListener('change', () => {
      setAt(plan, segs, el.value === '' && optional ? undefined : el.value);
      if (rerender) render();
    });
    return wrap(path, label, el);
  }

  /** A list of ids as checkboxes. */
  function checks(path, label, options) {
    const segs = parsePath(path);
    const chosen = new Set(getAt(plan, segs) ?? []);
    const boxes = options.map((o) => {
      const box = h('input', { type: 'checkbox', value: o.value, checked: chosen.has(o.value) });
      box.addEventListener('change', () => {
        const now = new Set(getAt(plan, segs) ?? []);
        if (box.checked) now.add(o.value);
        else now.delete(o.value);
        setAt(
          plan,
          segs,
          options.map((x) => x.value).filter((v) => now.has(v)),
        );
      });
      return h('label', { class: 'check' }, box, o.label);
    });
    return h(
      'div',
      { class: 'field checks', dataset: { path }, role: 'group', 'aria-label': label },
      h('span', { class: 'field-label' }, label),
      boxes,
    );
  }

  const f = (key) => word(FIELDS[key]);

  function section(path, title, ...children) {
    return h('section', { class: 'editor-section', dataset: { path } }, h('h3', {}, title), ...children);
  }

  function nextId(prefix, list) {
    let n = list.length + 1;
    while (list.some((x) => x.id === `${prefix}${n}`)) n += 1;
    return `${prefix}${n}`;
  }

  function addButton(label, onclick) {
    return h('button', { type: 'button', class: 'small add-row', onclick }, label);
  }

  function render() {
    clear(root);
    root.append(
      section(
        '',
        ox('基本信息', 'The plan'),
        h(
          'div',
          { class: 'field-row' },
          text('id', ox('方案编号（字母、数字）', 'Plan id (letters, digits)'), { readOnly: mode === 'amend' }),
          text('title', f('title')),
        ),
        text('issuer', f('issuer')),
      ),
      section(
        'phases',
        word(SECTIONS.phases),
        plan.phases.map((p, i) =>
          h(
            'div',
            { class: 'field-row', dataset: { path: `phases[${i}]` } },
            h('strong', { class: 'row-title' }, p.name || p.key),
            text(`phases[${i}].start`, f('start'), { placeholder: '2027-03-01' }),
            text(`phases[${i}].end`, f('end'), { placeholder: '2027-04-30' }),
          ),
        ),
      ),
      section(
        'units',
        word(SECTIONS.units),
        plan.units.map((u, i) =>
          h(
            'div',
            { class: 'field-row', dataset: { path: `units[${i}]` } },
            text(`units[${i}].id`, f('id'), { rerender: true }),
            text(`units[${i}].name`, f('name'), { rerender: true }),
            select(
              `units[${i}].kind`,
              f('kind'),
              Object.entries(UNIT_KINDS).map(([value, pair]) => ({ value, label: word(pair) })),
            ),
            select(`units[${i}].head`, f('head'), personOptions(), { optional: true }),
          ),
        ),
        addButton(ox('添加单位', 'Add a unit'), () => {
          plan.units.push({ id: nextId('u', plan.units), name: '', kind: 'department' });
          render();
        }),
      ),
      section(
        'people',
        word(SECTIONS.people),
        plan.people.map((p, i) =>
          h(
            'div',
            { class: 'field-row', dataset: { path: `people[${i}]` } },
            text(`people[${i}].id`, f('id'), { rerender: true }),
            text(`people[${i}].name`, f('name'), { rerender: true }),
            text(`people[${i}].title`, ox('职务', 'Title'), { optional: true, rerender: true }),
            select(`people[${i}].unit`, f('unit'), unitOptions(), { optional: true }),
            text(`people[${i}].contacts.phone`, f('phone'), { optional: true }),
          ),
        ),
        addButton(ox('添加人员', 'Add a person'), () => {
          plan.people.push({ id: nextId('p', plan.people), name: '' });
          render();
        }),
      ),
      section(
        'leadershipGroup',
        word(SECTIONS.leadershipGroup),
        h(
          'div',
          { class: 'field-row' },
          select('leadershipGroup.leader', f('leader'), personOptions()),
          select('leadershipGroup.office.director', f('director'), personOptions(), { optional: true }),
          select('leadershipGroup.office.unit', ox('办公室所在单位', 'Office unit'), unitOptions(), { optional: true }),
        ),
        checks('leadershipGroup.deputies', f('deputies'), personOptions()),
        checks('leadershipGroup.members', f('members'), personOptions()),
        checks('leadershipGroup.office.members', ox('办公室成员', 'Office members'), personOptions()),
      ),
      section(
        'tasks',
        word(SECTIONS.tasks),
        plan.tasks.map((t, i) =>
          h(
            'fieldset',
            { class: 'task-editor', dataset: { path: `tasks[${i}]`, task: t.id } },
            h('legend', {}, `${word(SECTIONS.tasks)} ${i + 1}`),
            h(
              'div',
              { class: 'field-row' },
              text(`tasks[${i}].id`, f('id'), { readOnly: fixedTasks.has(t.id) }),
              text(`tasks[${i}].title`, f('title')),
              plan.areas.length > 0 ? select(`tasks[${i}].area`, f('area'), areaOptions(), { optional: true }) : null,
            ),
            h(
              'div',
              { class: 'field-row' },
              select(`tasks[${i}].responsibleLeader`, f('responsibleLeader'), personOptions()),
              select(`tasks[${i}].leadDepartment`, f('leadDepartment'), unitOptions()),
              select(`tasks[${i}].responsiblePerson`, f('responsiblePerson'), personOptions()),
              text(`tasks[${i}].deadline`, f('deadline'), { placeholder: '2027-08-31' }),
            ),
            checks(`tasks[${i}].cooperatingUnits`, f('cooperatingUnits'), unitOptions()),
            text(`tasks[${i}].duties`, f('duties'), { multiline: true }),
            mode === 'import'
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'small link-button remove-task',
                    onclick: () => {
                      plan.tasks.splice(i, 1);
                      // Paths after the removed task moved: marks by path no longer fit.
                      problems = [];
                      report = report.filter((item) => !item.path.startsWith('tasks['));
                      render();
                    },
                  },
                  ox('删除此任务', 'Remove this task'),
                )
              : null,
          ),
        ),
        addButton(ox('添加任务', 'Add a task'), () => {
          plan.tasks.push({
            id: nextId('t', plan.tasks),
            title: '',
            duties: '',
            responsibleLeader: '',
            leadDepartment: '',
            responsiblePerson: '',
            cooperatingUnits: [],
            deadline: '',
          });
          render();
        }),
      ),
      section(
        'goals',
        ox('指标与督办升级规则', 'Indicators and escalation'),
        h(
          'p',
          { class: 'muted small', dataset: { path: 'escalation' } },
          ox(
            `指标 ${plan.goals?.length ?? 0} 项；督办升级规则${plan.escalation ? '按文档' : '按默认规则'}（整改通知 → 通报批评 → 诫勉谈话 → 处分）。保存后保持不变。`,
            `${plan.goals?.length ?? 0} indicators; the escalation ladder ${plan.escalation ? 'as the document states' : 'by default'} (notice → public criticism → admonishment → disciplinary). Kept as they are.`,
          ),
        ),
      ),
    );
    applyMarks();
  }

  /** The element showing `path`, or the nearest one showing a path above it. */
  function targetOf(path) {
    const segs = parsePath(path);
    for (let n = segs.length; n >= 0; n--) {
      const el = root.querySelector(`[data-path="${CSS.escape(formatPath(segs.slice(0, n)))}"]`);
      if (el) return el;
    }
    return null;
  }

  function mark(path, cls, note, kind) {
    const el = targetOf(path);
    if (!el) return;
    el.classList.add(cls);
    if (kind) el.classList.add(`flag-${kind}`);
    el.append(h('span', { class: `field-note ${cls}-note`, dataset: { kind: kind ?? '' } }, note));
  }

  function applyMarks() {
    for (const item of report) {
      if (item.kind === 'found') continue;
      mark(
        item.path,
        'flagged',
        `${kindName(item.kind)}${item.line ? ox(`（原文第 ${item.line} 行）`, ` (line ${item.line})`) : ''}`,
        item.kind,
      );
    }
    for (const p of problems) mark(p.path, 'has-problem', problemMessage(p));
  }

  render();

  return {
    node: root,
    value: () => structuredClone(plan),
    showReport(items) {
      report = items;
      render();
    },
    showProblems(list) {
      problems = list;
      render();
    },
    /** Scrolls to the field of `path` and puts the cursor in it. */
    focus(path) {
      const el = targetOf(path);
      if (!el) return null;
      el.scrollIntoView({ block: 'center' });
      const control = el.matches('input, select, textarea') ? el : el.querySelector('input, select, textarea');
      control?.focus({ preventScroll: true });
      for (const old of root.querySelectorAll('.focus-flash')) old.classList.remove('focus-flash');
      el.classList.add('focus-flash');
      return el;
    },
  };
}
