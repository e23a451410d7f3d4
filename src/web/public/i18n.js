// Every word the pages show, in Chinese and English. Domain names (states, events,
// roles, phases) come from the server's table (/web-api/labels) so the ledger, the
// notice page and these pages name things alike.

const UI = {
  appName: { zh: '督办', en: 'Duban' },
  appTagline: { zh: '行动计划督办工作台', en: 'Action plan supervision workspace' },
  switchLang: { zh: 'English', en: '中文' },
  signIn: { zh: '登录', en: 'Sign in' },
  signOut: { zh: '退出', en: 'Sign out' },
  signInTitle: { zh: '使用令牌登录', en: 'Sign in with your token' },
  signInHelp: {
    zh: '请粘贴领导小组办公室发给您的个人令牌（以 dbn_ 开头）。令牌只保存在本浏览器中。',
    en: 'Paste the personal token the leadership group office gave you (it starts with dbn_). It is kept in this browser only.',
  },
  token: { zh: '令牌', en: 'Token' },
  remember: { zh: '在本机记住我', en: 'Remember me on this device' },
  badToken: { zh: '令牌无效或已撤销，请核对后重试。', en: 'The token is unknown or revoked; check it and try again.' },
  choosePlan: { zh: '选择方案', en: 'Choose a plan' },
  noPlans: { zh: '还没有方案。', en: 'There are no plans yet.' },
  docNumberUnissued: { zh: '未编号（打印或下载时编号）', en: 'not numbered yet (numbered when printed or downloaded)' },
  navLeader: { zh: '领导视图', en: 'Leadership' },
  navDept: { zh: '部门视图', en: 'Department' },
  loading: { zh: '正在加载…', en: 'Loading…' },
  error: { zh: '出错了', en: 'Something went wrong' },
  notFound: { zh: '没有这个页面。', en: 'There is no such page.' },
  retry: { zh: '重试', en: 'Retry' },
  back: { zh: '返回', en: 'Back' },
  admin: { zh: '管理员', en: 'Administrator' },
  officeToken: { zh: '办公室', en: 'Office' },

  // leadership view
  currentPhase: { zh: '当前阶段', en: 'Current phase' },
  issuer: { zh: '发文机关', en: 'Issuing body' },
  lightRed: { zh: '逾期', en: 'Overdue' },
  lightYellow: { zh: '临期', en: 'Due soon' },
  lightGreen: { zh: '正常推进', en: 'On track' },
  lightDone: { zh: '已办结', en: 'Closed' },
  lightIdle: { zh: '未启动', en: 'Not started' },
  lightAwaiting: { zh: '待领导验收', en: 'With the reviewer' },
  awaitingAcceptance: { zh: '待验收', en: 'Awaiting acceptance' },
  totalTasks: { zh: '任务总数', en: 'Tasks' },
  timeline: { zh: '阶段时间轴与任务时限', en: 'Phases and task deadlines' },
  timelineHelp: {
    zh: '色带为各阶段，圆点为任务完成时限（颜色即督办状态），竖线为今天。点圆点查看任务。',
    en: 'Bands are phases, dots are task deadlines coloured by supervision, the line is today. Click a dot to open the task.',
  },
  today: { zh: '今天', en: 'Today' },
  statusChart: { zh: '任务督办状态', en: 'Tasks by supervision state' },
  rungChart: { zh: '逾期任务督办级别', en: 'Overdue tasks by rung' },
  matrix: { zh: '部门 × 阶段：任务所处阶段', en: 'Department × phase: where each task stands' },
  matrixHelp: {
    zh: '按任务自身所处的阶段归列（已下达、签收 → 推进中 → 全面完成或整改 → 提交验收）；方案当前阶段已标出，落后于当前阶段的任务标为「滞后」。圆点颜色为督办状态。',
    en: 'Columns are the stage each task itself is in (issued and signed for → in progress → delivered or in rectification → submitted); the plan\'s current phase is marked, and tasks behind it are flagged "behind". Dots are coloured by supervision.',
  },
  currentPhaseMark: { zh: '当前阶段', en: 'current' },
  behind: { zh: '滞后', en: 'behind' },
  behindCount: { zh: '落后于方案当前阶段的任务：{n} 项', en: "Tasks behind the plan's current phase: {n}" },
  rollup: { zh: '各阶段到期任务完成情况', en: 'Tasks due in each phase' },
  rollupHelp: {
    zh: '按任务完成时限所在的阶段统计：按时完成（已验收且按时提交）、逾期（当前逾期或逾期后完成）、进行中、未完成（方案结束时仍未完成）。',
    en: 'By the phase each deadline falls in: done (accepted, submitted on time), late (overdue now, or finished after the deadline), open, unfinished (still open when the plan closed).',
  },
  rollupPhase: { zh: '阶段', en: 'Phase' },
  rollupDue: { zh: '到期任务', en: 'Due' },
  rollup_done: { zh: '按时完成', en: 'Done' },
  rollup_late: { zh: '逾期', en: 'Late' },
  rollup_open: { zh: '进行中', en: 'Open' },
  rollup_unfinished: { zh: '未完成', en: 'Unfinished' },
  reviewQueue: { zh: '待我验收', en: 'Awaiting my acceptance' },
  reviewQueueEmpty: { zh: '没有待您验收的任务。', en: 'Nothing is waiting for your acceptance.' },
  extensionQueue: { zh: '待我审批的延期申请', en: 'Extension requests for me to decide' },
  submittedAt: { zh: '提交时间', en: 'Submitted' },
  waited: { zh: '已等待 {d}', en: 'waiting {d}' },
  reviewDeadline: { zh: '验收时限', en: 'Review by' },
  reviewOverdueBy: { zh: '已超过验收时限 {d}', en: '{d} past the review deadline' },
  reviewLeft: { zh: '距验收时限还有 {d}', en: '{d} left to review' },
  reviewEscalated: { zh: '已向上督办 {n} 次', en: 'escalated above the reviewer {n}×' },
  requestedBy: { zh: '申请人', en: 'Requested by' },
  requestedAt: { zh: '申请时间', en: 'Requested' },
  requestedDeadline: { zh: '申请延至', en: 'Extend to' },
  currentDeadline: { zh: '现行时限', en: 'Current deadline' },
  decide: { zh: '审批', en: 'Decide' },
  reviewIt: { zh: '验收', en: 'Review' },
  department: { zh: '责任股室', en: 'Department' },
  overdueByRung: { zh: '逾期任务（按督办级别）', en: 'Overdue tasks by rung' },
  noOverdue: { zh: '没有逾期任务。', en: 'No task is overdue.' },
  rungN: { zh: '第{n}级', en: 'Rung {n}' },
  inbox: { zh: '待签收通知', en: 'Notices to acknowledge' },
  inboxEmpty: { zh: '没有待签收的通知。', en: 'No notice is waiting for you.' },
  lateIssued: { zh: '迟发', en: 'issued late' },
  acknowledge: { zh: '签收', en: 'Acknowledge' },
  acknowledged: { zh: '已签收', en: 'Acknowledged' },
  openNotice: { zh: '查看通知书', en: 'Open notice' },
  ledger: { zh: '任务台账', en: 'Task ledger' },
  ledgerHelp: {
    zh: '按方案顺序导出全部任务的责任链、时限、状态、督办级别、督办记录（原定时限、逾期天数、最高督办级别、通知书编号、签收情况、延期与退回次数）与最新进展（Excel）。',
    en: 'Export every task in plan order with its chain, deadlines, state, rung, record (original deadline, days overdue, highest rung, notice numbers, acknowledgement, extensions and returns) and last progress (Excel).',
  },
  exportXlsx: { zh: '导出台账 .xlsx', en: 'Export ledger .xlsx' },

  // department view
  myTasks: { zh: '本部门任务', en: "My department's tasks" },
  onlyMine: { zh: '只看与我有关的', en: 'Only tasks I am on' },
  chooseDept: { zh: '部门', en: 'Department' },
  noTasks: { zh: '没有任务。', en: 'No tasks.' },
  deadline: { zh: '完成时限', en: 'Deadline' },
  rectificationDeadline: { zh: '整改时限', en: 'Rectify by' },
  daysLeft: { zh: '还剩 {n} 天', en: '{n} days left' },
  hoursLeft: { zh: '还剩 {n} 小时', en: '{n} hours left' },
  minutesLeft: { zh: '还剩 {n} 分钟', en: '{n} minutes left' },
  daysOver: { zh: '逾期 {n} 天', en: '{n} days overdue' },
  hoursOver: { zh: '逾期 {n} 小时', en: '{n} hours overdue' },
  minutesOver: { zh: '逾期 {n} 分钟', en: '{n} minutes overdue' },
  progress: { zh: '进展', en: 'Progress' },
  noProgress: { zh: '尚未报告进展', en: 'No progress reported yet' },
  returnedBecause: { zh: '被退回整改，原因：', en: 'Returned for rectification because:' },
  returnedBy: { zh: '退回人', en: 'Returned by' },
  awaitingReview: { zh: '待领导验收', en: "Awaiting the leader's acceptance" },
  clockStopped: { zh: '已提交验收，部门计时已停止', en: "Submitted: the department's clock has stopped" },
  extensionPending: { zh: '延期申请待审批', en: 'Extension request pending' },
  newDeadline: { zh: '新的完成时限', en: 'New deadline' },
  openTask: { zh: '任务详情', en: 'Task details' },
  rung: { zh: '督办级别', en: 'Rung' },

  // actions
  actions: { zh: '我可以办理', en: 'What I can do' },
  noActions: { zh: '您对该任务当前没有可办理的事项。', en: 'There is nothing for you to do on this task now.' },
  percent: { zh: '完成百分比', en: 'Percent done' },
  orWorkingDays: { zh: '或自今日起', en: 'or within' },
  workingDaysUnit: { zh: '个工作日内', en: 'working days from today' },
  needDeadline: { zh: '请选择日期或填写工作日数。', en: 'Choose a date or give a number of working days.' },
  note: { zh: '说明', en: 'Note' },
  evidenceLinks: { zh: '佐证材料链接（每行一个）', en: 'Evidence links (one per line)' },
  evidenceFiles: { zh: '上传佐证材料（每个不超过 5 MB）', en: 'Upload evidence (up to 5 MB each)' },
  needEvidence: { zh: '请至少提供一个佐证材料链接或文件。', en: 'Give at least one evidence link or file.' },
  fileTooLarge: { zh: '文件 {name} 超过 5 MB，请改用链接。', en: 'File {name} is over 5 MB; link it instead.' },
  uploading: { zh: '正在上传 {name}…', en: 'Uploading {name}…' },
  reason: { zh: '原因', en: 'Reason' },
  returnReason: { zh: '退回原因', en: 'Reason for returning' },
  done: { zh: '已办理。', en: 'Done.' },

  // refusals: what the server said no to, and why
  refusedInvalid: { zh: '未办理，请修改以下内容后重试：', en: 'Nothing was done; please correct the following and try again:' },
  refusedForbidden: { zh: '未办理：您无权办理此事项。', en: 'Nothing was done: you may not do this.' },
  refusedState: {
    zh: '未办理：该任务现为「{state}」，不能「{event}」。',
    en: 'Nothing was done: the task is now "{state}", which does not take "{event}".',
  },
  stateTakes: { zh: '此状态下可办理的事项', en: 'This state takes' },
  stateTakesNothing: { zh: '此状态下没有可办理的事项。', en: 'This state takes nothing more.' },
  request: { zh: '请求', en: 'Request' },
  itemN: { zh: '第 {n} 项', en: ' item {n}' },

  // task page
  chain: { zh: '责任链', en: 'Responsibility chain' },
  duties: { zh: '工作职责', en: 'Duties' },
  area: { zh: '任务领域', en: 'Area' },
  state: { zh: '状态', en: 'State' },
  work: { zh: '工作进程', en: 'Work' },
  supervision: { zh: '督办', en: 'Supervision' },
  timers: { zh: '待发的提醒与升级', en: 'Pending reminders and escalations' },
  noTimers: { zh: '没有待发的提醒或升级。', en: 'No reminder or escalation is pending.' },
  history: { zh: '办理记录', en: 'History' },
  machine: { zh: '状态图（当前状态已高亮）', en: 'State diagram (current states highlighted)' },
  machineHelp: {
    zh: '工作进程、督办、签收与延期申请是四个并行区域；实线框为任务当前所处的状态，● 为初始状态。',
    en: 'Work, supervision, acknowledgement and extension run in parallel; solid boxes are where the task is now, ● marks an initial state.',
  },
  files: { zh: '已上传的佐证材料', en: 'Uploaded evidence' },
  noFiles: { zh: '尚未上传文件。', en: 'No files uploaded.' },
  evidence: { zh: '佐证材料', en: 'Evidence' },
  milestones: { zh: '节点', en: 'Milestones' },
  by: { zh: '办理人', en: 'By' },
  system: { zh: '系统', en: 'System' },
  noticesSent: { zh: '发出通知', en: 'Notices sent' },
  percentDone: { zh: '完成 {n}%', en: '{n}% done' },
  returns: { zh: '退回次数', en: 'Returns' },
  guard: { zh: '条件', en: 'if' },
  timerPrefix: { zh: '定时：', en: 'timer: ' },
  currentStage: { zh: '任务所处阶段', en: 'Stage' },

  // the task's record (督办记录)
  record: { zh: '督办记录', en: 'Supervision record' },
  recordHelp: {
    zh: '退回整改或调整时限后重新计时，但以往的逾期、升级和时限变更都保留在记录中。',
    en: 'A return or a moved deadline starts a new clock; earlier lateness, rungs and deadline changes stay on the record.',
  },
  originalDeadline: { zh: '原定时限', en: 'Original deadline' },
  highestRung: { zh: '最高督办级别', en: 'Highest rung' },
  noRung: { zh: '未逾期升级', en: 'never escalated' },
  overdueDays: { zh: '逾期天数', en: 'Days overdue' },
  nDays: { zh: '{n} 天', en: '{n} days' },
  stillOverdue: { zh: '仍在逾期', en: 'still overdue' },
  deadlineChanges: { zh: '时限变更', en: 'Deadline changes' },
  noDeadlineChanges: { zh: '时限未变更。', en: 'The deadline has not changed.' },
  change_office: { zh: '办公室调整', en: 'moved by the office' },
  change_extension: { zh: '批准延期', en: 'extension approved' },
  change_return: { zh: '退回整改', en: 'returned' },
  changeKind: { zh: '类别', en: 'Kind' },
  when: { zh: '时间', en: 'When' },
  fromTo: { zh: '时限', en: 'Deadline' },
  changedBy: { zh: '提出人', en: 'By' },
  approvedBy: { zh: '批准人', en: 'Approved by' },
  rungsReached: { zh: '督办升级', en: 'Rungs reached' },
  noRungsReached: { zh: '未发生督办升级。', en: 'No rung was reached.' },
  docNumber: { zh: '文号', en: 'Number' },
  missedDeadline: { zh: '所逾时限', en: 'Deadline missed' },
  lateNote: { zh: '原定 {at} 发出，系统中断后迟发', en: 'due {at}, issued late after an outage' },
  returnsRecord: { zh: '退回整改', en: 'Returns' },
  noReturns: { zh: '未被退回。', en: 'Never returned.' },
  extensionsRecord: { zh: '延期申请', en: 'Extension requests' },
  noExtensions: { zh: '未申请延期。', en: 'No extension was requested.' },
  outcome: { zh: '结果', en: 'Outcome' },
  outcome_pending: { zh: '待审批', en: 'pending' },
  outcome_approved: { zh: '已批准', en: 'approved' },
  outcome_rejected: { zh: '已驳回', en: 'rejected' },
  decidedBy: { zh: '审批人', en: 'Decided by' },
  ackRecord: { zh: '签收情况', en: 'Acknowledgement' },
  ackIssued: { zh: '下达于 {at}', en: 'issued {at}' },
  ackDeadline: { zh: '签收时限 {at}', en: 'acknowledge by {at}' },
  ackOnTime: { zh: '按时签收（{at}）', en: 'acknowledged on time ({at})' },
  ackLate: { zh: '逾期签收（{at}）', en: 'acknowledged late ({at})' },
  ackMissing: { zh: '超过签收时限仍未签收', en: 'not acknowledged, past the deadline' },
  ackPending: { zh: '待签收', en: 'not yet acknowledged' },
  ackNotIssued: { zh: '尚未下达', en: 'not issued yet' },
  ackReminded: { zh: '已提醒责任人', en: 'the responsible person was reminded' },
  ackChased: { zh: '已告知股室负责人', en: 'the department head was told' },
  reviewsRecord: { zh: '提交与验收', en: 'Submissions and reviews' },
  noSubmissions: { zh: '尚未提交验收。', en: 'Not submitted yet.' },
  submittedBy: { zh: '提交人', en: 'Submitted by' },
  deadlineThen: { zh: '当时时限', en: 'Deadline then' },
  onTime: { zh: '按时', en: 'on time' },
  late: { zh: '逾期', en: 'late' },
  sub_pending: { zh: '待验收', en: 'awaiting review' },
  sub_accepted: { zh: '验收通过', en: 'accepted' },
  sub_returned: { zh: '退回整改', en: 'returned' },
  sub_unfinished: { zh: '方案结束时未验收', en: 'not reviewed before the plan closed' },
  reviewedBy: { zh: '验收人', en: 'Reviewed by' },
  reviewTime: { zh: '验收用时', en: 'Review time' },
  pastReviewDeadline: { zh: '超过验收时限', en: 'Past the review deadline' },
  yes: { zh: '是', en: 'yes' },
  no: { zh: '否', en: 'no' },
  finishedOnTime: { zh: '按时完成', en: 'Finished on time' },
  finishedLate: { zh: '逾期完成', en: 'Finished late' },
  unfinishedRecord: { zh: '方案结束时未完成', en: 'Unfinished when the plan closed' },

  // notice page
  notice: { zh: '通知书', en: 'Notice' },
  print: { zh: '打印', en: 'Print' },
};

const LANG_KEY = 'duban.lang';

/** ?lang=en (or zh) wins and is remembered; then the stored choice; Chinese otherwise. */
export function initialLang() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked === 'en' || asked === 'zh') {
    localStorage.setItem(LANG_KEY, asked);
    return asked;
  }
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
}

let lang = 'zh';
let labels = {};

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh';
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export function getLang() {
  return lang;
}

export function setLabels(table) {
  labels = table;
}

/** A UI string, with {name} placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const entry = UI[key];
  const text = entry ? entry[lang] : key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

/** A domain label from the server's table: L('work', 'inProgress'). */
export function L(table, key) {
  return labels[table]?.[key]?.[lang] ?? key;
}

/** How the workspace draws a task command's form: { fields: [{ name, kind, label? }], danger }, from the server's table. */
export function commandForm(type) {
  return labels.commands?.[type] ?? { fields: [], danger: false };
}

/** The colon after a label: full-width in Chinese. */
export const C = () => (lang === 'zh' ? '：' : ': ');
/** The separator of a list of names: 、 in Chinese. */
export const SEP = () => (lang === 'zh' ? '、' : ', ');
/** An aside in brackets: full-width in Chinese. */
export const paren = (text) => (lang === 'zh' ? `（${text}）` : ` (${text})`);
/** The separator of clauses: ； in Chinese. */
export const SEMI = () => (lang === 'zh' ? '；' : '; ');

/** Text the server gives as { zh, en }. */
export function pick(text) {
  return text ? (text[lang] ?? text.zh) : '';
}
