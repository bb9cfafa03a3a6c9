// First-run setup and the set-password page (login and logout are in login.ts).
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { hashPassword, passwordProblem } from '../../auth/password.js';
import { today } from '../../clock.js';
import { seedDemo } from '../../demo.js';
import { HttpError } from '../../errors.js';
import { countAccounts, createAccount, findPasswordLink, getAccount, setPasswordHash } from '../../store/accounts.js';
import { audit } from '../../store/audit.js';
import { countUnits } from '../../store/units.js';
import { latestSurveyVersion } from '../../store/survey-versions.js';
import { nowOf, type AppDeps } from '../deps.js';
import { formErrors, formText } from '../forms.js';
import { startSession } from './session.js';

/** Username and DisplayName are the rules for an account's names (setup and the accounts page). */
export const Username = z.string().regex(/^[\p{L}\p{N}._@-]{2,64}$/u, 'account.usernameInvalid');
export const DisplayName = z.string().min(1, 'account.displayNameInvalid').max(100, 'account.displayNameInvalid');

/** NewPassword checks a chosen password and its repetition. */
export const NewPassword = z
  .object({ password: z.string(), password2: z.string() })
  .superRefine((v, ctx) => {
    const weak = passwordProblem(v.password);
    if (weak) ctx.addIssue({ code: 'custom', path: ['password'], message: weak });
    else if (v.password !== v.password2) ctx.addIssue({ code: 'custom', path: ['password2'], message: 'password.mismatch' });
  });

const SetupForm = z.object({ username: Username, displayName: DisplayName }).and(NewPassword);

// Passwords are taken as typed: never trimmed.
const raw = (v: unknown): string => (typeof v === 'string' ? v : '');

function checkSetupToken(deps: AppDeps, token: unknown): void {
  const expected = deps.setupToken;
  const given = Buffer.from(formText(token, 200));
  // Once the first account exists the link has done its job: say so (it reveals only that setup is done).
  if (countAccounts(deps.db) > 0) throw new HttpError(410, 'setupUsed');
  if (!expected) throw new HttpError(404, 'notFound');
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
      render(res, 200, { token: formText(req.query.kode), username: '', displayName: '', demo: 'on' }, {});
    },
    async create(req: Request, res: Response): Promise<void> {
      const body = req.body as Record<string, unknown> | undefined;
      checkSetupToken(deps, body?.token);
      const values = { token: formText(body?.token), username: formText(body?.username, 64), displayName: formText(body?.displayName, 100), demo: formText(body?.demo) };
      const password = raw(body?.password);
      const errors = formErrors(SetupForm, { ...values, password, password2: raw(body?.password2) });
      if (Object.keys(errors).length > 0) return render(res, 422, values, errors);
      const hash = await hashPassword(password);
      const at = new Date(nowOf(deps));
      const id = deps.db.transaction(() => {
        const accountId = createAccount(deps.db, { username: values.username, displayName: values.displayName, role: 'admin', passwordHash: hash });
        audit(deps.db, { accountId, actor: values.username, action: 'setup', detail: 'first project leader' }, at);
        // The bundled definition as it is now: the demo's waves answer the latest version.
        const survey = values.demo === 'on' && countUnits(deps.db) === 0 ? latestSurveyVersion(deps.db, 'kartlegging') : undefined;
        if (survey) {
          seedDemo(deps.db, survey, today(deps.config.TIME_ZONE, at), { history: true, sickLeave: true });
          audit(deps.db, { accountId, actor: values.username, action: 'demo.load' }, at);
        }
        return accountId;
      }).immediate();
      startSession(deps, res, id);
      res.redirect(303, '/oversikt');
    },
  };
}

/** passwordHandlers serve the one-time set-password link an administrator hands over. */
export function passwordHandlers(deps: AppDeps) {
  const accountFor = (token: string) => {
    const id = findPasswordLink(deps.db, token, nowOf(deps));
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
      const body = req.body as Record<string, unknown> | undefined;
      const password = raw(body?.password);
      const errors = formErrors(NewPassword, { password, password2: raw(body?.password2) });
      if (Object.keys(errors).length > 0) return res.status(422).render('staff/set-password', { account, errors });
      const hash = await hashPassword(password);
      // The link may have been used by a second tab while hashing: set the password only once.
      if (findPasswordLink(deps.db, String(req.params.token), nowOf(deps)) !== account.id) throw new HttpError(404, 'passwordLinkInvalid');
      deps.db.transaction(() => {
        setPasswordHash(deps.db, account.id, hash);
        audit(deps.db, { accountId: account.id, actor: account.username, action: 'password.set' }, new Date(nowOf(deps)));
      }).immediate();
      startSession(deps, res, account.id);
      res.redirect(303, '/oversikt');
    },
  };
}
