// 办公室工作台 (#/office): where the office lands — its plans with their stage and
// counts, and the way to each of its jobs: import a document, run a plan, people.
import { api } from '../api.js';
import { clear, h } from '../util.js';
import { ox } from './office-form.js';
import { stageName } from './office-plan.js';

/** Whether this principal may create plans, as checkCreatePlan decides on the server: it shows the import entry. */
export const mayImport = (principal) => principal.kind === 'office';

export async function officeHomeView(session, target) {
  const { plans } = await api.plans();
  const enc = encodeURIComponent;
  const cards = plans.map((p) =>
    h(
      'li',
      { class: 'card office-plan-card', dataset: { plan: p.id, stage: p.stage } },
      h('h3', {}, p.title),
      h(
        'p',
        { class: 'muted small' },
        `${p.id} · `,
        h('span', { class: 'badge stage', dataset: { stage: p.stage } }, stageName(p.stage)),
        p.counts.suspended > 0 ? ` · ${ox(`挂起 ${p.counts.suspended} 项`, `${p.counts.suspended} suspended`)}` : '',
      ),
      h(
        'p',
        { class: 'small' },
        ox(
          `任务 ${p.counts.tasks} 项：逾期 ${p.counts.overdue}，临期 ${p.counts.dueSoon}，待验收 ${p.counts.awaitingAcceptance}，已验收 ${p.counts.accepted}，已撤销 ${p.counts.cancelled}`,
          `${p.counts.tasks} tasks: ${p.counts.overdue} overdue, ${p.counts.dueSoon} due soon, ${p.counts.awaitingAcceptance} awaiting acceptance, ${p.counts.accepted} accepted, ${p.counts.cancelled} cancelled`,
        ),
      ),
      h(
        'div',
        { class: 'action-row' },
        h('a', { class: 'button primary', href: `#/office/plan/${enc(p.id)}`, dataset: { run: p.id } }, ox('运行方案', 'Run the plan')),
        h('a', { class: 'button', href: `#/office/people/${enc(p.id)}` }, ox('人员与账号', 'People and accounts')),
      ),
    ),
  );
  clear(target).append(
    h(
      'div',
      { class: 'office office-home' },
      h(
        'div',
        { class: 'toolbar' },
        h('h1', {}, ox('办公室工作台', 'Office workspace')),
        h(
          'div',
          { class: 'action-row' },
          session.principal.org
            ? h('a', { class: 'button', href: '#/office/people', id: 'go-org-people' }, ox('本单位人员', 'Our people'))
            : null,
          mayImport(session.principal)
            ? h('a', { class: 'button primary', href: '#/office/import', id: 'go-import' }, ox('导入方案文档', 'Import a plan document'))
            : null,
        ),
      ),
      plans.length > 0
        ? h('ul', { class: 'office-plans', id: 'office-plans' }, cards)
        : h('p', { class: 'card muted' }, ox('还没有方案：请先导入方案文档。', 'No plans yet: import a plan document first.')),
    ),
  );
}

/** Whether the signed-in principal is the office: an office credential, or a person the plan's leadership group names as its office. */
export function isOffice(session) {
  const p = session.principal;
  if (p.kind === 'office') return true;
  const office = session.def?.leadershipGroup?.office;
  const me = session.me?.id;
  return Boolean(office && me && (office.director === me || (office.members ?? []).includes(me)));
}
