// The staff start page and response rates: what each signed-in person may see of each wave.
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app.js';
import { HttpError } from '../../errors.js';
import { listProjects, projectWaves } from '../../store/projects.js';
import { countResponses } from '../../store/responses.js';
import { listUnits, type Unit } from '../../store/units.js';
import { getWave, listWaves, waveUnitIds, type Wave } from '../../store/waves.js';
import { treeRows } from '../admin/units.js';
import { staffOf, type Staff } from './session.js';

export interface RateRow {
  unit: Unit;
  depth: number;
  responses: number;
  headcount: number | null;
  rate: number | null;
}

/** responseRates returns one row per unit in the wave (and the units above them), with responses
 *  and headcount summed over each subtree, limited to what the staff member may see. */
export function responseRates(deps: AppDeps, staff: Staff, wave: Wave): RateRow[] {
  const units = listUnits(deps.db);
  const taking = new Set(waveUnitIds(deps.db, wave.id));
  const counts = countResponses(deps.db, wave.id);
  const byId = new Map(units.map((u) => [u.id, u]));
  const total = new Map<string, { responses: number; headcount: number; hasHeadcount: boolean }>();
  for (const id of taking) {
    const unit = byId.get(id);
    for (let u = unit; u; u = u.parentId ? byId.get(u.parentId) : undefined) {
      const t = total.get(u.id) ?? { responses: 0, headcount: 0, hasHeadcount: false };
      t.responses += counts.get(id) ?? 0;
      if (unit?.headcount !== null && unit?.headcount !== undefined) {
        t.headcount += unit.headcount;
        t.hasHeadcount = true;
      }
      total.set(u.id, t);
    }
  }
  return treeRows(units)
    .filter((r) => total.has(r.unit.id) && staff.canSee(r.unit.id))
    .map((r) => {
      const t = total.get(r.unit.id) ?? { responses: 0, headcount: 0, hasHeadcount: false };
      const headcount = t.hasHeadcount ? t.headcount : null;
      return { unit: r.unit, depth: r.depth, responses: t.responses, headcount, rate: headcount ? t.responses / headcount : null };
    });
}

/** overviewHandlers returns the start page and the response-rate page. */
export function overviewHandlers(deps: AppDeps) {
  return {
    home(_req: Request, res: Response): void {
      const staff = staffOf(res);
      const waves = listWaves(deps.db)
        .map((wave) => ({ wave, rows: responseRates(deps, staff, wave) }))
        .filter((w) => w.rows.length > 0 || staff.account.role === 'admin');
      const projects = listProjects(deps.db)
        .map((project) => ({ project, waves: projectWaves(deps.db, project.id) }))
        .filter((p) => p.waves.some((w) => responseRates(deps, staff, w).length > 0));
      res.render('staff/overview', { waves, projects });
    },
    rates(req: Request, res: Response): void {
      const staff = staffOf(res);
      const wave = getWave(deps.db, Number(req.params.waveId));
      if (!wave) throw new HttpError(404, 'notFound');
      const rows = responseRates(deps, staff, wave);
      if (rows.length === 0) throw new HttpError(403, 'notAllowed');
      res.render('staff/rates', { wave, rows });
    },
  };
}
