// Login, logout, first-run setup and set-password pages.
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app.js';
import { hashPassword, passwordProblem, verifyPassword } from '../../auth/password.js';
import { today } from '../../clock.js';
import { seedDemo } from '../../demo.js';
import { HttpError } from '../../errors.js';
import { countAccounts, createAccount, findLogin, findPasswordLink, getAccount, setPasswordHash } from '../../store/accounts.js';
import { audit } from '../../store/audit.js';
import { createSession, deleteSession } from '../../store/sessions.js';
import { countUnits } from '../../store/units.js';
import { latestSurveyVersion } from '../../store/survey-versions.js';
import { readCookie } from '../cookies.js';
import { FailureLimiter } from './rate-limit.js';
import { SESSION_COOKIE, SESSION_MS, staffOf } from './session.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

// Only local paths: never redirect a login to another site.
function safeNext(value: unknown): string {
  const next = str(value);
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/oversikt';
}

function startSession(deps: AppDeps, res: Response, accountId: number): void {
  const id = createSession(deps.db, accountId, Date.now() + SESSION_MS);
  res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: deps.config.COOKIE_SECURE, path: '/', maxAge: SESSION_MS });
}

/** loginHandlers returns the login form, the login action (rate-limited) and logout. */
export function loginHandlers(deps: AppDeps) {
  const byUser = new FailureLimiter(10, 15 * 60 * 1000);
  const byAddress = new FailureLimiter(50, 15 * 60 * 1000);
  return {
    form(req: Request, res: Response): void {
      if (res.locals.staff) return res.redirect(303, safeNext(req.query.neste));
      res.render('staff/login', { error: undefined, username: '', next: safeNext(req.query.neste) });
    },
    async login(req: Request, res: Response): Promise<void> {
      const username = str(req.body?.username).trim();
      const password = str(req.body?.password);
      const next = safeNext(req.body?.next);
      const address = req.ip ?? 'unknown';
      if (byUser.blocked(username.toLowerCase()) || byAddress.blocked(address)) {
        res.status(429).render('staff/login', { error: 'login.tooMany', username, next });
        return;
      }
      const login = findLogin(deps.db, username);
      // Verify even for unknown users so timing does not reveal which usernames exist.
      const ok = await verifyPassword(password, login?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
      if (!login || !ok || login.disabled) {
        byUser.fail(username.toLowerCase());
        byAddress.fail(address);
        res.status(401).render('staff/login', { error: 'login.failed', username, next });
        return;
      }
      byUser.reset(username.toLowerCase());
      startSession(deps, res, login.id);
      audit(deps.db, { accountId: login.id, actor: username, action: 'login' });
      res.redirect(303, next);
    },
    logout(req: Request, res: Response): void {
      const id = readCookie(req, SESSION_COOKIE);
      const staff = staffOf(res);
      if (id) deleteSession(deps.db, id);
      audit(deps.db, { accountId: staff.account.id, actor: staff.account.username, action: 'logout' });
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.redirect(303, '/innlogging?utlogget=1');
    },
  };
}

function checkSetupToken(deps: AppDeps, token: unknown): void {
  const expected = deps.setupToken;
  const given = Buffer.from(str(token));
  if (!expected || countAccounts(deps.db) > 0) throw new HttpError(404, 'notFound');
  const want = Buffer.from(expected);
  if (given.length !== want.length || !crypto.timingSafeEqual(given, want)) throw new HttpError(404, 'notFound');
}

/** setupHandlers serve the one-time first-run page that creates the first project leader. */
export function setupHandlers(deps: AppDeps) {
  const render = (res: Response, status: number, values: Record<string, string>, errors: Record<string, string>): void => {
    res.status(status).render('staff/setup', { values, errors, token: values.token, demoPossible: countUnits(deps.db) === 0 });
  };
  return {
    form(req: Request, res: Response): void {
      checkSetupToken(deps, req.query.kode);
      render(res, 200, { token: str(req.query.kode), username: '', displayName: '', demo: 'on' }, {});
    },
    async create(req: Request, res: Response): Promise<void> {
      checkSetupToken(deps, req.body?.token);
      const values = { token: str(req.body?.token), username: str(req.body?.username).trim(), displayName: str(req.body?.displayName).trim(), demo: str(req.body?.demo) };
      const password = str(req.body?.password);
      const errors: Record<string, string> = {};
      if (!/^[\p{L}\p{N}._@-]{2,64}$/u.test(values.username)) errors.username = 'account.usernameInvalid';
      if (values.displayName === '' || values.displayName.length > 100) errors.displayName = 'account.displayNameInvalid';
      const weak = passwordProblem(password);
      if (weak) errors.password = weak;
      else if (password !== str(req.body?.password2)) errors.password2 = 'password.mismatch';
      if (Object.keys(errors).length > 0) return render(res, 422, values, errors);
      const hash = await hashPassword(password);
      const id = createAccount(deps.db, { username: values.username, displayName: values.displayName, role: 'admin', passwordHash: hash });
      audit(deps.db, { accountId: id, actor: values.username, action: 'setup', detail: 'first project leader' });
      if (values.demo === 'on' && countUnits(deps.db) === 0) {
        // The bundled definition as it is now: the demo's waves answer the latest version.
        const survey = latestSurveyVersion(deps.db, 'kartlegging');
        if (survey) {
          seedDemo(deps.db, survey, today(deps.config.TIME_ZONE), { history: true });
          audit(deps.db, { accountId: id, actor: values.username, action: 'demo.load' });
        }
      }
      startSession(deps, res, id);
      res.redirect(303, '/oversikt');
    },
  };
}

/** passwordHandlers serve the one-time set-password link an administrator hands over. */
export function passwordHandlers(deps: AppDeps) {
  const accountFor = (token: string) => {
    const id = findPasswordLink(deps.db, token, Date.now());
    const account = id === undefined ? undefined : getAccount(deps.db, id);
    if (!account) throw new HttpError(404, 'passwordLinkInvalid');
    return account;
  };
  return {
    form(req: Request, res: Response): void {
      const account = accountFor(String(req.params.token));
      res.render('staff/set-password', { account, errors: {} });
    },
    async set(req: Request, res: Response): Promise<void> {
      const account = accountFor(String(req.params.token));
      const password = str(req.body?.password);
      const errors: Record<string, string> = {};
      const weak = passwordProblem(password);
      if (weak) errors.password = weak;
      else if (password !== str(req.body?.password2)) errors.password2 = 'password.mismatch';
      if (Object.keys(errors).length > 0) return res.status(422).render('staff/set-password', { account, errors });
      setPasswordHash(deps.db, account.id, await hashPassword(password));
      audit(deps.db, { accountId: account.id, actor: account.username, action: 'password.set' });
      startSession(deps, res, account.id);
      res.redirect(303, '/oversikt');
    },
  };
}
