// The workspace shell: sign-in, the plan and person the session acts for, the top
// bar, and a hash router (#/leader, #/dept, #/task/t1, #/notice/<id>).
import { api, getChosenPlan, hasSession, request, setChosenPlan } from './api.js';
import { getLang, initialLang, L, paren, setLabels, setLang, t } from './i18n.js';
import { refusalNode } from './refusals.js';
import { clear, h } from './util.js';
import { disposeCharts } from './charts.js';
import { leadershipView } from './views/leadership.js';
import { indicatorsView } from './views/indicators.js';
import { departmentView } from './views/department.js';
import { taskView } from './views/task.js';
import { noticeView } from './views/notice.js';
import { reportNavText, reportPrintView, reportView } from './views/report.js';
import { linkView, signInView } from './views/signin.js';
import { isOffice, officeHomeView } from './views/office-home.js';
import { adminView } from './views/admin.js';
import { rollupView } from './views/rollup.js';
import { officeImportView } from './views/office-import.js';
import { officePlanView } from './views/office-plan.js';
import { officeOrgPeopleView, officePeopleView } from './views/office-people.js';

const view = document.getElementById('view');
const topbar = document.getElementById('topbar');

/** Who is signed in and which plan they look at; rebuilt on sign-in and plan change. */
let session = null;

async function loadSession() {
  const { principal } = await api.me();
  // Everyone picks among the plans they may read: a person those that name them
  // (one identity across plans), an office its organisation's.
  const { plans } = await api.allPlans();
  const chosen = getChosenPlan();
  const planId = plans.some((p) => p.id === chosen) ? chosen : (plans[0]?.id ?? null);
  const plan = planId ? await api.plan(planId) : null;
  const def = plan?.definition ?? null;
  // A person principal is a directory person; in this plan they are the person who refers to them.
  const personId =
    principal.kind === 'person' ? (def?.people.find((p) => (p.ref ?? p.id) === principal.personId)?.id ?? principal.personId) : null;
  const me = def && personId ? (def.people.find((p) => p.id === personId) ?? { id: personId, name: personId }) : null;
  const g = def?.leadershipGroup;
  const inGroup =
    g && personId ? [g.leader, ...g.deputies, ...g.members, g.office?.director, ...(g.office?.members ?? [])].includes(personId) : false;
  const leadsTasks = def && personId ? def.tasks.some((task) => task.responsibleLeader === personId) : false;
  // Roll-ups the caller may see: an organisation's office and leaders, and its parent's.
  const { organisations: rollups } = principal.kind === 'admin' ? { organisations: [] } : await request('/api/v1/rollup');
  session = {
    principal,
    rollups: rollups.length,
    plans,
    planId,
    plan,
    def,
    me,
    zone: def?.timeZone ?? 'Asia/Shanghai',
    isLeader: principal.kind === 'office' || inGroup || leadsTasks,
    headOf: def && personId ? def.units.filter((u) => u.head === personId).map((u) => u.id) : [],
    personName: (id) => def?.people.find((p) => p.id === id)?.name ?? id,
    /** Who did something, as history records it: a person id, `office:<name>`, `admin` or `system`. */
    actorName: (by) => {
      if (!by) return '';
      if (by === 'system') return t('system');
      if (by.startsWith('office:')) return `${L('role', 'office')} · ${by.slice(7)}`;
      if (by === 'admin') return t('admin');
      return def?.people.find((p) => p.id === by)?.name ?? by;
    },
    unitName: (id) => def?.units.find((u) => u.id === id)?.name ?? id,
    /** Re-reads the plan's summary (counts, stage) after a change. */
    async refreshPlan() {
      session.plan = await api.plan(planId);
    },
  };
  return session;
}

function whoLabel() {
  const p = session.principal;
  if (p.kind === 'person') return session.me?.title ? `${session.me.name}${paren(session.me.title)}` : (session.me?.name ?? p.personId);
  return p.kind === 'admin' ? t('admin') : `${t('officeToken')} · ${p.name}`;
}

function renderTopbar() {
  clear(topbar);
  const langButton = h('button', { type: 'button', class: 'link-button', id: 'lang-toggle', onclick: () => switchLang() }, t('switchLang'));
  const brand = h(
    'a',
    { class: 'brand', href: '#/' },
    h('strong', {}, '督办'),
    h('span', { class: 'brand-sub' }, getLang() === 'en' ? 'Duban' : t('appTagline')),
  );
  if (!session) {
    // Signed in but nothing loaded (an error page): signing out must still be at hand.
    topbar.append(brand, h('div', { class: 'topbar-right' }, langButton, hasSession() ? signOutButton() : null));
    return;
  }
  const route = location.hash;
  const admin = session.principal.kind === 'admin';
  const nav = h(
    'nav',
    { class: 'nav', 'aria-label': 'main' },
    // Admins run the server, not the work: their one page is the administration.
    admin
      ? h(
          'a',
          { href: '#/admin', id: 'nav-admin', class: route.startsWith('#/admin') ? 'active' : null },
          getLang() === 'zh' ? '系统管理' : 'Administration',
        )
      : null,
    admin ? null : h('a', { href: '#/leader', class: route.startsWith('#/leader') ? 'active' : null }, t('navLeader')),
    admin ? null : h('a', { href: '#/dept', class: route.startsWith('#/dept') ? 'active' : null }, t('navDept')),
    !admin && session.def?.goals?.length > 0
      ? h(
          'a',
          { href: '#/indicators', id: 'nav-indicators', class: route.startsWith('#/indicators') ? 'active' : null },
          getLang() === 'zh' ? '指标' : 'Indicators',
        )
      : null,
    session.rollups > 0
      ? h(
          'a',
          { href: '#/rollup', id: 'nav-rollup', class: route.startsWith('#/rollup') ? 'active' : null },
          getLang() === 'zh' ? '汇总' : 'Roll-up',
        )
      : null,
    isOffice(session)
      ? h(
          'a',
          { href: '#/office', id: 'nav-office', class: route.startsWith('#/office') ? 'active' : null },
          getLang() === 'zh' ? '办公室工作台' : 'Office',
        )
      : null,
    session.isLeader
      ? h('a', { href: '#/report', id: 'nav-report', class: route.startsWith('#/report') ? 'active' : null }, reportNavText())
      : null,
  );
  const planPicker =
    session.plans.length > 1
      ? h(
          'select',
          {
            class: 'plan-picker',
            'aria-label': t('choosePlan'),
            onchange: async (e) => {
              setChosenPlan(e.target.value);
              await start();
            },
          },
          session.plans.map((p) => h('option', { value: p.id, selected: p.id === session.planId }, p.title)),
        )
      : null;
  topbar.append(
    brand,
    nav,
    h('div', { class: 'topbar-right' }, planPicker, h('span', { class: 'who', id: 'who' }, whoLabel()), langButton, signOutButton()),
  );
}

function switchLang() {
  setLang(getLang() === 'zh' ? 'en' : 'zh');
  document.title = `${t('appName')} · ${t('appTagline')}`;
  route();
}

function signOutButton(className = 'link-button') {
  return h('button', { type: 'button', class: className, dataset: { signout: '' }, onclick: signOut }, t('signOut'));
}

async function signOut() {
  // Ends the session on the server, not just in this tab; the server clears the cookies.
  await api.signOut().catch(() => undefined);
  session = null;
  if (location.hash === '#/signin') route();
  else location.hash = '#/signin';
}

/** What went wrong, a retry, and — when no page could load for this token — a way out. */
function errorBox(err, retry) {
  return h(
    'div',
    { class: 'card error-box', role: 'alert' },
    h('h2', {}, t('error')),
    refusalNode(err),
    h(
      'div',
      { class: 'action-row' },
      retry ? h('button', { type: 'button', onclick: retry }, t('retry')) : null,
      !session && hasSession() ? signOutButton('primary') : null,
    ),
  );
}

const ROUTES = [
  [/^#\/leader$/, () => leadershipView],
  [/^#\/dept$/, () => departmentView],
  [/^#\/indicators$/, () => indicatorsView],
  [/^#\/task\/([^/]+)$/, () => taskView],
  [/^#\/notice\/([^/]+)$/, () => noticeView],
  [/^#\/report$/, () => reportView],
  [/^#\/report\/print$/, () => reportPrintView],
  [/^#\/office$/, () => officeHomeView],
  [/^#\/admin$/, () => adminView],
  [/^#\/rollup$/, () => rollupView],
  [/^#\/office\/import$/, () => officeImportView],
  [/^#\/office\/plan\/([^/]+)$/, () => officePlanView],
  [/^#\/office\/people$/, () => officeOrgPeopleView],
  [/^#\/office\/people\/([^/]+)$/, () => officePeopleView],
];

async function route() {
  document.documentElement.lang = getLang() === 'zh' ? 'zh-CN' : 'en';
  const link = /^#\/link\/([^/?]+)$/.exec(location.hash);
  if (link) {
    // A one-time link from the office: it replaces whatever session this browser had.
    session = null;
    renderTopbar();
    await linkView(view, decodeURIComponent(link[1]), start);
    return;
  }
  if (!session) {
    renderTopbar();
    signInView(view, start);
    return;
  }
  let hash = location.hash || '#/';
  if (hash === '#/' || hash === '#/signin') {
    // The office lands on its own workspace; everyone else on the view of their role.
    hash =
      session.principal.kind === 'admin'
        ? '#/admin'
        : isOffice(session)
          ? '#/office'
          : !session.planId && session.rollups > 0
            ? '#/rollup'
            : session.isLeader
              ? '#/leader'
              : '#/dept';
    history.replaceState(null, '', hash);
  }
  renderTopbar();
  // The office's workspace is where a first plan is made: it needs none.
  if (!session.planId && !/^#\/(office|admin|rollup)/.test(hash)) {
    clear(view).append(h('div', { class: 'card', id: 'no-plans' }, t('noPlans')));
    return;
  }
  const [path, query] = hash.split('?');
  const match = ROUTES.map(([re, fn]) => [re.exec(path), fn]).find(([m]) => m);
  if (!match) {
    clear(view).append(h('div', { class: 'card' }, t('notFound')));
    return;
  }
  const [m, fn] = match;
  const params = m.slice(1).map(decodeURIComponent);
  disposeCharts();
  const target = h('div', { class: 'page', 'aria-busy': 'true' }, h('p', { class: 'muted' }, t('loading')));
  clear(view).append(target);
  try {
    await fn()(session, target, params, new URLSearchParams(query ?? ''));
  } catch (err) {
    console.error(err);
    if (err?.status === 401) return start();
    clear(target).append(errorBox(err, () => route()));
  } finally {
    target.removeAttribute('aria-busy');
    target.dataset.ready = 'true';
  }
}

async function start() {
  session = null;
  if (hasSession() && !location.hash.startsWith('#/link/')) {
    try {
      await loadSession();
    } catch (err) {
      if (err?.status !== 401) {
        renderTopbar();
        clear(view).append(errorBox(err, start));
        return;
      }
    }
  }
  await route();
}

setLang(initialLang());
document.title = `${t('appName')} · ${t('appTagline')}`;
window.addEventListener('hashchange', () => route());
try {
  setLabels(await api.labels());
} catch (err) {
  clear(view).append(errorBox(err, () => location.reload()));
}
await start();
