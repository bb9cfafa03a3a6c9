// Staff accounts: the project leader creates them and hands over a one-time set-password link
// (a new link revokes the account's older ones).
import type { Request, Response } from 'express';
import { z } from 'zod';
import { HttpError } from '../../errors.js';
import { ROLES, createAccount, createPasswordLink, findLogin, listAccounts, setDisabled, type Role } from '../../store/accounts.js';
import { getUnit, listUnits } from '../../store/units.js';
import { auditAction } from '../audit.js';
import { nowOf, type AppDeps } from '../deps.js';
import { formErrors, formList, formText } from '../forms.js';
import { DisplayName, Username } from '../staff/auth-handlers.js';
import { accountOf } from '../staff/loaders.js';
import { staffOf } from '../staff/session.js';
import { treeRows } from './units.js';

const LINK_DAYS = 7;

interface AccountForm {
  username: string;
  displayName: string;
  role: string;
  unitIds: string[];
}

const AccountShape = z.object({ username: Username, displayName: DisplayName, role: z.enum(ROLES as [Role, ...Role[]], 'account.roleInvalid'), unitIds: z.array(z.string()) });

// Checks against the database, run beside the shape so every message shows at once.
function accountInDb(deps: AppDeps) {
  return z.custom<AccountForm>().superRefine((f, ctx) => {
    if (findLogin(deps.db, f.username)) ctx.addIssue({ code: 'custom', path: ['username'], message: 'account.usernameTaken' });
    if (f.unitIds.some((id) => !getUnit(deps.db, id))) ctx.addIssue({ code: 'custom', path: ['unitIds'], message: 'account.unitUnknown' });
    else if (f.role !== 'admin' && f.unitIds.length === 0) ctx.addIssue({ code: 'custom', path: ['unitIds'], message: 'account.unitsNeeded' });
  });
}

/** accountHandlers returns the account pages for project leaders. */
export function accountHandlers(deps: AppDeps) {
  const baseUrl = (req: Request): string => deps.config.PUBLIC_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const render = (res: Response, status: number, form: AccountForm, errors: Record<string, string>): void => {
    res.status(status).render('admin/accounts', { accounts: listAccounts(deps.db), rows: treeRows(listUnits(deps.db)), form, errors, units: listUnits(deps.db) });
  };
  const showLink = (req: Request, res: Response, account: { id: number; username: string; displayName: string }, token: string): void => {
    res.render('admin/account-link', { account, url: `${baseUrl(req)}/passord/${token}`, days: LINK_DAYS });
  };
  const linkExpiry = (): number => nowOf(deps) + LINK_DAYS * 24 * 3600 * 1000;

  return {
    list(_req: Request, res: Response): void {
      render(res, 200, { username: '', displayName: '', role: 'leader', unitIds: [] }, {});
    },
    create(req: Request, res: Response): void {
      const body = req.body as Record<string, unknown> | undefined;
      const form: AccountForm = { username: formText(body?.username, 64), displayName: formText(body?.displayName, 100), role: formText(body?.role), unitIds: formList(body?.unitIds) };
      const errors = { ...formErrors(accountInDb(deps), form), ...formErrors(AccountShape, form) };
      if (Object.keys(errors).length > 0) return render(res, 422, form, errors);
      const role = form.role as Role;
      const { id, token } = deps.db.transaction(() => {
        const id = createAccount(deps.db, { username: form.username, displayName: form.displayName, role, unitIds: role === 'admin' ? [] : form.unitIds });
        auditAction(deps, res, 'account.create', `${form.username} (${role}: ${form.unitIds.join(', ') || 'all'})`);
        return { id, token: createPasswordLink(deps.db, id, linkExpiry()) };
      }).immediate();
      showLink(req, res, { id, username: form.username, displayName: form.displayName }, token);
    },
    newLink(req: Request, res: Response): void {
      const account = accountOf(res);
      const token = deps.db.transaction(() => {
        auditAction(deps, res, 'account.passwordLink', account.username);
        return createPasswordLink(deps.db, account.id, linkExpiry());
      }).immediate();
      showLink(req, res, account, token);
    },
    setStatus(req: Request, res: Response): void {
      const account = accountOf(res);
      if (account.id === staffOf(res).account.id) throw new HttpError(409, 'selfDisable');
      const disabled = (req.body as Record<string, unknown> | undefined)?.disabled === '1';
      deps.db.transaction(() => {
        setDisabled(deps.db, account.id, disabled);
        auditAction(deps, res, disabled ? 'account.disable' : 'account.enable', account.username);
      }).immediate();
      res.redirect(303, '/admin/kontoer');
    },
  };
}
