// Sick leave for the project leader: import an HR/payroll export with a preview and problem
// report (nothing is written until confirmed), the thresholds and presence setting, and a CSV of
// every unit's shown quarters. Mounted before the admin router's blanket CSRF check, so each route
// carries its own (the import reads its multipart body first), as the invitations pages do.
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { today } from '../../clock.js';
import { decodeUpload, type DecodedUpload } from '../../org/upload.js';
import { disclosePeriod } from '../../sickleave/disclosure.js';
import { planSickLeave, type SickLeavePlan } from '../../sickleave/import.js';
import { quarterFigure, quarterSeries } from '../../sickleave/series.js';
import { saveSickLeaveImport, setSickLeaveSettings, sickLeaveSettings, sickLeaveVersions, storedPeriods, type SickLeaveSettings } from '../../store/sickleave.js';
import { listUnits } from '../../store/units.js';
import { auditAction } from '../audit.js';
import { delimiterFrom, sendCsv, toCsv } from '../csv.js';
import { nowOf, type AppDeps } from '../deps.js';
import { formErrors, formText } from '../forms.js';
import type { Translate } from '../i18n/index.js';
import { csvUpload } from '../multipart.js';
import { checkCsrf, staffOf } from '../staff/session.js';
import { cellOf, loadSickLeave, quarterLabel } from '../sickleave/view-model.js';

interface SettingsForm {
  k: string;
  kSplit: string;
  presence: string;
}

/** SettingsShape: whole thresholds, k at least 5, the split's at least k, neither lowered. */
const settingsShape = (before: SickLeaveSettings) =>
  z
    .object({
      k: z.string().regex(/^\d{1,3}$/, 'sick.settings.kInvalid').transform(Number).pipe(z.number().min(5, 'sick.settings.kInvalid').min(before.k, 'sick.settings.kLowered')),
      kSplit: z.string().regex(/^\d{1,3}$/, 'sick.settings.kSplitInvalid').transform(Number).pipe(z.number().min(before.kSplit, 'sick.settings.kLowered')),
      presence: z.enum(['0', '1']),
    })
    .refine((f) => f.kSplit >= f.k, { path: ['kSplit'], message: 'sick.settings.kSplitInvalid' });

/** HeldBack counts, per period a preview would replace, the units whose figures would be held back. */
type HeldBack = { period: string; units: number }[];

/** sickLeaveHandlers returns the project leader's sick-leave pages. */
export function sickLeaveHandlers(deps: AppDeps) {
  const day = () => today(deps.config.TIME_ZONE, new Date(nowOf(deps)));
  const unitIds = () => new Set(listUnits(deps.db).map((u) => u.id));
  const plan = (csv: string) => planSickLeave(csv, unitIds(), day(), storedPeriods(deps.db));

  // What a re-import would hold back: the period decided with the new rows as its next version.
  const heldBack = (p: SickLeavePlan): HeldBack => {
    const versions = sickLeaveVersions(deps.db);
    const settings = sickLeaveSettings(deps.db);
    const tree = listUnits(deps.db).map((u) => ({ id: u.id, parentId: u.parentId }));
    return p.periods.flatMap(({ period, replaces }) => {
      const before = versions.get(period);
      if (replaces === 0 || !before) return [];
      const rows = p.rows.filter((r) => r.period === period);
      const after = disclosePeriod([...before, { importId: Number.MAX_SAFE_INTEGER, tree, ...settings, rows }], settings);
      const units = after.figure.filter((f) => !f.released && f.reason === 'release').length;
      return units > 0 ? [{ period, units }] : [];
    });
  };

  const render = (res: Response, status: number, view: { csv?: string; plan?: SickLeavePlan; missing?: boolean; read?: DecodedUpload; settingsForm?: SettingsForm; errors?: Record<string, string>; held?: HeldBack }): void => {
    const settings = sickLeaveSettings(deps.db);
    const stored = [...storedPeriods(deps.db)].sort(([a], [b]) => (a < b ? 1 : -1));
    res.status(status).render('admin/sickleave', {
      csv: '',
      missing: false,
      errors: {},
      held: [],
      settingsForm: { k: String(settings.k), kSplit: String(settings.kSplit), presence: settings.presence ? '1' : '0' },
      stored,
      imported: res.req.query.importert === '1',
      ...view,
    });
  };

  return {
    page(_req: Request, res: Response): void {
      render(res, 200, {});
    },
    async preview(req: Request, res: Response): Promise<void> {
      const body = req.body as Record<string, unknown> | undefined;
      const pasted = typeof body?.csv === 'string' ? body.csv : '';
      const read = Buffer.isBuffer(body?.file) && body.file.length > 0 ? await decodeUpload(body.file) : undefined;
      if (read && !read.ok) return render(res, 422, { csv: pasted, read });
      const csv = read?.ok ? read.text : pasted;
      if (csv.trim() === '') return render(res, 422, { csv, missing: true });
      const p = plan(csv);
      render(res, p.problems.length > 0 ? 422 : 200, { csv, plan: p, read, held: p.problems.length > 0 ? [] : heldBack(p) });
    },
    apply(req: Request, res: Response): void {
      const csv = formText((req.body as Record<string, unknown> | undefined)?.csv, 4 * 1024 * 1024);
      const p = plan(csv);
      if (p.problems.length > 0 || p.rows.length === 0) return render(res, 422, { csv, plan: p, missing: p.rows.length === 0 && p.problems.length === 0 });
      const tree = listUnits(deps.db).map((u) => ({ id: u.id, parentId: u.parentId }));
      deps.db.transaction(() => {
        saveSickLeaveImport(deps.db, { at: new Date(nowOf(deps)), actor: staffOf(res).account.username, tree }, p.rows);
        auditAction(deps, res, 'sickleave.import', p.periods.map((x) => `${x.period}: ${x.rows} rows${x.replaces > 0 ? ` (replaced ${x.replaces})` : ''}`).join(', '));
      }).immediate();
      res.redirect(303, '/admin/sykefravaer?importert=1');
    },
    saveSettings(req: Request, res: Response): void {
      const b = req.body as Record<string, unknown> | undefined;
      const form: SettingsForm = { k: formText(b?.k, 10), kSplit: formText(b?.kSplit, 10), presence: formText(b?.presence, 1) || '0' };
      const before = sickLeaveSettings(deps.db);
      const errors = formErrors(settingsShape(before), form);
      if (Object.keys(errors).length > 0) return render(res, 422, { settingsForm: form, errors });
      const next = { k: Number(form.k), kSplit: Number(form.kSplit), presence: form.presence === '1' };
      deps.db.transaction(() => {
        setSickLeaveSettings(deps.db, next);
        auditAction(deps, res, 'sickleave.settings', `k ${before.k} -> ${next.k}, k_split ${before.kSplit} -> ${next.kSplit}, presence ${next.presence ? 'on' : 'off'}`);
      }).immediate();
      res.redirect(303, '/admin/sykefravaer');
    },
    csv(req: Request, res: Response): void {
      const t = res.locals.t as Translate;
      const comma = delimiterFrom(req.query.skilletegn) === ',';
      const ctx = loadSickLeave(deps.db);
      const rows: Record<string, unknown>[] = [];
      if (ctx) {
        for (const unit of listUnits(deps.db)) {
          for (const q of quarterSeries(ctx.latest, 8)) {
            const f = quarterFigure(ctx.periods, unit.id, q);
            if (f.status === 'none') continue;
            const c = cellOf(f, quarterLabel(q, t), ctx.settings, t, comma ? '.' : ',');
            rows.push({ unit: unit.id, name: unit.name, quarter: c.label, main: c.main ?? '', self: c.self ?? '', doctor: c.doctor ?? '', short: c.short ?? '', long: c.long ?? '', note: c.note ?? '' });
          }
        }
      }
      const columns = [
        { label: t('sick.csv.unit'), value: 'unit' },
        { label: t('sick.csv.name'), value: 'name' },
        { label: t('sick.period'), value: 'quarter' },
        { label: t(ctx?.settings.presence ? 'sick.presence' : 'sick.sickLeave'), value: 'main' },
        { label: t('sick.self'), value: 'self' },
        { label: t('sick.doctor'), value: 'doctor' },
        { label: t('sick.short'), value: 'short' },
        { label: t('sick.long'), value: 'long' },
        { label: t('sick.csv.note'), value: 'note' },
      ];
      sendCsv(res, 'sykefravaer.csv', toCsv(rows, columns, comma ? ',' : ';'));
    },
  };
}

/** mountSickLeave adds the sick-leave routes to the admin router (session and admin role already
 *  required); call it before the router's blanket CSRF check. */
export function mountSickLeave(admin: Router, deps: AppDeps): void {
  const h = sickLeaveHandlers(deps);
  admin.post('/sykefravaer', csvUpload, checkCsrf, h.preview);
  admin.get('/sykefravaer', checkCsrf, h.page);
  admin.get('/sykefravaer.csv', checkCsrf, h.csv);
  // The confirm form posts the file's text back as multipart: an export of a few years is larger
  // than the urlencoded body limit.
  admin.post('/sykefravaer/bekreft', csvUpload, checkCsrf, h.apply);
  admin.post('/sykefravaer/innstillinger', checkCsrf, h.saveSettings);
}
