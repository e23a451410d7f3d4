/**
 * The OpenAPI document, generated from the same zod schemas that validate requests
 * (zod 4's own JSON Schema output), so the document cannot drift from the checks.
 */
import { z } from 'zod';
import { PlanCommandSchema, TaskCommandSchema } from '../domain/commands.schema.js';
import { ReportQuery, SemesterQuery } from './reports.router.js';
import { PlanDefinitionShape } from '../domain/plan.schema.js';
import { CreatePlanQuery, TaskListQuery } from './plans.router.js';
import { IssueTokenBody } from './tokens.router.js';
import { PersonnelChangeBody } from '../domain/personnel.js';

/** `limit` (1–200, default 50) and the previous page's `nextCursor` (src/engine/paging.ts). */
const PAGE_PARAMS = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  { name: 'cursor', in: 'query', schema: { type: 'string' } },
];

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

function queryParams(schema: z.ZodObject) {
  return Object.keys(schema.shape).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));
}

const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
const body = (ref: string) => ({ required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });
const errors = {
  '400': { $ref: '#/components/responses/Invalid' },
  '401': { $ref: '#/components/responses/Unauthenticated' },
  '403': { $ref: '#/components/responses/Forbidden' },
  '404': { $ref: '#/components/responses/NotFound' },
  '409': { $ref: '#/components/responses/Conflict' },
  '503': { $ref: '#/components/responses/Unavailable' },
};

export function openApiDocument() {
  const error = {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          message: { type: 'string', description: '中文说明' },
          message_en: { type: 'string' },
          problems: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          accepted: { type: 'array', items: { type: 'string' }, description: 'events the current state takes (409)' },
        },
      },
    },
  };
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  return {
    openapi: '3.1.0',
    info: { title: 'Duban 督办 API', version: '1', description: '行动计划督办引擎 / Action-plan supervision engine' },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Plan: json(PlanDefinitionShape),
        TaskCommand: json(TaskCommandSchema),
        PlanCommand: json(PlanCommandSchema),
        IssueToken: json(IssueTokenBody),
        PersonnelChange: json(PersonnelChangeBody),
        Error: error,
      },
      responses: {
        Invalid: errorResponse('输入有误 / invalid input, every problem with its path'),
        Unauthenticated: errorResponse('未登录 / no or unknown token'),
        Forbidden: errorResponse('无权限 / a rule forbids it (named in the message)'),
        NotFound: errorResponse('不存在 / not found'),
        Conflict: errorResponse(
          '状态不接受该事件、规则拒绝（如时限已过不能申请延期）或并发冲突 / the state does not take the event, a rule refuses it (an extension after the deadline), or a conflict',
        ),
        Unavailable: errorResponse('服务暂不可用：无法连接 Redis / Redis is unreachable; retry (Retry-After)'),
      },
    },
    paths: {
      '/me': { get: { summary: 'Who the token acts as', responses: { '200': ok('principal'), ...errors } } },
      '/tokens': {
        post: {
          summary: 'Issue a token (admin; plan office for its people)',
          requestBody: body('IssueToken'),
          responses: { '201': ok('token'), ...errors },
        },
      },
      '/plans': {
        get: {
          summary: 'A page of the plans the caller may read, newest first: {items, nextCursor}',
          parameters: PAGE_PARAMS,
          responses: { '200': ok('plans'), ...errors },
        },
        post: {
          summary: 'Create a plan (draft, or published with ?publish=true)',
          parameters: queryParams(CreatePlanQuery),
          requestBody: body('Plan'),
          responses: { '201': ok('plan'), ...errors },
        },
      },
      '/plans/{planId}': {
        get: {
          summary: 'A plan with its phase, counts and pending timers',
          parameters: [pathParam('planId')],
          responses: { '200': ok('plan'), ...errors },
        },
        put: {
          summary: 'Replace a draft plan',
          parameters: [pathParam('planId')],
          requestBody: body('Plan'),
          responses: { '200': ok('plan'), ...errors },
        },
      },
      '/plans/{planId}/events': {
        post: {
          summary: 'Publish, advance or propose the next phase (office); approve or reject a proposed phase (group leader)',
          parameters: [pathParam('planId')],
          requestBody: body('PlanCommand'),
          responses: { '200': ok('outcome'), ...errors },
        },
      },
      '/plans/{planId}/history': {
        get: { summary: 'The plan history', parameters: [pathParam('planId')], responses: { '200': ok('history'), ...errors } },
      },
      '/plans/{planId}/tasks': {
        get: {
          summary: 'Tasks, filtered by index',
          parameters: [pathParam('planId'), ...queryParams(TaskListQuery)],
          responses: { '200': ok('tasks'), ...errors },
        },
      },
      '/plans/{planId}/tasks/{taskId}': {
        get: {
          summary: 'A task: chain, state, pending timers, its record and history',
          parameters: [pathParam('planId'), pathParam('taskId')],
          responses: { '200': ok('task'), ...errors },
        },
      },
      '/plans/{planId}/tasks/{taskId}/events': {
        post: {
          summary: 'Send a task event',
          parameters: [pathParam('planId'), pathParam('taskId')],
          requestBody: body('TaskCommand'),
          responses: { '200': ok('outcome'), ...errors },
        },
      },
      '/plans/{planId}/audit': {
        get: {
          summary: 'Verify the hash-chained trail; names the first broken entry (office, admin)',
          parameters: [pathParam('planId')],
          responses: { '200': ok('audit'), ...errors },
        },
      },
      '/plans/{planId}/personnel-changes': {
        get: {
          summary: '人员调整: every personnel change of the plan, pending, applied, cancelled or failed (office)',
          parameters: [pathParam('planId')],
          responses: { '200': ok('changes'), ...errors },
        },
        post: {
          summary: '人员调整: replace the holder of a role, now (201, an amendment) or from a future date (202, pending) (office)',
          parameters: [pathParam('planId')],
          requestBody: body('PersonnelChange'),
          responses: { '201': ok('applied'), '202': ok('pending'), ...errors },
        },
      },
      '/plans/{planId}/personnel-changes/{changeId}': {
        delete: {
          summary: 'Cancel a pending personnel change (office); one that has applied is refused (409)',
          parameters: [pathParam('planId'), pathParam('changeId')],
          responses: { '200': ok('change'), ...errors },
        },
      },
      '/plans/{planId}/report': {
        get: {
          summary: '督导结果: per department, person and leader for a period',
          parameters: [pathParam('planId'), ...queryParams(ReportQuery)],
          responses: { '200': ok('report'), ...errors },
        },
      },
      '/plans/{planId}/semester-report': {
        get: {
          summary: '学期进展汇报 for the leadership group',
          parameters: [pathParam('planId'), ...queryParams(SemesterQuery)],
          responses: { '200': ok('report'), ...errors },
        },
      },
      '/plans/{planId}/notices/{noticeId}': {
        get: {
          summary: 'One notice',
          parameters: [pathParam('planId'), pathParam('noticeId')],
          responses: { '200': ok('notice'), ...errors },
        },
      },
      '/plans/{planId}/archive': {
        post: {
          summary: "Archive a closed plan to the file store and remove it from Redis (its organisation's office; 409 while it runs)",
          parameters: [pathParam('planId')],
          responses: { '201': ok('archive'), ...errors },
        },
      },
      '/archives': {
        get: {
          summary:
            "A page of the archives the caller may read, newest first: its organisation's (an office), those of plans whose office it was in (a person)",
          parameters: PAGE_PARAMS,
          responses: { '200': ok('archives'), ...errors },
        },
      },
      '/archives/{id}': {
        get: { summary: 'Download one archive (JSON)', parameters: [pathParam('id')], responses: { '200': ok('archive'), ...errors } },
      },
      '/inbox': {
        get: {
          summary: "A page of the signed-in person's notices, newest first (?open=true: unacknowledged; ?plan=ID: one plan's)",
          parameters: [
            { name: 'open', in: 'query', schema: { type: 'string' } },
            { name: 'plan', in: 'query', schema: { type: 'string' } },
            ...PAGE_PARAMS,
          ],
          responses: { '200': ok('notices'), ...errors },
        },
      },
      '/inbox/{noticeId}/ack': {
        post: {
          summary: 'Acknowledge a notice (does not close the task)',
          parameters: [pathParam('noticeId')],
          responses: { '200': ok('notice'), ...errors },
        },
      },
    },
  };
}
