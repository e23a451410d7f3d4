/**
 * Notices and the bulletin as documents, and the 文号 series they are numbered in.
 *
 * Under /api/v1 (`docSeriesRouter`), the organisation's office:
 *   GET  /organisations/:org/doc-series?year=2026   the series and the year's ledger: every number, its holder or its void, gaps
 *   PUT  /organisations/:org/doc-series             { prefix: 'X教督' }
 *   POST /organisations/:org/doc-series/voids       { year, n, reason }   作废: recorded, the number never issued again
 *
 * Under /web-api (`documentsWebRouter`), whoever may read the plan (the print page's rule):
 *   GET /plans/:planId/notices/:noticeId/print      the printable page (HTML fragment)
 *   GET /plans/:planId/notices/:noticeId.docx       the same document as Word
 *   GET /plans/:planId/bulletin.docx?from&to&lang&issue=true   督导结果通报; a draft unless the office issues it numbered
 * A rung's notice is numbered the first time either is rendered (src/documents/notice-numbers.ts).
 */
import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { bulletinDocx } from '../documents/bulletin-docx.js';
import { DocNumberError } from '../documents/doc-numbers.js';
import { DocSeriesInput } from '../documents/doc-series.js';
import { noticeDocx } from '../documents/notice-docx.js';
import { numberText, type NoticeNumbers } from '../documents/notice-numbers.js';
import type { Text } from '../domain/i18n.js';
import { actorLabel, checkRunPlan, ruleText, type Principal } from '../domain/permissions.js';
import { Id } from '../domain/plan.schema.js';
import { docYear } from '../documents/doc-numbers.js';
import type { Engine } from '../engine/engine.js';
import type { Queries } from '../engine/queries.js';
import { ForbiddenError, InvalidInputError, RefusedError } from '../errors.js';
import type { TokenStore } from '../auth/tokens.js';
import { authenticate, principalOf } from './auth.js';
import { parse } from './parse.js';
import { readablePlan } from './plan-access.js';
import { mayReadReport, reportFor } from './reports.router.js';
import { renderNoticePage } from '../web/notice-page.js';
import type { ExportLimits } from './security.js';

const OrgParams = z.object({ org: Id });
const LedgerQuery = z.object({ year: z.coerce.number().int().min(2000, 'must be a year such as 2026').max(2100).optional() });
const VoidBody = z.object({
  year: z.number().int().min(2000, 'must be a year such as 2026').max(2100),
  n: z.number().int().min(1, 'must be a number issued in that year (1, 2, …)'),
  reason: z.string().trim().min(2, '请写明作废原因 / give the reason (at least 2 characters)').max(500),
});
const BulletinQuery = z.object({ issue: z.enum(['true', 'false']).optional() }).passthrough();

const SERIES_RULE: Text = {
  zh: '只有本单位的领导小组办公室可以设置和查看文号系列、作废文号',
  en: "Only the organisation's leadership group office may set or read its document number series and void numbers",
};

/** How an office sets its series: shown wherever a document says 文号未设置. */
export const SERIES_HELP: Text = {
  zh: '文号未设置：请办公室设置本单位的机关代字（如“X教督”），PUT /api/v1/organisations/{单位}/doc-series {"prefix":"X教督"}，或在通知页面上设置。',
  en: 'No document number series: the office sets its organisation\'s prefix (such as "X教督") with PUT /api/v1/organisations/{org}/doc-series {"prefix":"X教督"}, or on a notice\'s page.',
};

const langOf = (query: unknown): 'zh' | 'en' => ((query as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'zh');

function officeOf(p: Principal, org: string): void {
  if (p.kind === 'system' || (p.kind === 'office' && p.org === org)) return;
  throw new ForbiddenError(SERIES_RULE);
}

function sendDocx(res: Response, bytes: Buffer, ascii: string, name: string): void {
  res.set({
    'Content-Type': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  });
  res.send(bytes);
}

export function docSeriesRouter(numbers: NoticeNumbers): Router {
  const r = Router();

  r.get('/organisations/:org/doc-series', async (req, res) => {
    const { org } = parse(OrgParams, req.params, 'params');
    officeOf(principalOf(res), org);
    const series = await numbers.series.get(org);
    // Plans of one organisation may name other zones; the ledger's default year is the mainland's.
    const year = parse(LedgerQuery, req.query, 'query').year ?? docYear(Date.now(), 'Asia/Shanghai');
    if (!series) {
      res.json({ organisation: org, series: null, year, lines: [], gaps: [], help: SERIES_HELP });
      return;
    }
    const ledger = await numbers.numbers.ledger(series, year);
    res.json({ organisation: org, series, year, ...ledger, voids: ledger.lines.filter((l) => l.void !== null) });
  });

  r.put('/organisations/:org/doc-series', async (req, res) => {
    const { org } = parse(OrgParams, req.params, 'params');
    const p = principalOf(res);
    officeOf(p, org);
    const { prefix } = parse(DocSeriesInput, req.body, 'body');
    res.json({ organisation: org, series: await numbers.series.set(org, prefix, actorLabel(p), Date.now()) });
  });

  r.post('/organisations/:org/doc-series/voids', async (req, res) => {
    const { org } = parse(OrgParams, req.params, 'params');
    const p = principalOf(res);
    officeOf(p, org);
    const body = parse(VoidBody, req.body, 'body');
    let holder: string | null;
    try {
      holder = await numbers.void(org, body.year, body.n, { reason: body.reason, by: actorLabel(p), at: Date.now() });
    } catch (err) {
      if (err instanceof DocNumberError)
        throw new InvalidInputError([{ path: 'n', message: err.message }], { zh: err.message, en: err.message });
      throw err;
    }
    if (holder === null) throw new RefusedError(SERIES_HELP);
    res.status(201).json({ organisation: org, year: body.year, n: body.n, heldBy: holder, reason: body.reason });
  });

  return r;
}

/** Mounted at /web-api; only these paths ask for a credential here. */
export function documentsWebRouter(
  deps: { engine: Engine; queries: Queries; tokens: TokenStore; numbers: NoticeNumbers },
  limits: ExportLimits,
): Router {
  const { engine, queries, numbers } = deps;
  const r = Router();
  const auth = authenticate(deps.tokens);

  const notice = async (planId: string, noticeId: string, p: Principal) => {
    const def = await readablePlan(engine, p, planId);
    const n = await queries.notice(planId, noticeId);
    return { def, notice: n, line: await numbers.forNotice(def, n) };
  };

  const print: RequestHandler<{ planId: string; noticeId: string }> = async (req, res) => {
    const { def, notice: n, line } = await notice(req.params.planId, req.params.noticeId, principalOf(res));
    res.type('html').send(renderNoticePage(n, def, langOf(req.query), line));
  };
  r.get('/plans/:planId/notices/:noticeId/print', auth, limits.print, print);

  const docx: RequestHandler<{ planId: string; noticeId: string }> = async (req, res) => {
    const lang = langOf(req.query);
    const { def, notice: n, line } = await notice(req.params.planId, req.params.noticeId, principalOf(res));
    const bytes = await noticeDocx(def, n, { number: numberText(line, lang), lang });
    const what = n.kind === 'rectification' ? (n.action === 'disciplinary' ? '督办处理通知' : '整改通知书') : '通知';
    sendDocx(
      res,
      bytes,
      `${def.id}-${n.id}.docx`,
      `${lang === 'zh' ? what : 'notice'}-${line.state === 'issued' ? line.number : n.id}.docx`,
    );
  };
  r.get('/plans/:planId/notices/:noticeId.docx', auth, limits.print, docx);

  const bulletin: RequestHandler<{ planId: string }> = async (req, res) => {
    const p = principalOf(res);
    const { planId } = req.params;
    await mayReadReport(engine, p, planId);
    const issue = parse(BulletinQuery, req.query, 'query').issue === 'true';
    const { def, report } = await reportFor(engine, planId, req.query);
    const lang = langOf(req.query);
    let number: string | null = null;
    if (issue) {
      const rule = checkRunPlan(p, def);
      if (rule) throw new ForbiddenError(ruleText(rule));
      const period = `${report.period.fromDate}_${report.period.lastDate}`;
      const issued = await numbers.forBulletin(def, period, report.generatedAt);
      if (!issued) throw new RefusedError(SERIES_HELP);
      number = issued.text;
    }
    const bytes = await bulletinDocx(report, { number, lang });
    const period = `${report.period.fromDate}_${report.period.lastDate}`;
    sendDocx(res, bytes, `${planId}-bulletin-${period}.docx`, `${planId}-${lang === 'zh' ? '督导结果通报' : 'bulletin'}-${period}.docx`);
  };
  r.get('/plans/:planId/bulletin.docx', auth, limits.xlsx, bulletin);

  return r;
}
