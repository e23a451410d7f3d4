// The forms for what this person may do to a task now — only those the server's
// /web-api/.../actions route allows (the machine's accepted events ∩ permissions).
// Every form is drawn from the command table the server serves with the labels
// (/web-api/labels → commands: { [type]: { fields: [{ name, kind, label? }], danger } }):
// one control per field kind, so a new command needs no change here unless it
// brings a new kind of field.
import { api } from './api.js';
import { commandForm, L, pick, t } from './i18n.js';
import { refusalNode } from './refusals.js';
import { clear, h, planDateFromInput } from './util.js';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

function field(labelText, ...inputs) {
  return h('label', { class: 'field' }, h('span', {}, labelText), ...inputs);
}

/** Uploads the chosen files, then returns their download links followed by the typed links. */
async function evidenceLinks(session, task, linksText, fileInput, status) {
  const links = linksText
    .split(/\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
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

/** The label each kind of field has unless the command names it otherwise. */
const KIND_LABEL = { percent: 'percent', note: 'note', reason: 'reason', deadline: 'newDeadline', evidence: 'evidenceLinks' };

/**
 * One control per field kind: the nodes to show and how to read the value the
 * command takes. `label` is the field's own label (from the table) or the kind's.
 */
const CONTROLS = {
  percent(spec, label, { task }) {
    const input = h('input', {
      type: 'number',
      name: spec.name,
      min: '0',
      max: '100',
      step: '1',
      required: true,
      inputmode: 'numeric',
      value: String(task.progress?.percent ?? ''),
    });
    return { nodes: [field(label, input)], read: () => Number(input.value) };
  },
  note(spec, label) {
    const input = h('textarea', { name: spec.name, rows: '2', maxlength: '4000' });
    return { nodes: [field(label, input)], read: () => input.value };
  },
  reason(spec, label) {
    const input = h('textarea', { name: spec.name, rows: '2', required: true, maxlength: '4000' });
    return { nodes: [field(label, input)], read: () => input.value };
  },
  /** A date, or a number of working days from today (限期 N 个工作日内). */
  deadline(spec, label) {
    const date = h('input', { type: 'date', name: spec.name, required: true });
    const days = h('input', {
      type: 'number',
      name: `${spec.name}-workingDays`,
      min: '1',
      max: '366',
      step: '1',
      inputmode: 'numeric',
      class: 'working-days',
      'aria-label': `${label} ${t('workingDaysUnit')}`,
    });
    // Either one will do: the date is required only while no number of days is given.
    days.addEventListener('input', () => (date.required = days.value === ''));
    const or = h('span', { class: 'deadline-or small muted' }, t('orWorkingDays'), ' ', days, ' ', t('workingDaysUnit'));
    return {
      nodes: [h('div', { class: 'field deadline-field' }, field(label, date), or)],
      read: () => {
        if (days.value !== '') return { workingDays: Number(days.value) };
        if (!date.value) throw new Error(t('needDeadline'));
        return planDateFromInput(date.value);
      },
    };
  },
  /** Links typed one per line and files uploaded first; at least one of either. */
  evidence(spec, label, { session, task }) {
    const links = h('textarea', { name: spec.name, rows: '2', placeholder: 'https://…' });
    const files = h('input', { type: 'file', name: 'files', multiple: true });
    const status = h('p', { class: 'muted small' });
    return {
      nodes: [field(label, links), field(t('evidenceFiles'), files), status],
      read: async () => {
        const evidence = await evidenceLinks(session, task, links.value, files, status);
        if (evidence.length === 0) throw new Error(t('needEvidence'));
        return evidence;
      },
    };
  },
};

/** A field of a kind this page does not know yet: plain text, so the form still works. */
function unknownControl(spec, label) {
  console.warn(`no control for field kind "${spec.kind}"; showing a text box`);
  const input = h('input', { type: 'text', name: spec.name });
  return { nodes: [field(label, input)], read: () => input.value };
}

/** A command's form from its entry in the table; submitting sends { type, ...fields }. */
function commandFormNode(type, env, { onDone, message }) {
  const spec = commandForm(type);
  const labels = {};
  const controls = spec.fields.map((f) => {
    const label = f.label ? pick(f.label) : t(KIND_LABEL[f.kind] ?? f.name);
    // A refusal names the field as the form does where the table names it; else by its usual name.
    if (f.label) labels[f.name] = label;
    return { name: f.name, ...(CONTROLS[f.kind] ?? unknownControl)(f, label, env) };
  });
  const submit = h('button', { type: 'submit', class: spec.danger ? 'danger' : 'primary' }, L('event', type));
  const el = h(
    'form',
    { class: `action action-${type.replace(/\./g, '-')}`, dataset: { action: type } },
    controls.flatMap((c) => c.nodes),
    h('div', { class: 'action-row' }, submit),
  );
  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(message);
    message.className = 'form-error action-message';
    submit.disabled = true;
    try {
      const event = { type };
      for (const c of controls) event[c.name] = await c.read();
      await api.taskEvent(env.session.planId, env.task.id, event);
      message.className = 'form-ok action-message';
      message.textContent = t('done');
      await onDone();
    } catch (err) {
      // A refusal says why, as the server did: every problem (named as this form names
      // its fields), the rule, or what the state takes.
      message.append(refusalNode(err, labels));
    } finally {
      submit.disabled = false;
    }
  });
  return el;
}

/** One form per allowed action; a sentence when there is none. */
export function actionForms(session, task, allowed, onDone) {
  if (allowed.length === 0) return h('div', { class: 'actions', dataset: { actions: '' } }, h('p', { class: 'muted' }, t('noActions')));
  const message = h('div', { class: 'form-error action-message', role: 'status', 'aria-live': 'polite' });
  const forms = allowed.map((type) => commandFormNode(type, { session, task }, { onDone, message }));
  return h('div', { class: 'actions', dataset: { actions: allowed.join(' ') } }, forms, message);
}
