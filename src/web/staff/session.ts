// Staff session middleware: loads the signed-in account, slides the session (re-sending the
// cookie), checks CSRF tokens, guards routes.
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../../errors.js';
import { getAccount, type Account } from '../../store/accounts.js';
import { createSession, getSession, touchSession } from '../../store/sessions.js';
import { listUnits, subtreeIds } from '../../store/units.js';
import { readCookie } from '../cookies.js';
import { nowOf, type AppDeps } from '../deps.js';

export const SESSION_COOKIE = 'kartlegg_session';
/** SESSION_MS is how long a session lives without use. */
export const SESSION_MS = 8 * 3600 * 1000;
/** SESSION_MAX_MS is how long a session lives after login however often it is used. */
export const SESSION_MAX_MS = 12 * 3600 * 1000;
// The expiry is written (and the cookie re-sent) at most this often, not on every request.
const SLIDE_STEP_MS = 5 * 60 * 1000;

export interface Staff {
  account: Account;
  csrfToken: string;
  /** Units this account may see: everything for admins, else its units and all below them. */
  canSee(unitId: string): boolean;
}

function sendCookie(deps: AppDeps, res: Response, id: string, maxAge: number): void {
  res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: deps.config.COOKIE_SECURE, path: '/', maxAge });
}

/** startSession signs an account in: a new session row and its cookie. */
export function startSession(deps: AppDeps, res: Response, accountId: number): void {
  const now = nowOf(deps);
  sendCookie(deps, res, createSession(deps.db, accountId, now, now + SESSION_MS), SESSION_MS);
}

/** loadStaff attaches res.locals.staff when the request carries a live session of an enabled account. */
export function loadStaff(deps: AppDeps) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const id = readCookie(req, SESSION_COOKIE);
    const now = nowOf(deps);
    const session = id ? getSession(deps.db, id, now) : undefined;
    const account = session && getAccount(deps.db, session.accountId);
    if (id && session && account && !account.disabled) {
      // Slide the expiry, never past the absolute end, and tell the browser the new one too.
      const expiresAt = Math.min(now + SESSION_MS, session.createdAt + SESSION_MAX_MS);
      if (expiresAt - session.expiresAt >= SLIDE_STEP_MS) {
        touchSession(deps.db, id, expiresAt);
        sendCookie(deps, res, id, expiresAt - now);
      }
      let visible: Set<string> | undefined;
      const staff: Staff = {
        account,
        csrfToken: session.csrfToken,
        canSee(unitId) {
          if (account.role === 'admin') return true;
          visible ??= subtreeIds(listUnits(deps.db), account.unitIds);
          return visible.has(unitId);
        },
      };
      res.locals.staff = staff;
      res.set('Cache-Control', 'no-store');
    }
    next();
  };
}

/** staffOf returns the signed-in staff member (after requireSession). */
export function staffOf(res: Response): Staff {
  return res.locals.staff as Staff;
}

/** requireSession sends visitors without a session to the login page (GET) or answers 401,
 *  before any body beyond the global urlencoded one is read. */
export function requireSession(req: Request, res: Response, next: NextFunction): void {
  if (res.locals.staff) return next();
  if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, `/innlogging?neste=${encodeURIComponent(req.originalUrl)}`);
  next(new HttpError(401, 'unauthorized'));
}

/** checkCsrf refuses unsafe requests whose body lacks the session's CSRF token (defence in depth
 *  beside the same-origin check). */
export function checkCsrf(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const token: unknown = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (token !== staffOf(res).csrfToken) return next(new HttpError(403, 'csrf'));
  next();
}

/** requireStaff is requireSession then checkCsrf: every staff route except the upload. */
export function requireStaff(req: Request, res: Response, next: NextFunction): void {
  requireSession(req, res, (err?: unknown) => (err ? next(err) : checkCsrf(req, res, next)));
}

/** requireAdmin lets only project leaders through (after requireSession). */
export function requireAdmin(_req: Request, res: Response, next: NextFunction): void {
  if (staffOf(res).account.role !== 'admin') return next(new HttpError(403, 'notAllowed'));
  next();
}
