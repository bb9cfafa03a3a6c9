// Staff accounts: the project leader creates them and hands over a one-time set-password link.
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app.js';
import { HttpError } from '../../errors.js';
import { ROLES, createAccount, createPasswordLink, findLogin, getAccount, listAccounts, setDisabled, type Role } from '../../store/accounts.js';
import { audit } from '../../store/audit.js';
import { getUnit, listUnits } from '../../store/units.js';
import { staffOf } from '../staff/session.js';
import { treeRows } from './units.js';

const LINK_DAYS = 7;
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** accountHandlers returns the account pages for project leaders. */
export function accountHandlers(deps: AppDeps) {
  const baseUrl = (req: Request): string => deps.config.PUBLIC_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const render = (res: Response, status: number, form: Record<string, unknown>, errors: Record<string, string>): void => {
    res.status(status).render('admin/accounts', { accounts: listAccounts(deps.db), rows: treeRows(listUnits(deps.db)), form, errors, units: listUnits(deps.db) });
  };
  const showLink = (req: Request, res: Response, accountId: number): void => {
    const account = getAccount(deps.db, accountId);
    const token = createPasswordLink(deps.db, accountId, Date.now() + LINK_DAYS * 24 * 3600 * 1000);
    res.render('admin/account-link', { account, url: `${baseUrl(req)}/passord/${token}`, days: LINK_DAYS });
  };
  const actor = (res: Response) => ({ accountId: staffOf(res).account.id, actor: staffOf(res).account.username });

  return {
    list(_req: Request, res: Response): void {
      render(res, 200, { username: '', displayName: '', role: 'leader', unitIds: [] }, {});
    },
    create(req: Request, res: Response): void {
      const form = { username: str(req.body?.username), displayName: str(req.body?.displayName), role: str(req.body?.role), unitIds: list(req.body?.unitIds) };
      const errors: Record<string, string> = {};
      if (!/^[\p{L}\p{N}._@-]{2,64}$/u.test(form.username)) errors.username = 'account.usernameInvalid';
      else if (findLogin(deps.db, form.username)) errors.username = 'account.usernameTaken';
      if (form.displayName === '' || form.displayName.length > 100) errors.displayName = 'account.displayNameInvalid';
      if (!ROLES.includes(form.role as Role)) errors.role = 'account.roleInvalid';
      if (form.unitIds.some((id) => !getUnit(deps.db, id))) errors.unitIds = 'account.unitUnknown';
      else if (form.role !== 'admin' && form.unitIds.length === 0) errors.unitIds = 'account.unitsNeeded';
      if (Object.keys(errors).length > 0) return render(res, 422, form, errors);
      const id = createAccount(deps.db, { username: form.username, displayName: form.displayName, role: form.role as Role, unitIds: form.role === 'admin' ? [] : form.unitIds });
      audit(deps.db, { ...actor(res), action: 'account.create', detail: `${form.username} (${form.role}: ${form.unitIds.join(', ') || 'all'})` });
      showLink(req, res, id);
    },
    newLink(req: Request, res: Response): void {
      const account = getAccount(deps.db, Number(req.params.accountId));
      if (!account) throw new HttpError(404, 'notFound');
      audit(deps.db, { ...actor(res), action: 'account.passwordLink', detail: account.username });
      showLink(req, res, account.id);
    },
    setStatus(req: Request, res: Response): void {
      const account = getAccount(deps.db, Number(req.params.accountId));
      if (!account) throw new HttpError(404, 'notFound');
      if (account.id === staffOf(res).account.id) throw new HttpError(409, 'selfDisable');
      const disabled = req.body?.disabled === '1';
      setDisabled(deps.db, account.id, disabled);
      audit(deps.db, { ...actor(res), action: disabled ? 'account.disable' : 'account.enable', detail: account.username });
      res.redirect(303, '/admin/kontoer');
    },
  };
}
