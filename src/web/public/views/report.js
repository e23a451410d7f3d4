// 督导结果: the accountability report for a chosen period — per department, per
// responsible person, per responsible leader — with its .xlsx and its printable
// 通报 draft, and the semester progress report (学期进展汇报) for the leadership
// group. Routes: #/report?from=YYYY-MM-DD&to=YYYY-MM-DD&semester=2026-spring and
// #/report/print?from&to. `to` is exclusive, as in the API; the form asks for the
// last day people mean and adds one.
import { api, saveBlob } from '../api.js';
import { C, getLang, L } from '../i18n.js';
import { clear, fmtDeadline, fmtTime, h } from '../util.js';

const TEXT = {
  nav: { zh: '督导结果', en: 'Results' },
  title: { zh: '督导结果', en: 'Supervision results' },
  from: { zh: '起始日期', en: 'From' },
  last: { zh: '截止日期（含）', en: 'To (inclusive)' },
  show: { zh: '查询', en: 'Show' },
  wholePlan: { zh: '整个方案', en: 'Whole plan' },
  thisSemester: { zh: '本学期', en: 'This semester' },
  period: { zh: '统计期间', en: 'Period' },
  exportXlsx: { zh: '导出督导结果 .xlsx', en: 'Export results .xlsx' },
  print: { zh: '督导结果通报（可打印）', en: 'Results bulletin (printable)' },
  printNow: { zh: '打印', en: 'Print' },
  back: { zh: '返回', en: 'Back' },
  help: {
    zh: '统计期间内到期或有督办记录的任务。按时完成：期内按时提交（已验收或待验收），且期内未逾期；逾期：期内任一时刻逾期，或期内逾期提交。按时提交后等待验收不计为部门逾期，验收超时计入责任领导。',
    en: 'Tasks due in the period or with supervision activity in it. On time: submitted in it by the deadline (accepted or awaiting review) and never overdue in it; overdue: overdue at any moment in it, or submitted late in it. Waiting for review never counts against the department; late reviews count against the leader.',
  },
  departments: { zh: '表1 各责任股室', en: 'Table 1. Lead departments' },
  people: { zh: '表2 各责任人', en: 'Table 2. Responsible persons' },
  leaders: { zh: '表3 责任领导验收情况', en: 'Table 3. Reviews by responsible leader' },
  department: { zh: '责任股室', en: 'Lead department' },
  head: { zh: '负责人', en: 'Head' },
  person: { zh: '责任人', en: 'Responsible person' },
  leader: { zh: '责任领导', en: 'Responsible leader' },
  tasks: { zh: '任务数', en: 'Tasks' },
  finished: { zh: '已办结', en: 'Finished' },
  onTime: { zh: '按时完成', en: 'On time' },
  overdue: { zh: '逾期', en: 'Overdue' },
  rate: { zh: '按时完成率', en: 'On-time rate' },
  rungN: { zh: '第{n}级', en: 'Rung {n}' },
  returns: { zh: '退回', en: 'Returns' },
  extensions: { zh: '延期申请/批准', en: 'Extensions req./appr.' },
  total: { zh: '合计', en: 'Total' },
  reviews: { zh: '验收次数', en: 'Reviews' },
  averageReview: { zh: '平均验收用时（天）', en: 'Average review (days)' },
  lateReviews: { zh: '超过验收时限', en: 'Past review deadline' },
  pending: { zh: '待验收', en: 'Awaiting review' },
  notices: { zh: '督办文书', en: 'Notices issued' },
  none: { zh: '本期没有纳入督导的任务。', en: 'No task counts in this period.' },
  semester: { zh: '学期进展汇报', en: 'Semester progress report' },
  chooseSemester: { zh: '学期', en: 'Semester' },
  spring: { zh: '{y}年春季学期', en: 'Spring {y}' },
  autumn: { zh: '{y}年秋季学期', en: 'Autumn {y}' },
  done: { zh: '本学期完成', en: 'Done this semester' },
  lateNow: { zh: '当前逾期', en: 'Late now' },
  climbed: { zh: '督办升级', en: 'Escalations' },
  extReturns: { zh: '延期与退回', en: 'Extensions and returns' },
  phases: { zh: '阶段进展', en: 'Phases' },
  phase: { zh: '阶段', en: 'Phase' },
  window: { zh: '时间', en: 'Window' },
  status: { zh: '状态', en: 'Status' },
  open: { zh: '推进中', en: 'Open' },
  late: { zh: '逾期', en: 'Late' },
  nothing: { zh: '无。', en: 'None.' },
  onTimeMark: { zh: '按时', en: 'on time' },
  lateMark: { zh: '逾期完成', en: 'late' },
  issuedLate: { zh: '补发', en: 'issued late' },
  extension: { zh: '延期申请', en: 'Extension' },
  returned: { zh: '退回整改', en: 'Returned' },
  to: { zh: '至', en: 'to' },
  status_done: { zh: '已结束', en: 'done' },
  status_current: { zh: '进行中', en: 'current' },
  status_upcoming: { zh: '未开始', en: 'upcoming' },
  outcome_pending: { zh: '待审批', en: 'pending' },
  outcome_approved: { zh: '已批准', en: 'approved' },
  outcome_rejected: { zh: '未批准', en: 'rejected' },
  daysOverdue: { zh: '逾期{n}天', en: '{n} days overdue' },
  underADay: { zh: '逾期不足1天', en: 'overdue under a day' },
};

function tr(key, vars = {}) {
  const text = TEXT[key]?.[getLang()] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/** The top bar's link text. */
export const reportNavText = () => tr('nav');

const enc = encodeURIComponent;
const percent = (rate) => (rate === null || rate === undefined ? '—' : `${Math.round(rate * 1000) / 10}%`);
const day = (ms, zone) => fmtTime(ms, zone).slice(0, 10);

/** The day after a YYYY-MM-DD day (the exclusive end of a period that ends on it). */
function nextDay(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** JSON behind the bearer token (api.blob carries it and turns refusals into ApiErrors). */
async function getJson(path) {
  return JSON.parse(await (await api.blob(path)).text());
}

function periodQuery(query) {
  const from = query.get('from');
  const to = query.get('to');
  return from && to ? `from=${enc(from)}&to=${enc(to)}` : '';
}

export async function reportView(session, el, _params, query) {
  const planId = enc(session.planId);
  const pq = periodQuery(query);
  const sem = query.get('semester');
  const [report, semester] = await Promise.all([
    getJson(`/api/v1/plans/${planId}/report${pq ? `?${pq}` : ''}`),
    getJson(`/api/v1/plans/${planId}/semester-report${sem ? `?semester=${enc(sem)}` : ''}`),
  ]);
  const go = (params) => {
    const next = new URLSearchParams(params);
    if (sem && !next.has('semester')) next.set('semester', sem);
    location.hash = `#/report${next.toString() ? `?${next}` : ''}`;
  };
  clear(el).append(
    h(
      'div',
      { class: 'page-report' },
      periodCard(session, report, semester, go, pq),
      h(
        'div',
        { class: 'grid2' },
        summaryCard(report),
        h('section', { class: 'card' }, h('p', { class: 'muted small', id: 'report-help' }, tr('help'))),
      ),
      tableCard(
        'report-departments',
        tr('departments'),
        tallyTable(
          report,
          [tr('department'), tr('head')],
          report.departments.map((d) => ({ key: d.department, cells: [d.name, d.headName ?? ''], t: d })),
          true,
        ),
      ),
      tableCard(
        'report-people',
        tr('people'),
        tallyTable(
          report,
          [tr('person'), tr('department')],
          report.people.map((p) => ({ key: p.person, cells: [p.name, p.departmentName ?? ''], t: p })),
          false,
        ),
      ),
      tableCard('report-leaders', tr('leaders'), leaderTable(report)),
      semesterCard(session, semester, query),
    ),
  );
}

function periodCard(session, report, semester, go, pq) {
  const from = h('input', { type: 'date', id: 'report-from', required: true, value: report.period.fromDate });
  const last = h('input', { type: 'date', id: 'report-last', required: true, value: report.period.lastDate });
  const form = h(
    'form',
    {
      class: 'toolbar-controls',
      id: 'report-period',
      onsubmit: (e) => {
        e.preventDefault();
        if (!from.value || !last.value) return;
        go({ from: from.value, to: nextDay(last.value) });
      },
    },
    h('label', {}, `${tr('from')}${C()}`, from),
    h('label', {}, `${tr('last')}${C()}`, last),
    h('button', { type: 'submit', class: 'primary' }, tr('show')),
    h('button', { type: 'button', id: 'report-whole', onclick: () => go({}) }, tr('wholePlan')),
    h(
      'button',
      { type: 'button', id: 'report-semester', onclick: () => go({ from: semester.semester.fromDate, to: semester.semester.toDate }) },
      tr('thisSemester'),
    ),
  );
  const xlsx = h('button', { type: 'button', id: 'report-xlsx' }, tr('exportXlsx'));
  xlsx.addEventListener('click', async () => {
    xlsx.disabled = true;
    try {
      const blob = await api.blob(`/web-api/plans/${enc(session.planId)}/report.xlsx?${pq ? `${pq}&` : ''}lang=${getLang()}`);
      saveBlob(blob, `${session.planId}-${tr('nav')}-${report.period.fromDate}_${report.period.lastDate}.xlsx`);
    } catch (err) {
      alert(err.message);
    } finally {
      xlsx.disabled = false;
    }
  });
  // 下载通报: the 督导结果通报 as Word, a draft (草稿) an office numbers when it issues it.
  const docx = h('button', { type: 'button', id: 'report-docx' }, getLang() === 'zh' ? '下载通报' : 'Download bulletin');
  docx.addEventListener('click', async () => {
    docx.disabled = true;
    try {
      const blob = await api.blob(`/web-api/plans/${enc(session.planId)}/bulletin.docx?${pq ? `${pq}&` : ''}lang=${getLang()}`);
      saveBlob(
        blob,
        `${session.planId}-${getLang() === 'zh' ? '督导结果通报' : 'bulletin'}-${report.period.fromDate}_${report.period.lastDate}.docx`,
      );
    } catch (err) {
      alert(err.message);
    } finally {
      docx.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card', id: 'report-head' },
    h(
      'div',
      { class: 'toolbar' },
      h('h1', {}, tr('title')),
      h(
        'div',
        { class: 'toolbar-controls' },
        xlsx,
        docx,
        h('a', { class: 'button', id: 'report-print', href: `#/report/print${pq ? `?${pq}` : ''}` }, tr('print')),
      ),
    ),
    h('p', { id: 'report-period-text' }, `${tr('period')}${C()}${report.period.fromDate} ${tr('to')} ${report.period.lastDate}`),
    form,
  );
}

function summaryCard(report) {
  const t = report.totals;
  const tile = (id, n, label, light) =>
    h(
      'div',
      { class: `tile ${light}`, dataset: { summary: id } },
      h('span', { class: 'tile-n' }, String(n)),
      h('span', { class: 'tile-label' }, label),
    );
  return h(
    'section',
    { class: 'card' },
    h(
      'div',
      { class: 'tiles', id: 'report-tiles' },
      tile('tasks', t.tasks, tr('tasks'), 'idle'),
      tile('finished', t.finished, tr('finished'), 'done'),
      tile('onTime', t.onTime, tr('onTime'), 'green'),
      tile('overdue', t.overdue, tr('overdue'), 'red'),
      tile('rate', percent(t.onTimeRate), tr('rate'), 'green'),
      tile(
        'notices',
        t.rungs.reduce((a, b) => a + b, 0),
        tr('notices'),
        'yellow',
      ),
    ),
  );
}

function tableCard(id, title, table) {
  return h('section', { class: 'card', id }, h('h2', {}, title), h('div', { class: 'table-scroll' }, table));
}

const num = (text) => h('td', { style: 'text-align:right' }, String(text));

function tallyTable(report, heads, rows, withTotal) {
  if (rows.length === 0) return h('p', { class: 'muted' }, tr('none'));
  const rungHeads = report.totals.rungs.map((_, i) =>
    h('th', { scope: 'col', title: L('rungAction', report.rungActions[i] ?? '') }, tr('rungN', { n: i + 1 })),
  );
  const cells = (t) => [
    num(t.tasks),
    num(t.finished),
    num(t.onTime),
    num(t.overdue),
    num(percent(t.onTimeRate)),
    ...t.rungs.map((n) => num(n)),
    num(t.returns),
    num(`${t.extensionsRequested}/${t.extensionsApproved}`),
  ];
  return h(
    'table',
    { class: 'matrix report-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        heads.map((x) => h('th', { scope: 'col' }, x)),
        [tr('tasks'), tr('finished'), tr('onTime'), tr('overdue'), tr('rate')].map((x) => h('th', { scope: 'col' }, x)),
        rungHeads,
        h('th', { scope: 'col' }, tr('returns')),
        h('th', { scope: 'col' }, tr('extensions')),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          { dataset: { key: r.key } },
          r.cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c))),
          cells(r.t),
        ),
      ),
      withTotal
        ? h(
            'tr',
            { class: 'total', dataset: { key: 'total' } },
            h('th', { scope: 'row' }, tr('total')),
            heads.slice(1).map(() => h('td', {})),
            cells(report.totals),
          )
        : null,
    ),
  );
}

function leaderTable(report) {
  if (report.leaders.length === 0) return h('p', { class: 'muted' }, tr('none'));
  return h(
    'table',
    { class: 'matrix report-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [tr('leader'), tr('tasks'), tr('reviews'), tr('averageReview'), tr('lateReviews'), tr('pending')].map((x) =>
          h('th', { scope: 'col' }, x),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      report.leaders.map((l) =>
        h(
          'tr',
          { dataset: { key: l.leader } },
          h('th', { scope: 'row' }, l.name),
          num(l.tasks),
          num(l.reviews),
          num(l.averageReviewDays ?? '—'),
          num(l.lateReviews),
          num(l.pending),
        ),
      ),
    ),
  );
}

/** Semesters from the plan's first year to its last, as 2026-spring / 2026-autumn. */
function semesterOptions(session, current) {
  const years = session.def.phases.flatMap((p) => [Number(p.start.slice(0, 4)), Number(p.end.slice(0, 4))]).filter(Number.isFinite);
  const keys = [];
  for (let y = Math.min(...years) - 1; y <= Math.max(...years); y++) keys.push(`${y}-spring`, `${y}-autumn`);
  if (!keys.includes(current)) keys.push(current);
  return keys.sort();
}

function semesterName(key) {
  const [y, season] = key.split('-');
  return tr(season, { y });
}

function semesterCard(session, s, query) {
  const zone = session.zone;
  const picker = h(
    'select',
    {
      id: 'semester-picker',
      'aria-label': tr('chooseSemester'),
      onchange: (e) => {
        const next = new URLSearchParams(query);
        next.set('semester', e.target.value);
        location.hash = `#/report?${next}`;
      },
    },
    semesterOptions(session, s.semester.key).map((k) => h('option', { value: k, selected: k === s.semester.key }, semesterName(k))),
  );
  const task = (x) => h('a', { href: `#/task/${enc(x.taskId)}` }, x.title);
  const list = (id, title, items, line) =>
    h(
      'div',
      { id },
      h('h3', {}, title, h('span', { class: 'count' }, String(items.length))),
      items.length === 0
        ? h('p', { class: 'muted' }, tr('nothing'))
        : h(
            'ul',
            { class: 'task-lines' },
            items.map((x) => h('li', {}, line(x))),
          ),
    );
  const unit = (x) => h('span', { class: 'muted small' }, ` ${session.unitName(x.department)}`);
  const changes = [
    ...s.extensions.map((x) => ({
      at: x.requestedAt,
      node: [
        h('span', { class: 'chip' }, tr('extension')),
        ' ',
        task(x),
        unit(x),
        h('span', { class: 'muted small' }, ` · ${fmtDeadline(x.deadline, zone)} · ${tr(`outcome_${x.outcome}`)} · ${x.reason}`),
      ],
    })),
    ...s.returns.map((x) => ({
      at: x.at,
      node: [
        h('span', { class: 'chip work-rectification' }, tr('returned')),
        ' ',
        task(x),
        unit(x),
        h('span', { class: 'muted small' }, ` · ${day(x.at, zone)} · ${x.reason}`),
      ],
    })),
  ].sort((a, b) => a.at - b.at);
  return h(
    'section',
    { class: 'card', id: 'semester', dataset: { semester: s.semester.key } },
    h(
      'div',
      { class: 'toolbar' },
      h('h2', {}, `${tr('semester')}${C()}${semesterName(s.semester.key)}`),
      h('label', {}, `${tr('chooseSemester')}${C()}`, picker),
    ),
    h('p', { class: 'muted small' }, `${s.semester.fromDate} ${tr('to')} ${s.semester.lastDate} · ${L('phase', s.stage)}`),
    h(
      'div',
      { class: 'grid2' },
      h(
        'div',
        { class: 'col' },
        list('semester-done', tr('done'), s.done, (x) => [
          task(x),
          unit(x),
          h('span', { class: 'muted small' }, ` · ${day(x.acceptedAt, zone)} · ${tr(x.onTime ? 'onTimeMark' : 'lateMark')}`),
        ]),
        list('semester-late', tr('lateNow'), s.lateNow, (x) => [
          h('span', { class: `rung-badge r${Math.min(x.rung, 4)}` }, tr('rungN', { n: x.rung })),
          ' ',
          task(x),
          unit(x),
          h(
            'span',
            { class: 'muted small' },
            ` · ${session.personName(x.person)} · ${x.overdueDays < 1 ? tr('underADay') : tr('daysOverdue', { n: x.overdueDays })}`,
          ),
        ]),
      ),
      h(
        'div',
        { class: 'col' },
        list('semester-climbed', tr('climbed'), s.climbed, (x) => [
          h('span', { class: `rung-badge r${Math.min(x.rung, 4)}` }, tr('rungN', { n: x.rung })),
          ' ',
          task(x),
          unit(x),
          h(
            'span',
            { class: 'muted small' },
            ` · ${fmtTime(x.at, zone)}${x.number ? ` · ${x.number}` : ''}${x.late ? ` · ${tr('issuedLate')}` : ''}`,
          ),
        ]),
        list('semester-changes', tr('extReturns'), changes, (x) => x.node),
      ),
    ),
    h('h3', {}, tr('phases')),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'matrix rollup', id: 'semester-phases' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [tr('phase'), tr('window'), tr('status'), tr('tasks'), tr('finished'), tr('late'), tr('open')].map((x) =>
              h('th', { scope: 'col' }, x),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          s.phases.map((p) =>
            h(
              'tr',
              { class: p.status === 'current' ? 'current' : null, dataset: { phase: p.key } },
              h('th', { scope: 'row' }, L('phase', p.key)),
              h('td', {}, `${day(p.start, zone)} ${tr('to')} ${fmtDeadline(p.end, zone).slice(0, 10)}`),
              h('td', {}, tr(`status_${p.status}`)),
              num(p.tasks),
              num(p.done),
              num(p.late),
              num(p.open),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The 督导结果通报 draft, rendered and escaped by the server, with a print button. */
export async function reportPrintView(session, el, _params, query) {
  const pq = periodQuery(query);
  const blob = await api.blob(`/web-api/plans/${enc(session.planId)}/report/print?${pq ? `${pq}&` : ''}lang=${getLang()}`);
  const paper = h('div', { class: 'paper' });
  // The fragment comes from our own server, which escapes every value it puts in.
  paper.innerHTML = await blob.text();
  clear(el).append(
    h(
      'div',
      { class: 'page-report-print' },
      h(
        'div',
        { class: 'no-print toolbar-row' },
        h('a', { class: 'button', href: `#/report${pq ? `?${pq}` : ''}` }, `← ${tr('back')}`),
        h('button', { type: 'button', class: 'primary', id: 'report-print-now', onclick: () => window.print() }, tr('printNow')),
      ),
      paper,
    ),
  );
}
