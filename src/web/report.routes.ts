/**
 * The workspace's report files under /web-api, each behind the same token middleware
 * as the ledger (src/http/auth.ts): GET /web-api/plans/:planId/report.xlsx?from&to&lang and
 * GET /web-api/plans/:planId/report/print?from&to&lang (the 督导结果通报 draft as an
 * HTML fragment the report view shows and prints). Same period rules and the same
 * 400s and 403s as GET /api/v1/plans/:planId/report.
 */
import { Router, type RequestHandler } from 'express';
import type { Engine } from '../engine/engine.js';
import { authenticate, principalOf } from '../http/auth.js';
import { exportLimiters, type ExportLimits } from '../http/security.js';
import type { Runtime } from '../runtime.js';
import { mayReadReport, reportFor } from '../http/reports.router.js';
import { buildReportXlsx } from './report-xlsx.js';
import { renderReportPage } from './report-page.js';

const langOf = (query: unknown): 'zh' | 'en' => ((query as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'zh');

export function reportXlsxRoute(engine: Engine): RequestHandler<{ planId: string }> {
  return async (req, res) => {
    await mayReadReport(engine, principalOf(res), req.params.planId);
    const { report } = await reportFor(engine, req.params.planId, req.query);
    const lang = langOf(req.query);
    const xlsx = await buildReportXlsx(report, lang);
    const period = `${report.period.fromDate}_${report.period.lastDate}`;
    const name = `${report.planId}-${lang === 'zh' ? '督导结果' : 'results'}-${period}.xlsx`;
    res.set({
      'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'Content-Disposition': `attachment; filename="${report.planId}-results-${period}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
    });
    res.send(xlsx);
  };
}

export function reportPrintRoute(engine: Engine): RequestHandler<{ planId: string }> {
  return async (req, res) => {
    await mayReadReport(engine, principalOf(res), req.params.planId);
    const { report } = await reportFor(engine, req.params.planId, req.query);
    res.type('html').send(renderReportPage(report, langOf(req.query)));
  };
}

/**
 * Mounted at /web-api before the workspace's own router; only these two paths ask for a
 * token here. `limits` are shared with the ledger and the notices (src/web/index.ts).
 */
export function reportWebRouter(runtime: Runtime, limits: ExportLimits = exportLimiters()): Router {
  const r = Router();
  const auth = authenticate(runtime.tokens);
  r.get('/plans/:planId/report.xlsx', auth, limits.xlsx, reportXlsxRoute(runtime.engine));
  r.get('/plans/:planId/report/print', auth, limits.print, reportPrintRoute(runtime.engine));
  return r;
}
