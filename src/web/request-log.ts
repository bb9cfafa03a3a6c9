// One log line per request, and nothing in it that could identify a respondent: respondent routes
// (/s/...) log only the route template, status and duration (no address, user agent, link code or
// method); staff routes add the method and the signed-in account's id. Never the raw URL, which
// carries link codes and set-password tokens.
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Staff } from './staff/session.js';

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

/** requestLog returns the pino-http middleware writing one line per finished request. */
export function requestLog(logger: Logger) {
  return pinoHttp<Request, Response>({
    logger,
    // The standard serializers would log headers, the URL and the address: never used here.
    wrapSerializers: false,
    serializers: { req: () => undefined, res: () => undefined, err: () => undefined },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode === 429 ? 'warn' : 'info'),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, val: { responseTime: number }) => fields(req, res, val.responseTime),
    customErrorObject: (req, res, err, val: { responseTime: number }) => ({ ...fields(req, res, val.responseTime), ...errorFields(req, err) }),
  });
}
