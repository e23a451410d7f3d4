// The leadership view: first what waits on this leader (待我验收, extension requests
// to decide), then where the plan stands — which lights are red, where each task is
// against the plan's current phase, how each phase's tasks ended, who is on which
// rung — and the notices waiting for this person's signature.
import { actionForms } from '../actions.js';
import { api, saveBlob } from '../api.js';
import { disposeCharts, rungChart, statusChart, timelineChart } from '../charts.js';
import { C, getLang, L, paren, SEMI, t } from '../i18n.js';
import { clear, duration, fmtDeadline, fmtTime, h, lightDot, lightOf } from '../util.js';
import { inboxCard, openNotices } from './inbox.js';
import { ragBadge, ragTiles, RAG_ORDER } from './indicators.js';

const LIGHTS = ['red', 'yellow', 'green', 'awaiting', 'done', 'idle'];
const OUTCOMES = ['done', 'late', 'open', 'unfinished'];

export async function leadershipView(session, el) {
  await session.refreshPlan();
  const { plan, planId, zone } = session;
  const person = session.principal.kind === 'person';
  const [overview, { tasks }, notices, desk, goals, calendar] = await Promise.all([
    api.overview(planId),
    api.tasks(planId),
    openNotices(session),
    person ? api.desk(planId) : Promise.resolve(null),
    session.def.goals?.length > 0 ? api.indicators(planId) : Promise.resolve(null),
    // A line of the page, not the page: without it the view still stands.
    api.planCalendar(planId).catch((err) => {
      console.warn('calendar', err);
      return null;
    }),
  ]);
  const counts = Object.fromEntries(LIGHTS.map((l) => [l, 0]));
  for (const task of tasks) counts[lightOf(task.supervision)] += 1;

  const timeline = h('div', { class: 'chart chart-timeline', id: 'chart-timeline', role: 'img', 'aria-label': t('timeline') });
  const status = h('div', { class: 'chart chart-small', id: 'chart-status', role: 'img', 'aria-label': t('statusChart') });
  const rungs = h('div', { class: 'chart chart-small', id: 'chart-rungs', role: 'img', 'aria-label': t('rungChart') });
  // After an action on the desk the whole view is drawn again: counts and charts move with it.
  const rerender = () => {
    disposeCharts();
    return leadershipView(session, el);
  };
  // A leader of some task (or the group leader) has a desk even when it is empty: "nothing waits" is news too.
  const reviewer =
    person &&
    (session.def.leadershipGroup.leader === session.me?.id || session.def.tasks.some((task) => task.responsibleLeader === session.me?.id));

  clear(el).append(
    h(
      'div',
      { class: 'page-leader' },
      desk && (reviewer || desk.review.length > 0) ? reviewCard(session, desk, rerender) : null,
      desk && desk.extensions.length > 0 ? extensionCard(session, desk, rerender) : null,
      planHead(session, counts, plan.counts),
      calendar?.warnings?.length > 0 ? calendarLine(calendar.warnings) : null,
      goals?.indicators.length > 0 ? indicatorCard(goals.indicators) : null,
      notices ? inboxCard(session, notices) : null,
      h(
        'section',
        { class: 'card', id: 'timeline' },
        h('h2', {}, t('timeline')),
        h('p', { class: 'muted small' }, t('timelineHelp')),
        timeline,
      ),
      h(
        'div',
        { class: 'grid2' },
        h('section', { class: 'card' }, h('h2', {}, t('statusChart')), status),
        h('section', { class: 'card' }, h('h2', {}, t('rungChart')), rungs),
      ),
      stageCard(session, overview.stages),
      rollupCard(session, overview.rollup, overview.stage),
      overdueCard(session, tasks),
      ledgerCard(session),
    ),
  );

  timelineChart(timeline, {
    phases: overview.phases,
    tasks,
    now: overview.now,
    zone,
    unitName: session.unitName,
    onTask: (task) => (location.hash = `#/task/${encodeURIComponent(task.id)}`),
  });
  statusChart(status, counts);
  rungChart(rungs, plan.counts.byRung ?? {}, session.def.escalation.rungs);
}

function planHead(session, counts, planCounts) {
  const { plan } = session;
  const tile = (light, n, key) =>
    h(
      'div',
      { class: `tile ${light}`, dataset: { light } },
      h('span', { class: 'tile-n' }, String(n)),
      h('span', { class: 'tile-label' }, lightDot(light), t(key)),
    );
  return h(
    'section',
    { class: 'card plan-head' },
    h(
      'div',
      { class: 'plan-title' },
      h('h1', {}, plan.title),
      h('p', { class: 'muted' }, `${t('issuer')}${C()}${plan.issuer}`),
      h('p', {}, `${t('currentPhase')}${C()}`, h('span', { class: 'chip phase' }, L('phase', plan.stage))),
    ),
    h(
      'div',
      { class: 'tiles', id: 'tiles' },
      tile('red', counts.red, 'lightRed'),
      tile('yellow', counts.yellow, 'lightYellow'),
      tile('green', counts.green, 'lightGreen'),
      tile('awaiting', planCounts.awaitingAcceptance ?? counts.awaiting, 'awaitingAcceptance'),
      tile('done', counts.done, 'lightDone'),
      planCounts.unfinished > 0 ? tile('unfinished', planCounts.unfinished, 'rollup_unfinished') : null,
    ),
  );
}

/** Years the plan reaches with no official holiday data: their working days are weekends-only until an admin loads them. */
function calendarLine(warnings) {
  const years = [...new Set(warnings.map((w) => w.year))].sort((a, b) => a - b);
  const zh = getLang() === 'zh';
  return h(
    'p',
    { class: 'card calendar-warning small', id: 'calendar-warning', role: 'note' },
    zh
      ? `${years.map((y) => `${y}年`).join('、')}的法定节假日安排（国务院办公厅通知）尚未载入，这些年份的工作日暂按仅周末计算；通知公布后由管理员载入。`
      : `No official holiday notice is loaded for ${years.join(', ')}: working days there are counted weekends-only until an administrator loads it.`,
  );
}

/** The plan's indicators at a glance: how many are red, yellow, green, the red ones named, a link to #/indicators. */
function indicatorCard(indicators) {
  const counts = Object.fromEntries(RAG_ORDER.map((s) => [s, indicators.filter((i) => i.status === s).length]));
  const red = indicators.filter((i) => i.status === 'red');
  const zh = getLang() === 'zh';
  return h(
    'section',
    { class: 'card', id: 'indicator-summary' },
    h('h2', {}, zh ? '指标进度' : 'Indicators', h('span', { class: 'count' }, String(indicators.length))),
    ragTiles(counts, 'indicator-tiles'),
    red.length > 0
      ? h(
          'ul',
          { class: 'task-lines indicator-red' },
          red.map((i) =>
            h(
              'li',
              { dataset: { indicator: i.id } },
              ragBadge('red'),
              ' ',
              h('a', { href: `#/indicators?id=${encodeURIComponent(i.id)}` }, i.title),
              h('span', { class: 'muted small' }, ` ${i.department.name}`),
            ),
          ),
        )
      : null,
    h('p', {}, h('a', { href: '#/indicators', id: 'indicators-link' }, zh ? '查看全部指标 →' : 'All indicators →')),
  );
}

function taskLink(item) {
  return h('a', { class: 'desk-title', href: `#/task/${encodeURIComponent(item.id)}` }, item.title);
}

/** Submitted to this leader: oldest first, how long each has waited and its review deadline. */
function reviewCard(session, desk, rerender) {
  const { zone } = session;
  const items = desk.review.map((item) => {
    const waited = item.submittedAt ? desk.now - item.submittedAt : null;
    const left = item.reviewDeadline ? item.reviewDeadline - desk.now : null;
    const late = left !== null && left < 0;
    const actions = item.actions.filter((a) => !a.startsWith('task.extension.'));
    return h(
      'li',
      { class: `desk-item${late ? ' late' : ''}`, dataset: { task: item.id } },
      h(
        'div',
        { class: 'desk-head' },
        taskLink(item),
        h('span', { class: 'chip' }, session.unitName(item.leadDepartment)),
        item.reviewRung > 0 ? h('span', { class: 'chip light-red' }, t('reviewEscalated', { n: item.reviewRung })) : null,
      ),
      h(
        'div',
        { class: 'small desk-facts' },
        item.submittedAt ? h('span', {}, `${t('submittedAt')}${C()}${fmtTime(item.submittedAt, zone)}`) : null,
        waited !== null ? h('strong', { class: 'waited' }, t('waited', { d: duration(waited) })) : null,
        item.reviewDeadline
          ? h(
              'span',
              { class: 'review-deadline' },
              `${t('reviewDeadline')}${C()}${fmtDeadline(item.reviewDeadline, zone)}`,
              h(
                'strong',
                { class: `rel ${late ? 'red' : 'green'}` },
                paren(late ? t('reviewOverdueBy', { d: duration(left) }) : t('reviewLeft', { d: duration(left) })),
              ),
            )
          : null,
        item.responsibleLeader !== session.me?.id
          ? h('span', { class: 'muted' }, `${L('role', 'responsibleLeader')}${C()}${session.personName(item.responsibleLeader)}`)
          : null,
      ),
      actions.length > 0
        ? h('details', { class: 'card-actions' }, h('summary', {}, t('reviewIt')), actionForms(session, item, actions, rerender))
        : null,
    );
  });
  return h(
    'section',
    { class: 'card desk', id: 'review-queue' },
    h('h2', {}, t('reviewQueue'), h('span', { class: 'count' }, String(desk.review.length))),
    items.length > 0 ? h('ul', { class: 'desk-list' }, items) : h('p', { class: 'muted' }, t('reviewQueueEmpty')),
  );
}

/** Extension requests for this leader to approve or reject, with what was asked and why. */
function extensionCard(session, desk, rerender) {
  const { zone } = session;
  return h(
    'section',
    { class: 'card desk', id: 'extension-queue' },
    h('h2', {}, t('extensionQueue'), h('span', { class: 'count' }, String(desk.extensions.length))),
    h(
      'ul',
      { class: 'desk-list' },
      desk.extensions.map((item) => {
        const actions = item.actions.filter((a) => a.startsWith('task.extension.'));
        return h(
          'li',
          { class: 'desk-item', dataset: { task: item.id } },
          h('div', { class: 'desk-head' }, taskLink(item), h('span', { class: 'chip' }, session.unitName(item.leadDepartment))),
          h(
            'div',
            { class: 'small desk-facts' },
            h('strong', { class: 'requested-deadline' }, `${t('requestedDeadline')}${C()}${fmtDeadline(item.requestedDeadline, zone)}`),
            h('span', {}, `${t('currentDeadline')}${C()}${fmtDeadline(item.deadlineMs, zone)}`),
          ),
          h('div', { class: 'small extension-reason' }, `${t('reason')}${C()}${item.reason}`),
          h(
            'div',
            { class: 'muted small' },
            `${t('requestedBy')}${C()}${session.actorName(item.requestedBy)}${SEMI()}${t('requestedAt')}${C()}${fmtTime(item.requestedAt, zone)}`,
          ),
          actions.length > 0
            ? h(
                'details',
                { class: 'card-actions', open: true },
                h('summary', {}, t('decide')),
                actionForms(session, item, actions, rerender),
              )
            : null,
        );
      }),
    ),
  );
}

/** Departments × stages: each task in the stage its own machine is in, those behind the plan's phase marked. */
function stageCard(session, stages) {
  const current = stages.current;
  const entry = (e) =>
    h(
      'li',
      {
        class: `stage-task light-${e.light}${e.behind ? ' behind' : ''}`,
        dataset: { task: e.id, work: e.work, ...(e.behind ? { behind: '' } : {}) },
      },
      lightDot(e.light, L('work', e.work)),
      h('a', { href: `#/task/${encodeURIComponent(e.id)}` }, e.title),
      e.behind ? h('span', { class: 'behind-tag' }, t('behind')) : null,
      e.work === 'unfinished' ? h('span', { class: 'behind-tag' }, L('work', 'unfinished')) : null,
    );
  const table = h(
    'table',
    { class: 'matrix stage-matrix', id: 'matrix' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('department')),
        stages.columns.map((c) =>
          h(
            'th',
            { scope: 'col', class: c === current ? 'current' : null, dataset: { stage: c } },
            L('phase', c),
            c === current ? h('span', { class: 'current-mark' }, paren(t('currentPhaseMark'))) : null,
          ),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      stages.rows.map((row) =>
        h(
          'tr',
          { dataset: { department: row.department } },
          h('th', { scope: 'row' }, h('a', { href: `#/dept?unit=${encodeURIComponent(row.department)}` }, row.name)),
          stages.columns.map((c) => {
            const list = row.cells[c] ?? [];
            return h(
              'td',
              { class: `cell${c === current ? ' current' : ''}${list.length === 0 ? ' cell-none' : ''}`, dataset: { stage: c } },
              list.length > 0 ? h('ul', { class: 'stage-list' }, list.map(entry)) : '—',
            );
          }),
        ),
      ),
    ),
  );
  return h(
    'section',
    { class: 'card', id: 'matrix-card' },
    h('h2', {}, t('matrix')),
    h('p', { class: 'muted small' }, t('matrixHelp')),
    stages.behind > 0 ? h('p', { class: 'behind-summary' }, t('behindCount', { n: stages.behind })) : null,
    h('div', { class: 'table-scroll' }, table),
  );
}

/** Per phase, the tasks due in it: done on time, late, still open, left unfinished. */
function rollupCard(session, rollup, current) {
  const titles = (ids) =>
    ids.map((id) => session.def.tasks.find((task) => task.id === id)?.title ?? id).join(getLang() === 'zh' ? '、' : ', ');
  const table = h(
    'table',
    { class: 'matrix rollup', id: 'rollup' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, t('rollupPhase')),
        h('th', { scope: 'col' }, t('rollupDue')),
        OUTCOMES.map((o) => h('th', { scope: 'col' }, t(`rollup_${o}`))),
      ),
    ),
    h(
      'tbody',
      {},
      rollup.map((r) =>
        h(
          'tr',
          { dataset: { phase: r.phase }, class: r.phase === current ? 'current' : null },
          h(
            'th',
            { scope: 'row' },
            L('phase', r.phase),
            r.phase === current ? h('span', { class: 'current-mark' }, paren(t('currentPhaseMark'))) : null,
          ),
          h('td', { dataset: { outcome: 'due' } }, String(r.due)),
          OUTCOMES.map((o) =>
            h(
              'td',
              { class: r.counts[o] > 0 ? `outcome-${o}` : 'cell-none', dataset: { outcome: o }, title: titles(r.tasks[o]) || null },
              String(r.counts[o]),
            ),
          ),
        ),
      ),
    ),
  );
  return h(
    'section',
    { class: 'card', id: 'rollup-card' },
    h('h2', {}, t('rollup')),
    h('p', { class: 'muted small' }, t('rollupHelp')),
    h('div', { class: 'table-scroll' }, table),
  );
}

function overdueCard(session, tasks) {
  const overdue = tasks.filter((task) => task.supervision === 'overdue');
  const byRung = new Map();
  for (const task of overdue) byRung.set(task.rung, [...(byRung.get(task.rung) ?? []), task]);
  const rungs = session.def.escalation.rungs;
  const body =
    overdue.length === 0
      ? h('p', { class: 'muted' }, t('noOverdue'))
      : [...byRung.keys()]
          .sort((a, b) => b - a)
          .map((rung) =>
            h(
              'div',
              { class: 'rung-group', dataset: { rung: String(rung) } },
              h(
                'h3',
                {},
                h('span', { class: `rung-badge r${Math.min(rung, 4)}` }, t('rungN', { n: rung })),
                ' ',
                L('rungAction', rungs[rung - 1]?.action ?? ''),
                h('span', { class: 'count' }, String(byRung.get(rung).length)),
              ),
              h(
                'ul',
                { class: 'task-lines' },
                byRung
                  .get(rung)
                  .map((task) =>
                    h(
                      'li',
                      {},
                      h('a', { href: `#/task/${encodeURIComponent(task.id)}` }, task.title),
                      h(
                        'span',
                        { class: 'muted small' },
                        ` ${session.unitName(task.leadDepartment)} · ${session.personName(task.responsiblePerson)} · ${t('deadline')} ${fmtDeadline(task.deadlineMs, session.zone)}`,
                        task.rectificationDeadline
                          ? ` · ${t('rectificationDeadline')} ${fmtDeadline(Date.parse(task.rectificationDeadline), session.zone)}`
                          : '',
                      ),
                    ),
                  ),
              ),
            ),
          );
  return h('section', { class: 'card', id: 'overdue' }, h('h2', {}, t('overdueByRung')), body);
}

function ledgerCard(session) {
  const button = h('button', { type: 'button', class: 'primary', id: 'export-ledger' }, t('exportXlsx'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const blob = await api.blob(`/web-api/plans/${encodeURIComponent(session.planId)}/ledger.xlsx?lang=${getLang()}`);
      saveBlob(blob, `${session.planId}-${getLang() === 'zh' ? '台账' : 'ledger'}.xlsx`);
    } catch (err) {
      alert(err.message);
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'card', id: 'ledger' }, h('h2', {}, t('ledger')), h('p', { class: 'muted small' }, t('ledgerHelp')), button);
}
