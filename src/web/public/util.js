// Small DOM and time helpers. Pages are built with h(), which sets text, never
// HTML, so nothing a user typed can become markup.
import { getLang, t } from './i18n.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name in el && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * 加载更多: a button that loads the next page (`load(cursor)`) and hands its items and the
 * cursor after them to `append`, while there is one; `from(cursor)` starts it over at a
 * page's cursor (null: nothing more, the button hides).
 */
export function pager({ id, label, load, className = null }, append) {
  const button = h('button', { type: 'button', id, class: className, hidden: true }, label);
  let cursor = null;
  const from = (next) => {
    cursor = next ?? null;
    button.hidden = !cursor;
  };
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const page = await load(cursor);
      from(page.nextCursor);
      append(page.items, cursor);
    } catch (err) {
      alert(err.message);
    } finally {
      button.disabled = false;
    }
  });
  return { button, from };
}

/** 2026-03-05 14:30 in the plan's zone. */
export function fmtTime(ms, zone) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/**
 * A deadline for reading: a plan date ends at the next midnight (8月31日 ends at
 * 9月1日 00:00), which people write as the day itself at 24:00.
 */
export function fmtDeadline(ms, zone) {
  const text = fmtTime(ms, zone);
  return text.endsWith(' 00:00') ? `${fmtTime(ms - 60_000, zone).slice(0, 10)} 24:00` : text;
}

/** A file size for reading: 812 B, 14.2 KB, 3.1 MB. */
export function fmtSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The zone's offset from UTC in ms at instant `ms`. */
export function zoneOffset(ms, zone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const p = Object.fromEntries(parts.map((x) => [x.type, Number(x.value)]));
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** "3 days left" / "2 hours overdue", in the coarsest unit that is at least 1. */
export function relative(ms, now) {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const [unit, size] = abs >= 86_400_000 ? ['days', 86_400_000] : abs >= 3_600_000 ? ['hours', 3_600_000] : ['minutes', 60_000];
  const n = Math.max(1, Math.floor(abs / size));
  const text = t(`${unit}${diff >= 0 ? 'Left' : 'Over'}`, { n });
  return getLang() === 'en' && n === 1 ? text.replace(/(day|hour|minute)s/, '$1') : text;
}

/**
 * red / yellow / green / awaiting / done / idle from a task's supervision state.
 * `awaiting`: submitted, the reviewer holds it — the department is not late for it.
 */
export function lightOf(supervision) {
  return { overdue: 'red', dueSoon: 'yellow', onTrack: 'green', withReviewer: 'awaiting', closed: 'done' }[supervision] ?? 'idle';
}

export const LIGHT_COLORS = { red: '#d03b3b', yellow: '#e6a700', green: '#2e9d57', awaiting: '#4d7fd1', done: '#8a94a6', idle: '#c3cad5' };

/** A span of time for reading, in its two coarsest units: 2 天 3 小时, 45 分钟 / 2 days 3 hours. */
export function duration(ms) {
  const abs = Math.abs(ms);
  const zh = getLang() === 'zh';
  if (abs < 60_000) return zh ? '不足 1 分钟' : 'under a minute';
  const d = Math.floor(abs / 86_400_000);
  const hr = Math.floor((abs % 86_400_000) / 3_600_000);
  const min = Math.floor((abs % 3_600_000) / 60_000);
  const parts =
    d > 0
      ? [
          [d, 'day'],
          [hr, 'hour'],
        ]
      : hr > 0
        ? [
            [hr, 'hour'],
            [min, 'minute'],
          ]
        : [[min, 'minute']];
  const ZH = { day: '天', hour: '小时', minute: '分钟' };
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => (zh ? `${n} ${ZH[unit]}` : `${n} ${unit}${n === 1 ? '' : 's'}`))
    .join(' ');
}

/** A number of days for reading: 3, 2.5, 0. */
export function days(n) {
  return String(Math.round(n * 10) / 10);
}

export function lightDot(light, title) {
  return h('span', { class: `dot ${light}`, title: title ?? null, 'aria-hidden': title ? null : 'true' });
}

/** A plan date the server accepts from a date or datetime-local input. */
export function planDateFromInput(value) {
  return value.length === 16 ? value : value.slice(0, 10);
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}
