// The department view: a department's tasks, most urgent first, each with its
// light, deadline, progress, the reason it was last sent back, its pending extension
// request, and the forms this person may use on it right there. A task submitted and
// waiting for its leader reads "待领导验收": the department's clock has stopped, so it
// is never shown as overdue.
import { actionForms } from '../actions.js';
import { api } from '../api.js';
import { C, L, SEMI, SEP, t } from '../i18n.js';
import { clear, fmtDeadline, fmtTime, h, lightDot, lightOf, relative } from '../util.js';
import { inboxCard, openNotices } from './inbox.js';

const SUMMARY = [
  ['red', 'lightRed'],
  ['yellow', 'lightYellow'],
  ['green', 'lightGreen'],
  ['awaiting', 'awaitingReview'],
  ['done', 'lightDone'],
];

export async function departmentView(session, el, _params, query) {
  const { def, me } = session;
  const mine = query.get('mine') === '1' || (!query.has('unit') && !query.has('mine') && me && session.headOf.length === 0 && !me.unit);
  const unit = query.get('unit') ?? session.headOf[0] ?? me?.unit ?? def.tasks[0]?.leadDepartment;
  const filter = mine && me ? { person: me.id } : { department: unit };
  const { tasks } = await api.tasks(session.planId, filter);
  // The full task (history, record) only where the card shows more than the list has.
  const needsDetail = (task) => task.returns > 0 || task.supervision === 'withReviewer' || task.extension === 'pending';
  // A department head's landing page: the notices waiting for their signature come first.
  const [allowed, detailed, notices] = await Promise.all([
    tasks.length > 0
      ? api.actions(
          session.planId,
          tasks.map((task) => task.id),
        )
      : { tasks: {} },
    Promise.all(tasks.filter(needsDetail).map((task) => api.task(session.planId, task.id))),
    openNotices(session),
  ]);
  const detail = new Map(detailed.map((task) => [task.id, task]));
  const counts = Object.fromEntries(SUMMARY.map(([light]) => [light, tasks.filter((task) => lightOf(task.supervision) === light).length]));

  const go = (next) => (location.hash = `#/dept?${new URLSearchParams(next)}`);
  const unitSelect = h(
    'select',
    { id: 'dept-select', 'aria-label': t('chooseDept'), disabled: mine, onchange: (e) => go({ unit: e.target.value }) },
    def.units.map((u) => h('option', { value: u.id, selected: u.id === unit }, u.name)),
  );
  const mineToggle = me
    ? h(
        'label',
        { class: 'check' },
        h('input', { type: 'checkbox', id: 'only-mine', checked: mine, onchange: (e) => go(e.target.checked ? { mine: '1' } : { unit }) }),
        t('onlyMine'),
      )
    : null;

  const rerender = () => departmentView(session, el, _params, query);
  clear(el).append(
    h(
      'div',
      { class: 'page-dept' },
      h(
        'section',
        { class: 'card toolbar' },
        h('h1', {}, mine ? `${me.name} · ${t('myTasks')}` : `${session.unitName(unit)} · ${t('myTasks')}`),
        h('div', { class: 'toolbar-controls' }, h('label', { class: 'inline' }, t('chooseDept'), unitSelect), mineToggle),
        tasks.length > 0
          ? h(
              'p',
              { class: 'dept-summary small', id: 'dept-summary' },
              SUMMARY.filter(([light]) => counts[light] > 0).map(([light, key]) =>
                h('span', { class: 'light-count', dataset: { light } }, lightDot(light), `${t(key)} ${counts[light]}`),
              ),
            )
          : null,
      ),
      notices ? inboxCard(session, notices) : null,
      tasks.length === 0
        ? h('section', { class: 'card muted' }, t('noTasks'))
        : h(
            'div',
            { class: 'task-cards', id: 'task-cards' },
            tasks.map((task) => taskCard(session, task, allowed.tasks[task.id]?.actions ?? [], detail.get(task.id), rerender)),
          ),
    ),
  );
}

function taskCard(session, task, actions, full, rerender) {
  const light = lightOf(task.supervision);
  const closed = task.work === 'accepted' || task.work === 'unfinished';
  const withReviewer = task.supervision === 'withReviewer';
  const percent = task.progress?.percent ?? null;
  const returned = full ? [...full.history].reverse().find((e) => e.event === 'task.return') : undefined;
  const submission = withReviewer ? full?.record?.submissions.at(-1) : undefined;
  const request = task.extension === 'pending' ? full?.record?.extensions.findLast((x) => x.outcome === 'pending') : undefined;
  const zone = session.zone;
  return h(
    'article',
    { class: `card task-card light-${light}`, dataset: { task: task.id, work: task.work, supervision: task.supervision } },
    h(
      'header',
      { class: 'task-card-head' },
      lightDot(light, L('supervision', task.supervision)),
      h('a', { class: 'task-title', href: `#/task/${encodeURIComponent(task.id)}` }, task.title),
      h(
        'span',
        { class: 'chips' },
        h('span', { class: `chip work-${task.work}` }, L('work', task.work)),
        withReviewer ? h('span', { class: 'chip awaiting', dataset: { awaiting: '' } }, t('awaitingReview')) : null,
        task.rung > 0 ? h('span', { class: `rung-badge r${Math.min(task.rung, 4)}` }, t('rungN', { n: task.rung })) : null,
      ),
    ),
    h(
      'div',
      { class: 'task-meta muted small' },
      h('span', {}, `${t('deadline')} ${fmtDeadline(task.deadlineMs, zone)}`),
      // Submitted: the leader holds it now, and the department is not late for the wait.
      closed || withReviewer ? null : h('strong', { class: `rel ${light}` }, relative(task.deadlineMs, Date.now())),
      withReviewer ? h('strong', { class: 'rel awaiting' }, t('clockStopped')) : null,
      submission ? h('span', {}, `${t('submittedAt')} ${fmtTime(submission.at, zone)}`) : null,
      submission?.reviewDeadline
        ? h('span', { class: 'review-deadline' }, `${t('reviewDeadline')} ${fmtDeadline(submission.reviewDeadline, zone)}`)
        : null,
      task.rectificationDeadline && !withReviewer
        ? h('span', {}, `${t('rectificationDeadline')} ${fmtDeadline(Date.parse(task.rectificationDeadline), zone)}`)
        : null,
      h('span', {}, `${L('role', 'responsiblePerson')} ${session.personName(task.responsiblePerson)}`),
    ),
    h(
      'div',
      { class: 'progress' },
      h(
        'div',
        { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(percent ?? 0) },
        h('span', { style: `width:${percent ?? 0}%` }),
      ),
      h('span', { class: 'small' }, percent === null ? t('noProgress') : t('percentDone', { n: percent })),
      task.progress?.note ? h('span', { class: 'muted small progress-note' }, task.progress.note) : null,
    ),
    returned
      ? h(
          'div',
          { class: 'returned', role: 'note' },
          h('strong', {}, t('returnedBecause')),
          ' ',
          h('span', { class: 'return-reason' }, String(returned.data?.reason ?? '')),
          h(
            'div',
            { class: 'muted small' },
            `${t('returnedBy')} ${session.actorName(returned.by)} · ${fmtTime(returned.at, zone)} · ${t('newDeadline')} ${fmtDeadline(task.deadlineMs, zone)}`,
          ),
        )
      : null,
    request
      ? h(
          'div',
          { class: 'extension-pending', role: 'note' },
          h('strong', {}, t('extensionPending')),
          h(
            'div',
            { class: 'small' },
            `${t('requestedDeadline')}${C()}${fmtDeadline(request.deadline, zone)}${SEMI()}${t('reason')}${C()}${request.reason}`,
          ),
          h(
            'div',
            { class: 'muted small' },
            `${t('requestedBy')} ${session.actorName(request.by)} · ${fmtTime(request.requestedAt, zone)}`,
          ),
        )
      : null,
    actions.length > 0
      ? h(
          'details',
          { class: 'card-actions' },
          h('summary', {}, `${t('actions')}${C()}${actions.map((a) => L('event', a)).join(SEP())}`),
          actionForms(session, task, actions, rerender),
        )
      : null,
  );
}
