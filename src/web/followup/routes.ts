// Follow-up routes: /oppfolging/<wave>/...; leaders and representatives edit their own units.
import express from 'express';
import type { AppDeps } from '../deps.js';
import { unitScopeParam, waveParam } from '../staff/loaders.js';
import { computingPage } from '../results/computing.js';
import { requireAdmin, requireStaff } from '../staff/session.js';
import { followupHandlers } from './handlers.js';

/** followupRouter serves the follow-up pages. */
export function followupRouter(deps: AppDeps): express.Router {
  const r = express.Router();
  const h = followupHandlers(deps);
  r.use(requireStaff);
  r.param('waveId', waveParam(deps));
  r.param('unitId', unitScopeParam);
  r.get('/:waveId', h.overview);
  r.get('/:waveId/tiltak.csv', requireAdmin, h.csv);
  r.get('/:waveId/enhet/:unitId', h.show);
  r.post('/:waveId/enhet/:unitId/valg', h.saveChoices);
  r.post('/:waveId/enhet/:unitId/tiltak', h.addAction);
  r.post('/:waveId/enhet/:unitId/tiltak/:actionId', h.updateAction);
  r.post('/:waveId/enhet/:unitId/tiltak/:actionId/slett', h.deleteAction);
  r.get('/:waveId/enhet/:unitId/dialog', h.dialogue);
  r.use(computingPage);
  return r;
}
