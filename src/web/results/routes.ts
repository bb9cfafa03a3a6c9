// Results routes: every signed-in staff member, scoped to their units; nothing before a wave closes.
import express from 'express';
import type { AppDeps } from '../deps.js';
import { unitScopeParam, waveParam } from '../staff/loaders.js';
import { computingPage } from './computing.js';
import { requireStaff } from '../staff/session.js';
import { resultHandlers } from './handlers.js';
import { printHeaderCss } from './print.js';
import { serveTablesFromWorkers } from '../../report/tally-jobs.js';

/** resultsRouter serves /resultater/<wave>/... */
export function resultsRouter(deps: AppDeps): express.Router {
  const r = express.Router();
  const h = resultHandlers(deps);
  // The server builds result tables in the tally workers, never on a request (tally-jobs.ts).
  serveTablesFromWorkers(deps.db);
  r.use(requireStaff);
  r.param('waveId', waveParam(deps));
  r.param('unitId', unitScopeParam);
  r.get('/metode', h.methods);
  r.get('/:waveId', h.index);
  r.get('/:waveId/organisasjon', h.overview);
  r.get('/:waveId/organisasjon.csv', h.overviewCsv);
  r.get('/:waveId/organisasjon.xlsx', h.overviewXlsx);
  r.get('/:waveId/enhet/:unitId', h.unit);
  r.get('/:waveId/enhet/:unitId/csv', h.csv);
  r.get('/:waveId/enhet/:unitId/utskrift.css', printHeaderCss(deps));
  r.use(computingPage);
  return r;
}
