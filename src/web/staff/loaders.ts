// router.param loaders for staff routes: each loads its entity once (404 when it does not exist)
// and checks the signed-in person's unit scope (403) before any handler runs, so no page, not even
// a "not ready yet" page, can show a wave's, project's or unit's name to someone outside its scope.
// Params are processed before a route's own middleware: without a session a loader does nothing
// and leaves the answer (login page or 401) to requireSession, revealing nothing either way.
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../../errors.js';
import { getAccount, type Account } from '../../store/accounts.js';
import { getProject, projectWaves, type Project } from '../../store/projects.js';
import { getUnit, type Unit } from '../../store/units.js';
import { getWave, waveUnitIds, type Wave } from '../../store/waves.js';
import type { AppDeps } from '../deps.js';
import { staffOf, type Staff } from './session.js';

type Param = (req: Request, res: Response, next: NextFunction, value: string) => void;

const id = (value: string): number => (/^\d{1,15}$/.test(value) ? Number(value) : NaN);

/** mayViewWave tells whether a staff member may see anything of a wave: admins always, others
 *  when one of the wave's units is theirs or below theirs. */
export function mayViewWave(deps: AppDeps, staff: Staff, wave: Wave): boolean {
  return staff.account.role === 'admin' || waveUnitIds(deps.db, wave.id).some((u) => staff.canSee(u));
}

/** waveParam loads :waveId into res.locals.wave: 404 unknown, 403 outside the person's scope. */
export function waveParam(deps: AppDeps): Param {
  return (_req, res, next, value) => {
    if (!res.locals.staff) return next();
    const wave = getWave(deps.db, id(value));
    if (!wave) return next(new HttpError(404, 'notFound'));
    if (!mayViewWave(deps, staffOf(res), wave)) return next(new HttpError(403, 'notAllowed'));
    res.locals.wave = wave;
    next();
  };
}

/** projectParam loads :projectId into res.locals.project: 404 unknown, 403 when the person may
 *  see none of its waves. */
export function projectParam(deps: AppDeps): Param {
  return (_req, res, next, value) => {
    if (!res.locals.staff) return next();
    const project = getProject(deps.db, id(value));
    if (!project) return next(new HttpError(404, 'notFound'));
    const staff = staffOf(res);
    if (staff.account.role !== 'admin' && !projectWaves(deps.db, project.id).some((w) => mayViewWave(deps, staff, w))) return next(new HttpError(403, 'notAllowed'));
    res.locals.project = project;
    next();
  };
}

/** unitScopeParam refuses a :unitId outside the person's units with 403 (whether the unit is in
 *  the wave's results is for the handler to say). */
export const unitScopeParam: Param = (_req, res, next, value) => {
  if (res.locals.staff && !staffOf(res).canSee(value)) return next(new HttpError(403, 'notAllowed'));
  next();
};

/** unitParam loads :unitId (any unit, for project leaders' pages) into res.locals.loadedUnit, or 404. */
export function unitParam(deps: AppDeps): Param {
  return (_req, res, next, value) => {
    const unit = getUnit(deps.db, value);
    if (!unit) return next(new HttpError(404, 'notFound'));
    res.locals.loadedUnit = unit;
    next();
  };
}

/** accountParam loads :accountId into res.locals.loadedAccount (project leaders' pages), or 404. */
export function accountParam(deps: AppDeps): Param {
  return (_req, res, next, value) => {
    const account = getAccount(deps.db, id(value));
    if (!account) return next(new HttpError(404, 'notFound'));
    res.locals.loadedAccount = account;
    next();
  };
}

/** waveOf returns the wave waveParam loaded. */
export const waveOf = (res: Response): Wave => res.locals.wave as Wave;
/** projectOf returns the project projectParam loaded. */
export const projectOf = (res: Response): Project => res.locals.project as Project;
/** unitOf returns the unit unitParam loaded. */
export const unitOf = (res: Response): Unit => res.locals.loadedUnit as Unit;
/** accountOf returns the account accountParam loaded. */
export const accountOf = (res: Response): Account => res.locals.loadedAccount as Account;
