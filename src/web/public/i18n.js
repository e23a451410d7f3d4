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
  awaitingAcceptance: { zh: '待验收', en: 'Awaiting acceptance' },
  totalTasks: { zh: '任务总数', en: 'Tasks' },
  timeline: { zh: '阶段时间轴与任务时限', en: 'Phases and task deadlines' },
  timelineHelp: { zh: '色带为各阶段，圆点为任务完成时限（颜色即督办状态），竖线为今天。点圆点查看任务。', en: 'Bands are phases, dots are task deadlines coloured by supervision, the line is today. Click a dot to open the task.' },
  today: { zh: '今天', en: 'Today' },
  statusChart: { zh: '任务督办状态', en: 'Tasks by supervision state' },
  rungChart: { zh: '逾期任务督办级别', en: 'Overdue tasks by rung' },
  matrix: { zh: '部门 × 阶段 督办灯', en: 'Department × phase lights' },
  matrixHelp: { zh: '按任务完成时限所在的方案阶段归列；格内为红、黄、绿灯及已办结任务数。', en: 'Columns are the plan phase a task\'s deadline falls in; each cell counts red, yellow, green and closed tasks.' },
  department: { zh: '责任股室', en: 'Department' },
  overdueByRung: { zh: '逾期任务（按督办级别）', en: 'Overdue tasks by rung' },
  noOverdue: { zh: '没有逾期任务。', en: 'No task is overdue.' },
  rungN: { zh: '第{n}级', en: 'Rung {n}' },
  inbox: { zh: '待签收通知', en: 'Notices to acknowledge' },
  inboxEmpty: { zh: '没有待签收的通知。', en: 'No notice is waiting for you.' },
  kind_rectification: { zh: '整改通知书', en: 'rectification notice' },
  kind_reminder: { zh: '催办提醒', en: 'Reminder' },
  kind_phase: { zh: '阶段通知', en: 'Phase notice' },
  acknowledge: { zh: '签收', en: 'Acknowledge' },
  acknowledged: { zh: '已签收', en: 'Acknowledged' },
  openNotice: { zh: '查看通知书', en: 'Open notice' },
  ledger: { zh: '任务台账', en: 'Task ledger' },
  ledgerHelp: { zh: '导出全部任务的责任链、时限、状态、督办级别与最新进展（Excel）。', en: 'Export every task\'s chain, deadline, state, rung and last progress (Excel).' },
  exportXlsx: { zh: '导出台账 .xlsx', en: 'Export ledger .xlsx' },

  // department view
  myTasks: { zh: '本部门任务', en: 'My department\'s tasks' },
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
  newDeadline: { zh: '新的完成时限', en: 'New deadline' },
  openTask: { zh: '任务详情', en: 'Task details' },
  rung: { zh: '督办级别', en: 'Rung' },

  // actions
  actions: { zh: '我可以办理', en: 'What I can do' },
  noActions: { zh: '您对该任务当前没有可办理的事项。', en: 'There is nothing for you to do on this task now.' },
  percent: { zh: '完成百分比', en: 'Percent done' },
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
  refusedState: { zh: '未办理：该任务现为「{state}」，不能「{event}」。', en: 'Nothing was done: the task is now "{state}", which does not take "{event}".' },
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
  machineHelp: { zh: '工作进程与督办是两个并行区域；实线框为任务当前所处的状态，● 为初始状态。', en: 'Work and supervision run in parallel; solid boxes are where the task is now, ● marks an initial state.' },
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
  return text ? text[lang] ?? text.zh : '';
}
