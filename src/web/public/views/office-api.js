// The calls the office's pages make beyond api.js: importing and checking a draft,
// creating, replacing, publishing, amending and suspending plans, and the accounts
// of a plan's people. Same session cookie and CSRF header as api.js; a refusal is
// the same ApiError, so refusals.js explains it the same way.
import { request } from '../api.js';

const enc = encodeURIComponent;

export const officeApi = {
  /** The document as octet-stream, its name in X-File-Name (URI-encoded). */
  importDocument: (file, year) =>
    request(`/web-api/imports${year ? `?year=${enc(year)}` : ''}`, {
      method: 'POST',
      body: file,
      headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': enc(file.name) },
    }),
  validate: (plan, replace = false) => request(`/web-api/plans/validate${replace ? '?replace=true' : ''}`, { method: 'POST', body: plan }),
  createPlan: (plan, publish) => request(`/api/v1/plans${publish ? '?publish=true' : ''}`, { method: 'POST', body: plan }),
  replaceDraft: (plan) => request(`/api/v1/plans/${enc(plan.id)}`, { method: 'PUT', body: plan }),
  planEvent: (planId, event) => request(`/api/v1/plans/${enc(planId)}/events`, { method: 'POST', body: event }),
  history: (planId) => request(`/api/v1/plans/${enc(planId)}/history`),
  amend: (planId, body) => request(`/api/v1/plans/${enc(planId)}/amendments`, { method: 'POST', body }),
  personnelChanges: (planId) => request(`/api/v1/plans/${enc(planId)}/personnel-changes`),
  requestPersonnelChange: (planId, body) => request(`/api/v1/plans/${enc(planId)}/personnel-changes`, { method: 'POST', body }),
  accounts: (planId) => request(`/api/v1/plans/${enc(planId)}/accounts`),
  setLogins: (planId, personId, logins) =>
    request(`/api/v1/plans/${enc(planId)}/accounts/${enc(personId)}`, { method: 'PUT', body: { logins } }),
  issueLink: (planId, personId, reset = false) =>
    request(`/api/v1/plans/${enc(planId)}/accounts/${enc(personId)}/link`, { method: 'POST', body: { reset } }),
  orgPeople: (org) => request(`/api/v1/organisations/${enc(org)}/people`),
  orgUnits: (org) => request(`/api/v1/organisations/${enc(org)}/units`),
  organisation: (org) => request(`/api/v1/organisations/${enc(org)}`),
  setLeaders: (org, leaders) => request(`/api/v1/organisations/${enc(org)}`, { method: 'PATCH', body: { leaders } }),
  putPerson: (org, id, person) => request(`/api/v1/organisations/${enc(org)}/people/${enc(id)}`, { method: 'PUT', body: person }),
  deactivate: (org, id) => request(`/api/v1/organisations/${enc(org)}/people/${enc(id)}`, { method: 'DELETE' }),
  putUnit: (org, id, unit) => request(`/api/v1/organisations/${enc(org)}/units/${enc(id)}`, { method: 'PUT', body: unit }),
  importPeople: (org, csv) => request(`/api/v1/organisations/${enc(org)}/people/import`, { method: 'POST', body: { csv } }),
  signIns: (planId, personId) => request(`/api/v1/plans/${enc(planId)}/accounts/${enc(personId)}/sign-ins`),
};
