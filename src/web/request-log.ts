// One log line per request (a respondent's answered requests at debug level only), and nothing in it
// that could identify a respondent: respondent routes
// (/s/...) log only the route template, status and duration (no address, user agent, link code or
// method); staff routes add the method and the signed-in account's id. Never the raw URL, which
// carries link codes and set-password tokens.
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Staff } from './staff/session.js';

declare module 'http' {
  interface ServerResponse {
    /** The error a request failed with (app.ts's error handler), for its log line. */
    err?: Error | undefined;
  }
}

// Routers are mounted at these prefixes (app.ts); every other route sits at the root.
const MOUNTS = new Set(['/s', '/admin', '/resultater', '/sammenligning', '/oppfolging']);

function mountOf(req: Request): string {
  const first = /^\/[^/?#]*/.exec(req.originalUrl)?.[0] ?? '/';
  return MOUNTS.has(first) ? first : '';
}

/** routeTemplate names the route a request matched ('/s/:code/del/:section'), or its router's
 *  prefix with '*' when no route matched; never a path with the request's own values. */
export function routeTemplate(req: Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  const mount = mountOf(req);
  return typeof route?.path === 'string' ? `${mount}${route.path}` : `${mount}/*`;
}

/** isRespondentRequest tells whether a request is on a respondent route (/s/...). */
export function isRespondentRequest(req: Request): boolean {
  return mountOf(req) === '/s';
}

function fields(req: Request, res: Response, ms: number): Record<string, unknown> {
  if (isRespondentRequest(req)) return { route: routeTemplate(req), status: res.statusCode, ms };
  const staff = res.locals.staff as Staff | undefined;
  return { method: req.method, route: routeTemplate(req), status: res.statusCode, ms, ...(staff ? { account: staff.account.id } : {}) };
}

// A respondent's error keeps its kind and where it happened; its message could quote the request.
function errorFields(req: Request, err: Error): Record<string, unknown> {
  if (isRespondentRequest(req)) return { error: { type: err.name, stack: err.stack?.split('\n').slice(1).join('\n') } };
  return { error: { type: err.name, message: err.message, stack: err.stack } };
}

/** requestLog returns the middleware writing one line per finished (or abandoned) request: info
 *  (debug for a respondent's request answered below 400), warn for 429, error with the error's
 *  fields for a server error. Written out rather than pino-http,
 *  which builds a child logger and a request id per request that no line here uses. */
export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = Date.now();
    const done = (): void => {
      res.off('close', done);
      res.off('finish', done);
      const ms = Date.now() - started;
      const err = res.err ?? (res.statusCode >= 500 ? new Error(`failed with status code ${res.statusCode}`) : undefined);
      if (err) logger.error({ ...fields(req, res, ms), ...errorFields(req, err) }, 'request failed');
      else if (res.statusCode === 429) logger.warn(fields(req, res, ms), 'request');
      // A respondent's answered requests (27 per respondent on the bundled survey) are not written at
      // the default level: each line cost a write to the log's pipe, about 5 % of a respondent's CPU,
      // and a log that holds nothing about answering respondents has nothing to give away.
      else if (res.statusCode < 400 && isRespondentRequest(req)) {
        // Not even built when debug is off (the default): it would be thrown away.
        if (logger.isLevelEnabled('debug')) logger.debug(fields(req, res, ms), 'request');
      }
      else logger.info(fields(req, res, ms), 'request');
    };
    res.on('close', done);
    res.on('finish', done);
    next();
  };
}
