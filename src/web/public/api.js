// The session (a bearer token kept in this browser) and calls to the JSON API.
import { getLang } from './i18n.js';
import { explain, explanationText } from './refusals.js';

const TOKEN_KEY = 'duban.token';
const PLAN_KEY = 'duban.plan';

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY);
}

/** "Remember me" keeps the token in localStorage; otherwise it lasts as long as the tab. */
export function setToken(token, remember) {
  clearToken();
  (remember ? localStorage : sessionStorage).setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
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

async function request(path, { method = 'GET', body, headers = {}, token = getToken(), raw = false } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
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
  me: (token) => request('/api/v1/me', { token }),
  plans: () => request('/api/v1/plans'),
  plan: (planId) => request(`/api/v1/plans/${enc(planId)}`),
  tasks: (planId, filter = {}) => request(`/api/v1/plans/${enc(planId)}/tasks?${new URLSearchParams(filter)}`),
  task: (planId, taskId) => request(`/api/v1/plans/${enc(planId)}/tasks/${enc(taskId)}`),
  taskEvent: (planId, taskId, event) => request(`/api/v1/plans/${enc(planId)}/tasks/${enc(taskId)}/events`, { method: 'POST', body: event }),
  inbox: (open = true) => request(`/api/v1/inbox?open=${open}`),
  ack: (noticeId) => request(`/api/v1/inbox/${enc(noticeId)}/ack`, { method: 'POST' }),
  notice: (planId, noticeId) => request(`/api/v1/plans/${enc(planId)}/notices/${enc(noticeId)}`),

  labels: () => request('/web-api/labels', { token: null }),
  machine: () => request('/web-api/machines/task', { token: null }),
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
      headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': enc(file.name), 'X-File-Type': file.type || 'application/octet-stream' },
    }),
  noticeHtml: async (planId, noticeId) =>
    (await request(`/web-api/plans/${enc(planId)}/notices/${enc(noticeId)}/print?lang=${getLang()}`, { raw: true })).text(),
  /** A file behind the bearer token, as a Blob (a plain link cannot carry the token). */
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
