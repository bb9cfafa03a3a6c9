// After the survey: a unit's follow-up page (chosen strengths and areas, actions), the printable
// dialogue-meeting page, the overview per wave and the CSV of all actions.
import type { Request, Response } from 'express';
import { auditAction } from '../audit.js';
import { dayFromForm, formatDateTime, formatDay, isCalendarDay as isDay } from '../dates.js';
import { nowOf, type AppDeps } from '../deps.js';
import { today } from '../../clock.js';
import { HttpError } from '../../errors.js';
import type { ShownGroup } from '../../report/released.js';
import { waveResults, type WaveResults } from '../../report/wave-results.js';
import { inStaffLanguage } from '../results/texts.js';
import { normaliseEmail } from '../../invite/contacts.js';
import { z } from 'zod';
import { formErrors, formText } from '../forms.js';
import { ACTION_STATUSES, addAction, deleteAction, getAction, getFollowup, isOverdue, listActions, listFollowups, saveFollowup, updateAction, type ActionStatus, type Choice } from '../../store/followups.js';
import type { Unit } from '../../store/units.js';
import type { Wave } from '../../store/waves.js';
import { delimiterFrom, sendCsv, toCsv } from '../csv.js';
import type { Translate } from '../i18n/index.js';
import type { Lang } from '../i18n/index.js';
import type { Num } from '../../report/exact.js';
import { decimal, figureFormat } from '../results/format.js';
import { chartData, rankFigures, strengthsAndAreas, visibleUnits } from '../results/view-model.js';
import { waveOf } from '../staff/loaders.js';
import { staffOf } from '../staff/session.js';
import { unitSickLeaveOf } from '../sickleave/view-model.js';

const str = (v: unknown, max = 500): string => (typeof v === 'string' ? v.trim().slice(0, max + 1) : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** What the choice form shows: the refs ticked and the own wording, as stored or as just posted. */
interface ChoiceForm {
  strengths: string[];
  areas: string[];
  ownStrength: string;
  ownArea: string;
}

const choiceFormOf = (f: { strengths: Choice[]; areas: Choice[] } | undefined): ChoiceForm => ({
  strengths: (f?.strengths ?? []).flatMap((c) => (c.ref ? [c.ref] : [])),
  areas: (f?.areas ?? []).flatMap((c) => (c.ref ? [c.ref] : [])),
  ownStrength: f?.strengths.find((c) => !c.ref)?.text ?? '',
  ownArea: f?.areas.find((c) => !c.ref)?.text ?? '',
});

interface Ctx {
  wave: Wave;
  results: WaveResults;
  unit: Unit;
  /** The results the dialogue builds on: the unit's own, or the nearest unit above that is shown. */
  basis: { unit: Unit; group: ShownGroup; own: boolean } | undefined;
}

function load(deps: AppDeps, req: Request, res: Response): Ctx | undefined {
  // waveParam has loaded the wave and checked the person may see one of its units.
  const wave = waveOf(res);
  const computed = waveResults(deps.db, wave);
  if (!computed) {
    res.render('results/not-ready', { wave });
    return undefined;
  }
  const results = inStaffLanguage(computed, res.locals.lang as string);
  res.locals.textLang = results.textLang;
  const unit = results.units.find((u) => u.id === String(req.params.unitId));
  if (!unit) throw new HttpError(404, 'notFound');
  if (!staffOf(res).canSee(unit.id)) throw new HttpError(403, 'notAllowed');
  const byId = new Map(results.units.map((u) => [u.id, u]));
  let basis: Ctx['basis'];
  // Units below the threshold get the parent's results for their dialogue, never their own.
  for (let u: Unit | undefined = unit; u && !basis; u = u.parentId ? byId.get(u.parentId) : undefined) {
    const g = results.tables.get(u.id);
    if (g?.released) basis = { unit: u, group: g, own: u.id === unit.id };
  }
  return { wave, results, unit, basis };
}

// An action as posted: read leniently into strings (kept on a re-rendered form), then checked by zod.
const actionSchema = (factorIds: string[]) =>
  z.object({
    what: z.string().min(1, 'followup.whatInvalid').max(500, 'followup.whatInvalid'),
    factorId: z.string().refine((v) => v === '' || factorIds.includes(v), 'followup.factorInvalid'),
    responsible: z.string().min(1, 'followup.responsibleInvalid').max(200, 'followup.responsibleInvalid'),
    dueOn: z.string().refine((v) => v === '' || isDay(v), 'followup.dueInvalid'),
    status: z.enum(ACTION_STATUSES, 'followup.statusInvalid'),
    note: z.string().max(2000, 'followup.noteInvalid'),
    notifyEmail: z.string().refine((v) => v === '' || normaliseEmail(v) !== undefined, 'followup.notifyInvalid'),
  });

function readAction(body: Record<string, unknown> | undefined, factorIds: string[]) {
  const form = {
    what: formText(body?.what, 500),
    factorId: formText(body?.factorId, 100),
    responsible: formText(body?.responsible, 200),
    dueOn: dayFromForm(formText(body?.dueOn, 20)),
    status: formText(body?.status, 20) || 'planned',
    note: formText(body?.note, 2000),
    notifyEmail: formText(body?.notifyEmail, 254),
  };
  const errors = formErrors(actionSchema(factorIds), form);
  // What the store takes, once the form is valid.
  const action = { what: form.what, factorId: form.factorId || null, responsible: form.responsible, dueOn: form.dueOn || null, status: form.status as ActionStatus, note: form.note, notifyEmail: normaliseEmail(form.notifyEmail) ?? null };
  return { form, errors, action };
}

/** followupHandlers returns the follow-up pages (every staff member who may see the unit may edit). */
export function followupHandlers(deps: AppDeps) {
  const render = (res: Response, c: Ctx, status = 200, errors: Record<string, string> = {}, actionForm?: Record<string, string>, choiceForm?: ChoiceForm, editing?: { id: number; form: Record<string, string>; errors: Record<string, string> }): void => {
    const lang = res.locals.lang as Lang;
    const followup = getFollowup(deps.db, c.wave.id, c.unit.id);
    res.status(status).render('followup/unit', {
      ...c,
      followup,
      choices: choiceForm ?? choiceFormOf(followup),
      ranked: c.basis ? rankFigures(c.basis.group) : undefined,
      actions: listActions(deps.db, c.wave.id, c.unit.id),
      factors: c.results.survey.factors,
      statuses: ACTION_STATUSES,
      today: today(deps.config.TIME_ZONE, new Date(nowOf(deps))),
      isOverdue,
      errors,
      actionForm: actionForm ?? { what: '', factorId: '', responsible: '', dueOn: '', status: 'planned', note: '', notifyEmail: '' },
      editing,
      fmt: (x: Num) => decimal(x, lang),
    });
  };

  return {
    show(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (c) render(res, c);
    },
    saveChoices(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const labels = new Map(c.basis ? [...c.basis.group.factors.map((f) => [f.id, f.label] as const), ...c.basis.group.items.map((i) => [i.id, i.text] as const)] : []);
      const choices = (refs: string[], own: string[]): Choice[] => [
        ...refs.filter((r) => labels.has(r)).map((ref) => ({ ref, text: labels.get(ref) as string })),
        ...own.map((t) => t.trim()).filter((t) => t !== '').map((text) => ({ text: text.slice(0, 300) })),
      ];
      const form: ChoiceForm = { strengths: list(req.body?.strengths), areas: list(req.body?.areas), ownStrength: str(list(req.body?.ownStrength)[0], 300), ownArea: str(list(req.body?.ownArea)[0], 300) };
      const strengths = choices(form.strengths, [form.ownStrength]);
      const areas = choices(form.areas, [form.ownArea]);
      const errors: Record<string, string> = {};
      if (strengths.length > 3) errors.strengths = 'followup.tooManyStrengths';
      if (areas.length > 3) errors.areas = 'followup.tooManyAreas';
      // An empty choice is no choice: storing it would mark the unit as having chosen.
      if (strengths.length + areas.length === 0) errors.strengths = 'followup.nothingChosen';
      if (Object.keys(errors).length > 0) return render(res, c, 422, errors, undefined, form);
      deps.db.transaction(() => {
        saveFollowup(deps.db, { waveId: c.wave.id, unitId: c.unit.id, strengths, areas, updatedBy: staffOf(res).account.displayName }, new Date(nowOf(deps)));
        auditAction(deps, res, 'followup.choices', `${c.wave.id}/${c.unit.id}`);
      }).immediate();
      res.redirect(303, `/oppfolging/${c.wave.id}/enhet/${encodeURIComponent(c.unit.id)}`);
    },
    addAction(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const { form, errors, action } = readAction(req.body, c.results.survey.factors.map((f) => f.id));
      if (Object.keys(errors).length > 0) return render(res, c, 422, errors, form);
      deps.db.transaction(() => {
        const id = addAction(deps.db, { waveId: c.wave.id, unitId: c.unit.id, ...action }, new Date(nowOf(deps)));
        auditAction(deps, res, 'followup.action.add', `${c.wave.id}/${c.unit.id}#${id}`);
      }).immediate();
      res.redirect(303, `/oppfolging/${c.wave.id}/enhet/${encodeURIComponent(c.unit.id)}#tiltak`);
    },
    updateAction(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const existing = getAction(deps.db, Number(req.params.actionId));
      if (!existing || existing.waveId !== c.wave.id || existing.unitId !== c.unit.id) throw new HttpError(404, 'notFound');
      const posted = readAction(req.body, c.results.survey.factors.map((f) => f.id));
      // The errors show on the action's own card, with what was typed there.
      if (Object.keys(posted.errors).length > 0) return render(res, c, 422, {}, undefined, undefined, { id: existing.id, form: posted.form, errors: posted.errors });
      deps.db.transaction(() => {
        updateAction(deps.db, existing.id, posted.action, new Date(nowOf(deps)));
        auditAction(deps, res, 'followup.action.update', `${c.wave.id}/${c.unit.id}#${existing.id}: ${posted.form.status}`);
      }).immediate();
      res.redirect(303, `/oppfolging/${c.wave.id}/enhet/${encodeURIComponent(c.unit.id)}#tiltak`);
    },
    /** deleteAction asks first (a page that names the action), then deletes it and audits what it was. */
    deleteAction(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const action = getAction(deps.db, Number(req.params.actionId));
      if (!action || action.waveId !== c.wave.id || action.unitId !== c.unit.id) throw new HttpError(404, 'notFound');
      if (str(req.body?.confirm) !== 'yes') return res.render('followup/delete-action', { wave: c.wave, unit: c.unit, action });
      deps.db.transaction(() => {
        deleteAction(deps.db, action.id);
        auditAction(deps, res, 'followup.action.delete', `${c.wave.id}/${c.unit.id}#${action.id}: ${action.what}`);
      }).immediate();
      res.redirect(303, `/oppfolging/${c.wave.id}/enhet/${encodeURIComponent(c.unit.id)}#tiltak`);
    },
    dialogue(req: Request, res: Response): void {
      const c = load(deps, req, res);
      if (!c) return;
      const lang = res.locals.lang as Lang;
      res.render('followup/dialogue', {
        ...c,
        followup: getFollowup(deps.db, c.wave.id, c.unit.id),
        ranked: c.basis ? strengthsAndAreas(c.basis.group) : undefined,
        actions: listActions(deps.db, c.wave.id, c.unit.id).filter((a) => a.status !== 'dropped'),
        factors: c.results.survey.factors,
        fmt: (x: Num) => decimal(x, lang),
        // The same chart as the results page, from the same released table (the basis's).
        chart: c.basis ? JSON.stringify(chartData(c.basis.group, [], c.basis.unit.name)) : '',
        num: figureFormat(lang),
        sick: unitSickLeaveOf(deps.db, c.unit.id, res.locals.t as Translate, lang),
        scripts: ['/vendor/chart.umd.min.js', '/js/results.js'],
      });
    },
    overview(_req: Request, res: Response): void {
      const wave = waveOf(res);
      const computed = waveResults(deps.db, wave);
      if (!computed) return res.render('results/not-ready', { wave });
      const results = inStaffLanguage(computed, res.locals.lang as string);
      res.locals.textLang = results.textLang;
      const staff = staffOf(res);
      const rows = visibleUnits(results, staff);
      if (rows.length === 0) throw new HttpError(403, 'notAllowed');
      const day = today(deps.config.TIME_ZONE, new Date(nowOf(deps)));
      const actions = listActions(deps.db, wave.id);
      const followups = new Map(listFollowups(deps.db, wave.id).map((f) => [f.unitId, f]));
      const units = rows.map((r) => {
        const own = actions.filter((a) => a.unitId === r.unit.id);
        return { ...r, followup: followups.get(r.unit.id), actions: own.length, overdue: own.filter((a) => isOverdue(a, day)).length };
      });
      const lang = res.locals.lang as Lang;
      // The first thing a steering group should see: factors that no unit acts on, lowest first.
      const targeted = new Set(actions.filter((a) => a.status !== 'dropped').map((a) => a.factorId));
      const root = results.rootIds.map((id) => results.tables.get(id)).find((g) => g?.released) as ShownGroup | undefined;
      // A mean shown only as a bound is not a number to sort or print here.
      const orgMeans = new Map(root ? rankFigures(root).factors.flatMap((f) => (f.bound ? [] : [[f.id, f] as const])) : []);
      const untargeted = results.survey.factors
        .filter((f) => !targeted.has(f.id))
        .map((f) => ({ ...f, mean: orgMeans.get(f.id)?.mean, exact: orgMeans.get(f.id)?.exact }))
        .sort((a, b) => (a.mean ?? 9) - (b.mean ?? 9));
      res.render('followup/overview', { wave, units, untargeted, admin: staff.account.role === 'admin', fmt: (x: Num) => decimal(x, lang), overdueList: actions.filter((a) => isOverdue(a, day) && staff.canSee(a.unitId)) });
    },
    csv(req: Request, res: Response): void {
      const wave = waveOf(res);
      const computed = waveResults(deps.db, wave);
      const results = computed && inStaffLanguage(computed, res.locals.lang as string);
      const names = new Map((results?.units ?? []).map((u) => [u.id, u.name]));
      const factors = new Map((results?.survey.factors ?? []).map((f) => [f.id, f.label]));
      const rows = listActions(deps.db, wave.id).map((a) => ({
        ...a,
        unitName: names.get(a.unitId) ?? a.unitId,
        factor: a.factorId ? (factors.get(a.factorId) ?? a.factorId) : '',
        dueOn: formatDay(a.dueOn),
        updatedAt: formatDateTime(a.updatedAt, deps.config.TIME_ZONE),
      }));
      const t = res.locals.t as Translate;
      const csv = toCsv(
        rows.map((r) => ({ ...r, status: t(`followup.status.${r.status}`) })),
        [
          { label: t('csv.col.unitId'), value: 'unitId' },
          { label: t('csv.col.unit'), value: 'unitName' },
          { label: t('csv.col.action'), value: 'what' },
          { label: t('csv.col.factor'), value: 'factor' },
          { label: t('csv.col.responsible'), value: 'responsible' },
          { label: t('csv.col.due'), value: 'dueOn' },
          { label: t('csv.col.status'), value: 'status' },
          { label: t('csv.col.actionNote'), value: 'note' },
          { label: t('csv.col.updated'), value: 'updatedAt' },
        ],
        delimiterFrom(req.query.skilletegn),
      );
      sendCsv(res, `tiltak-maling-${wave.id}.csv`, csv);
    },
  };
}
