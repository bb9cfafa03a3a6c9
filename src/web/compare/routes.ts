// Before/after routes: /sammenligning/<project>/...; every staff member, scoped to their units.
import express from 'express';
import type { AppDeps } from '../deps.js';
import { projectParam } from '../staff/loaders.js';
import { computingPage } from '../results/computing.js';
import { requireAdmin, requireStaff } from '../staff/session.js';
import { compareHandlers } from './handlers.js';

/** compareRouter serves a project's comparisons. */
export function compareRouter(deps: AppDeps): express.Router {
  const r = express.Router();
  const h = compareHandlers(deps);
  r.use(requireStaff);
  r.param('projectId', projectParam(deps));
  r.get('/:projectId', h.index);
  r.get('/:projectId/endringer', requireAdmin, h.changes);
  r.post('/:projectId/koblinger', requireAdmin, h.addMapping);
  r.post('/:projectId/koblinger/slett', requireAdmin, h.removeMapping);
  r.get('/:projectId/enhet/:unitId', h.unit);
  r.get('/:projectId/enhet/:unitId/csv', h.csv);
  r.use(computingPage);
  return r;
}
