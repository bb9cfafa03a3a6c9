// The staff route table: login and first run, then everything behind a session; /admin is for
// project leaders only. Every route behind a session checks the session's CSRF token on posts;
// the CSV upload does so once multer has read its (size-limited) body, which only a signed-in
// project leader's request gets to.
import express, { type Request, type Response } from 'express';
import { recentAudit } from '../../store/audit.js';
import { accountHandlers } from '../admin/accounts.js';
import { builderRoutes } from '../admin/builder.js';
import { mountInvitations } from '../admin/invitations.js';
import { mountSickLeave } from '../admin/sickleave.js';
import { unitHandlers } from '../admin/units.js';
import { waveHandlers } from '../admin/waves.js';
import type { AppDeps } from '../deps.js';
import { csvUpload } from '../multipart.js';
import { passwordHandlers, setupHandlers } from './auth-handlers.js';
import { loginHandlers } from './login.js';
import { accountParam, unitParam, waveParam } from './loaders.js';
import { overviewHandlers } from './overview.js';
import { checkCsrf, requireAdmin, requireSession, requireStaff } from './session.js';

/** staffRouter serves login, setup, set-password, the overview and the admin pages. */
export function staffRouter(deps: AppDeps): express.Router {
  const r = express.Router();
  const login = loginHandlers(deps);
  const setup = setupHandlers(deps);
  const password = passwordHandlers(deps);
  const overview = overviewHandlers(deps);
  const units = unitHandlers(deps);
  const accounts = accountHandlers(deps);
  const waves = waveHandlers(deps);

  r.param('waveId', waveParam(deps));
  r.get('/innlogging', login.form);
  r.post('/innlogging', login.login);
  r.get('/oppsett', setup.form);
  r.post('/oppsett', setup.create);
  r.get('/passord/:token', password.form);
  r.post('/passord/:token', password.set);

  r.post('/utlogging', requireStaff, login.logout);
  r.get('/oversikt', requireStaff, overview.home);
  r.get('/malinger/:waveId/svar', requireStaff, overview.rates);

  const admin = express.Router();
  admin.param('waveId', waveParam(deps));
  admin.param('unitId', unitParam(deps));
  admin.param('accountId', accountParam(deps));
  admin.use(requireSession, requireAdmin);
  // The one multipart route: its body is read only here, after the session and role checks.
  admin.post('/import', csvUpload, checkCsrf, units.importPreview);
  mountInvitations(admin, deps);
  mountSickLeave(admin, deps);
  builderRoutes(admin, deps);
  admin.use(checkCsrf);
  admin.get('/enheter', units.list);
  admin.post('/enheter', units.create);
  admin.get('/enheter/:unitId', units.edit);
  admin.post('/enheter/:unitId', units.update);
  admin.post('/enheter/:unitId/status', units.retire);
  admin.get('/import', units.importForm);
  admin.post('/import/bekreft', units.importApply);
  admin.get('/kontoer', accounts.list);
  admin.post('/kontoer', accounts.create);
  admin.post('/kontoer/:accountId/lenke', accounts.newLink);
  admin.post('/kontoer/:accountId/status', accounts.setStatus);
  admin.get('/malinger/ny', waves.newForm);
  admin.post('/malinger', waves.create);
  admin.get('/malinger/:waveId', waves.show);
  admin.post('/malinger/:waveId/innstillinger', waves.updateSettings);
  admin.post('/malinger/:waveId/status', waves.setStatus);
  admin.post('/malinger/:waveId/prosjekt', waves.setProject);
  admin.get('/malinger/:waveId/lenker.csv', waves.linksCsv);
  admin.post('/malinger/:waveId/personlige-lenker', waves.tokensCsv);
  admin.get('/malinger/:waveId/utskrift/:unitId', waves.print);
  admin.get('/logg', (_req: Request, res: Response) => res.render('admin/audit', { entries: recentAudit(deps.db) }));
  r.use('/admin', admin);
  return r;
}
