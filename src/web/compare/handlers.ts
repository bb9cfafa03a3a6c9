// Before/after pages: a project's units, one unit's comparison (and CSV), and the project
// leader's overview of clear changes.
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../../errors.js';
import { isChange, overviewChanges, type MeasureComparison, type UnitComparison } from '../../report/compare.js';
import { sendCsv, delimiterFrom } from '../csv.js';
import type { Lang, Translate } from '../i18n/index.js';
import { chartValue, figureFormat } from '../results/format.js';
import { audit } from '../../store/audit.js';
import { listActions } from '../../store/followups.js';
import { addMapping, removeMapping } from '../../store/projects.js';
import { subtreeIds } from '../../store/units.js';
import { staffOf } from '../staff/session.js';
import { z } from 'zod';
import { formErrors, formText } from '../forms.js';
import { comparisonCsv } from './csv.js';
import { compareUnit, loadComparison, visibleGroups, type ProjectComparison } from './model.js';
import { beforeAfterOf } from '../sickleave/view-model.js';

function load(deps: AppDeps, req: Request, res: Response): ProjectComparison | undefined {
  const c = loadComparison(deps, Number(req.params.projectId), res.locals.lang as string);
  res.locals.textLang = (c.waves[c.waves.length - 1] as { textLang?: string } | undefined)?.textLang ?? 'nb';
  if (c.waves.length < 2) {
    res.render('compare/not-ready', { c });
    return undefined;
  }
  if (visibleGroups(c, staffOf(res)).length === 0 && staffOf(res).account.role !== 'admin') throw new HttpError(403, 'notAllowed');
  return c;
}

function unitOf(c: ProjectComparison, req: Request, res: Response) {
  const key = String(req.params.unitId);
  const group = c.groups.find((g) => g.key === key);
  if (!group) throw new HttpError(404, 'notFound');
  if (!visibleGroups(c, staffOf(res)).includes(group)) throw new HttpError(403, 'notAllowed');
  return { unit: { id: group.key, name: group.label }, group, comparison: compareUnit(c, key) };
}

/** trendChart is the chart's data: factor means per wave (released figures only, null where withheld). */
function trendChart(c: ProjectComparison, comparison: UnitComparison) {
  if (!comparison.shown) return '';
  const labels = c.waves.map((w) => w.wave.name);
  const mean = (m: MeasureComparison, k: number): number | null => {
    const f = m.figures[k];
    return chartValue(f && f.released ? f : undefined);
  };
  if (c.waves.length === 2) {
    return JSON.stringify({ kind: 'bar', labels: comparison.factors.map((f) => f.text ?? f.id), series: labels.map((label, k) => ({ label, data: comparison.factors.map((f) => mean(f, k)) })), min: 1, max: 5 });
  }
  return JSON.stringify({ kind: 'line', labels, series: comparison.factors.map((f) => ({ label: f.text ?? f.id, data: labels.map((_, k) => mean(f, k)) })), min: 1, max: 5 });
}

// The mapping form: two unit ids picked from lists, read leniently and checked by zod (the units'
// place in the compared waves is checked by mappingProblem).
const MAPPING_FORM = z.object({
  oldUnitId: z.string().min(1, 'compare.mapInvalid').max(200, 'compare.mapInvalid'),
  newUnitId: z.string().min(1, 'compare.mapInvalid').max(200, 'compare.mapInvalid'),
});
const readMapping = (body: Record<string, unknown> | undefined) => ({ oldUnitId: formText(body?.oldUnitId, 200), newUnitId: formText(body?.newUnitId, 200) });

/** mappingProblem says why a new mapping cannot be added, or undefined: both units must be in the
 *  compared waves, the new one in the latest, and a group may not hold a unit and one below it. */
function mappingProblem(c: ProjectComparison, oldId: string, newId: string): string | undefined {
  const last = c.waves[c.waves.length - 1];
  if (!c.unitsById.has(oldId) || !last?.tables.has(newId) || oldId === newId) return 'compare.mapInvalid';
  const members = new Set([oldId, newId, ...c.mappings.flatMap((m) => [m.oldUnitId, m.newUnitId])]);
  for (const w of c.waves) {
    const present = [...members].filter((id) => w.tables.has(id));
    if (present.some((a) => present.some((b) => a !== b && subtreeIds(w.units, [a]).has(b)))) return 'compare.mapNested';
  }
  return undefined;
}

/** compareHandlers returns the before/after pages (every staff member, scoped to their units). */
export function compareHandlers(deps: AppDeps) {
  const renderIndex = (res: Response, c: ProjectComparison, status: number, errors: Record<string, string>): void => {
    const rows = visibleGroups(c, staffOf(res)).map((g) => ({ group: g, comparison: compareUnit(c, g.key) }));
    res.status(status).render('compare/index', { c, rows, errors });
  };
  return {
    addMapping(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const { oldUnitId: oldId, newUnitId: newId } = readMapping(req.body);
      const problem = formErrors(MAPPING_FORM, { oldUnitId: oldId, newUnitId: newId }).oldUnitId ?? mappingProblem(c, oldId, newId);
      if (problem) return renderIndex(res, c, 422, { oldUnitId: problem });
      // The mapping and its audit row land together or not at all.
      deps.db.transaction(() => {
        addMapping(deps.db, c.project.id, oldId, newId);
        audit(deps.db, { accountId: staffOf(res).account.id, actor: staffOf(res).account.username, action: 'project.map', detail: `${c.project.id}: ${oldId} -> ${newId}` });
      }).immediate();
      res.redirect(303, `/sammenligning/${c.project.id}`);
    },
    removeMapping(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const { oldUnitId: oldId, newUnitId: newId } = readMapping(req.body);
      // Only a mapping that exists is removed (and audited as removed).
      if (!c.mappings.some((m) => m.oldUnitId === oldId && m.newUnitId === newId)) throw new HttpError(404, 'notFound');
      deps.db.transaction(() => {
        removeMapping(deps.db, c.project.id, oldId, newId);
        audit(deps.db, { accountId: staffOf(res).account.id, actor: staffOf(res).account.username, action: 'project.unmap', detail: `${c.project.id}: ${oldId} -> ${newId}` });
      }).immediate();
      res.redirect(303, `/sammenligning/${c.project.id}`);
    },
    index(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      renderIndex(res, c, 200, {});
    },
    unit(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const { unit, group, comparison } = unitOf(c, req, res);
      const lang = res.locals.lang as Lang;
      // Actions from the earlier waves, beside the change in the factor they targeted.
      const earlier = c.waves.slice(0, -1);
      const actions = earlier.flatMap((w, k) => (group.perWave[k] ?? []).flatMap((id) => listActions(deps.db, w.wave.id, id).map((a) => ({ ...a, waveName: w.wave.name }))));
      const factorChange = new Map(comparison.shown ? comparison.factors.map((f) => [f.id, f] as const) : []);
      res.render('compare/unit', {
        c,
        unit,
        comparison,
        actions: actions.map((a) => ({ ...a, factor: a.factorId ? factorChange.get(a.factorId) : undefined })),
        chart: trendChart(c, comparison),
        sickBefore: beforeAfterOf(deps.db, unit.id, c.waves.map((w) => w.wave), res.locals.t as Translate, lang),
        isChange,
        num: figureFormat(lang),
        scripts: ['/vendor/chart.umd.min.js', '/js/results.js'],
      });
    },
    csv(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const { unit, comparison } = unitOf(c, req, res);
      const delimiter = delimiterFrom(req.query.skilletegn);
      sendCsv(res, `sammenligning-${c.project.id}-${unit.id}.csv`, comparisonCsv(c, unit, comparison, delimiter, res.locals.t as Translate));
    },
    changes(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const rows = visibleGroups(c, staffOf(res)).map((g) => compareUnit(c, g.key));
      const names = new Map(c.groups.map((g) => [g.key, g.label]));
      const lang = res.locals.lang as Lang;
      res.render('compare/changes', { c, entries: overviewChanges(rows), names, num: figureFormat(lang) });
    },
  };
}
