// A notice in its official layout (rendered and escaped by the server), with a
// print button and, for a recipient who has not signed yet, the acknowledge button.
import { api, request, saveBlob } from '../api.js';
import { getLang, t } from '../i18n.js';
import { clear, h } from '../util.js';
import { docSeriesHint } from './doc-series.js';

export async function noticeView(session, el, [noticeId]) {
  const [html, notice] = await Promise.all([api.noticeHtml(session.planId, noticeId), api.notice(session.planId, noticeId)]);
  const me = session.principal.kind === 'person' ? (session.me?.id ?? null) : null;
  const mayAck = me && notice.recipients.some((r) => r.id === me) && notice.acknowledgements[me] === undefined;
  const paper = h('div', { class: 'paper' });
  // The fragment comes from our own server, which escapes every value it puts in.
  paper.innerHTML = html;
  const ack = mayAck
    ? h(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'notice-ack',
          onclick: async () => {
            await api.ack(noticeId);
            await noticeView(session, el, [noticeId]);
          },
        },
        t('acknowledge'),
      )
    : null;
  clear(el).append(
    h(
      'div',
      { class: 'page-notice' },
      h(
        'div',
        { class: 'no-print toolbar-row' },
        h('button', { type: 'button', onclick: () => history.back() }, `← ${t('back')}`),
        notice.taskId ? h('a', { href: `#/task/${encodeURIComponent(notice.taskId)}`, class: 'button' }, t('openTask')) : null,
        ack,
        wordButton(session, noticeId, paper.querySelector('.nd-number:not(.nd-unset)')?.textContent ?? null),
        h('button', { type: 'button', class: 'primary', id: 'notice-print', onclick: () => window.print() }, t('print')),
      ),
      paper.querySelector('.nd-unset') ? docSeriesHint(session, () => noticeView(session, el, [noticeId])) : null,
      paper,
      deliveriesPanel(session, notice, () => noticeView(session, el, [noticeId])),
    ),
  );
}

const DELIVERY_STATUS = {
  queued: { zh: '待发送', en: 'queued' },
  held: { zh: '免打扰时段，待发送', en: 'held for quiet hours' },
  sending: { zh: '发送中', en: 'sending' },
  sent: { zh: '已送达', en: 'delivered' },
  failed: { zh: '发送失败', en: 'failed' },
};

/** Where and when the notice went (钉钉群、企业微信群、邮件…); for the office, failed ones with 重新发送. */
function deliveriesPanel(session, notice, reload) {
  const list = notice.deliveries ?? [];
  if (list.length === 0) return null;
  const lang = getLang() === 'en' ? 'en' : 'zh';
  const when = (ms) => new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
  // The server answers the channel's answer to the plan's office only: that is who may resend.
  const office = list.some((d) => 'answer' in d);
  const rows = list.map((d) => {
    const status = DELIVERY_STATUS[d.status]?.[lang] ?? d.status;
    const detail =
      d.status === 'sent' && d.sentAt
        ? when(d.sentAt)
        : d.status === 'held' || d.status === 'queued'
          ? `${lang === 'zh' ? '不早于' : 'not before'} ${when(d.notBefore)}`
          : (d.reason?.[lang] ?? '');
    const resend =
      office && d.status === 'failed'
        ? h(
            'button',
            {
              type: 'button',
              class: 'delivery-resend',
              onclick: async (ev) => {
                ev.target.disabled = true;
                try {
                  await request(`/api/v1/plans/${encodeURIComponent(session.planId)}/deliveries/${encodeURIComponent(d.id)}/resend`, {
                    method: 'POST',
                  });
                  await reload();
                } catch (err) {
                  alert(err.message);
                  ev.target.disabled = false;
                }
              },
            },
            lang === 'zh' ? '重新发送' : 'Resend',
          )
        : null;
    return h(
      'tr',
      { 'data-delivery': d.id, class: `delivery-${d.status}` },
      h('td', {}, d.channel === 'email' ? (lang === 'zh' ? '邮件' : 'email') : d.channel),
      h('td', {}, d.addressees.map((a) => a.name).join(lang === 'zh' ? '、' : ', ')),
      h('td', {}, status),
      h('td', {}, detail),
      h('td', {}, String(d.attempts)),
      h('td', {}, resend),
    );
  });
  const head =
    lang === 'zh' ? ['渠道', '接收人', '状态', '时间或原因', '尝试次数', ''] : ['Channel', 'To', 'Status', 'When or why', 'Tries', ''];
  return h(
    'section',
    { class: 'no-print notice-deliveries' },
    h('h3', {}, lang === 'zh' ? '发送情况' : 'Deliveries'),
    h(
      'div',
      { class: 'table-scroll' },
      h('table', {}, h('thead', {}, h('tr', {}, ...head.map((x) => h('th', {}, x)))), h('tbody', {}, ...rows)),
    ),
  );
}

/** 下载 Word: the same document as .docx, under the 文号 the page was numbered with. */
function wordButton(session, noticeId, number) {
  const button = h('button', { type: 'button', id: 'notice-docx' }, getLang() === 'zh' ? '下载 Word' : 'Download Word');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const blob = await api.blob(api.noticeDocxPath(session.planId, noticeId));
      saveBlob(blob, `${number ?? noticeId}.docx`);
    } catch (err) {
      alert(err.message);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}
