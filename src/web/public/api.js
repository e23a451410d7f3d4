// Calls to the JSON API. The session is an httpOnly cookie the server sets at sign-in;
// the page never sees it. State-changing requests echo the readable CSRF cookie in
// X-CSRF-Token, which another site cannot do.
import { getLang } from './i18n.js';
import { explain, explanationText } from './refusals.js';

const PLAN_KEY = 'duban.plan';
const SAFE = new Set(['GET', 'HEAD']);

function csrfToken() {
  const m = /(?:^|;\s*)duban_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : null;
}

/** Whether this browser holds a session (its readable half; the server decides if it is live). */
export function hasSession() {
  return csrfToken() !== null;
}

export function getChosenPlan() {
  return localStorage.getItem(PLAN_KEY);
}

export function setChosenPlan(planId) {
  localStorage.setItem(PLAN_KEY, planId);
}

/** A refused request: the status, the server's answer, and what to tell the person about it. */
export class ApiError extends Error {
  constructor(status, body) {
    const explanation = explain(status, body);
    super(explanationText(explanation));
    this.status = status;
    this.code = body?.error?.code;
    this.body = body;
    this.explanation = explanation;
  }
}

export async function request(path, { method = 'GET', body, headers = {}, raw = false } = {}) {
  const init = { method, headers: { ...headers }, credentials: 'same-origin' };
  const csrf = csrfToken();
  if (!SAFE.has(method) && csrf) init.headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      init.body = body;
    } else {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    let payload = null;
    try {
      payload = await res.json();
    } catch {
      // not JSON: keep the status
    }
    throw new ApiError(res.status, payload);
  }
  if (raw) return res;
  return res.json();
}

const enc = encodeURIComponent;

export const api = {
  me: () => request('/api/v1/me'),
  signIn: (login, password, remember) => request('/api/v1/session', { method: 'POST', body: { login, password, remember } }),
  signInWithToken: (token, remember) => request('/api/v1/session', { method: 'POST', body: { token, remember } }),
  linkInfo: (secret) => request(`/api/v1/session/link/${enc(secret)}`),
  useLink: (secret, password, remember) => request('/api/v1/session/link', { method: 'POST', body: { secret, password, remember } }),
  signOut: () => request('/api/v1/session', { method: 'DELETE', raw: true }),
  /** One page of the caller's plans, newest first; pass the previous page's nextCursor for the next. */
  plans: (cursor = null, limit = 50) => request(`/api/v1/plans?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`),
  /** Every plan the caller may read, page after page (the plan picker). */
  allPlans: async () => {
    const plans = [];
    let cursor = null;
    do {
      const page = await api.plans(cursor, 200);
      plans.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return { plans };
  },
  /** Archives a closed plan (office); its archives, newest first. */
  archivePlan: (planId) => request(`/api/v1/plans/${enc(planId)}/archive`, { method: 'POST' }),
  archives: (cursor = null) => request(`/api/v1/archives${cursor ? `?cursor=${enc(cursor)}` : ''}`),
  plan: (planId) => request(`/api/v1/plans/${enc(planId)}`),
  tasks: (planId, filter = {}) => request(`/api/v1/plans/${enc(planId)}/tasks?${new URLSearchParams(filter)}`),
  task: (planId, taskId) => request(`/api/v1/plans/${enc(planId)}/tasks/${enc(taskId)}`),
  taskEvent: (planId, taskId, event) =>
    request(`/api/v1/plans/${enc(planId)}/tasks/${enc(taskId)}/events`, { method: 'POST', body: event }),
  /** One page of the signed-in person's notices, newest first: `plan` keeps one plan's, `cursor` continues a list. */
  inbox: (open = true, { plan, cursor, limit } = {}) =>
    request(
      `/api/v1/inbox?${new URLSearchParams({ open: String(open), ...(plan ? { plan } : {}), ...(cursor ? { cursor } : {}), ...(limit ? { limit: String(limit) } : {}) })}`,
    ),
  ack: (noticeId) => request(`/api/v1/inbox/${enc(noticeId)}/ack`, { method: 'POST' }),
  notice: (planId, noticeId) => request(`/api/v1/plans/${enc(planId)}/notices/${enc(noticeId)}`),

  /** The plan's indicators (指标) with status, path and values; a value reported; one indicator's record. */
  indicators: (planId) => request(`/api/v1/plans/${enc(planId)}/indicators`),
  reportIndicator: (planId, id, body) => request(`/api/v1/plans/${enc(planId)}/indicators/${enc(id)}/values`, { method: 'POST', body }),
  indicatorHistory: (planId, id) => request(`/api/v1/plans/${enc(planId)}/indicators/${enc(id)}/history`),
  /** The plan's years and a warning for each without official holiday data. */
  planCalendar: (planId) => request(`/api/v1/plans/${enc(planId)}/calendar`),

  labels: () => request('/web-api/labels'),
  machine: () => request('/web-api/machines/task'),
  overview: (planId) => request(`/web-api/plans/${enc(planId)}/overview`),
  /** What waits on the signed-in person: submissions to accept, extension requests to decide. */
  desk: (planId) => request(`/web-api/plans/${enc(planId)}/desk`),
  actions: (planId, taskIds) => request(`/web-api/plans/${enc(planId)}/actions?tasks=${taskIds.map(enc).join(',')}`),
  files: (planId, taskId) => request(`/web-api/plans/${enc(planId)}/tasks/${enc(taskId)}/files`),
  /** Sent as octet-stream with the real type in a header, so the server's JSON parser leaves it alone. */
  upload: (planId, taskId, file) =>
    request(`/web-api/plans/${enc(planId)}/tasks/${enc(taskId)}/files`, {
      method: 'POST',
      body: file,
      headers: {
        'Content-Type': 'application/octet-stream',
        'X-File-Name': enc(file.name),
        'X-File-Type': file.type || 'application/octet-stream',
      },
    }),
  /** The signed-in person's calendar feed: whether there is one; a new URL (shown once); revoking it. */
  calendarFeed: () => request('/api/v1/calendar-feed'),
  makeCalendarFeed: () => request('/api/v1/calendar-feed', { method: 'POST' }),
  revokeCalendarFeed: () => request('/api/v1/calendar-feed', { method: 'DELETE', raw: true }),
  /** The organisation's 文号 series (its office only). */
  docSeries: (org) => request(`/api/v1/organisations/${enc(org)}/doc-series`),
  setDocSeries: (org, prefix) => request(`/api/v1/organisations/${enc(org)}/doc-series`, { method: 'PUT', body: { prefix } }),
  noticeDocxPath: (planId, noticeId) => `/web-api/plans/${enc(planId)}/notices/${enc(noticeId)}.docx?lang=${getLang()}`,
  noticeHtml: async (planId, noticeId) =>
    (await request(`/web-api/plans/${enc(planId)}/notices/${enc(noticeId)}/print?lang=${getLang()}`, { raw: true })).text(),
  /** A file behind the session, as a Blob, to save under a name of our choosing. */
  blob: async (path) => (await request(path, { raw: true })).blob(),
};

/** Saves a blob under `name` through a temporary link. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
