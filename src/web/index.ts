/**
 * The web workspace (issue 4): pages for leadership groups and department heads,
 * served by the API's own server. Mount it through the runtime's extend hook:
 *
 *   startRuntime({ …, api: { port, extend: mountWeb } })
 *
 * `/` serves the static front end (src/web/public: plain ES modules, no build
 * step), `/vendor/echarts.min.js` the chart library from node_modules, and
 * `/web-api` the few routes the pages need beyond /api/v1.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { contentSecurityPolicyHeader, exportLimiters, styleHash } from '../http/security.js';
import type { Runtime } from '../runtime.js';
import { importRouter } from './import.routes.js';
import { REPORT_CSS } from './report-page.js';
import { reportWebRouter } from './report.routes.js';
import { webApiRouter } from './web-api.router.js';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const ECHARTS_DIR = dirname(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'));
/** The app-wide policy (src/http/security.ts) plus the one `<style>` block the pages show: the bulletin's. */
const WORKSPACE_CSP = contentSecurityPolicyHeader({ styleHashes: [styleHash(REPORT_CSS)] });

export function mountWeb(app: Express, runtime: Runtime): void {
  // One budget per kind across the ledger, the report and the notices.
  const limits = exportLimiters();
  app.use('/web-api', reportWebRouter(runtime, limits));
  app.use('/web-api', importRouter(runtime));
  app.use('/web-api', webApiRouter(runtime, limits));
  app.get('/vendor/echarts.min.js', (_req, res) => {
    res.sendFile('echarts.min.js', { root: ECHARTS_DIR, maxAge: '1d' });
  });
  // Pages change with the code: revalidate rather than cache, so a deploy shows at once.
  app.use(
    express.static(PUBLIC_DIR, {
      index: 'index.html',
      maxAge: 0,
      setHeaders: (res) => res.setHeader('Content-Security-Policy', WORKSPACE_CSP),
    }),
  );
}
