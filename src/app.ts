// createApp builds the Express application from its dependencies; it never listens (main.ts does).
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HttpError } from './errors.js';
import { createLogger } from './log.js';
import type { AppDeps } from './web/deps.js';
import { dateLocals, language, noStore, sameOrigin } from './web/middleware.js';
import { requestLog } from './web/request-log.js';
import { viewEngine } from './web/views.js';
import type { Translate } from './web/i18n/index.js';
import { respondRouter } from './web/respond/routes.js';
import { compareRouter } from './web/compare/routes.js';
import { followupRouter } from './web/followup/routes.js';
import { resultsRouter } from './web/results/routes.js';
import { staffRouter } from './web/staff/routes.js';
import { loadStaff } from './web/staff/session.js';

const root = (p: string): string => fileURLToPath(new URL(`../${p}`, import.meta.url));

// Body-parser failures map to pages that say what happened.
const BODY_ERRORS: Record<string, [number, string]> = {
  'entity.too.large': [413, 'tooLarge'],
  'parameters.too.many': [413, 'tooLarge'],
  'entity.parse.failed': [400, 'badRequest'],
  'encoding.unsupported': [415, 'badRequest'],
  'charset.unsupported': [415, 'badRequest'],
};

function clientStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; statusCode?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 ? status : undefined;
}

/** createApp returns the configured Express app. */
export function createApp(appDeps: AppDeps): express.Express {
  const deps: AppDeps = { ...appDeps, logger: appDeps.logger ?? createLogger(appDeps.config.LOG_LEVEL) };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.TRUST_PROXY);
  const views = root('views');
  app.set('view engine', 'ejs');
  app.set('views', views);
  // Compiled templates are cached (Express only does so by default when NODE_ENV=production);
  // without it every page recompiles each EJS include. Includes are written from the views root
  // ('/partials/top'); web/views.ts says why the engine is not EJS's own renderFile.
  const cache = process.env.NODE_ENV !== 'development';
  app.set('view cache', cache);
  app.engine('ejs', viewEngine(views, cache));

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          ...(deps.config.COOKIE_SECURE ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      // Respondent links carry codes; never leak them to other sites.
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  // Each folder of public/ under its own prefix, so no other request (a respondent's /s/...)
  // costs a file-system lookup in public/ (files go in a folder there).
  for (const dir of fs.readdirSync(root('public'), { withFileTypes: true })) {
    if (dir.isDirectory()) app.use(`/${dir.name}`, express.static(root(`public/${dir.name}`), { maxAge: '1h', index: false }));
  }
  // chart.js from the installed package, never a CDN.
  app.use('/vendor', express.static(root('node_modules/chart.js/dist'), { maxAge: '1d', index: false }));
  app.use(requestLog(deps.logger as NonNullable<AppDeps['logger']>));
  app.use(language(deps.config.COOKIE_SECURE));
  app.use(dateLocals(deps.config.TIME_ZONE));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 1000 }));
  app.use(sameOrigin);

  app.use('/s', noStore, respondRouter(deps));
  app.use(loadStaff(deps));
  app.get('/', (_req, res) => {
    if (res.locals.staff) return res.redirect(303, '/oversikt');
    res.render('home');
  });
  app.use(staffRouter(deps));
  app.use('/resultater', resultsRouter(deps));
  app.use('/sammenligning', compareRouter(deps));
  app.use('/oppfolging', followupRouter(deps));

  app.use((_req, _res, next) => next(new HttpError(404, 'notFound')));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let page = 'serverError';
    if (err instanceof HttpError) {
      status = err.status;
      page = ({ cross_site: 'forbidden', csrf: 'forbidden' } as Record<string, string>)[err.code] ?? err.code;
    } else if (typeof err === 'object' && err !== null && 'type' in err && typeof err.type === 'string' && BODY_ERRORS[err.type]) {
      [status, page] = BODY_ERRORS[err.type] as [number, string];
    } else if (clientStatus(err) !== undefined) {
      // Other client errors from Express and its parsers (a malformed %-escape, a lying
      // Content-Encoding) are the client's mistake, not a server error.
      status = clientStatus(err) as number;
      page = status === 413 ? 'tooLarge' : 'badRequest';
    } else {
      // The request log writes it with the request's line; the process carries on with the next request.
      res.err = err instanceof Error ? err : new Error(String(err));
    }
    const t = res.locals.t as Translate | undefined;
    if (!t) {
      res.status(status).type('text').send(page);
      return;
    }
    res.status(status).render('message', { titleKey: `${page}.title`, bodyKey: `${page}.body`, params: {} });
  });
  return app;
}
