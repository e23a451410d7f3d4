// The leadership view: where the plan stands, which lights are red, who is on
// which rung, and the notices waiting for this person's signature.
import { api, saveBlob } from '../api.js';
import { rungChart, statusChart, timelineChart } from '../charts.js';
import { C, getLang, L, pick, t } from '../i18n.js';
import { clear, fmtDeadline, fmtTime, h, lightDot, lightOf } from '../util.js';

const LIGHTS = ['red', 'yellow', 'green', 'done', 'idle'];
const LIGHT_KEY = { red: 'lightRed', yellow: 'lightYellow', green: 'lightGreen', done: 'lightDone', idle: 'lightIdle' };

export async function leadershipView(session, el) {
  await session.refreshPlan();
  const { plan, planId, zone } = session;
  const [overview, { tasks }, inbox] = await Promise.all([
    api.overview(planId),
    api.tasks(planId),
    session.principal.kind === 'person' ? api.inbox(true) : Promise.resolve(null),
  ]);
  const counts = Object.fromEntries(LIGHTS.map((l) => [l, 0]));
  for (const task of tasks) counts[lightOf(task.supervision)] += 1;

  const timeline = h('div', { class: 'chart chart-timeline', id: 'chart-timeline', role: 'img', 'aria-label': t('timeline') });
  const status = h('div', { class: 'chart chart-small', id: 'chart-status', role: 'img', 'aria-label': t('statusChart') });
  const rungs = h('div', { class: 'chart chart-small', id: 'chart-rungs', role: 'img', 'aria-label': t('rungChart') });

  clear(el).append(
    h('div', { class: 'page-leader' },
      planHead(session, counts, plan.counts.awaitingAcceptance ?? 0),
      inbox ? inboxCard(session, inbox.notices) : null,
      h('section', { class: 'card', id: 'timeline' }, h('h2', {}, t('timeline')), h('p', { class: 'muted small' }, t('timelineHelp')), timeline),
      h('div', { class: 'grid2' },
        h('section', { class: 'card' }, h('h2', {}, t('statusChart')), status),
        h('section', { class: 'card' }, h('h2', {}, t('rungChart')), rungs),
      ),
      matrixCard(session, overview.matrix),
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

function planHead(session, counts, awaiting) {
  const { plan } = session;
  const tile = (light, n, key) =>
    h('div', { class: `tile ${light}`, dataset: { light } }, h('span', { class: 'tile-n' }, String(n)), h('span', { class: 'tile-label' }, lightDot(light), t(key)));
  return h('section', { class: 'card plan-head' },
    h('div', { class: 'plan-title' },
      h('h1', {}, plan.title),
      h('p', { class: 'muted' }, `${t('issuer')}${C()}${plan.issuer}`),
      h('p', {}, `${t('currentPhase')}${C()}`, h('span', { class: 'chip phase' }, L('phase', plan.stage))),
    ),
    h('div', { class: 'tiles', id: 'tiles' },
      tile('red', counts.red, 'lightRed'),
      tile('yellow', counts.yellow, 'lightYellow'),
      tile('green', counts.green, 'lightGreen'),
      tile('done', counts.done, 'lightDone'),
      tile('awaiting', awaiting, 'awaitingAcceptance'),
    ),
  );
}

function inboxCard(session, notices) {
  const list = h('ul', { class: 'inbox-list' });
  const card = h('section', { class: 'card', id: 'inbox' }, h('h2', {}, t('inbox'), h('span', { class: 'count' }, String(notices.length))), list);
  if (notices.length === 0) list.append(h('li', { class: 'muted' }, t('inboxEmpty')));
  for (const n of notices) {
    const ackButton = h('button', { type: 'button', class: 'primary small', dataset: { ack: n.id } }, t('acknowledge'));
    const item = h('li', { class: `notice-item kind-${n.kind}`, dataset: { notice: n.id } },
      h('div', { class: 'notice-main' },
        h('span', { class: `chip kind-${n.kind}` }, n.rung ? `${t('rungN', { n: n.rung })} ${t('kind_rectification')}` : t(`kind_${n.kind}`)),
        h('a', { href: `#/notice/${encodeURIComponent(n.id)}` }, pick(n.title)),
        h('div', { class: 'muted small' }, fmtTime(n.createdAt, session.zone), n.rectificationDeadline ? ` · ${t('rectificationDeadline')}${C()}${fmtDeadline(n.rectificationDeadline, session.zone)}` : ''),
      ),
      ackButton,
    );
    ackButton.addEventListener('click', async () => {
      ackButton.disabled = true;
      try {
        await api.ack(n.id);
        item.classList.add('acked');
        ackButton.replaceWith(h('span', { class: 'chip done' }, t('acknowledged')));
      } catch (err) {
        ackButton.disabled = false;
        alert(err.message);
      }
    });
    list.append(item);
  }
  return card;
}

function matrixCard(session, matrix) {
  const cell = (c) => {
    const worst = LIGHTS.find((l) => c[l] > 0 && l !== 'idle') ?? (c.idle > 0 ? 'idle' : 'none');
    const parts = LIGHTS.filter((l) => c[l] > 0).map((l) => h('span', { class: 'light-count', title: t(LIGHT_KEY[l]) }, lightDot(l), String(c[l])));
    return h('td', { class: `cell cell-${worst}`, title: c.tasks.join(', ') }, parts.length > 0 ? parts : '—');
  };
  const table = h('table', { class: 'matrix', id: 'matrix' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('department')), matrix.columns.map((c) => h('th', { scope: 'col' }, L('phase', c))))),
    h('tbody', {}, matrix.rows.map((row) =>
      h('tr', { dataset: { department: row.department } },
        h('th', { scope: 'row' }, h('a', { href: `#/dept?unit=${encodeURIComponent(row.department)}` }, row.name)),
        matrix.columns.map((c) => cell(row.cells[c])),
      ),
    )),
  );
  return h('section', { class: 'card', id: 'matrix-card' }, h('h2', {}, t('matrix')), h('p', { class: 'muted small' }, t('matrixHelp')), h('div', { class: 'table-scroll' }, table));
}

function overdueCard(session, tasks) {
  const overdue = tasks.filter((task) => task.supervision === 'overdue');
  const byRung = new Map();
  for (const task of overdue) byRung.set(task.rung, [...(byRung.get(task.rung) ?? []), task]);
  const rungs = session.def.escalation.rungs;
  const body = overdue.length === 0
    ? h('p', { class: 'muted' }, t('noOverdue'))
    : [...byRung.keys()].sort((a, b) => b - a).map((rung) =>
        h('div', { class: 'rung-group', dataset: { rung: String(rung) } },
          h('h3', {}, h('span', { class: `rung-badge r${Math.min(rung, 4)}` }, t('rungN', { n: rung })), ' ', L('rungAction', rungs[rung - 1]?.action ?? ''), h('span', { class: 'count' }, String(byRung.get(rung).length))),
          h('ul', { class: 'task-lines' }, byRung.get(rung).map((task) =>
            h('li', {},
              h('a', { href: `#/task/${encodeURIComponent(task.id)}` }, task.title),
              h('span', { class: 'muted small' },
                ` ${session.unitName(task.leadDepartment)} · ${session.personName(task.responsiblePerson)} · ${t('deadline')} ${fmtDeadline(task.deadlineMs, session.zone)}`,
                task.rectificationDeadline ? ` · ${t('rectificationDeadline')} ${fmtDeadline(Date.parse(task.rectificationDeadline), session.zone)}` : '',
              ),
            ),
          )),
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
