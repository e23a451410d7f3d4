// The forms for what this person may do to a task now — only those the server's
// /web-api/.../actions route allows (the machine's accepted events ∩ permissions).
import { api } from './api.js';
import { L, t } from './i18n.js';
import { refusalNode } from './refusals.js';
import { clear, h, planDateFromInput } from './util.js';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

function field(labelText, input) {
  return h('label', { class: 'field' }, h('span', {}, labelText), input);
}

/** Uploads the chosen files, then returns their download links followed by the typed links. */
async function evidenceLinks(session, task, linksText, fileInput, status) {
  const links = linksText.split(/\s+/).map((s) => s.trim()).filter(Boolean);
  const files = [...(fileInput.files ?? [])];
  for (const file of files) if (file.size > MAX_FILE_BYTES) throw new Error(t('fileTooLarge', { name: file.name }));
  const uploaded = [];
  for (const file of files) {
    status.textContent = t('uploading', { name: file.name });
    uploaded.push((await api.upload(session.planId, task.id, file)).url);
  }
  status.textContent = '';
  return [...uploaded, ...links];
}

function form(type, controls, build, { onDone, message }) {
  const submit = h('button', { type: 'submit', class: type === 'task.return' ? 'danger' : 'primary' }, L('event', type));
  const el = h('form', { class: `action action-${type.replace(/\./g, '-')}`, dataset: { action: type } }, controls, h('div', { class: 'action-row' }, submit));
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(message);
    message.className = 'form-error action-message';
    submit.disabled = true;
    try {
      await build();
      message.className = 'form-ok action-message';
      message.textContent = t('done');
      await onDone();
    } catch (err) {
      // A refusal says why, as the server did: every problem, the rule, or what the state takes.
      message.append(refusalNode(err));
    } finally {
      submit.disabled = false;
    }
  });
  return el;
}

/** One form per allowed action; a sentence when there is none. */
export function actionForms(session, task, allowed, onDone) {
  const message = h('div', { class: 'form-error action-message', role: 'status', 'aria-live': 'polite' });
  if (allowed.length === 0) return h('div', { class: 'actions', dataset: { actions: '' } }, h('p', { class: 'muted' }, t('noActions')));
  const send = (event) => api.taskEvent(session.planId, task.id, event);
  const opts = { onDone, message };
  const forms = allowed.map((type) => {
    switch (type) {
      case 'task.acknowledge':
      case 'task.review':
        return form(type, [], () => send({ type }), opts);
      case 'task.progress': {
        const percent = h('input', { type: 'number', name: 'percent', min: '0', max: '100', step: '1', required: true, value: String(task.progress?.percent ?? ''), inputmode: 'numeric' });
        const note = h('textarea', { name: 'note', rows: '2', maxlength: '4000' });
        return form(type, [field(t('percent'), percent), field(t('note'), note)], () => send({ type, percent: Number(percent.value), note: note.value }), opts);
      }
      case 'task.submit': {
        const links = h('textarea', { name: 'evidence', rows: '2', placeholder: 'https://…' });
        const files = h('input', { type: 'file', name: 'files', multiple: true });
        const note = h('textarea', { name: 'note', rows: '2', maxlength: '4000' });
        const status = h('p', { class: 'muted small' });
        return form(type, [field(t('evidenceLinks'), links), field(t('evidenceFiles'), files), status, field(t('note'), note)], async () => {
          const evidence = await evidenceLinks(session, task, links.value, files, status);
          if (evidence.length === 0) throw new Error(t('needEvidence'));
          await send({ type, evidence, note: note.value });
        }, opts);
      }
      case 'task.accept': {
        const note = h('textarea', { name: 'note', rows: '2', maxlength: '4000' });
        return form(type, [field(t('note'), note)], () => send({ type, note: note.value }), opts);
      }
      case 'task.return':
      case 'task.deadline.change': {
        const reason = h('textarea', { name: 'reason', rows: '2', required: true, maxlength: '4000' });
        const deadline = h('input', { type: 'date', name: 'deadline', required: true });
        const reasonLabel = type === 'task.return' ? t('returnReason') : t('reason');
        return form(type, [field(reasonLabel, reason), field(t('newDeadline'), deadline)], () => send({ type, reason: reason.value, deadline: planDateFromInput(deadline.value) }), opts);
      }
      default:
        return null;
    }
  });
  return h('div', { class: 'actions', dataset: { actions: allowed.join(' ') } }, forms, message);
}
