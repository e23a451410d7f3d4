// A notice in its official layout (rendered and escaped by the server), with a
// print button and, for a recipient who has not signed yet, the acknowledge button.
import { api, saveBlob } from '../api.js';
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
