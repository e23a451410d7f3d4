// 文号未设置 on a notice's page: the office sets its organisation's 机关代字 right there
// (PUT /api/v1/organisations/:org/doc-series); anyone else is told the office does it.
import { api } from '../api.js';
import { getLang } from '../i18n.js';
import { refusalNode } from '../refusals.js';
import { h } from '../util.js';

const zh = () => getLang() === 'zh';

/** A note (and, for the office, a form) shown when a document has no 文号 series to be numbered from. */
export function docSeriesHint(session, onSet) {
  const office = session.principal.kind === 'office';
  const note = h(
    'p',
    { class: 'muted small' },
    zh()
      ? office
        ? '文号未设置：设置本单位的机关代字后，本通知及以后的通知书将按“机关代字〔年份〕序号号”依次编号，编号不重复使用。'
        : '文号未设置：请领导小组办公室设置本单位的文号系列。'
      : office
        ? 'No document number series: once your organisation’s prefix is set, this and later notices are numbered prefix〔year〕n号 in order, never reused.'
        : 'No document number series yet: the leadership group office sets it.',
  );
  if (!office) return h('div', { class: 'no-print doc-series-hint', id: 'doc-series-hint' }, note);
  const input = h('input', { type: 'text', id: 'doc-series-prefix', placeholder: zh() ? '如：X教督' : 'e.g. X教督', maxlength: 16 });
  const problem = h('div', { class: 'form-problem' });
  const form = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: async (e) => {
        e.preventDefault();
        problem.replaceChildren();
        try {
          await api.setDocSeries(session.principal.org, input.value);
          await onSet();
        } catch (err) {
          problem.replaceChildren(refusalNode(err));
        }
      },
    },
    h('label', { class: 'inline' }, zh() ? '机关代字' : 'Prefix', input),
    h('button', { type: 'submit', class: 'primary', id: 'doc-series-save' }, zh() ? '设置文号' : 'Set the series'),
    problem,
  );
  return h('div', { class: 'no-print card doc-series-hint', id: 'doc-series-hint' }, note, form);
}
