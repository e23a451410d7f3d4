// What waits on a person, shared by the leadership and department views: the notices
// they have not acknowledged yet in this plan (签收 right there), and their calendar
// feed — a secret URL a phone's calendar subscribes to, shown once when made.
import { api } from '../api.js';
import { C, getLang, L, pick, t } from '../i18n.js';
import { fmtDeadline, fmtTime, h, pager } from '../util.js';

const zh = () => getLang() === 'zh';

/**
 * The first page of this plan's notices waiting for the signed-in person's
 * acknowledgement; the array carries the page's `nextCursor` for 加载更多.
 */
export async function openNotices(session) {
  if (session.principal.kind !== 'person') return null;
  const { items, nextCursor } = await api.inbox(true, { plan: session.planId });
  return Object.assign(items, { nextCursor });
}

/** 待签收通知: each notice links to its document and is acknowledged in place. */
export function inboxCard(session, notices) {
  const list = h('ul', { class: 'inbox-list' });
  const card = h(
    'section',
    { class: 'card', id: 'inbox' },
    h('h2', {}, t('inbox'), h('span', { class: 'count' }, String(notices.length))),
    list,
    calendarButton(session),
  );
  if (notices.length === 0) list.append(h('li', { class: 'muted' }, t('inboxEmpty')));
  const count = card.querySelector('.count');
  let shown = notices.length;
  const showCount = (cursor) => {
    count.textContent = cursor ? `${shown}+` : String(shown);
  };
  const more = pager(
    {
      id: 'inbox-more',
      className: 'small',
      label: zh() ? '加载更多' : 'Load more',
      load: (cursor) => api.inbox(true, { plan: session.planId, cursor }),
    },
    (items, cursor) => {
      for (const n of items) list.append(noticeItem(session, n));
      shown += items.length;
      showCount(cursor);
    },
  );
  more.from(notices.nextCursor);
  showCount(notices.nextCursor);
  list.after(more.button);
  for (const n of notices) list.append(noticeItem(session, n));
  return card;
}

/** One notice: its kind, title (a link to its document), times, and 签收 in place. */
function noticeItem(session, n) {
  const ackButton = h('button', { type: 'button', class: 'primary small', dataset: { ack: n.id } }, t('acknowledge'));
  const kind = n.kind === 'rectification' && n.rung ? `${t('rungN', { n: n.rung })} ${L('noticeKind', n.kind)}` : L('noticeKind', n.kind);
  const item = h(
    'li',
    { class: `notice-item kind-${n.kind}`, dataset: { notice: n.id } },
    h(
      'div',
      { class: 'notice-main' },
      h('span', { class: `chip kind-${n.kind}` }, kind, n.late ? ` · ${t('lateIssued')}` : ''),
      h('a', { href: `#/notice/${encodeURIComponent(n.id)}` }, pick(n.title)),
      h(
        'div',
        { class: 'muted small' },
        fmtTime(n.createdAt, session.zone),
        n.rectificationDeadline ? ` · ${t('rectificationDeadline')}${C()}${fmtDeadline(n.rectificationDeadline, session.zone)}` : '',
        n.reviewDeadline ? ` · ${t('reviewDeadline')}${C()}${fmtDeadline(n.reviewDeadline, session.zone)}` : '',
        n.requestedDeadline ? ` · ${t('requestedDeadline')}${C()}${fmtDeadline(n.requestedDeadline, session.zone)}` : '',
      ),
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
  return item;
}

/**
 * 日历订阅: whether the person has a feed; 生成/更换 makes a new secret URL (the old
 * one stops at once) and shows it this once; 停用 revokes it.
 */
export function calendarButton(session) {
  if (session.principal.kind !== 'person') return null;
  const out = h('div', { class: 'calendar-feed small', id: 'calendar-feed', 'aria-live': 'polite' });
  const status = h('span', { class: 'muted' });
  const make = h('button', { type: 'button', id: 'calendar-feed-make' }, zh() ? '日历订阅' : 'Calendar feed');
  const revoke = h('button', { type: 'button', class: 'link-button', id: 'calendar-feed-revoke', hidden: true }, zh() ? '停用' : 'Revoke');
  const shown = h('div', { class: 'calendar-feed-url', hidden: true });
  const refresh = async () => {
    const info = await api.calendarFeed();
    make.textContent = info.active ? (zh() ? '更换订阅链接' : 'Replace the feed link') : zh() ? '日历订阅' : 'Calendar feed';
    status.textContent = info.active
      ? zh()
        ? `已开通（${fmtTime(info.createdAt, session.zone)}）`
        : `active since ${fmtTime(info.createdAt, session.zone)}`
      : '';
    revoke.hidden = !info.active;
  };
  make.addEventListener('click', async () => {
    make.disabled = true;
    try {
      const { url } = await api.makeCalendarFeed();
      const field = h('input', { type: 'text', readonly: true, value: url, id: 'calendar-feed-link', 'aria-label': 'URL' });
      shown.replaceChildren(
        h(
          'p',
          {},
          zh()
            ? '在手机日历中“添加订阅日历”，粘贴下面的链接。链接只显示这一次；更换后旧链接立即失效。'
            : 'In your phone’s calendar, add a subscribed calendar with this link. It is shown only now; replacing it stops the old one at once.',
        ),
        field,
      );
      shown.hidden = false;
      field.select();
      await refresh();
    } catch (err) {
      alert(err.message);
    } finally {
      make.disabled = false;
    }
  });
  revoke.addEventListener('click', async () => {
    if (!confirm(zh() ? '停用后订阅链接立即失效，确定停用？' : 'The feed link stops working at once. Revoke it?')) return;
    await api.revokeCalendarFeed().catch((err) => alert(err.message));
    shown.hidden = true;
    await refresh();
  });
  out.append(make, ' ', status, ' ', revoke, shown);
  refresh().catch(() => undefined);
  return out;
}
