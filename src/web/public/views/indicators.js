// #/indicators: the plan's indicators (指标) against their paths. Each shows its
// status as a colour with a symbol and a word (✓ 正常, ! 滞后, ✕ 偏离), so it reads
// without colour; its target as the plan writes it, what the path expects now and
// the latest value; why it is yellow or red; the checkpoints passed; its path and
// the values reported on a small chart; the reports, newest first. Those who may
// report (the reporting department, `canReport` from the server) get a form; a
// refusal puts each problem beside the field it names.
import { api } from '../api.js';
import { init } from '../charts.js';
import { C, getLang, L, paren, pick, SEMI, SEP } from '../i18n.js';
import { fullWidth, refusalNode } from '../refusals.js';
import { clear, fmtDeadline, fmtTime, h, LIGHT_COLORS, zoneOffset } from '../util.js';
import { problemMessage } from './office-form.js';

/** A Chinese-first string with its English. */
const ox = (zh, en) => pick({ zh, en });

export const RAG_ORDER = ['red', 'yellow', 'green'];

const COMPARISON = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '=' };

/** The word of each status, and the symbol before it so it reads without its colour: the server's labels (src/domain/labels.ts). */
export const statusWord = (status) => L('indicatorStatus', status);
const statusSymbol = (status) => (RAG_ORDER.includes(status) ? L('indicatorSymbol', status) : '?');

/** The status as a chip: symbol and word on its colour. */
export function ragBadge(status) {
  return h(
    'span',
    { class: `rag rag-${status}`, dataset: { status } },
    h('span', { class: 'rag-symbol', 'aria-hidden': 'true' }, statusSymbol(status)),
    statusWord(status),
  );
}

/** 78.43 → "78.4", 100 → "100": as precise as a reading needs. */
export function fmtNumber(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(n.toFixed(digits)));
}

const withUnit = (n, unit) => (n === null || n === undefined ? '—' : `${fmtNumber(n)}${unit ?? ''}`);

/** The date a plan date ending a day names (2025-12-31 24:00 → 2025-12-31). */
const endDay = (ms, zone) => fmtDeadline(ms, zone).slice(0, 10);
const startDay = (ms, zone) => fmtTime(ms, zone).slice(0, 10);

/** Today in the plan's zone, for the as-of field. */
const today = (zone) => startDay(Date.now(), zone);

/** The target as the plan writes it: ≥ 100%, 12–15名, with its due date. */
function targetText(ind, def, zone) {
  const range = def?.range ? `${fmtNumber(def.range.min)}–${fmtNumber(def.range.max)}${ind.unit ?? ''}` : null;
  const target = range ?? `${COMPARISON[ind.comparison] ?? ind.comparison} ${withUnit(ind.target, ind.unit)}`;
  return ind.due ? `${target}${paren(ox(`${endDay(ind.due, zone)}前`, `by ${endDay(ind.due, zone)}`))}` : target;
}

/** A checkpoint's name; `year` from the path point of the same key when the checkpoint lacks it. */
function checkpointName(cp, ind) {
  const year = cp.year ?? ind?.path.find((p) => p.key === cp.key)?.year;
  if (cp.kind === 'due') return ox('完成时限', 'Due date');
  if (cp.kind === 'baseline') return ox(`基线${year ? `（${year}年）` : ''}`, `Baseline${year ? ` (${year})` : ''}`);
  return ox(`${year}年节点`, `${year} checkpoint`);
}

export async function indicatorsView(session, el, _params, query, flash = null) {
  const { planId, zone } = session;
  const { indicators } = await api.indicators(planId);
  const goals = new Map((session.def.goals ?? []).map((g) => [g.id, g]));
  const counts = Object.fromEntries(RAG_ORDER.map((s) => [s, indicators.filter((i) => i.status === s).length]));
  const rerender = (next) => indicatorsView(session, el, _params, query, next);

  clear(el).append(
    h(
      'div',
      { class: 'page-indicators' },
      h(
        'section',
        { class: 'card', id: 'indicators-head' },
        h('h1', {}, ox('指标进度', 'Indicators')),
        h(
          'p',
          { class: 'muted small' },
          ox(
            '按方案的进度路径（基线 → 各年节点 → 完成时限，其间按时间折算）判断各指标：正常（达到或超过进度）、滞后（略低于进度，在容差内，或实际值逾期未报送）、偏离（低于进度超过容差、未达到节点目标或逾期未达成）。',
            'Each indicator is read against its path (baseline → yearly checkpoints → due date, interpolated between): on path, behind (within the tolerance, or a report overdue), or off path (beyond the tolerance, short at a checkpoint, or past its due date).',
          ),
        ),
        indicators.length > 0 ? ragTiles(counts, 'indicator-counts') : null,
      ),
      indicators.length === 0
        ? h('section', { class: 'card muted', id: 'no-indicators' }, ox('本方案没有设定指标。', 'This plan sets no indicators.'))
        : h(
            'div',
            { class: 'indicator-cards', id: 'indicators' },
            indicators.map((ind) => indicatorCard(session, ind, goals.get(ind.id), flash?.id === ind.id ? flash.text : null, rerender)),
          ),
    ),
  );
  for (const ind of indicators) {
    const chartEl = el.querySelector(`[data-indicator="${CSS.escape(ind.id)}"] .indicator-chart`);
    if (chartEl && globalThis.echarts) pathChart(chartEl, ind, zone);
  }
  const focus = flash?.id ?? query?.get('id');
  if (focus) el.querySelector(`[data-indicator="${CSS.escape(focus)}"]`)?.scrollIntoView({ block: 'start' });
}

/** Red, yellow, green counts as tiles, each with its symbol and word. */
export function ragTiles(counts, id) {
  return h(
    'div',
    { class: 'tiles rag-tiles', id },
    RAG_ORDER.map((s) =>
      h(
        'div',
        { class: `tile ${s}`, dataset: { light: s } },
        h('span', { class: 'tile-n' }, String(counts[s] ?? 0)),
        h(
          'span',
          { class: 'tile-label' },
          h('span', { class: `rag-symbol rag-text-${s}`, 'aria-hidden': 'true' }, statusSymbol(s)),
          ' ',
          statusWord(s),
        ),
      ),
    ),
  );
}

function indicatorCard(session, ind, def, flashText, rerender) {
  const { zone } = session;
  const latest = ind.latest;
  const fact = (label, value, cls) => [h('dt', {}, label), h('dd', { class: cls ?? null }, value)];
  const reasons = ind.status === 'green' ? [] : ind.reasons.filter((r) => r !== 'onPath' && r !== 'notYet');
  return h(
    'article',
    { class: `card indicator rag-card-${ind.status}`, dataset: { indicator: ind.id, status: ind.status }, id: `indicator-${ind.id}` },
    h(
      'header',
      { class: 'indicator-head' },
      ragBadge(ind.status),
      h('h2', { class: 'indicator-title' }, ind.title),
      h(
        'span',
        { class: 'chips' },
        h('span', { class: 'chip' }, `${ox('报送部门', 'Reported by')}${C()}${ind.department.name}`),
        h('span', { class: 'chip' }, `${ox('责任领导', 'Leader')}${C()}${ind.leader.name}`),
      ),
    ),
    h(
      'dl',
      { class: 'facts indicator-facts' },
      fact(ox('目标', 'Target'), targetText(ind, def, zone), 'ind-target'),
      def?.text ? fact(ox('原文', 'As written'), def.text, 'ind-text') : null,
      fact(
        ox('当前应达', 'Expected now'),
        ind.expectedNow === null ? ox('尚无进度要求', 'nothing expected yet') : withUnit(ind.expectedNow, ind.unit),
        'ind-expected',
      ),
      fact(
        ox('最新实际值', 'Latest value'),
        latest
          ? [
              h('strong', {}, withUnit(latest.value, ind.unit)),
              paren(
                ox(
                  `截至 ${startDay(latest.asOf, zone)}，${session.personName(latest.by)}报送${ind.expectedAtLatest === null ? '' : `；当日应达 ${withUnit(ind.expectedAtLatest, ind.unit)}`}`,
                  `as of ${startDay(latest.asOf, zone)}, by ${session.personName(latest.by)}${ind.expectedAtLatest === null ? '' : `; expected then ${withUnit(ind.expectedAtLatest, ind.unit)}`}`,
                ),
              ),
            ]
          : ox('尚未报送', 'none reported yet'),
        'ind-latest',
      ),
      fact(
        ox('报送周期', 'Reporting'),
        `${L('indicatorCadence', ind.cadence)}${SEMI()}${ox('容差', 'tolerance')} ${withUnit(ind.tolerance, ind.unit)}`,
      ),
    ),
    reasons.length > 0
      ? h(
          'div',
          { class: `ind-reasons rag-note-${ind.status}`, role: 'note' },
          h('strong', {}, `${ox('原因', 'Why')}${C()}`),
          h(
            'ul',
            {},
            reasons.map((r) =>
              h(
                'li',
                { dataset: { reason: r } },
                L('indicatorReason', r),
                r === 'reportOverdue' && ind.reportOverdue
                  ? paren(
                      ox(
                        `报送期 ${startDay(ind.reportOverdue.start, zone)} 至 ${endDay(ind.reportOverdue.end, zone)}`,
                        `for ${startDay(ind.reportOverdue.start, zone)} to ${endDay(ind.reportOverdue.end, zone)}`,
                      ),
                    )
                  : null,
              ),
            ),
          ),
        )
      : null,
    h('div', {
      class: 'chart indicator-chart',
      role: 'img',
      'aria-label': ox(`${ind.title}：进度路径与实际值`, `${ind.title}: path and actual values`),
    }),
    checkpointTable(ind, zone),
    ind.canReport ? reportForm(session, ind, flashText, rerender) : null,
    valuesTable(session, ind),
    logDetails(session, ind),
  );
}

/** The checkpoints passed: when, what each required, whether the latest value reaches it, the rung its notices reached. */
function checkpointTable(ind, zone) {
  const upcoming = ind.path.filter((p) => p.kind !== 'baseline' && !ind.checkpoints.some((c) => c.key === p.key));
  return h(
    'div',
    { class: 'ind-checkpoints' },
    h('h3', {}, ox('已过节点', 'Checkpoints passed')),
    ind.checkpoints.length === 0
      ? h('p', { class: 'muted small' }, ox('尚未到第一个节点。', 'No checkpoint has passed yet.'))
      : h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'record-table ind-checkpoint-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [
                  ox('节点', 'Checkpoint'),
                  ox('日期', 'Date'),
                  ox('应达', 'Required'),
                  ox('是否达到', 'Met'),
                  ox('偏离通知', 'Notices'),
                ].map((x) => h('th', { scope: 'col' }, x)),
              ),
            ),
            h(
              'tbody',
              {},
              ind.checkpoints.map((cp) =>
                h(
                  'tr',
                  { dataset: { checkpoint: cp.key, met: String(cp.met) } },
                  h('th', { scope: 'row' }, checkpointName(cp, ind)),
                  h('td', {}, endDay(cp.at, zone)),
                  h('td', {}, withUnit(cp.value, ind.unit)),
                  h('td', { class: cp.met ? 'met' : 'unmet' }, cp.met ? ox('✓ 达到', '✓ met') : ox('✕ 未达到', '✕ not met')),
                  h('td', {}, cp.rung > 0 ? ox(`已发至第${cp.rung}级`, `up to rung ${cp.rung}`) : '—'),
                ),
              ),
            ),
          ),
        ),
    upcoming.length > 0
      ? h(
          'p',
          { class: 'muted small ind-upcoming' },
          `${ox('后续节点', 'Next')}${C()}`,
          upcoming.map((p) => `${checkpointName(p, ind)} ${endDay(p.at, zone)} ${withUnit(p.value, ind.unit)}`).join(SEP()),
        )
      : null,
  );
}

/** The reports, newest first (the server sorts them): value, as of, by whom and when, evidence, note. */
function valuesTable(session, ind) {
  const { zone } = session;
  return h(
    'div',
    { class: 'ind-values' },
    h('h3', {}, ox('报送记录', 'Reports'), h('span', { class: 'count' }, String(ind.values.length))),
    ind.values.length === 0
      ? h('p', { class: 'muted small' }, ox('尚未报送实际值。', 'No value has been reported.'))
      : h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'record-table ind-values-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [
                  ox('截至日期', 'As of'),
                  ox('实际值', 'Value'),
                  ox('报送人', 'By'),
                  ox('报送时间', 'Reported'),
                  ox('佐证材料', 'Evidence'),
                  ox('说明', 'Note'),
                ].map((x) => h('th', { scope: 'col' }, x)),
              ),
            ),
            h(
              'tbody',
              {},
              ind.values.map((v) =>
                h(
                  'tr',
                  { dataset: { value: String(v.value) } },
                  h('td', {}, startDay(v.asOf, zone)),
                  h('td', {}, h('strong', {}, withUnit(v.value, ind.unit))),
                  h('td', {}, session.personName(v.by)),
                  h('td', {}, fmtTime(v.at, zone)),
                  h(
                    'td',
                    {},
                    v.evidence.length === 0
                      ? '—'
                      : h(
                          'ul',
                          { class: 'evidence' },
                          v.evidence.map((link) => h('li', {}, h('a', { href: link, target: '_blank', rel: 'noopener noreferrer' }, link))),
                        ),
                  ),
                  h('td', { class: 'note' }, v.note || '—'),
                ),
              ),
            ),
          ),
        ),
  );
}

/** The indicator's record as the server keeps it (reports and off-path rungs), read when opened. */
function logDetails(session, ind) {
  const body = h('div', { class: 'ind-log-body' });
  const details = h(
    'details',
    { class: 'ind-log' },
    h('summary', {}, ox('督办记录（报送与偏离通知）', 'Record (reports and off-path notices)')),
    body,
  );
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    body.append(h('p', { class: 'muted small' }, ox('正在加载…', 'Loading…')));
    try {
      const { history } = await api.indicatorHistory(session.planId, ind.id);
      clear(body).append(
        history.length === 0
          ? h('p', { class: 'muted small' }, ox('暂无记录。', 'Nothing recorded yet.'))
          : h(
              'ul',
              { class: 'timeline' },
              history.map((e) =>
                h(
                  'li',
                  { class: 'tl-item', dataset: { event: e.event } },
                  h('div', { class: 'small muted' }, `${fmtTime(e.at, session.zone)} · ${session.actorName(e.by)}`),
                  e.event === 'indicator.offPath'
                    ? ox(`偏离进度通知（第${e.to}级）`, `Off-path notice (rung ${e.to})`)
                    : e.event === 'indicator.reported'
                      ? ox(`报送实际值 ${withUnit(e.to, ind.unit)}`, `Value reported: ${withUnit(e.to, ind.unit)}`)
                      : e.event,
                ),
              ),
            ),
      );
    } catch (err) {
      loaded = false;
      clear(body).append(refusalNode(err));
    }
  });
  return details;
}

/** The server's problem in the page's language: zod's words for this form, then the plan form's and both-language messages. */
const ZH_VALUE_PROBLEMS = [
  [/^must be a link/, () => '须为链接（以 https:// 开头）'],
  [/^must be a finite number$/, () => '须为有限的数字'],
  [/expected number, received/, () => '须为数字'],
  [/^Too big: expected string to have <=\s*(\d+) characters$/, (m) => `不能超过 ${m[1]} 个字`],
  [/^Too big: expected array to have <=\s*(\d+) items$/, (m) => `最多 ${m[1]} 项`],
  [/^Unrecognized key/, () => '无法识别的字段'],
];

function valueProblem(problem) {
  if (getLang() === 'zh') {
    const text = String(problem.message ?? '');
    const said = text.startsWith(`${problem.path}: `) ? text.slice(problem.path.length + 2) : text;
    for (const [re, zh] of ZH_VALUE_PROBLEMS) {
      const m = re.exec(said);
      if (m) return zh(m);
    }
  }
  return fullWidth(problemMessage(problem));
}

/** 报送实际值: value, as of, evidence links, note; the server's problems beside their fields. */
function reportForm(session, ind, flashText, rerender) {
  const value = h('input', { type: 'number', name: 'value', step: 'any', required: true, inputmode: 'decimal' });
  const asOf = h('input', { type: 'date', name: 'asOf', required: true, value: today(session.zone) });
  const evidence = h('textarea', { name: 'evidence', rows: '2', placeholder: 'https://…' });
  const note = h('textarea', { name: 'note', rows: '2', maxlength: '2000' });
  const labels = {
    value: ox(`实际值${ind.unit ? `（${ind.unit}）` : ''}`, `Value${ind.unit ? ` (${ind.unit})` : ''}`),
    asOf: ox('截至日期', 'As of'),
    evidence: ox('佐证材料链接（每行一个）', 'Evidence links (one per line)'),
    note: ox('说明', 'Note'),
  };
  const fields = {};
  const field = (name, control) =>
    (fields[name] = h('label', { class: 'field', dataset: { field: name } }, h('span', {}, labels[name]), control));
  const message = h('div', { class: flashText ? 'form-ok' : 'form-error', role: 'status', 'aria-live': 'polite' }, flashText ?? '');
  const submit = h('button', { type: 'submit', class: 'primary' }, ox('报送', 'Report'));
  const form = h(
    'form',
    { class: 'ind-report', id: `report-${ind.id}` },
    h('h3', {}, ox('报送实际值', 'Report a value')),
    h('div', { class: 'field-row' }, field('value', value), field('asOf', asOf)),
    field('evidence', evidence),
    field('note', note),
    h('div', { class: 'action-row' }, submit),
    message,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(message);
    message.className = 'form-error';
    for (const n of form.querySelectorAll('.field-note')) n.remove();
    for (const f of Object.values(fields)) f.classList.remove('has-problem');
    const body = {
      value: Number(value.value),
      asOf: asOf.value,
      evidence: evidence.value
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter(Boolean),
      note: note.value,
    };
    submit.disabled = true;
    try {
      await api.reportIndicator(session.planId, ind.id, body);
      await rerender({
        id: ind.id,
        text: ox(
          `已报送：${withUnit(body.value, ind.unit)}（截至 ${body.asOf}）。`,
          `Reported: ${withUnit(body.value, ind.unit)} as of ${body.asOf}.`,
        ),
      });
    } catch (err) {
      const problems = err?.status === 400 && Array.isArray(err.body?.error?.problems) ? err.body.error.problems : [];
      const elsewhere = [];
      for (const p of problems) {
        const at = fields[/^(\w+)/.exec(p.path ?? '')?.[1]];
        if (!at) {
          elsewhere.push(p);
          continue;
        }
        const item = /\[(\d+)\]/.exec(p.path);
        at.classList.add('has-problem');
        at.append(
          h(
            'span',
            { class: 'field-note has-problem-note', dataset: { problem: p.path } },
            `${item ? ox(`第 ${Number(item[1]) + 1} 项`, `item ${Number(item[1]) + 1}`) + C() : ''}${valueProblem(p)}`,
          ),
        );
      }
      if (problems.length > 0) {
        message.append(
          h('strong', {}, ox('未报送，请修改标出的内容后重试。', 'Nothing was reported; correct what is marked and try again.')),
          elsewhere.length > 0
            ? h(
                'ul',
                {},
                elsewhere.map((p) => h('li', {}, `${p.path}${C()}${valueProblem(p)}`)),
              )
            : null,
        );
      } else message.append(refusalNode(err, labels));
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/**
 * The path (baseline → checkpoints → target) as a dashed line and the values reported
 * as a solid one with points, today as a vertical line; instants shown at the plan
 * zone's wall clock, as the other charts do.
 */
function pathChart(el, ind, zone) {
  const wall = (ms) => ms + zoneOffset(ms, zone);
  const values = [...ind.values].sort((a, b) => a.asOf - b.asOf || a.at - b.at);
  const now = Date.now();
  const color = LIGHT_COLORS[ind.status] ?? '#1f5fa8';
  // Today is always on the axis, so a path of one point (a due date alone) still has a span.
  const times = [...ind.path.map((p) => p.at), ...values.map((v) => v.asOf), now];
  const pad = Math.max((Math.max(...times) - Math.min(...times)) * 0.03, 86_400_000);
  const chart = init(el);
  chart.setOption({
    useUTC: true,
    animation: false,
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 8 },
    tooltip: { trigger: 'axis', confine: true, valueFormatter: (v) => withUnit(v, ind.unit) },
    xAxis: {
      type: 'time',
      min: wall(Math.min(...times) - pad),
      max: wall(Math.max(...times) + pad),
      splitLine: { show: false },
      axisLabel: { hideOverlap: true },
    },
    yAxis: { type: 'value', scale: true, axisLabel: { formatter: (v) => `${v}${ind.unit ?? ''}` } },
    series: [
      {
        name: ox('进度路径', 'Path'),
        type: 'line',
        lineStyle: { type: 'dashed', color: '#8a94a6' },
        itemStyle: { color: '#8a94a6' },
        symbol: 'diamond',
        symbolSize: 8,
        data: ind.path.map((p) => [wall(p.at), p.value]),
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: '#d03b3b', type: 'solid', width: 1 },
          label: { formatter: ox('今天', 'Today'), position: 'end', color: '#d03b3b' },
          data: [{ xAxis: wall(now) }],
        },
      },
      {
        name: ox('实际值', 'Actual'),
        type: 'line',
        lineStyle: { color, width: 2 },
        itemStyle: { color },
        symbol: 'circle',
        symbolSize: 8,
        data: values.map((v) => [wall(v.asOf), v.value]),
      },
    ],
  });
  return chart;
}
