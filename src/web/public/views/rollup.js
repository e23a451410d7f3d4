// 汇总 (#/rollup): an organisation's plans and its schools', one line each with the
// counts a leader compares at a glance — for the office and leaders of a bureau (or a
// school), who need not be named in a school's plan to see how it is going.
import { request } from '../api.js';
import { clear, h } from '../util.js';
import { ox } from './office-form.js';

const COLUMNS = [
  ['tasks', '任务', 'Tasks'],
  ['open', '在办', 'Open'],
  ['overdue', '逾期', 'Overdue'],
  ['awaitingAcceptance', '待验收', 'Awaiting acceptance'],
  ['accepted', '已验收', 'Accepted'],
  ['unfinished', '未完成', 'Unfinished'],
  ['atTopRungs', '已报领导小组', 'Told to the group'],
];
const STAGES = {
  draft: ['草稿', 'Draft'],
  launch: ['启动', 'Launch'],
  promotion: ['推进', 'Promotion'],
  implementation: ['实施', 'Implementation'],
  evaluation: ['评估', 'Evaluation'],
  closed: ['已结束', 'Closed'],
};

function numbers(counts, cls) {
  return COLUMNS.map(([k]) =>
    h('td', { class: `num ${k === 'overdue' && counts[k] > 0 ? 'alert' : ''} ${cls}`, dataset: { col: k } }, String(counts[k])),
  );
}

function orgRows(part, depth) {
  const rows = [
    h(
      'tr',
      { class: `rollup-org depth-${depth}`, dataset: { org: part.id } },
      h(
        'th',
        { scope: 'row' },
        part.name,
        h('span', { class: 'muted small' }, ox(`（${part.totals.plans} 个方案）`, ` (${part.totals.plans} plans)`)),
      ),
      h('td', {}, ''),
      ...numbers(part.totals, 'total'),
    ),
  ];
  for (const p of part.plans) {
    rows.push(
      h(
        'tr',
        { class: 'rollup-plan', dataset: { plan: p.id } },
        h('td', { class: 'plan-title' }, p.title),
        h('td', {}, ox(...(STAGES[p.stage] ?? [p.stage, p.stage]))),
        ...numbers(p, ''),
      ),
    );
  }
  return rows;
}

export async function rollupView(_session, target) {
  const { organisations } = await request('/api/v1/rollup');
  const tables = organisations.map((o) =>
    h(
      'section',
      { class: 'card rollup', dataset: { org: o.id } },
      h('h2', {}, o.name, ' ', h('span', { class: 'muted small' }, ox('汇总', 'roll-up'))),
      h(
        'p',
        { class: 'rollup-overall' },
        ox(
          `共 ${o.overall.plans} 个方案、${o.overall.tasks} 项任务：逾期 ${o.overall.overdue} 项，待验收 ${o.overall.awaitingAcceptance} 项，已报领导小组 ${o.overall.atTopRungs} 项。`,
          `${o.overall.plans} plans, ${o.overall.tasks} tasks: ${o.overall.overdue} overdue, ${o.overall.awaitingAcceptance} awaiting acceptance, ${o.overall.atTopRungs} told to the group.`,
        ),
      ),
      h(
        'table',
        { class: 'table rollup-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, ox('单位 / 方案', 'Organisation / plan')),
            h('th', {}, ox('阶段', 'Stage')),
            ...COLUMNS.map(([, zh, en]) => h('th', { class: 'num' }, ox(zh, en))),
          ),
        ),
        h('tbody', {}, ...orgRows(o, 0), ...o.children.flatMap((c) => orgRows(c, 1))),
      ),
    ),
  );
  clear(target).append(
    h(
      'div',
      { class: 'page-rollup' },
      h('div', { class: 'toolbar' }, h('h1', {}, ox('各单位汇总', 'Roll-up across organisations'))),
      tables.length > 0 ? tables : h('p', { class: 'card muted' }, ox('没有可查看的汇总。', 'No roll-up to show.')),
    ),
  );
}
