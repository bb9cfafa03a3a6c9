// Staff session middleware: loads the signed-in account, checks CSRF tokens, guards routes.
import type { NextFunction, Request, Response } from 'express';
import type { AppDeps } from '../../app.js';
import { HttpError } from '../../errors.js';
import { getAccount, type Account } from '../../store/accounts.js';
import { getSession, touchSession } from '../../store/sessions.js';
import { listUnits, subtreeIds } from '../../store/units.js';
import { readCookie } from '../cookies.js';

export const SESSION_COOKIE = 'kartlegg_session';
export const SESSION_MS = 8 * 3600 * 1000;

export interface Staff {
  account: Account;
  csrfToken: string;
  /** Units this account may see: everything for admins, else its units and all below them. */
  canSee(unitId: string): boolean;
}

/** loadStaff attaches res.locals.staff when the request carries a live session of an enabled account. */
export function loadStaff(deps: AppDeps) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const id = readCookie(req, SESSION_COOKIE);
    const now = Date.now();
    const session = id ? getSession(deps.db, id, now) : undefined;
    const account = session && getAccount(deps.db, session.accountId);
    if (id && session && account && !account.disabled) {
      // Slide the expiry, but write at most every few minutes.
      if (session.expiresAt - now < SESSION_MS - 5 * 60 * 1000) touchSession(deps.db, id, now + SESSION_MS);
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

/** staffOf returns the signed-in staff member (after requireStaff). */
export function staffOf(res: Response): Staff {
  return res.locals.staff as Staff;
}

/** requireStaff sends visitors without a session to the login page; on unsafe requests it also
 *  checks the session's CSRF token (defence in depth beside the same-origin check). */
export function requireStaff(req: Request, res: Response, next: NextFunction): void {
  const staff = res.locals.staff as Staff | undefined;
  if (!staff) {
    if (req.method === 'GET') return res.redirect(303, `/innlogging?neste=${encodeURIComponent(req.originalUrl)}`);
    return next(new HttpError(401, 'unauthorized'));
  }
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.body?._csrf !== staff.csrfToken) return next(new HttpError(403, 'csrf'));
  next();
}

/** requireAdmin lets only project leaders through (after requireStaff). */
export function requireAdmin(_req: Request, res: Response, next: NextFunction): void {
  if (staffOf(res).account.role !== 'admin') return next(new HttpError(403, 'notAllowed'));
  next();
}
