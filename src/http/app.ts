/**
 * Builds the HTTP app; never listens, so tests drive it in-process.
 */
import express, { type Express } from 'express';
import type { TokenStore } from '../auth/tokens.js';
import type { Directory } from '../directory/store.js';
import type { Engine } from '../engine/engine.js';
import type { Queries } from '../engine/queries.js';
import { NotFoundError } from '../errors.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { metricsAccess } from '../infra/metrics-access.js';
import { authenticate } from './auth.js';
import { directoryRouter } from './directory.router.js';
import { deliveriesRouter, type DeliveryDeps } from './deliveries.router.js';
import { docSeriesRouter, documentsWebRouter } from './documents.router.js';
import { calendarApiRouter, calendarFeedRouter } from './calendar.router.js';
import { NoticeNumbers } from '../documents/notice-numbers.js';
import { errorHandler } from './errors.js';
import { inboxRouter } from './inbox.router.js';
import { archivesRouter } from './archives.router.js';
import type { FileStore } from '../files/file-store.js';
import { indicatorsRouter } from './indicators.router.js';
import { calendarYearsRouter } from '../calendar/routes.js';
import { openApiDocument } from './openapi.js';
import { plansRouter } from './plans.router.js';
import { personnelRouter } from './personnel.router.js';
import { reportsRouter } from './reports.router.js';
import { rollupRouter } from './rollup.router.js';
import { exportLimiters, jsonBodies, passes, securityHeaders, unauthenticatedLimit } from './security.js';
import { redisAnswers, redisFailuresAsUnavailable, REDIS_UNAVAILABLE, requireRedis } from './redis-ready.js';
import { tokensRouter } from './tokens.router.js';
import { accountsRouter } from './accounts.router.js';
import { sessionRouter } from './session.router.js';
import { rememberError, requestLog } from './request-log.js';

export interface AppDeps {
  engine: Engine;
  queries: Queries;
  tokens: TokenStore;
  /** Organisations and people; absent, tokens and accounts take any organisation id (tests of the HTTP layer alone). */
  directory?: Directory;
  /** Express's "trust proxy": a hop count, "loopback" or addresses (DUBAN_TRUST_PROXY). */
  trustProxy?: string;
  log?: (line: string) => void;
  /** Request logs (one line per request) and unexpected errors at error level; absent, errors go to `log`. */
  logger?: Logger;
  /** Request counts and durations; with it, GET /metrics answers the runtime's metrics. */
  metrics?: Metrics;
  /** DUBAN_METRICS_TOKEN: /metrics from other machines needs it as a Bearer token (src/infra/metrics-access.ts). */
  metricsToken?: string;
  /** Channels and deliveries (src/delivery, src/engine/outbox.ts); absent, their routes are not mounted. */
  delivery?: Omit<DeliveryDeps, 'engine' | 'queries'>;
  /** Evidence bytes and plan archives (src/files); absent, the archive routes are not mounted. */
  files?: FileStore;
  /** Extra routes mounted at / before the 404 (the web workspace). */
  extend?: (app: Express) => void;
}

function organisationLookup(dir: Directory) {
  return { exists: async (org: string) => (await dir.getOrg(org)) !== null };
}

function signInNames(dir: Directory) {
  return {
    personName: async (id: string) => (await dir.getPerson(id))?.name ?? null,
    personOrganisation: async (id: string) => (await dir.getPerson(id))?.org ?? null,
    organisationName: async (org: string) => (await dir.getOrg(org))?.name ?? null,
  };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  // With a logger, an unexpected error's one line is the request's own (at error level); its stack only at debug.
  const log = deps.logger ? (line: string) => deps.logger!.debug(line) : (deps.log ?? ((line: string) => console.error(line)));
  app.disable('x-powered-by');
  app.use(requestLog({ logger: deps.logger, metrics: deps.metrics }));
  if (deps.trustProxy !== undefined) app.set('trust proxy', /^\d+$/.test(deps.trustProxy) ? Number(deps.trustProxy) : deps.trustProxy);
  app.use(securityHeaders());
  app.use(['/api/v1', '/web-api'], unauthenticatedLimit());
  // Before any route parses a body: a large one is read only from a caller the one
  // authentication middleware lets through, whatever credential it takes.
  app.use(jsonBodies({ signedIn: passes(authenticate(deps.tokens)) }));

  // Answers within a second whatever state Redis is in: a load balancer's probe must not hang.
  app.get('/healthz', async (_req, res) => {
    const redis = await redisAnswers(deps.engine.redis);
    if (redis.up) {
      res.json({ ok: true, redis: 'up' });
      return;
    }
    res.status(503).json({ ok: false, redis: 'down', error: REDIS_UNAVAILABLE.zh, error_en: REDIS_UNAVAILABLE.en, detail: redis.reason });
  });
  if (deps.metrics) {
    const metrics = deps.metrics;
    app.get('/metrics', async (req, res) => {
      const access = metricsAccess(req, deps.metricsToken);
      if (!access.ok) {
        res
          .status(access.status)
          .json({ error: { code: access.status === 401 ? 'unauthenticated' : 'forbidden', message: access.zh, message_en: access.en } });
        return;
      }
      res.type(metrics.contentType).send(await metrics.render());
    });
  }
  const openapi = openApiDocument();
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  // Everything under these needs Redis; the web workspace's static files do not.
  app.use(['/api/v1', '/web-api'], requireRedis(deps.engine.redis));
  // The phone's calendar sends only the feed's URL: no credential but its secret.
  app.use(calendarFeedRouter(deps.engine, deps.queries));
  const numbers = new NoticeNumbers(deps.engine.redis, deps.engine.keys);
  app.use('/web-api', documentsWebRouter({ engine: deps.engine, queries: deps.queries, tokens: deps.tokens, numbers }, exportLimiters()));
  // Signing in needs no credential; everything else under /api/v1 does.
  const organisations = deps.directory ? organisationLookup(deps.directory) : undefined;
  app.use('/api/v1', sessionRouter(deps.tokens, deps.directory ? signInNames(deps.directory) : undefined));
  const api = express.Router();
  api.use(authenticate(deps.tokens));
  api.use(tokensRouter(deps.engine, deps.tokens, organisations));
  api.use(accountsRouter(deps.engine, deps.tokens, organisations));
  // Before plansRouter: its notice route answers here with the notice's deliveries.
  if (deps.delivery) api.use(deliveriesRouter({ engine: deps.engine, queries: deps.queries, ...deps.delivery }));
  api.use(plansRouter(deps.engine, deps.queries));
  if (deps.files) api.use(archivesRouter(deps.engine, deps.files, deps.log));
  api.use(personnelRouter(deps.engine));
  api.use(reportsRouter(deps.engine));
  api.use(inboxRouter(deps.queries));
  api.use(indicatorsRouter(deps.engine));
  api.use(calendarYearsRouter(deps.engine));
  api.use(calendarApiRouter(deps.engine));
  api.use(docSeriesRouter(numbers));
  if (deps.directory) {
    api.use(directoryRouter(deps.directory));
    api.use(rollupRouter(deps.directory, deps.queries));
  }
  app.use('/api/v1', api);
  deps.extend?.(app);

  app.use((req, _res, next) => {
    next(new NotFoundError({ zh: `没有这个地址：${req.method} ${req.path}`, en: `No such route: ${req.method} ${req.path}` }));
  });
  app.use(redisFailuresAsUnavailable());
  app.use(rememberError());
  app.use(errorHandler(log));
  return app;
}
