// Why the server refused, in the page's language, from what it answered: a 400's
// problems by field, a 403's rule, a 409's state and the events that state takes.
// The server words most problems in English (led by their path), some in both
// languages ("中文 / English"); a page names the field and says the problem in its
// own language, falling back to the server's words.
import { C, getLang, L, SEMI, SEP, t } from './i18n.js';
import { h } from './util.js';

/** The form field a problem path starts with, as the forms label it. */
const FIELDS = { percent: 'percent', note: 'note', evidence: 'evidence', reason: 'reason', deadline: 'newDeadline' };

/** The server's problem messages (the command schema's and zod's), in Chinese. */
const ZH_PROBLEMS = [
  [/^is required$/, () => '不能为空'],
  [/^is not a link\b/, () => '不是有效的链接（须以 http:// 或 https:// 开头）'],
  [/^needs at least one evidence link$/, () => '至少需要一个佐证材料链接'],
  [/^"(.*)" is not in the future$/, (m) => `「${m[1]}」不是将来的时间`],
  [/^"(.*)" is not a date$/, (m) => `「${m[1]}」不是有效的日期`],
  [/^is not a date\b/, () => '不是有效的日期（如 2023-08-31 或 2023-08-31T18:00）'],
  [/^Too big: expected number to be <=\s*(\S+)$/, (m) => `不能大于 ${m[1]}`],
  [/^Too small: expected number to be >=\s*(\S+)$/, (m) => `不能小于 ${m[1]}`],
  [/^Too big: expected string to have <=\s*(\d+) characters$/, (m) => `不能超过 ${m[1]} 个字`],
  [/^Too big: expected array to have <=\s*(\d+) items$/, (m) => `最多 ${m[1]} 项`],
  [/^Too small: expected array to have >=\s*(\d+) items?$/, (m) => `至少 ${m[1]} 项`],
  [/^Invalid input: expected int, received number$/, () => '须为整数'],
  [
    /^Invalid input: expected (\w+), received (\w+)$/,
    (m) => `格式有误（应为${{ number: '数字', string: '文字', array: '列表', object: '对象' }[m[1]] ?? ` ${m[1]}`}）`,
  ],
];

/** `evidence[1]` → 佐证材料第 2 项 / Evidence item 2; `fields` names fields as the form that sent them does. */
function fieldName(path, fields = {}) {
  const m = /^(\w+)(?:\[(\d+)\])?(.*)$/.exec(path ?? '');
  if (!m || path === '(body)') return t('request');
  const [, head, index, rest] = m;
  const name = fields[head] ?? (FIELDS[head] ? t(FIELDS[head]) : head);
  return `${name}${index === undefined ? '' : t('itemN', { n: Number(index) + 1 })}${rest}`;
}

/**
 * A message the server words in both languages, "中文 / English[: "value"]", as
 * { zh, en }, the value kept with each; null for a message in one language.
 */
function bilingual(said) {
  const m = /^(.*?\p{Script=Han}.*?)\s?\/ (?=[A-Za-z])(.*)$/u.exec(said);
  if (!m) return null;
  const [, zh, en] = m;
  const value = /: ("(?:[^"\\]|\\.)*")$/.exec(en);
  return { zh: value ? `${zh.trim()}${C()}「${JSON.parse(value[1])}」` : zh.trim(), en };
}

function problemText({ path, message }, fields) {
  // The server leads each message with its path ("evidence[0]: is not a link …").
  const text = String(message ?? '');
  const said = text.startsWith(`${path}: `) ? text.slice(path.length + 2) : text;
  const both = bilingual(said);
  if (both) return `${fieldName(path, fields)}${C()}${fullWidth(both[getLang()])}`;
  if (getLang() === 'zh') {
    for (const [re, zh] of ZH_PROBLEMS) {
      const m = re.exec(said);
      if (m) return `${fieldName(path, fields)}${C()}${zh(m)}`;
    }
  }
  return `${fieldName(path, fields)}${C()}${said}`;
}

/**
 * ASCII punctuation beside Chinese made full-width, for server text that reaches a
 * Chinese page ("可接受:task.submit" → "可接受：task.submit"); links and times keep theirs.
 */
export function fullWidth(text) {
  if (getLang() !== 'zh') return text;
  const HAN = '\\p{Script=Han}';
  return text
    .replace(new RegExp(`\\(([^()]*)\\)`, 'gu'), (all, inner, at, whole) =>
      new RegExp(HAN, 'u').test(inner) || new RegExp(`${HAN}$`, 'u').test(whole.slice(0, at)) ? `（${inner}）` : all,
    )
    .replace(
      new RegExp(`(?<=${HAN})[,;:!?]|[,;:!?](?=${HAN})`, 'gu'),
      (p) => ({ ',': '，', ';': '；', ':': '：', '!': '！', '?': '？' })[p],
    );
}

function stateName(state) {
  if (typeof state === 'string') return L('phase', state);
  return state?.work ? L('work', state.work) : '';
}

/**
 * What to tell the person about a refused request: a title and, when the server
 * gave them, the details (problems, the rule, the events the state takes).
 * `fields` names fields as the form that sent them labels them ({ reason: '延期理由' }).
 */
export function explain(status, body, fields = {}) {
  const e = body?.error ?? {};
  const said = fullWidth((getLang() === 'en' ? e.message_en : e.message) ?? e.message ?? `HTTP ${status}`);
  if (e.code === 'invalid_input' && Array.isArray(e.problems) && e.problems.length > 0) {
    return { title: t('refusedInvalid'), items: e.problems.map((p) => problemText(p, fields)) };
  }
  if (e.code === 'forbidden') return { title: t('refusedForbidden'), items: [said] };
  if (e.code === 'event_not_accepted') {
    const accepted = Array.isArray(e.accepted) ? e.accepted : [];
    return {
      title: t('refusedState', { state: stateName(e.state), event: L('event', e.event) }),
      items: [accepted.length > 0 ? `${t('stateTakes')}${C()}${accepted.map((ev) => L('event', ev)).join(SEP())}` : t('stateTakesNothing')],
    };
  }
  return { title: said, items: [] };
}

/** The explanation as one line, for an alert or an Error's message. */
export function explanationText({ title, items }) {
  if (items.length === 0) return title;
  return `${title}${getLang() === 'zh' ? '' : ' '}${items.join(SEMI())}`;
}

/**
 * An error as the page shows it: the server's explanation with its details listed,
 * or the message. `fields` names the fields as the form that was refused does.
 */
export function refusalNode(err, fields) {
  const explained = fields && err?.explanation && err.status ? explain(err.status, err.body, fields) : err?.explanation;
  const { title, items } = explained ?? { title: err?.message ?? String(err), items: [] };
  return h(
    'div',
    { class: 'refusal', dataset: { status: err?.status ? String(err.status) : '' } },
    h('strong', { class: 'refusal-title' }, title),
    items.length > 0
      ? h(
          'ul',
          { class: 'refusal-items' },
          items.map((item) => h('li', {}, item)),
        )
      : null,
  );
}
