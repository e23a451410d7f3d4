// 运行方案 (#/office/plan/<id>): the office's hand on one plan. Publish a draft;
// suspend or resume the whole plan (挂起/恢复, with a reason); per task, the commands
// the office may send now — 一键催办, 撤销, 挂起/恢复, 调整完成时限 — drawn from the one
// command table by actions.js, exactly as on the task page; and 修订 (amend): the plan
// as a form, a dry run that shows what would change, then the amendment with its reason.
import { api } from '../api.js';
import { actionForms } from '../actions.js';
import { C, L, SEP } from '../i18n.js';
import { refusalNode } from '../refusals.js';
import { clear, fmtDeadline, fmtTime, h, lightDot, lightOf } from '../util.js';
import { officeApi } from './office-api.js';
import { ox, planEditor, problemMessage, problemText } from './office-form.js';

/** What a plan's stage is called on the office's pages. */
export function stageName(stage) {
  if (stage === 'draft') return ox('草稿（未发布）', 'draft (not published)');
  if (stage === 'closed') return ox('已结束', 'closed');
  return L('state', stage);
}

/** The plan's suspension from its history: the last 挂起 not followed by a 恢复, or null. */
function suspensionOf(history) {
  const last = history.findLast((e) => e.event === 'plan.suspend' || e.event === 'plan.resume');
  return last?.event === 'plan.suspend' ? last : null;
}

function reasonForm({ id, label, fieldLabel, required, danger, onSubmit }) {
  const input = h('textarea', { name: required ? 'reason' : 'note', rows: '2', required, maxlength: '4000' });
  const message = h('div', { class: 'form-error action-message', role: 'status' });
  const submit = h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, label);
  return h(
    'form',
    {
      class: 'action',
      id,
      onsubmit: async (e) => {
        e.preventDefault();
        clear(message);
        submit.disabled = true;
        try {
          await onSubmit(input.value);
        } catch (err) {
          message.append(refusalNode(err));
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('label', { class: 'field' }, h('span', {}, fieldLabel), input),
    h('div', { class: 'action-row' }, submit),
    message,
  );
}

export async function officePlanView(session, target, [planId]) {
  const [plan, { tasks }, { history }, { changes }] = await Promise.all([
    api.plan(planId),
    api.tasks(planId),
    officeApi.history(planId),
    officeApi.personnelChanges(planId),
  ]);
  const def = plan.definition;
  const zone = def.timeZone;
  const rerender = () => officePlanView(session, target, [planId]).then(() => (target.dataset.ready = 'true'));
  const personName = (id) => def.people.find((p) => p.id === id)?.name ?? id;
  const unitName = (id) => def.units.find((u) => u.id === id)?.name ?? id;
  const suspended = suspensionOf(history);
  // actions.js sends task commands to the session's plan: here, this one.
  const here = { ...session, planId };

  const head = h(
    'div',
    { class: 'card plan-head office-plan-head' },
    h('h1', {}, def.title),
    h(
      'p',
      { class: 'muted' },
      `${ox('编号', 'Id')}${C()}${def.id} · ${ox('修订', 'revision')} ${plan.revision} · ${ox('任务', 'tasks')} ${plan.counts.tasks}`,
    ),
    h(
      'p',
      {},
      h('span', { class: 'badge stage', id: 'plan-stage', dataset: { stage: plan.stage } }, stageName(plan.stage)),
      suspended
        ? h(
            'span',
            { class: 'badge suspended', id: 'plan-suspended' },
            ox('方案已挂起', 'Plan suspended'),
            suspended.data?.reason ? `${C()}${suspended.data.reason}` : '',
          )
        : null,
    ),
    h(
      'div',
      { class: 'action-row' },
      h('a', { href: `#/office/people/${encodeURIComponent(planId)}`, class: 'button' }, ox('人员与账号', 'People and accounts')),
      h('a', { href: '#/office', class: 'link-button' }, ox('返回办公室工作台', 'Back to the office')),
    ),
  );

  const planActions = h('div', { class: 'card', id: 'plan-actions' }, h('h2', {}, ox('方案操作', 'The plan')));
  if (plan.stage === 'draft') {
    const message = h('div', { class: 'form-error', role: 'status' });
    planActions.append(
      h(
        'p',
        { class: 'muted' },
        ox('草稿尚未下达任何任务。发布后任务下达、计时开始。', 'A draft issues no task. Publishing issues them and starts the clocks.'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'publish-plan',
          onclick: async () => {
            clear(message);
            try {
              await officeApi.planEvent(planId, { type: 'plan.publish' });
              await rerender();
            } catch (err) {
              message.append(refusalNode(err));
            }
          },
        },
        L('event', 'plan.publish'),
      ),
      message,
    );
  } else if (plan.stage !== 'closed') {
    planActions.append(
      suspended
        ? reasonForm({
            id: 'plan-resume',
            label: ox('恢复方案', 'Resume the plan'),
            fieldLabel: ox('说明（可选）', 'Note (optional)'),
            required: false,
            onSubmit: async (note) => {
              await officeApi.planEvent(planId, { type: 'plan.resume', note });
              await rerender();
            },
          })
        : reasonForm({
            id: 'plan-suspend',
            label: ox('挂起方案', 'Suspend the plan'),
            fieldLabel: ox(
              '挂起理由（挂起期间不提醒、不升级，恢复后时限顺延）',
              'Why (no reminders or rungs meanwhile; deadlines move on by the time suspended)',
            ),
            required: true,
            danger: true,
            onSubmit: async (reason) => {
              await officeApi.planEvent(planId, { type: 'plan.suspend', reason });
              await rerender();
            },
          }),
    );
  }

  // Each task, with the office's commands for it now.
  const allowed =
    tasks.length > 0 && plan.stage !== 'draft'
      ? (
          await api.actions(
            planId,
            tasks.map((t) => t.id),
          )
        ).tasks
      : {};
  const rows = tasks.flatMap((task) => {
    const actions = allowed[task.id]?.actions ?? [];
    const panel = h('tr', { class: 'task-actions-row', hidden: true, dataset: { actionsFor: task.id } }, h('td', { colspan: '6' }));
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'small',
        disabled: actions.length === 0,
        dataset: { handle: task.id },
        onclick: () => {
          panel.hidden = !panel.hidden;
          if (!panel.hidden && !panel.firstChild.firstChild) panel.firstChild.append(actionForms(here, task, actions, rerender));
        },
      },
      ox('办理', 'Act'),
    );
    const light = task.work === 'cancelled' ? 'done' : lightOf(task.supervision);
    return [
      h(
        'tr',
        { dataset: { task: task.id, work: task.work, supervision: task.supervision } },
        h('td', {}, h('a', { href: `#/task/${encodeURIComponent(task.id)}` }, task.id)),
        h('td', {}, task.title),
        h('td', {}, `${unitName(task.leadDepartment)} · ${personName(task.responsiblePerson)}`),
        h('td', {}, fmtDeadline(task.deadlineMs, zone)),
        h(
          'td',
          { class: 'task-state' },
          lightDot(light),
          ' ',
          L('work', task.work),
          task.work === 'cancelled' ? '' : ` · ${L('supervision', task.supervision)}`,
          task.rung > 0 && task.supervision === 'overdue' ? ` · ${ox(`第${task.rung}级`, `rung ${task.rung}`)}` : '',
        ),
        h('td', {}, toggle),
      ),
      panel,
    ];
  });
  const taskTable = h(
    'div',
    { class: 'card', id: 'office-tasks' },
    h('h2', {}, ox('任务督办', 'Tasks')),
    h(
      'p',
      { class: 'muted small' },
      ox(
        '「办理」列出此刻可做的操作：一键催办、撤销、挂起/恢复、调整完成时限。',
        '"Act" lists what may be done now: urge, cancel, suspend/resume, change the deadline.',
      ),
    ),
    h(
      'table',
      { class: 'table office-task-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            ox('编号', 'Id'),
            ox('任务', 'Task'),
            ox('责任股室 · 责任人', 'Department · person'),
            ox('完成时限', 'Deadline'),
            ox('状态', 'State'),
            '',
          ].map((x) => h('th', {}, x)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );

  clear(target).append(
    h(
      'div',
      { class: 'office office-plan', dataset: { plan: planId } },
      head,
      planActions,
      taskTable,
      plan.stage === 'draft' || plan.stage === 'closed' ? null : reassignCard(def, planId, zone, changes, rerender),
      plan.stage === 'draft' || plan.stage === 'closed' ? null : amendCard(def, planId, zone, rerender),
    ),
  );
}

/** The amendment: the plan as a form, a dry run showing the diff, then the amendment itself. */
function amendCard(def, planId, zone, rerender) {
  const editor = planEditor(def, { mode: 'amend' });
  const reason = h('textarea', { id: 'amend-reason', rows: '2', required: true, maxlength: '4000' });
  const migrate = h('input', { type: 'checkbox', id: 'amend-migrate' });
  const diffBox = h('div', { id: 'amend-diff', class: 'amend-diff', role: 'status' });
  const message = h('div', { id: 'amend-message', role: 'status' });
  const preview = h('button', { type: 'button', id: 'amend-preview' }, ox('预览修订（不做更改）', 'Preview (changes nothing)'));
  const apply = h('button', { type: 'button', class: 'primary', id: 'amend-apply', disabled: true }, ox('确认修订', 'Amend the plan'));
  let previewed = null;

  const body = () => ({ plan: editor.value(), reason: reason.value, migratePolicy: migrate.checked });

  function refused(err) {
    clear(message);
    message.className = 'form-error';
    const problems = err?.body?.error?.problems;
    if (err?.status === 400 && Array.isArray(problems)) {
      editor.showProblems(problems.map((p) => ({ ...p, path: p.path.replace(/^plan\./, '') })));
      message.append(
        h('strong', {}, ox('修订有误，未做任何更改：', 'Nothing was changed; correct the following:')),
        h(
          'ul',
          { class: 'problem-list' },
          problems.map((p) => h('li', { dataset: { path: p.path } }, problemText({ ...p, path: p.path.replace(/^plan\./, '') }))),
        ),
      );
    } else message.append(refusalNode(err));
  }

  preview.addEventListener('click', async () => {
    clear(diffBox);
    clear(message);
    apply.disabled = true;
    try {
      const out = await officeApi.amend(planId, { ...body(), dryRun: true });
      editor.showProblems([]);
      previewed = JSON.stringify(body());
      diffBox.append(diffNode(out.diff, def, zone));
      apply.disabled = false;
    } catch (err) {
      refused(err);
    }
  });
  apply.addEventListener('click', async () => {
    // What is applied is what was previewed: an edit since then needs a new preview.
    if (JSON.stringify(body()) !== previewed) {
      apply.disabled = true;
      clear(message);
      message.className = 'form-error';
      message.textContent = ox('预览之后又有修改，请重新预览。', 'Changed since the preview: preview again.');
      return;
    }
    apply.disabled = true;
    try {
      await officeApi.amend(planId, { ...body(), dryRun: false });
      await rerender();
    } catch (err) {
      refused(err);
    }
  });

  return h(
    'details',
    { class: 'card', id: 'amend' },
    h('summary', {}, h('h2', {}, ox('修订方案', 'Amend the plan'))),
    h(
      'p',
      { class: 'muted small' },
      ox(
        '可增加任务，修改标题、工作内容、责任链、配合单位和完成时限，调整领导小组、人员、单位和未到的阶段日期。不能删除任务（请撤销），不能改动已过去的日期。',
        'Add tasks; edit titles, duties, chains, cooperating units and deadlines; change the leadership group, people, units and future phase dates. Tasks are cancelled, not removed; past dates stay.',
      ),
    ),
    editor.node,
    h(
      'label',
      { class: 'field' },
      h('span', {}, ox('修订理由（记入方案记录并通知相关人员）', 'Why (on the record and in the notices)')),
      reason,
    ),
    h(
      'label',
      { class: 'check' },
      migrate,
      ox('正在升级的任务也改用新的督办规则', 'Move running ladders to the new escalation policy too'),
    ),
    h('div', { class: 'action-row' }, preview, apply),
    diffBox,
    message,
  );
}

const ROLE_WORD = {
  leadDepartment: 'leadDepartment',
  responsiblePerson: 'responsiblePerson',
  responsibleLeader: 'responsibleLeader',
  departmentHead: 'departmentHead',
};

/** The dry run's diff, as sentences. */
function diffNode(diff, def, zone) {
  const name = (id) => def.people.find((p) => p.id === id)?.name ?? def.units.find((u) => u.id === id)?.name ?? id;
  const items = [];
  if (diff.tasksAdded.length) items.push(ox(`新增任务：${diff.tasksAdded.join('、')}`, `Tasks added: ${diff.tasksAdded.join(', ')}`));
  for (const d of diff.deadlines)
    items.push(
      ox(
        `任务 ${d.task} 完成时限：${fmtDeadline(d.from, zone)} → ${fmtDeadline(d.to, zone)}`,
        `Task ${d.task} deadline: ${fmtDeadline(d.from, zone)} → ${fmtDeadline(d.to, zone)}`,
      ),
    );
  for (const x of diff.handovers)
    items.push(`${ox(`任务 ${x.task}`, `Task ${x.task}`)} ${L('role', ROLE_WORD[x.role])}${C()}${name(x.from)} → ${name(x.to)}`);
  if (diff.tasksEdited.length)
    items.push(ox(`修改任务内容：${diff.tasksEdited.join('、')}`, `Tasks edited: ${diff.tasksEdited.join(', ')}`));
  if (diff.phasesMoved.length)
    items.push(`${ox('阶段日期调整', 'Phases moved')}${C()}${diff.phasesMoved.map((k) => L('state', k)).join(SEP())}`);
  if (diff.leadershipChanged) items.push(ox('领导小组有调整', 'The leadership group changes'));
  if (diff.peopleChanged) items.push(ox('人员有调整', 'People change'));
  if (diff.unitsChanged) items.push(ox('单位有调整', 'Units change'));
  if (diff.policyChanged)
    items.push(
      diff.policyMigrated
        ? ox('督办规则调整，正在升级的任务一并改用', 'The escalation policy changes, running ladders too')
        : ox('督办规则调整（正在升级的任务保持原规则）', 'The escalation policy changes (running ladders keep theirs)'),
    );
  return h(
    'div',
    {},
    h('strong', {}, ox('修订将做如下更改（尚未保存）：', 'The amendment would change (nothing saved yet):')),
    items.length
      ? h(
          'ul',
          {},
          items.map((x) => h('li', {}, x)),
        )
      : h('p', { class: 'muted' }, ox('没有任何变化。', 'Nothing changes.')),
    h('p', { class: 'muted small' }, ox(`预览时间 ${fmtTime(Date.now(), zone)}`, `Previewed at ${fmtTime(Date.now(), zone)}`)),
  );
}

/** The roles a personnel change replaces the holder of, and what each needs to name. */
const PERSONNEL_ROLES = {
  responsiblePerson: { text: ['责任人', 'responsible person'], names: 'task' },
  responsibleLeader: { text: ['责任领导', 'responsible leader'], names: 'task' },
  unitHead: { text: ['单位负责人', 'unit head'], names: 'unit' },
  groupLeader: { text: ['领导小组组长', 'group leader'], names: null },
  groupDeputy: { text: ['领导小组副组长', 'deputy group leader'], names: 'from' },
  groupMember: { text: ['领导小组成员', 'leadership group member'], names: 'from' },
  officeDirector: { text: ['领导小组办公室主任', 'office director'], names: null },
};
const roleText = (role) => ox(...(PERSONNEL_ROLES[role]?.text ?? [role, role]));
const CHANGE_STATUS = {
  pending: ['待生效', 'pending'],
  applied: ['已生效', 'applied'],
  cancelled: ['已取消', 'cancelled'],
  failed: ['未能生效', 'failed'],
};

/**
 * 人员调整: the office replaces the holder of a role — a task's responsible person or
 * leader, a unit's head, the group leader, a deputy or member, the office director —
 * now or from a date. The server applies it as an amendment: open tasks follow the new
 * holder, who is told what they inherit. Problems are shown beside the field they name.
 */
function reassignCard(def, planId, zone, changes, rerender) {
  const personName = (id) => def.people.find((p) => p.id === id)?.name ?? id;
  const options = (list, label) => list.map((x) => h('option', { value: x.id }, label(x)));
  const role = h(
    'select',
    { name: 'role' },
    Object.keys(PERSONNEL_ROLES).map((r) => h('option', { value: r }, roleText(r))),
  );
  const task = h(
    'select',
    { name: 'task' },
    options(def.tasks, (t) => `${t.id} · ${t.title}`),
  );
  const unit = h(
    'select',
    { name: 'unit' },
    options(def.units, (u) => u.name),
  );
  const from = h(
    'select',
    { name: 'from' },
    options(def.people, (p) => p.name),
  );
  const to = h(
    'select',
    { name: 'to' },
    options(def.people, (p) => `${p.name}${p.title ? ` · ${p.title}` : ''}`),
  );
  const effective = h('input', { type: 'date', name: 'effective' });
  const reason = h('textarea', { name: 'reason', rows: '2', required: true, maxlength: '4000' });
  const fields = {};
  const field = (name, label, control) =>
    (fields[name] = h('label', { class: 'field', dataset: { path: name } }, h('span', {}, label), control));
  const row = h(
    'div',
    { class: 'field-row' },
    field('role', ox('调整的职务', 'Role'), role),
    field('task', ox('任务', 'Task'), task),
    field('unit', ox('单位', 'Unit'), unit),
    field('from', ox('被替换的人', 'Replacing'), from),
    field('to', ox('新任人员', 'New holder'), to),
    field('effective', ox('生效日期（空则立即生效）', 'From (empty: now)'), effective),
  );
  const showFor = () => {
    const names = PERSONNEL_ROLES[role.value].names;
    for (const name of ['task', 'unit', 'from']) fields[name].hidden = names !== name;
  };
  role.addEventListener('change', showFor);
  showFor();
  const message = h('div', { id: 'reassign-message', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, ox('提交人员调整', 'Make the change'));
  const form = h(
    'form',
    {
      id: 'reassign',
      onsubmit: async (e) => {
        e.preventDefault();
        clear(message);
        for (const el of form.querySelectorAll('.field-note')) el.remove();
        const names = PERSONNEL_ROLES[role.value].names;
        const body = { role: role.value, to: to.value, reason: reason.value };
        if (names) body[names] = { task, unit, from }[names].value;
        if (effective.value) body.effective = effective.value;
        submit.disabled = true;
        try {
          const out = await officeApi.requestPersonnelChange(planId, body);
          if (out.applied) await rerender();
          else {
            message.className = 'form-ok';
            message.textContent = ox(
              `已登记，将于 ${fmtTime(out.change.effectiveAt, zone)} 生效。`,
              `Recorded; it takes effect ${fmtTime(out.change.effectiveAt, zone)}.`,
            );
          }
        } catch (err) {
          message.className = 'form-error';
          const problems = err?.body?.error?.problems;
          if (err?.status === 400 && Array.isArray(problems)) {
            for (const p of problems) {
              const at = fields[p.path] ?? (p.path === 'reason' ? reason.parentElement : null);
              if (at) at.append(h('span', { class: 'field-note has-problem-note' }, problemMessage(p)));
            }
          }
          message.append(refusalNode(err));
        } finally {
          submit.disabled = false;
        }
      },
    },
    row,
    h('label', { class: 'field' }, h('span', {}, ox('调整理由', 'Why')), reason),
    h('div', { class: 'action-row' }, submit),
    message,
  );
  const list =
    changes.length === 0
      ? null
      : h(
          'table',
          { class: 'table small', id: 'personnel-changes' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [ox('职务', 'Role'), ox('调整', 'Change'), ox('生效', 'From'), ox('状态', 'State'), ox('理由', 'Why')].map((x) =>
                h('th', {}, x),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            changes.map((c) =>
              h(
                'tr',
                { dataset: { change: c.id, status: c.status } },
                h('td', {}, `${roleText(c.role)}${c.task ? ` · ${c.task}` : ''}`),
                h('td', {}, `${c.replaced ? personName(c.replaced) : c.from ? personName(c.from) : ''} → ${personName(c.to)}`),
                h('td', {}, c.effectiveAt ? fmtTime(c.effectiveAt, zone) : fmtTime(c.appliedAt ?? c.requestedAt, zone)),
                h('td', {}, ox(...(CHANGE_STATUS[c.status] ?? [c.status, c.status]))),
                h('td', {}, c.reason),
              ),
            ),
          ),
        );
  return h(
    'div',
    { class: 'card', id: 'reassign-card' },
    h('h2', {}, ox('人员调整', 'Personnel changes')),
    h(
      'p',
      { class: 'muted small' },
      ox(
        '新任人员接手未完成的任务，此后的提醒和通知发给新任人员；已发出的通知不变，记录保留谁在何时担任。',
        'The new holder takes over open tasks and gets the reminders and notices from then on; notices already sent stay as they were; the record keeps who held what when.',
      ),
    ),
    list,
    h('details', { id: 'reassign-new' }, h('summary', {}, ox('新的人员调整', 'A new change')), form),
  );
}
