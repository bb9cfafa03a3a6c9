// The staff start page and response rates: what each signed-in person may see of each wave.
// Leaders and representatives see a unit's response count only from the wave's k on (F10): below
// it, "fewer than k", during and after the wave; the project leader sees exact counts, which
// distributing links needs.
import type { Request, Response } from 'express';
import { listLinks } from '../../store/links.js';
import { listProjects, projectWaves } from '../../store/projects.js';
import { countResponses } from '../../store/responses.js';
import { childrenMap, listUnits, type Unit } from '../../store/units.js';
import { listWaves, waveUnitIds, type Wave } from '../../store/waves.js';
import { ownHeadcount, treeRows } from '../admin/units.js';
import { publicBase } from '../admin/waves.js';
import type { AppDeps } from '../deps.js';
import { mayViewWave, waveOf } from './loaders.js';
import { staffOf, type Staff } from './session.js';
import type { Translate } from '../i18n/index.js';
import { overviewSickLeave } from '../sickleave/view-model.js';

export interface RateRow {
  unit: Unit;
  depth: number;
  /** Responses in the unit's subtree; null when withheld (fewer than k, or complementary). */
  responses: number | null;
  headcount: number | null;
  /** responses / headcount; null when unknown or withheld. */
  rate: number | null;
}

/** countsToHide returns the units whose subtree response count a leader may not see. A count is
 *  shown only when it is at least k and its parent's is shown; under a shown parent the children
 *  left hidden (with the parent's own respondents) must add up to 0 or at least k, else the
 *  smallest shown sibling is hidden as well. A hidden unit hides everything below it. Then the
 *  shown counts determine exactly the hidden remainder under each shown unit (each 0 or >= k) and
 *  nothing finer: no group of 1..k-1 respondents is derivable by subtraction. */
export function countsToHide(nodes: readonly { id: string; parentId: string | null; total: number }[], k: number): Set<string> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const children = new Map<string, typeof nodes[number][]>();
  const roots: typeof nodes[number][] = [];
  for (const n of nodes) {
    if (n.parentId !== null && byId.has(n.parentId)) children.set(n.parentId, [...(children.get(n.parentId) ?? []), n]);
    else roots.push(n);
  }
  const hide = new Set<string>();
  const hideSubtree = (n: typeof nodes[number]): void => {
    hide.add(n.id);
    for (const c of children.get(n.id) ?? []) hideSubtree(c);
  };
  const visit = (n: typeof nodes[number]): void => {
    const kids = children.get(n.id) ?? [];
    const shown = kids.filter((c) => c.total >= k).sort((a, b) => a.total - b.total || a.id.localeCompare(b.id));
    const rest = (): number => n.total - shown.reduce((s, c) => s + c.total, 0);
    while (rest() > 0 && rest() < k && shown.length > 0) shown.shift();
    for (const c of kids) (shown.includes(c) ? visit : hideSubtree)(c);
  };
  for (const r of roots) (r.total >= k ? visit : hideSubtree)(r);
  return hide;
}

/** responseRates returns one row per unit in the wave (and the units above them), with responses
 *  and headcount summed over each subtree, limited to what the staff member may see; for anyone
 *  but the project leader, counts under the wave's k are withheld (countsToHide). */
export function responseRates(deps: AppDeps, staff: Staff, wave: Wave): RateRow[] {
  const units = listUnits(deps.db);
  const taking = new Set(waveUnitIds(deps.db, wave.id));
  const counts = countResponses(deps.db, wave.id);
  const byId = new Map(units.map((u) => [u.id, u]));
  const children = childrenMap(units);
  const total = new Map<string, { responses: number; headcount: number; hasHeadcount: boolean }>();
  for (const id of taking) {
    const unit = byId.get(id);
    // A parent taking part without its own headcount counts its children's ("7 of ?" helps nobody).
    const headcount = unit ? ownHeadcount(children, unit, taking) : null;
    for (let u = unit; u; u = u.parentId ? byId.get(u.parentId) : undefined) {
      const t = total.get(u.id) ?? { responses: 0, headcount: 0, hasHeadcount: false };
      t.responses += counts.get(id) ?? 0;
      if (headcount !== null) {
        t.headcount += headcount;
        t.hasHeadcount = true;
      }
      total.set(u.id, t);
    }
  }
  const hidden =
    staff.account.role === 'admin'
      ? new Set<string>()
      : countsToHide([...total].map(([id, t]) => ({ id, parentId: byId.get(id)?.parentId ?? null, total: t.responses })), wave.kResults);
  return treeRows(units)
    .filter((r) => total.has(r.unit.id) && staff.canSee(r.unit.id))
    .map((r) => {
      const t = total.get(r.unit.id) ?? { responses: 0, headcount: 0, hasHeadcount: false };
      const headcount = t.hasHeadcount ? t.headcount : null;
      if (hidden.has(r.unit.id)) return { unit: r.unit, depth: r.depth, responses: null, headcount, rate: null };
      return { unit: r.unit, depth: r.depth, responses: t.responses, headcount, rate: headcount ? t.responses / headcount : null };
    });
}

/** overviewHandlers returns the start page and the response-rate page. */
export function overviewHandlers(deps: AppDeps) {
  return {
    home(req: Request, res: Response): void {
      const staff = staffOf(res);
      const names = new Map(listUnits(deps.db).map((u) => [u.id, u.name]));
      // An open wave's respondent links, for the units one may see: leaders hand them out too.
      const linksOf = (wave: Wave) =>
        wave.status === 'open' && wave.linkMode === 'open'
          ? listLinks(deps.db, wave.id)
              .filter((l) => staff.canSee(l.unitId))
              .map((l) => ({ name: names.get(l.unitId) ?? l.unitId, url: `${publicBase(deps, req)}/s/${l.code}` }))
          : [];
      const waves = listWaves(deps.db)
        .filter((wave) => mayViewWave(deps, staff, wave))
        .map((wave) => ({ wave, rows: responseRates(deps, staff, wave), links: linksOf(wave) }));
      const projects = listProjects(deps.db)
        .map((project) => ({ project, waves: projectWaves(deps.db, project.id) }))
        .filter((p) => p.waves.some((w) => mayViewWave(deps, staff, w)));
      // The project leader's view of sick leave: the top-level units' newest quarter.
      const roots = staff.account.role === 'admin' ? listUnits(deps.db).filter((u) => u.parentId === null && !u.retired) : [];
      const sick = roots.length > 0 ? overviewSickLeave(deps.db, roots, res.locals.t as Translate, res.locals.lang as string) : undefined;
      res.render('staff/overview', { waves, projects, sick });
    },
    rates(_req: Request, res: Response): void {
      const wave = waveOf(res);
      res.render('staff/rates', { wave, rows: responseRates(deps, staffOf(res), wave), k: wave.kResults });
    },
  };
}
