// Before/after pages: a project's units, one unit's comparison (and CSV), and the project
// leader's overview of clear changes.
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app.js';
import { HttpError } from '../../errors.js';
import { isChange, overviewChanges, type MeasureComparison, type UnitComparison } from '../../report/compare.js';
import { sendCsv, delimiterFrom } from '../csv.js';
import type { Lang } from '../i18n/index.js';
import { decimal, decimal2 } from '../results/format.js';
import { staffOf } from '../staff/session.js';
import { comparisonCsv } from './csv.js';
import { compareUnit, loadComparison, visibleComparedUnits, type ProjectComparison } from './model.js';

function load(deps: AppDeps, req: Request, res: Response): ProjectComparison | undefined {
  const c = loadComparison(deps, Number(req.params.projectId));
  if (c.waves.length < 2) {
    res.render('compare/not-ready', { c });
    return undefined;
  }
  if (visibleComparedUnits(c, staffOf(res)).length === 0 && staffOf(res).account.role !== 'admin') throw new HttpError(403, 'notAllowed');
  return c;
}

function unitOf(c: ProjectComparison, req: Request, res: Response) {
  const unitId = String(req.params.unitId);
  const entry = c.units.find((u) => u.unit.id === unitId);
  if (!entry) throw new HttpError(404, 'notFound');
  if (!staffOf(res).canSee(unitId)) throw new HttpError(403, 'notAllowed');
  return { unit: entry.unit, comparison: compareUnit(c, unitId) };
}

/** trendChart is the chart's data: factor means per wave (released figures only, null where withheld). */
function trendChart(c: ProjectComparison, comparison: UnitComparison) {
  if (!comparison.shown) return '';
  const labels = c.waves.map((w) => w.wave.name);
  const mean = (m: MeasureComparison, k: number): number | null => {
    const f = m.figures[k];
    return f && f.released && f.mean !== undefined ? Math.round(f.mean * 10) / 10 : null;
  };
  if (c.waves.length === 2) {
    return JSON.stringify({ kind: 'bar', labels: comparison.factors.map((f) => f.text ?? f.id), series: labels.map((label, k) => ({ label, data: comparison.factors.map((f) => mean(f, k)) })), min: 1, max: 5 });
  }
  return JSON.stringify({ kind: 'line', labels, series: comparison.factors.map((f) => ({ label: f.text ?? f.id, data: labels.map((_, k) => mean(f, k)) })), min: 1, max: 5 });
}

/** compareHandlers returns the before/after pages (every staff member, scoped to their units). */
export function compareHandlers(deps: AppDeps) {
  return {
    index(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const rows = visibleComparedUnits(c, staffOf(res)).map((u) => ({ ...u, comparison: compareUnit(c, u.unit.id) }));
      res.render('compare/index', { c, rows });
    },
    unit(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const { unit, comparison } = unitOf(c, req, res);
      const lang = res.locals.lang as Lang;
      res.render('compare/unit', {
        c,
        unit,
        comparison,
        chart: trendChart(c, comparison),
        isChange,
        fmt: (x: number) => decimal(x, lang),
        fmt2: (x: number) => decimal2(x, lang),
        signed: (x: number) => (x > 0 ? '+' : x < 0 ? '−' : '±') + decimal2(Math.abs(x), lang),
        scripts: ['/vendor/chart.umd.min.js', '/js/results.js'],
      });
    },
    csv(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const { unit, comparison } = unitOf(c, req, res);
      const delimiter = delimiterFrom(req.query.skilletegn);
      sendCsv(res, `sammenligning-${c.project.id}-${unit.id}.csv`, comparisonCsv(c, unit, comparison, delimiter));
    },
    changes(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const rows = visibleComparedUnits(c, staffOf(res)).map((u) => compareUnit(c, u.unit.id));
      const names = new Map(c.units.map((u) => [u.unit.id, u.unit.name]));
      const lang = res.locals.lang as Lang;
      res.render('compare/changes', { c, entries: overviewChanges(rows), names, signed: (x: number) => (x > 0 ? '+' : '−') + decimal2(Math.abs(x), lang), fmt: (x: number) => decimal2(x, lang) });
    },
  };
}
