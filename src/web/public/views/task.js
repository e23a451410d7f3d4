// One task: its chain with names, state and rung, its record (original deadline,
// every change, rungs with their numbers, returns, extensions, 签收, reviews), what
// this person may do, the pending reminders and escalations, the evidence, the
// history as a timeline and the machine's diagram with the current states marked.
import { actionForms } from '../actions.js';
import { api, saveBlob } from '../api.js';
import { machineDiagram } from '../diagram.js';
import { C, L, paren, pick, SEMI, SEP, t } from '../i18n.js';
import { clear, duration, fmtDeadline, fmtSize, fmtTime, h, lightDot, lightOf, relative } from '../util.js';
import { pendingRequest, recordCard } from './task-record.js';

let machineGraph = null;

export async function taskView(session, el, [taskId]) {
  machineGraph ??= await api.machine();
  const [task, allowed, { files }] = await Promise.all([
    api.task(session.planId, taskId),
    api.actions(session.planId, [taskId]),
    api.files(session.planId, taskId),
  ]);
  const state = allowed.tasks[taskId] ?? { actions: [], active: [] };
  const rerender = () => taskView(session, el, [taskId]);
  const fileNames = new Map(files.map((f) => [f.url, f.name]));

  clear(el).append(
    h(
      'div',
      { class: 'page-task', dataset: { task: task.id } },
      headCard(session, task),
      partOfLine(task),
      partsCard(session, task),
      recordCard(session, task),
      h(
        'div',
        { class: 'grid2 task-grid' },
        h(
          'div',
          { class: 'col' },
          h(
            'section',
            { class: 'card', id: 'task-actions' },
            h('h2', {}, t('actions')),
            actionForms(session, task, state.actions, rerender),
          ),
          chainCard(session, task),
          timersCard(session, task),
          filesCard(session, files),
        ),
        h('div', { class: 'col' }, historyCard(session, task, fileNames)),
      ),
      h(
        'section',
        { class: 'card', id: 'machine' },
        h('h2', {}, t('machine')),
        h('p', { class: 'muted small' }, t('machineHelp')),
        machineDiagram(machineGraph, state.active),
      ),
    ),
  );
}

function headCard(session, task) {
  const light = lightOf(task.supervision);
  const area = session.def.areas.find((a) => a.id === task.area)?.title;
  const closed = task.work === 'accepted' || task.work === 'unfinished';
  const withReviewer = task.supervision === 'withReviewer';
  const submission = withReviewer ? task.record?.submissions.at(-1) : undefined;
  const now = Date.now();
  return h(
    'section',
    { class: `card task-head light-${light}` },
    h('p', { class: 'muted small' }, h('a', { href: '#/dept' }, `← ${t('navDept')}`), area ? ` · ${t('area')}${C()}${area}` : ''),
    h('h1', {}, lightDot(light), task.title, h('small', { class: 'muted' }, ` ${task.id}`)),
    h(
      'div',
      { class: 'chips', id: 'task-state' },
      h('span', { class: 'chip phase', dataset: { stage: task.stage } }, `${t('currentStage')}${C()}${L('phase', task.stage)}`),
      h('span', { class: `chip work-${task.work}`, dataset: { work: task.work } }, `${t('work')}${C()}${L('work', task.work)}`),
      h(
        'span',
        { class: `chip light-${light}`, dataset: { supervision: task.supervision } },
        `${t('supervision')}${C()}${withReviewer ? t('awaitingReview') : L('supervision', task.supervision)}`,
      ),
      task.reviewRung > 0
        ? h(
            'span',
            { class: 'chip light-red', dataset: { reviewRung: String(task.reviewRung) } },
            t('reviewEscalated', { n: task.reviewRung }),
          )
        : null,
      task.rung > 0
        ? h(
            'span',
            { class: `rung-badge r${Math.min(task.rung, 4)}`, dataset: { rung: String(task.rung) } },
            `${t('rungN', { n: task.rung })} · ${L('rungAction', session.def.escalation.rungs[task.rung - 1]?.action ?? '')}`,
          )
        : null,
      task.returns > 0 ? h('span', { class: 'chip' }, `${t('returns')} ${task.returns}`) : null,
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, t('deadline')),
      h(
        'dd',
        {},
        fmtDeadline(task.deadlineMs, session.zone),
        closed
          ? ''
          : withReviewer
            ? h('span', { class: 'rel awaiting' }, paren(t('clockStopped')))
            : h('strong', { class: `rel ${light}` }, ` ${relative(task.deadlineMs, now)}`),
      ),
      task.rectificationDeadline && !withReviewer
        ? [h('dt', {}, t('rectificationDeadline')), h('dd', {}, fmtDeadline(Date.parse(task.rectificationDeadline), session.zone))]
        : null,
      submission
        ? [
            h('dt', {}, t('submittedAt')),
            h(
              'dd',
              {},
              fmtTime(submission.at, session.zone),
              h('span', { class: 'muted' }, ` ${t('waited', { d: duration(now - submission.at) })}`),
            ),
          ]
        : null,
      submission?.reviewDeadline
        ? [
            h('dt', {}, t('reviewDeadline')),
            h(
              'dd',
              { id: 'review-deadline' },
              fmtDeadline(submission.reviewDeadline, session.zone),
              h(
                'strong',
                { class: `rel ${submission.reviewDeadline < now ? 'red' : 'green'}` },
                paren(
                  submission.reviewDeadline < now
                    ? t('reviewOverdueBy', { d: duration(now - submission.reviewDeadline) })
                    : t('reviewLeft', { d: duration(submission.reviewDeadline - now) }),
                ),
              ),
            ),
          ]
        : null,
      pendingRequest(session, task),
      h('dt', {}, t('progress')),
      h(
        'dd',
        {},
        task.progress
          ? `${t('percentDone', { n: task.progress.percent })}${task.progress.note ? ` — ${task.progress.note}` : ''}`
          : t('noProgress'),
      ),
      task.duties ? [h('dt', {}, t('duties')), h('dd', {}, task.duties)] : null,
      task.milestones?.length
        ? [h('dt', {}, t('milestones')), h('dd', {}, task.milestones.map((m) => `${m.title}${paren(m.due)}`).join(SEMI()))]
        : null,
    ),
  );
}

const PART_KIND = {
  occurrence: { zh: '周期任务', en: 'occurrence' },
  milestone: { zh: '节点', en: 'milestone' },
  unit: { zh: '分解任务', en: "unit's task" },
  contribution: { zh: '协办', en: 'contribution' },
};

/** A part (an occurrence, milestone, unit's or cooperating unit's part) links to the task it belongs to. */
function partOfLine(task) {
  if (!task.partOf) return null;
  const parent = task.partOf.parent;
  return h(
    'p',
    { class: 'card muted small', id: 'part-of' },
    `${pick(PART_KIND[task.partOf.kind])}${C()}`,
    h('a', { href: `#/task/${encodeURIComponent(parent)}` }, pick({ zh: `属于任务 ${parent}`, en: `part of task ${parent}` })),
  );
}

/** A parent's parts rolled up: how many accepted, which are late (which school lags, which cooperating unit made it late). */
function partsCard(session, task) {
  const r = task.parts;
  if (!r) return null;
  const closes =
    r.closes === 'withParts'
      ? { zh: '各分项均验收后本任务自动完成；本任务不单独督办。', en: 'Done when every part is accepted; the task itself is not chased.' }
      : {
          zh: '本任务由牵头部门自行办结；各分项另行督办。',
          en: 'The lead department closes this task itself; each part is supervised on its own.',
        };
  const late = r.lateContributions.length
    ? h(
        'p',
        { class: 'red', id: 'late-contributions' },
        pick({ zh: '逾期的协办单位：', en: 'Cooperating units that were late: ' }),
        r.lateContributions.map((c) => c.name).join(SEP()),
      )
    : null;
  return h(
    'section',
    { class: 'card', id: 'task-parts' },
    h('h2', {}, pick({ zh: '分项', en: 'Parts' })),
    h(
      'p',
      { class: 'muted small' },
      pick({
        zh: `共 ${r.total} 项，已验收 ${r.accepted} 项，办理中 ${r.open} 项，未下达 ${r.upcoming} 项，逾期 ${r.late} 项。`,
        en: `${r.total} parts: ${r.accepted} accepted, ${r.open} open, ${r.upcoming} not yet issued, ${r.late} late.`,
      }),
      pick(closes),
    ),
    late,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[
              ['分项', 'Part'],
              ['承办', 'Held by'],
              ['完成时限', 'Deadline'],
              ['状态', 'State'],
              ['逾期', 'Late'],
            ].map(([zh, en]) => h('th', {}, pick({ zh, en }))),
          ),
        ),
        h(
          'tbody',
          {},
          ...r.parts.map((p) =>
            h(
              'tr',
              { class: p.late ? 'late' : '', dataset: { part: p.id } },
              h('td', {}, h('a', { href: `#/task/${encodeURIComponent(p.id)}` }, p.title)),
              h('td', {}, p.unit ? `${p.unit.name} ${p.holder.name}` : p.holder.name),
              h('td', {}, fmtDeadline(p.deadlineMs, session.zone)),
              h('td', {}, L('work', p.work)),
              h(
                'td',
                { class: p.late ? 'red' : '' },
                p.late
                  ? pick({
                      zh: `是（最高第 ${p.highestRung} 级，逾期 ${p.overdueDays} 天）`,
                      en: `yes (rung ${p.highestRung}, ${p.overdueDays} days)`,
                    })
                  : pick({ zh: '否', en: 'no' }),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function chainCard(session, task) {
  const c = task.chain;
  const g = session.def.leadershipGroup;
  const step = (role, name, extra) =>
    h(
      'li',
      { class: 'chain-step', dataset: { role } },
      h('span', { class: 'chain-role' }, L('role', role)),
      h('span', { class: 'chain-name' }, name ?? '—'),
      extra ? h('span', { class: 'muted small' }, extra) : null,
    );
  const group = [g.leader, ...g.deputies, ...g.members].map(session.personName).join(SEP());
  return h(
    'section',
    { class: 'card', id: 'chain' },
    h('h2', {}, t('chain')),
    h(
      'ol',
      { class: 'chain' },
      step('responsiblePerson', c.responsiblePerson?.name),
      step('departmentHead', c.departmentHead?.name, c.leadDepartment.name),
      step('responsibleLeader', c.responsibleLeader?.name),
      step('groupLeader', c.groupLeader?.name),
      step('leadershipGroup', group),
    ),
    c.cooperatingUnits.length > 0
      ? h('p', { class: 'small' }, `${L('role', 'cooperatingUnits')}${C()}${c.cooperatingUnits.map((u) => u.name).join(SEP())}`)
      : null,
  );
}

function timersCard(session, task) {
  const now = Date.now();
  return h(
    'section',
    { class: 'card', id: 'timers' },
    h('h2', {}, t('timers')),
    task.pendingTimers.length === 0
      ? h('p', { class: 'muted' }, t('noTimers'))
      : h(
          'ul',
          { class: 'timer-list' },
          task.pendingTimers.map((timer) =>
            h(
              'li',
              { dataset: { timer: timer.timer } },
              h('strong', {}, fmtTime(timer.atMs, session.zone)),
              h('span', { class: 'muted small' }, ` ${relative(timer.atMs, now)}`),
              h(
                'div',
                {},
                L('timer', timer.timer),
                timer.timer === 'rungGrace' && task.rung < session.def.escalation.rungs.length
                  ? ` → ${t('rungN', { n: task.rung + 1 })} ${L('rungAction', session.def.escalation.rungs[task.rung]?.action ?? '')}`
                  : '',
              ),
            ),
          ),
        ),
  );
}

/** An evidence link: our own files need the token, so they download through fetch. */
export function evidenceLink(url, name) {
  const ours = url.startsWith(`${location.origin}/web-api/files/`);
  if (!ours) return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url);
  const link = h('a', { href: url, class: 'file-link', dataset: { file: url } }, name ?? url.split('/').pop());
  link.addEventListener('click', async (e) => {
    e.preventDefault();
    try {
      saveBlob(await api.blob(new URL(url).pathname), name ?? 'evidence');
    } catch (err) {
      alert(err.message);
    }
  });
  return link;
}

function filesCard(session, files) {
  return h(
    'section',
    { class: 'card', id: 'files' },
    h('h2', {}, t('files')),
    files.length === 0
      ? h('p', { class: 'muted' }, t('noFiles'))
      : h(
          'ul',
          { class: 'file-list' },
          files.map((f) =>
            h(
              'li',
              {},
              evidenceLink(f.url, f.name),
              h('span', { class: 'muted small' }, ` ${fmtSize(f.size)} · ${session.actorName(f.by)} · ${fmtTime(f.at, session.zone)}`),
            ),
          ),
        ),
  );
}

function stateChange(from, to) {
  if (!from || !to || typeof from !== 'object' || typeof to !== 'object') return null;
  const parts = [];
  if (from.work !== to.work) parts.push(`${L('work', from.work)} → ${L('work', to.work)}`);
  if (from.supervision !== to.supervision) parts.push(`${L('supervision', from.supervision)} → ${L('supervision', to.supervision)}`);
  if (from.rung !== to.rung) parts.push(`${t('rungN', { n: from.rung })} → ${t('rungN', { n: to.rung })}`);
  return parts.length > 0 ? h('div', { class: 'small state-change' }, parts.join(SEMI())) : null;
}

function historyCard(session, task, fileNames) {
  const entries = [...task.history].reverse();
  return h(
    'section',
    { class: 'card', id: 'history' },
    h('h2', {}, t('history')),
    h(
      'ol',
      { class: 'timeline' },
      entries.map((e) => {
        const d = e.data ?? {};
        return h(
          'li',
          { class: `tl-item ev-${e.event.replace(/\./g, '-')}`, dataset: { event: e.event } },
          h('div', { class: 'tl-when muted small' }, fmtTime(e.at, session.zone)),
          h(
            'div',
            { class: 'tl-what' },
            h('strong', {}, L('event', e.event)),
            h('span', { class: 'muted' }, ` · ${session.actorName(e.by)}`),
            stateChange(e.from, e.to),
            typeof d.percent === 'number' ? h('div', {}, t('percentDone', { n: d.percent })) : null,
            d.reason ? h('div', { class: 'return-reason' }, `${t('reason')}${C()}${d.reason}`) : null,
            typeof d.deadline === 'number'
              ? h(
                  'div',
                  {},
                  `${t(e.event === 'task.extension.request' ? 'requestedDeadline' : 'newDeadline')}${C()}${fmtDeadline(d.deadline, session.zone)}`,
                )
              : null,
            d.note ? h('div', { class: 'note' }, String(d.note)) : null,
            Array.isArray(d.evidence)
              ? h(
                  'ul',
                  { class: 'evidence' },
                  d.evidence.map((url) => h('li', {}, evidenceLink(url, fileNames.get(url)))),
                )
              : null,
            e.notices?.length
              ? h(
                  'div',
                  { class: 'small' },
                  `${t('noticesSent')}${C()}`,
                  e.notices.map((id) => [' ', h('a', { href: `#/notice/${encodeURIComponent(id)}` }, id)]),
                )
              : null,
          ),
        );
      }),
    ),
  );
}
