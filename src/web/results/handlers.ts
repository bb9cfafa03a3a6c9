// Results pages: the wave's unit list, a unit's page, its CSV, and the organisation overview.
// Every number comes from the suppressed tables (report/released.ts) via waveResults.
import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import type { AppDeps } from '../deps.js';
import { HttpError } from '../../errors.js';
import { backgroundItem } from '../../report/breakdown.js';
import type { ShownGroup } from '../../report/released.js';
import { waveResults, type WaveResults } from '../../report/wave-results.js';
import { freeTexts } from '../../store/results.js';
import { subtreeIds } from '../../store/units.js';
import type { Wave } from '../../store/waves.js';
import { delimiterFrom, sendCsv } from '../csv.js';
import type { Lang, Translate } from '../i18n/index.js';
import { waveOf } from '../staff/loaders.js';
import { staffOf } from '../staff/session.js';
import { renderCompressed } from './compressed.js';
import { unitCsv } from './csv.js';
import { heatmapCsv, heatmapXlsx } from './heatmap-export.js';
import { inStaffLanguage } from './texts.js';
import { figureFormat } from './format.js';
import { markdownToHtml } from './markdown.js';
import { unitSickLeaveOf } from '../sickleave/view-model.js';
import { chartData, heatBand, strengthsAndAreas, visibleUnits } from './view-model.js';

function loadResults(deps: AppDeps, _req: Request, res: Response): { wave: Wave; results: WaveResults } | undefined {
  // waveParam has loaded the wave and checked the person may see one of its units.
  const wave = waveOf(res);
  const computed = waveResults(deps.db, wave);
  if (!computed) {
    res.render('results/not-ready', { wave });
    return undefined;
  }
  const results = inStaffLanguage(computed, res.locals.lang as string);
  res.locals.textLang = results.textLang;
  if (visibleUnits(results, staffOf(res)).length === 0) throw new HttpError(403, 'notAllowed');
  return { wave, results };
}

function unitContext(deps: AppDeps, req: Request, res: Response) {
  const loaded = loadResults(deps, req, res);
  if (!loaded) return undefined;
  const unitId = String(req.params.unitId);
  const unit = loaded.results.units.find((u) => u.id === unitId);
  if (!unit) throw new HttpError(404, 'notFound');
  if (!staffOf(res).canSee(unitId)) throw new HttpError(403, 'notAllowed');
  const group = loaded.results.tables.get(unitId);
  if (!group) throw new HttpError(404, 'notFound');
  return { ...loaded, unit, group };
}

const METHODS_FILE = path.resolve(import.meta.dirname, '../../../docs/METHODS.md');
let methodsHtml: string | undefined;

/** resultHandlers returns the results pages for every signed-in staff member (scoped to their units). */
export function resultHandlers(deps: AppDeps) {
  return {
    /** methods shows docs/METHODS.md: what each figure is and how it is computed. */
    methods(_req: Request, res: Response): void {
      methodsHtml ??= markdownToHtml(fs.readFileSync(METHODS_FILE, 'utf8'));
      res.render('results/methods', { html: methodsHtml });
    },
    index(req: Request, res: Response, next: NextFunction): void {
      const loaded = loadResults(deps, req, res);
      if (!loaded) return;
      renderCompressed(req, res, next, 'results/index', { wave: loaded.wave, rows: visibleUnits(loaded.results, staffOf(res)), k: loaded.wave.kResults });
    },
    unit(req: Request, res: Response, next: NextFunction): void {
      const c = unitContext(deps, req, res);
      if (!c) return;
      const { results, unit, group, wave } = c;
      const lang = res.locals.lang as Lang;
      const parent = unit.parentId ? results.tables.get(unit.parentId) : undefined;
      const parentUnit = unit.parentId ? results.units.find((u) => u.id === unit.parentId) : undefined;
      const rootId = results.rootIds.find((id) => id !== unit.id && subtreeIds(results.units, [id]).has(unit.id));
      const org = rootId ? results.tables.get(rootId) : undefined;
      const children = results.units.filter((u) => u.parentId === unit.id).map((u) => ({ unit: u, group: results.tables.get(u.id) }));
      const t = res.locals.t as (k: string, p?: Record<string, string | number>) => string;
      const compare = [
        { label: parentUnit?.name ?? '', group: parent },
        { label: t('results.wholeOrganisation'), group: org },
      ].filter((c) => c.group !== undefined && c.label !== '');
      // Free text only where the wave turned it on and the text threshold passed (released.ts decides).
      const subtree = [...subtreeIds(results.units, [unit.id])];
      const comments = group.released
        ? group.texts.filter((x) => x.release.released).map((x) => ({ id: x.id, text: x.text, answers: freeTexts(deps.db, wave.id, subtree, x.id) }))
        : [];
      renderCompressed(req, res, next, 'results/unit', {
        comments,
        wave,
        unit,
        group,
        parentUnit,
        parent,
        org,
        compare,
        children,
        survey: results.survey,
        breakdown: results.breakdowns.get(unit.id),
        background: backgroundItem(results.survey),
        ranked: group.released ? strengthsAndAreas(group as ShownGroup) : undefined,
        chart: group.released ? JSON.stringify(chartData(group as ShownGroup, compare, unit.name)) : '',
        num: figureFormat(lang),
        sick: unitSickLeaveOf(deps.db, unit.id, res.locals.t as Translate, lang),
        scripts: ['/vendor/chart.umd.min.js', '/js/results.js'],
      });
    },
    csv(req: Request, res: Response): void {
      const c = unitContext(deps, req, res);
      if (!c) return;
      const delimiter = delimiterFrom(req.query.skilletegn);
      sendCsv(res, `resultater-${c.wave.id}-${c.unit.id}.csv`, unitCsv(c.unit, c.group, delimiter, res.locals.t as Translate));
    },
    overview(req: Request, res: Response, next: NextFunction): void {
      const loaded = loadResults(deps, req, res);
      if (!loaded) return;
      const lang = res.locals.lang as Lang;
      renderCompressed(req, res, next, 'results/overview', {
        wave: loaded.wave,
        rows: visibleUnits(loaded.results, staffOf(res)),
        factors: loaded.results.survey.factors,
        num: figureFormat(lang),
        heatBand,
      });
    },
    /** overviewCsv is the heat map as CSV: the page's rows and rounding, withheld cells empty with a note. */
    overviewCsv(req: Request, res: Response): void {
      const loaded = loadResults(deps, req, res);
      if (!loaded) return;
      const rows = visibleUnits(loaded.results, staffOf(res));
      sendCsv(res, `varmekart-${loaded.wave.id}.csv`, heatmapCsv(rows, loaded.results.survey.factors, delimiterFrom(req.query.skilletegn), res.locals.t as Translate));
    },
    /** overviewXlsx is the heat map as an Excel workbook (the same figures as the CSV). */
    async overviewXlsx(req: Request, res: Response): Promise<void> {
      const loaded = loadResults(deps, req, res);
      if (!loaded) return;
      const rows = visibleUnits(loaded.results, staffOf(res));
      const book = await heatmapXlsx(rows, loaded.results.survey.factors, loaded.wave.name, res.locals.t as Translate);
      res.set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.set('Content-Disposition', `attachment; filename="varmekart-${loaded.wave.id}.xlsx"`);
      res.send(book);
    },
  };
}

