// A task's record (督办记录) on its page: the original deadline and every change to
// it (who, why, approved by whom), each rung reached with its date and 文号, the
// highest rung, days overdue, returns, extension requests and their outcome, how it
// was signed for, and each submission's review. Read from the task API's `record`
// (src/domain/record.ts), which folds the append-only history: a return or a moved
// deadline starts a new clock, but nothing here is ever reset.
import { C, L, paren, SEMI, t } from '../i18n.js';
import { days, fmtDeadline, fmtTime, h } from '../util.js';

function table(id, head, rows) {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'record-table', id },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((key) => h('th', { scope: 'col' }, t(key))),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

function part(title, empty, id, head, rows) {
  return [
    h('h3', {}, t(title), rows.length > 0 ? h('span', { class: 'count' }, String(rows.length)) : null),
    rows.length === 0 ? h('p', { class: 'muted small', id }, t(empty)) : table(id, head, rows),
  ];
}

/** 按时签收（…）；已提醒责任人；已告知股室负责人 — and when it was issued and due, beneath. */
function acknowledgement(session, ack) {
  const { zone } = session;
  const state =
    ack.issuedAt === null
      ? t('ackNotIssued')
      : ack.at !== null
        ? t(ack.onTime === false ? 'ackLate' : 'ackOnTime', { at: fmtTime(ack.at, zone) })
        : ack.onTime === false
          ? t('ackMissing')
          : t('ackPending');
  const chased = [ack.reminded ? t('ackReminded') : null, ack.chased ? t('ackChased') : null].filter(Boolean);
  const when = [
    ack.issuedAt !== null ? t('ackIssued', { at: fmtTime(ack.issuedAt, zone) }) : null,
    ack.deadline !== null ? t('ackDeadline', { at: fmtTime(ack.deadline, zone) }) : null,
  ].filter(Boolean);
  const outcome = ack.at !== null ? (ack.onTime === false ? 'late' : 'onTime') : ack.onTime === false ? 'missing' : 'pending';
  return h(
    'dd',
    { id: 'record-ack', dataset: { ack: outcome } },
    h('span', { class: outcome === 'late' || outcome === 'missing' ? 'rel red' : null }, state),
    chased.length > 0 ? `${SEMI()}${chased.join(SEMI())}` : '',
    when.length > 0 ? h('div', { class: 'muted small' }, when.join(SEMI())) : null,
  );
}

function finished(record) {
  if (record.unfinished) return h('span', { class: 'rel red' }, t('unfinishedRecord'));
  if (record.acceptedAt === null) return null;
  return h(
    'span',
    { class: record.finishedOnTime === false ? 'rel red' : 'rel green' },
    t(record.finishedOnTime === false ? 'finishedLate' : 'finishedOnTime'),
  );
}

export function recordCard(session, task) {
  const r = task.record;
  if (!r) return null;
  const { zone } = session;
  const rungs = session.def.escalation.rungs;
  const rungText = (n) => `${t('rungN', { n })} · ${L('rungAction', rungs[n - 1]?.action ?? '')}`;
  const result = finished(r);

  const summary = h(
    'dl',
    { class: 'facts', id: 'record-summary' },
    h('dt', {}, t('originalDeadline')),
    h('dd', { id: 'record-original' }, fmtDeadline(r.originalDeadline, zone)),
    r.deadline !== r.originalDeadline ? [h('dt', {}, t('currentDeadline')), h('dd', {}, fmtDeadline(r.deadline, zone))] : null,
    h('dt', {}, t('highestRung')),
    h(
      'dd',
      { id: 'record-highest', dataset: { rung: String(r.highestRung) } },
      r.highestRung > 0 ? h('span', { class: `rung-badge r${Math.min(r.highestRung, 4)}` }, rungText(r.highestRung)) : t('noRung'),
    ),
    h('dt', {}, t('overdueDays')),
    h(
      'dd',
      { id: 'record-overdue' },
      t('nDays', { n: days(r.overdueDays) }),
      r.overdueNow ? h('strong', { class: 'rel red' }, paren(t('stillOverdue'))) : null,
    ),
    h('dt', {}, t('ackRecord')),
    acknowledgement(session, r.acknowledgement),
    result ? [h('dt', {}, t('outcome')), h('dd', { id: 'record-result' }, result)] : null,
  );

  const changes = r.deadlineChanges.map((c) =>
    h(
      'tr',
      { dataset: { kind: c.kind } },
      h('td', {}, fmtTime(c.at, zone)),
      h('td', {}, t(`change_${c.kind}`)),
      h('td', { class: 'nowrap' }, `${fmtDeadline(c.from, zone)} → ${fmtDeadline(c.to, zone)}`),
      h('td', {}, c.reason),
      h('td', {}, session.actorName(c.by)),
      h('td', {}, c.approvedBy ? session.actorName(c.approvedBy) : '—'),
    ),
  );
  const reached = r.rungs.map((x) =>
    h(
      'tr',
      { dataset: { rung: String(x.rung) } },
      h('td', {}, rungText(x.rung)),
      h('td', {}, fmtTime(x.at, zone), x.late ? h('div', { class: 'muted small' }, t('lateNote', { at: fmtTime(x.late, zone) })) : null),
      h('td', {}, h('a', { href: `#/notice/${encodeURIComponent(x.noticeId)}`, class: 'doc-number' }, x.number ?? t('docNumberUnissued'))),
      h('td', {}, fmtDeadline(x.deadline, zone)),
    ),
  );
  const returns = r.returns.map((x) =>
    h(
      'tr',
      {},
      h('td', {}, fmtTime(x.at, zone)),
      h('td', {}, session.actorName(x.by)),
      h('td', { class: 'return-reason' }, x.reason),
      h('td', {}, fmtDeadline(x.deadline, zone)),
    ),
  );
  const extensions = r.extensions.map((x) =>
    h(
      'tr',
      { dataset: { outcome: x.outcome } },
      h('td', {}, fmtTime(x.requestedAt, zone)),
      h('td', {}, session.actorName(x.by)),
      h('td', {}, fmtDeadline(x.deadline, zone)),
      h('td', {}, x.reason),
      h('td', {}, h('span', { class: `chip outcome-${x.outcome}` }, t(`outcome_${x.outcome}`))),
      h(
        'td',
        {},
        x.decidedBy ? `${session.actorName(x.decidedBy)}${paren(fmtTime(x.decidedAt, zone))}` : '—',
        x.note ? h('div', { class: 'note small' }, x.note) : null,
      ),
    ),
  );
  const now = Date.now();
  const submissions = r.submissions.map((s) => {
    const past = s.reviewEscalations > 0 || (s.reviewDeadline !== undefined && (s.reviewedAt ?? now) > s.reviewDeadline);
    return h(
      'tr',
      { dataset: { outcome: s.outcome } },
      h('td', {}, fmtTime(s.at, zone)),
      h('td', {}, session.actorName(s.by)),
      h(
        'td',
        {},
        fmtDeadline(s.deadline, zone),
        ' ',
        h('span', { class: s.onTime ? 'rel green' : 'rel red' }, paren(t(s.onTime ? 'onTime' : 'late'))),
      ),
      h('td', {}, t(`sub_${s.outcome}`)),
      h('td', {}, s.reviewedBy ? `${session.actorName(s.reviewedBy)}${paren(fmtTime(s.reviewedAt, zone))}` : '—'),
      h('td', {}, t('nDays', { n: days(s.reviewDays) })),
      h('td', {}, s.reviewDeadline !== undefined ? fmtDeadline(s.reviewDeadline, zone) : '—'),
      h(
        'td',
        { dataset: { past: String(past) } },
        past ? h('span', { class: 'rel red' }, t('yes')) : t('no'),
        s.reviewEscalations > 0 ? h('div', { class: 'muted small' }, t('reviewEscalated', { n: s.reviewEscalations })) : null,
      ),
    );
  });

  return h(
    'section',
    { class: 'card', id: 'record' },
    h('h2', {}, t('record')),
    h('p', { class: 'muted small' }, t('recordHelp')),
    summary,
    part(
      'deadlineChanges',
      'noDeadlineChanges',
      'record-deadlines',
      ['when', 'changeKind', 'fromTo', 'reason', 'changedBy', 'approvedBy'],
      changes,
    ),
    part('rungsReached', 'noRungsReached', 'record-rungs', ['rung', 'when', 'docNumber', 'missedDeadline'], reached),
    part('returnsRecord', 'noReturns', 'record-returns', ['when', 'returnedBy', 'reason', 'newDeadline'], returns),
    part(
      'extensionsRecord',
      'noExtensions',
      'record-extensions',
      ['requestedAt', 'requestedBy', 'requestedDeadline', 'reason', 'outcome', 'decidedBy'],
      extensions,
    ),
    part(
      'reviewsRecord',
      'noSubmissions',
      'record-reviews',
      ['submittedAt', 'submittedBy', 'deadlineThen', 'outcome', 'reviewedBy', 'reviewTime', 'reviewDeadline', 'pastReviewDeadline'],
      submissions,
    ),
  );
}

/** The pending extension request, as the head of the task page shows it. */
export function pendingRequest(session, task) {
  const x = task.extension === 'pending' ? task.record?.extensions.findLast((e) => e.outcome === 'pending') : undefined;
  if (!x) return null;
  const { zone } = session;
  return [
    h('dt', {}, t('extensionPending')),
    h(
      'dd',
      { id: 'pending-extension' },
      h('strong', {}, `${t('requestedDeadline')}${C()}${fmtDeadline(x.deadline, zone)}`),
      h('div', {}, `${t('reason')}${C()}${x.reason}`),
      h(
        'div',
        { class: 'muted small' },
        [`${t('requestedBy')}${C()}${session.actorName(x.by)}`, `${t('requestedAt')}${C()}${fmtTime(x.requestedAt, zone)}`].join(SEMI()),
      ),
    ),
  ];
}
