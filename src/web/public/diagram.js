// The task machine drawn as nested boxes: regions side by side, states inside
// their parents, each with the events it takes, and the task's current states
// drawn solid. The tree comes from the machine definition (/web-api/machines/task).
import { getLang, L, t } from './i18n.js';
import { h } from './util.js';

const PHASES = ['launch', 'promotion', 'implementation', 'evaluation'];

/** A state's name by its region: the same key (idle, waiting, closed) means different things in each. */
function stateLabel(id, key) {
  const [, region] = id.split('.');
  if (id === `task.${region}`) return L('state', key);
  if (region === 'work') return id === `task.work.${key}` && PHASES.includes(key) ? L('phase', key) : L('work', key);
  if (region === 'supervision') {
    return ['idle', 'onTrack', 'dueSoon', 'overdue', 'closed'].includes(key) ? L('supervision', key) : L('state', key);
  }
  if (region === 'acknowledgement' || region === 'extension') return L(region, key);
  return L('state', key);
}

function eventLabel(event) {
  return event.startsWith('after:') ? `${t('timerPrefix')}${L('timer', event.slice(6))}` : L('event', event);
}

function targetLabel(id) {
  const key = id.split('.').pop();
  return stateLabel(id, key);
}

function transitionList(node) {
  if (node.transitions.length === 0) return null;
  const sep = getLang() === 'zh' ? '、' : ' + ';
  return h(
    'ul',
    { class: 'sm-transitions' },
    node.transitions.map((tr) =>
      h(
        'li',
        { dataset: { event: tr.event } },
        h('span', { class: 'sm-event' }, eventLabel(tr.event)),
        ' → ',
        tr.targets.length > 0 ? tr.targets.map(targetLabel).join(sep) : '↺',
        tr.guard ? h('span', { class: 'sm-guard' }, ` [${t('guard')} ${tr.guard}]`) : null,
      ),
    ),
  );
}

function box(node, active, parentInitial) {
  const classes = ['sm-node', `sm-${node.type}`];
  if (active.has(node.id)) classes.push('active');
  if (parentInitial === node.id) classes.push('initial');
  return h(
    'div',
    { class: classes.join(' '), dataset: { state: node.id } },
    h('div', { class: 'sm-title' }, stateLabel(node.id, node.key), h('small', {}, node.key)),
    transitionList(node),
    node.children.length > 0
      ? h(
          'div',
          { class: `sm-children ${node.type === 'parallel' ? 'sm-parallel' : ''}` },
          node.children.map((c) => box(c, active, node.initial)),
        )
      : null,
  );
}

export function machineDiagram(graph, activeIds) {
  return h('div', { class: 'sm-diagram', id: 'machine-diagram' }, box(graph, new Set(activeIds), null));
}
