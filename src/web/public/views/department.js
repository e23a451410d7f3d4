// The department view: a department's tasks, most urgent first, each with its
// light, deadline, progress, the reason it was last sent back, and the forms this
// person may use on it right there.
import { actionForms } from '../actions.js';
import { api } from '../api.js';
import { C, L, SEP, t } from '../i18n.js';
import { clear, fmtDeadline, fmtTime, h, lightDot, lightOf, relative } from '../util.js';

export async function departmentView(session, el, _params, query) {
  const { def, me } = session;
  const mine = query.get('mine') === '1' || (!query.has('unit') && !query.has('mine') && me && session.headOf.length === 0 && !me.unit);
  const unit = query.get('unit') ?? session.headOf[0] ?? me?.unit ?? def.tasks[0]?.leadDepartment;
  const filter = mine && me ? { person: me.id } : { department: unit };
  const { tasks } = await api.tasks(session.planId, filter);
  const [allowed, returns] = await Promise.all([
    tasks.length > 0 ? api.actions(session.planId, tasks.map((task) => task.id)) : { tasks: {} },
    Promise.all(tasks.filter((task) => task.returns > 0).map((task) => api.task(session.planId, task.id))),
  ]);
  const lastReturn = new Map(returns.map((task) => [task.id, [...task.history].reverse().find((e) => e.event === 'task.return')]));

  const go = (next) => (location.hash = `#/dept?${new URLSearchParams(next)}`);
  const unitSelect = h('select', { id: 'dept-select', 'aria-label': t('chooseDept'), disabled: mine, onchange: (e) => go({ unit: e.target.value }) },
    def.units.map((u) => h('option', { value: u.id, selected: u.id === unit }, u.name)));
  const mineToggle = me
    ? h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'only-mine', checked: mine, onchange: (e) => go(e.target.checked ? { mine: '1' } : { unit }) }), t('onlyMine'))
    : null;

  const rerender = () => departmentView(session, el, _params, query);
  clear(el).append(
    h('div', { class: 'page-dept' },
      h('section', { class: 'card toolbar' },
        h('h1', {}, mine ? `${me.name} · ${t('myTasks')}` : `${session.unitName(unit)} · ${t('myTasks')}`),
        h('div', { class: 'toolbar-controls' }, h('label', { class: 'inline' }, t('chooseDept'), unitSelect), mineToggle),
      ),
      tasks.length === 0
        ? h('section', { class: 'card muted' }, t('noTasks'))
        : h('div', { class: 'task-cards', id: 'task-cards' }, tasks.map((task) => taskCard(session, task, allowed.tasks[task.id]?.actions ?? [], lastReturn.get(task.id), rerender))),
    ),
  );
}

function taskCard(session, task, actions, returned, rerender) {
  const light = lightOf(task.supervision);
  const closed = task.work === 'accepted';
  const percent = task.progress?.percent ?? null;
  return h('article', { class: `card task-card light-${light}`, dataset: { task: task.id, work: task.work, supervision: task.supervision } },
    h('header', { class: 'task-card-head' },
      lightDot(light, L('supervision', task.supervision)),
      h('a', { class: 'task-title', href: `#/task/${encodeURIComponent(task.id)}` }, task.title),
      h('span', { class: 'chips' },
        h('span', { class: `chip work-${task.work}` }, L('work', task.work)),
        task.rung > 0 ? h('span', { class: `rung-badge r${Math.min(task.rung, 4)}` }, t('rungN', { n: task.rung })) : null,
      ),
    ),
    h('div', { class: 'task-meta muted small' },
      h('span', {}, `${t('deadline')} ${fmtDeadline(task.deadlineMs, session.zone)}`),
      closed ? null : h('strong', { class: `rel ${light}` }, relative(task.deadlineMs, Date.now())),
      task.rectificationDeadline ? h('span', {}, `${t('rectificationDeadline')} ${fmtDeadline(Date.parse(task.rectificationDeadline), session.zone)}`) : null,
      h('span', {}, `${L('role', 'responsiblePerson')} ${session.personName(task.responsiblePerson)}`),
    ),
    h('div', { class: 'progress' },
      h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(percent ?? 0) }, h('span', { style: `width:${percent ?? 0}%` })),
      h('span', { class: 'small' }, percent === null ? t('noProgress') : t('percentDone', { n: percent })),
      task.progress?.note ? h('span', { class: 'muted small progress-note' }, task.progress.note) : null,
    ),
    returned
      ? h('div', { class: 'returned', role: 'note' },
          h('strong', {}, t('returnedBecause')), ' ', h('span', { class: 'return-reason' }, String(returned.data?.reason ?? '')),
          h('div', { class: 'muted small' }, `${t('returnedBy')} ${session.personName(returned.by)} · ${fmtTime(returned.at, session.zone)} · ${t('newDeadline')} ${fmtDeadline(task.deadlineMs, session.zone)}`),
        )
      : null,
    actions.length > 0
      ? h('details', { class: 'card-actions' },
          h('summary', {}, `${t('actions')}${C()}${actions.map((a) => L('event', a)).join(SEP())}`),
          actionForms(session, task, actions, rerender),
        )
      : null,
  );
}
