// 办公室工作台 (#/office): where the office lands — its plans with their stage and
// counts, and the way to each of its jobs: import a document, run a plan, people.
import { api, saveBlob } from '../api.js';
import { clear, h, pager } from '../util.js';
import { ox } from './office-form.js';
import { stageName } from './office-plan.js';

/** Whether this principal may create plans, as checkCreatePlan decides on the server: it shows the import entry. */
export const mayImport = (principal) => principal.kind === 'office';

export async function officeHomeView(session, target) {
  const first = await api.plans();
  const list = h('ul', { class: 'office-plans', id: 'office-plans' });
  const archives = h('ul', { class: 'office-archives', id: 'office-archives' });
  const archivesCard = h(
    'section',
    { class: 'card', id: 'archives' },
    h('h2', {}, ox('已归档方案', 'Archived plans')),
    h(
      'p',
      { class: 'muted small' },
      ox(
        '已结束的方案可以归档：全部记录导出为一份可校验的文件，并从运行数据中移除。',
        'A closed plan can be archived: its whole record is exported as one verifiable file and removed from the running data.',
      ),
    ),
    archives,
  );
  const more = pager({ id: 'plans-more', label: ox('加载更多', 'Load more'), load: api.plans }, (items) =>
    list.append(...items.map((p) => planCard(p, list, refreshArchives))),
  );
  more.from(first.nextCursor);
  const archivesMore = pager({ id: 'archives-more', label: ox('加载更多', 'Load more'), load: api.archives }, (items) =>
    archives.append(...items.map(archiveItem)),
  );
  archivesCard.append(archivesMore.button);
  list.append(...first.items.map((p) => planCard(p, list, refreshArchives)));
  async function refreshArchives() {
    const page = await api.archives();
    archivesCard.hidden = page.items.length === 0;
    archives.replaceChildren(...page.items.map(archiveItem));
    archivesMore.from(page.nextCursor);
  }
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
      first.items.length > 0
        ? list
        : h('p', { class: 'card muted' }, ox('还没有方案：请先导入方案文档。', 'No plans yet: import a plan document first.')),
      more.button,
      archivesCard,
    ),
  );
  // An office sees its organisation's archives; a person, those of the plans whose office they were in.
  await refreshArchives();
}

/** One plan's card: stage, counts, its jobs, and 归档 once the plan has closed. */
function planCard(p, list, archived) {
  const enc = encodeURIComponent;
  const card = h(
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
  );
  if (p.stage === 'closed') card.querySelector('.action-row').append(archiveButton(p, card, list, archived));
  return card;
}

/** 归档: asks first, then archives; the card leaves the list and the archive appears below. */
function archiveButton(p, card, list, archived) {
  const button = h('button', { type: 'button', class: 'danger', dataset: { archive: p.id } }, ox('归档', 'Archive'));
  button.addEventListener('click', async () => {
    const sure = confirm(
      ox(
        `归档「${p.title}」？全部记录将导出为归档文件并从运行数据中移除，此后不能再修改。`,
        `Archive "${p.title}"? Its whole record is exported to an archive file and removed from the running data; it cannot be changed afterwards.`,
      ),
    );
    if (!sure) return;
    button.disabled = true;
    try {
      await api.archivePlan(p.id);
      card.remove();
      if (list.children.length === 0) list.append(h('li', { class: 'muted' }, ox('没有运行中的方案。', 'No running plans.')));
      await archived();
    } catch (err) {
      button.disabled = false;
      alert(err.message);
    }
  });
  return button;
}

/** One archive: what, when, by whom, and its file to download. */
function archiveItem(a) {
  const download = h('button', { type: 'button', class: 'small', dataset: { download: a.id } }, ox('下载归档', 'Download'));
  download.addEventListener('click', async () => {
    try {
      saveBlob(await api.blob(`/api/v1/archives/${encodeURIComponent(a.id)}`), `${a.id}-archive.json`);
    } catch (err) {
      alert(err.message);
    }
  });
  return h(
    'li',
    { class: 'archive-item', dataset: { archived: a.id } },
    h('strong', {}, a.title),
    h(
      'span',
      { class: 'muted small' },
      ` ${a.id} · ${new Date(a.archivedAt).toLocaleString()} · ${a.archivedBy} · ${ox(`${a.entries} 条记录`, `${a.entries} entries`)} `,
    ),
    download,
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
