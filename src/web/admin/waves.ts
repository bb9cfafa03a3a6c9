// Waves for project leaders: create, settings (never weakening anonymity once answers exist),
// open/close/reopen, and distribution material (links, token CSV, printable page with QR code).
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import { HttpError } from '../../errors.js';
import { closeWave, openWave } from '../../report/close.js';
import { waveResults } from '../../report/wave-results.js';
import { createLink, createTokens, listLinks } from '../../store/links.js';
import { createProject, getProject, listProjects, setWaveProject, waveProjectId } from '../../store/projects.js';
import { childrenMap, getUnit, listUnits, subtreeIds, type Unit } from '../../store/units.js';
import {
  createWave,
  settingsProblem,
  updateWaveSettings,
  waveResponseCount,
  waveUnitIds,
  type LinkMode,
  type Wave,
  type WaveSettings,
} from '../../store/waves.js';
import { auditAction } from '../audit.js';
import { delimiterFrom, sendCsv, toCsv } from '../csv.js';
import type { Translate } from '../i18n/index.js';
import { dayFromForm, isCalendarDay as isDay } from '../dates.js';
import type { AppDeps } from '../deps.js';
import { formErrors, formList, formText } from '../forms.js';
import { unitOf, waveOf } from '../staff/loaders.js';
import { languageName } from '../../survey/texts.js';
import { ownHeadcount, treeRows } from './units.js';

interface WaveForm {
  name: string;
  surveyKey: string;
  unitIds: string[];
  opensOn: string;
  closesOn: string;
  kResults: string;
  kDistribution: string;
  kText: string;
  freeText: boolean;
  linkMode: string;
  /** Undefined when the form had no language fields (then the wave keeps its languages). */
  languages?: string[];
  defaultLanguage: string;
}

function readForm(body: unknown): WaveForm {
  const b = body as Record<string, unknown> | undefined;
  return {
    name: formText(b?.name, 200),
    surveyKey: formText(b?.survey, 200),
    unitIds: [...new Set([...formList(b?.unitIds), ...(b?.allUnits === 'on' ? ['*'] : []), ...formList(b?.withSubunits).map((id) => `${id}/*`)])],
    opensOn: dayFromForm(formText(b?.opensOn, 10)),
    closesOn: dayFromForm(formText(b?.closesOn, 10)),
    kResults: formText(b?.kResults, 10),
    kDistribution: formText(b?.kDistribution, 10),
    kText: formText(b?.kText, 10),
    freeText: b?.freeText === 'on',
    linkMode: formText(b?.linkMode, 10),
    // A marker tells "no language ticked" from a form without language fields.
    languages: b?.languagesShown === '1' ? formList(b?.languages) : undefined,
    defaultLanguage: formText(b?.defaultLanguage, 35),
  };
}

// The languages must be ones the survey declares, the default one of them.
function languageErrors(form: WaveForm, declared: readonly string[]): Record<string, string> {
  if (form.languages === undefined) return {};
  if (form.languages.length === 0 || form.languages.some((l) => !declared.includes(l))) return { languages: 'wave.languagesInvalid' };
  if (!form.languages.includes(form.defaultLanguage)) return { defaultLanguage: 'wave.defaultLanguageInvalid' };
  return {};
}

/** languageOptions lists languages for the settings form, each named in itself. */
function languageOptions(tags: Iterable<string>): { tag: string; name: string }[] {
  return [...new Set(tags)].map((tag) => ({ tag, name: languageName(tag) }));
}

const optionalDay = z.string().refine((s) => s === '' || isDay(s), 'wave.dateInvalid');
const count = z.string().regex(/^\d{1,4}$/, 'wave.numberInvalid');

/** SettingsShape is what a wave's settings fields must look like. */
const SettingsShape = z.object({
  name: z.string().min(1, 'wave.nameInvalid').max(200, 'wave.nameInvalid'),
  opensOn: optionalDay,
  closesOn: optionalDay,
  kResults: count,
  kDistribution: count,
  kText: count,
  linkMode: z.enum(['open', 'token'], 'wave.linkModeInvalid'),
});

// Beside the shape, so it shows with the other messages: closing before opening.
const DatesInOrder = z.custom<WaveForm>().superRefine((f, ctx) => {
  if (isDay(f.opensOn) && isDay(f.closesOn) && f.closesOn < f.opensOn) ctx.addIssue({ code: 'custom', path: ['closesOn'], message: 'wave.datesOrder' });
});

function settingsErrors(form: WaveForm): Record<string, string> {
  return { ...formErrors(DatesInOrder, form), ...formErrors(SettingsShape, form) };
}

/** expandUnits turns the picker's choices into unit ids: "*" is every active unit, "<id>/*" a unit
 *  with its active subunits (the form's "med underenheter"); other ids stay as they are. */
function expandUnits(units: Unit[], chosen: string[]): string[] {
  const active = units.filter((u) => !u.retired);
  const out = new Set<string>();
  for (const c of chosen) {
    if (c === '*') for (const u of active) out.add(u.id);
    else if (c.endsWith('/*')) for (const id of subtreeIds(active, [c.slice(0, -2)])) out.add(id);
    else out.add(c);
  }
  return [...out];
}

function toSettings(form: WaveForm): WaveSettings {
  return {
    name: form.name,
    opensOn: form.opensOn || null,
    closesOn: form.closesOn || null,
    kResults: Number(form.kResults),
    kDistribution: Number(form.kDistribution),
    kText: Number(form.kText),
    freeTextInReports: form.freeText,
    linkMode: form.linkMode as LinkMode,
    ...(form.languages === undefined ? {} : { languages: form.languages, defaultLanguage: form.defaultLanguage }),
  };
}

/** publicBase is the address respondent links start with: PUBLIC_URL, else the request's own host. */
export function publicBase(deps: AppDeps, req: Request): string {
  return deps.config.PUBLIC_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** The personal-links form as posted, and what is wrong with it. */
interface TokenForm {
  unitIds: string[];
  count: string;
  errors: Record<string, string>;
}

/** waveHandlers returns the project leader's wave pages. */
export function waveHandlers(deps: AppDeps) {
  const baseUrl = (req: Request): string => publicBase(deps, req);
  const surveys = (): { key: string; id: string; version: number; title: string; languages: string[] }[] =>
    (deps.db.prepare('SELECT survey_id, version, definition FROM survey_version ORDER BY survey_id, version DESC').all() as { survey_id: string; version: number; definition: string }[]).map((r) => ({
      key: `${r.survey_id}@${r.version}`,
      id: r.survey_id,
      version: r.version,
      title: (JSON.parse(r.definition) as { title: string }).title,
      languages: (JSON.parse(r.definition) as { languages?: string[] }).languages ?? ['nb'],
    }));
  const renderNew = (res: Response, status: number, form: WaveForm, errors: Record<string, string>): void => {
    const active = listUnits(deps.db).filter((u) => !u.retired);
    const children = childrenMap(active);
    const rows = treeRows(active).map((r) => ({
      ...r,
      headcount: ownHeadcount(children, r.unit),
      subtree: (children.get(r.unit.id) ?? []).length > 0 ? [...subtreeIds(active, [r.unit.id])].filter((id) => id !== r.unit.id) : [],
    }));
    const all = surveys();
    res.status(status).render('admin/wave-new', { form, errors, surveys: all, languageOptions: languageOptions(all.flatMap((s) => s.languages)), rows });
  };
  const renderShow = (req: Request, res: Response, wave: Wave, status = 200, form?: WaveForm, errors: Record<string, string> = {}, tokens: TokenForm = { unitIds: [], count: '', errors: {} }): void => {
    const unitIds = waveUnitIds(deps.db, wave.id);
    const links = new Map(listLinks(deps.db, wave.id).map((l) => [l.unitId, l.code]));
    const units = unitIds.map((id) => ({ unit: getUnit(deps.db, id), url: links.has(id) ? `${baseUrl(req)}/s/${links.get(id)}` : undefined }));
    res.status(status).render('admin/wave', {
      wave,
      units,
      projects: listProjects(deps.db).filter((p) => p.surveyId === wave.surveyId),
      projectId: waveProjectId(deps.db, wave.id),
      responses: waveResponseCount(deps.db, wave.id),
      languageOptions: languageOptions(surveys().find((s) => s.key === `${wave.surveyId}@${wave.surveyVersion}`)?.languages ?? ['nb']),
      form: form ?? {
        name: wave.name,
        opensOn: wave.opensOn ?? '',
        closesOn: wave.closesOn ?? '',
        kResults: String(wave.kResults),
        kDistribution: String(wave.kDistribution),
        kText: String(wave.kText),
        freeText: wave.freeTextInReports,
        linkMode: wave.linkMode,
        languages: wave.languages,
        defaultLanguage: wave.defaultLanguage,
      },
      errors,
      tokens,
    });
  };

  return {
    newForm(_req: Request, res: Response): void {
      const first = surveys().find((s) => s.id === 'kartlegging') ?? surveys()[0];
      renderNew(res, 200, { name: '', surveyKey: first?.key ?? '', unitIds: [], opensOn: '', closesOn: '', kResults: '5', kDistribution: '10', kText: '10', freeText: false, linkMode: 'open', languages: first?.languages ?? ['nb'], defaultLanguage: 'nb' }, {});
    },
    create(req: Request, res: Response): void {
      const read = readForm(req.body);
      const form = { ...read, unitIds: expandUnits(listUnits(deps.db), read.unitIds) };
      const survey = surveys().find((s) => s.key === form.surveyKey);
      const errors = settingsErrors(form);
      if (!survey) errors.survey = 'wave.surveyUnknown';
      else Object.assign(errors, languageErrors(form, survey.languages));
      if (form.unitIds.length === 0) errors.unitIds = 'wave.unitsNeeded';
      else if (form.unitIds.some((id) => !getUnit(deps.db, id))) errors.unitIds = 'account.unitUnknown';
      const settings = toSettings(form);
      // A threshold below 3 is reported with every other problem, not after they are fixed.
      if (!errors.kResults && !errors.kDistribution && !errors.kText) {
        const problem = settingsProblem(undefined, settings, false);
        if (problem) errors.kResults = problem;
      }
      if (Object.keys(errors).length > 0 || !survey) return renderNew(res, 422, form, errors);
      // The wave, its settings, its links and the audit entry: all or nothing.
      const id = deps.db.transaction(() => {
        const id = createWave(deps.db, { ...settings, surveyId: survey.id, surveyVersion: survey.version, unitIds: form.unitIds, status: 'draft' });
        updateWaveSettings(deps.db, id, settings);
        if (settings.linkMode === 'open') for (const unitId of form.unitIds) createLink(deps.db, id, unitId);
        auditAction(deps, res, 'wave.create', `${id}: ${settings.name}`);
        return id;
      }).immediate();
      res.redirect(303, `/admin/malinger/${id}`);
    },
    show(req: Request, res: Response): void {
      renderShow(req, res, waveOf(res));
    },
    updateSettings(req: Request, res: Response): void {
      const wave = waveOf(res);
      const form = readForm(req.body);
      const declared = surveys().find((s) => s.key === `${wave.surveyId}@${wave.surveyVersion}`)?.languages ?? ['nb'];
      const errors = { ...settingsErrors(form), ...languageErrors(form, declared) };
      const settings = toSettings(form);
      if (!errors.kResults && !errors.kDistribution && !errors.kText) {
        const problem = settingsProblem(wave, settings, waveResponseCount(deps.db, wave.id) > 0);
        if (problem) errors.settings = problem;
      }
      if (Object.keys(errors).length > 0) return renderShow(req, res, wave, 422, form, errors);
      deps.db.transaction(() => {
        updateWaveSettings(deps.db, wave.id, settings);
        if (settings.linkMode === 'open') for (const unitId of waveUnitIds(deps.db, wave.id)) createLink(deps.db, wave.id, unitId);
        auditAction(deps, res, 'wave.settings', `${wave.id}: k=${settings.kResults}/${settings.kDistribution}/${settings.kText}, ${settings.linkMode}`);
      }).immediate();
      res.redirect(303, `/admin/malinger/${wave.id}`);
    },
    setStatus(req: Request, res: Response): void {
      const wave = waveOf(res);
      const status = formText((req.body as Record<string, unknown> | undefined)?.status);
      if (status !== 'open' && status !== 'closed') throw new HttpError(400, 'badRequest');
      if (status === 'open' && wave.status === 'closed') {
        // Its results are a release that later ones are decided against: they must be computed
        // (and recorded) before new answers come in, and the project leader must know the cost.
        // While they are being computed, waveResults throws and the page says so (503).
        const results = waveResults(deps.db, wave);
        if (formText((req.body as Record<string, unknown> | undefined)?.confirm) !== 'yes') {
          const shownGroups = results ? [...results.summaries.values()].filter((g) => g.released).length : 0;
          return res.render('admin/wave-reopen', { wave, shownGroups, units: results?.summaries.size ?? 0 });
        }
      }
      // Closing ends answering for everyone: the page says so and asks first, like reopening.
      if (status === 'closed' && formText((req.body as Record<string, unknown> | undefined)?.confirm) !== 'yes') {
        return res.render('admin/wave-close', { wave, responses: waveResponseCount(deps.db, wave.id) });
      }
      deps.db.transaction(() => {
        if (status === 'closed') closeWave(deps.db, wave.id);
        else openWave(deps.db, wave.id);
        auditAction(deps, res, status === 'open' ? (wave.status === 'closed' ? 'wave.reopen' : 'wave.open') : 'wave.close', String(wave.id));
      }).immediate();
      res.redirect(303, `/admin/malinger/${wave.id}`);
    },
    setProject(req: Request, res: Response): void {
      const wave = waveOf(res);
      const body = req.body as Record<string, unknown> | undefined;
      const choice = formText(body?.project);
      const newName = formText(body?.newProject, 200);
      const existing = choice === 'new' || choice === '' ? undefined : getProject(deps.db, Number(choice));
      if (choice === 'new' && (newName === '' || newName.length > 200)) throw new HttpError(400, 'badRequest');
      // A project compares one survey over time; waves of another survey cannot join it.
      if (choice !== 'new' && choice !== '' && (!existing || existing.surveyId !== wave.surveyId)) throw new HttpError(400, 'badRequest');
      deps.db.transaction(() => {
        const projectId = choice === 'new' ? createProject(deps.db, newName, wave.surveyId) : (existing?.id ?? null);
        setWaveProject(deps.db, wave.id, projectId);
        auditAction(deps, res, 'wave.project', `${wave.id} -> ${projectId ?? 'none'}`);
      }).immediate();
      res.redirect(303, `/admin/malinger/${wave.id}`);
    },
    linksCsv(req: Request, res: Response): void {
      const wave = waveOf(res);
      const rows = listLinks(deps.db, wave.id).map((l) => ({ unit: l.unitId, name: getUnit(deps.db, l.unitId)?.name ?? '', link: `${baseUrl(req)}/s/${l.code}` }));
      const t = res.locals.t as Translate;
      const csv = toCsv(rows, [{ label: t('csv.col.unitId'), value: 'unit' }, { label: t('csv.col.unit'), value: 'name' }, { label: t('csv.col.link'), value: 'link' }], delimiterFrom(req.query.skilletegn));
      sendCsv(res, `lenker-maling-${wave.id}.csv`, csv);
    },
    tokensCsv(req: Request, res: Response): void {
      const wave = waveOf(res);
      if (wave.linkMode !== 'token') throw new HttpError(409, 'notTokenWave');
      const body = req.body as Record<string, unknown> | undefined;
      const unitIds = waveUnitIds(deps.db, wave.id);
      const chosen = formList(body?.unitIds).filter((id) => unitIds.includes(id));
      const requested = formText(body?.count, 10);
      // A form mistake, not a broken request: the same page with the message and the input kept.
      const tokenErrors: Record<string, string> = {};
      if (chosen.length === 0) tokenErrors.tokenUnits = 'wave.tokenUnitsNeeded';
      if (requested !== '' && !/^\d{1,4}$/.test(requested)) tokenErrors.count = 'wave.tokenCountInvalid';
      if (Object.keys(tokenErrors).length > 0) return renderShow(req, res, wave, 400, undefined, {}, { unitIds: chosen, count: requested, errors: tokenErrors });
      // Every unit's tokens and the audit entry in one transaction: a failure leaves no tokens
      // behind that nobody was shown.
      const rows = deps.db.transaction(() => {
        const rows: Record<string, unknown>[] = [];
        for (const unitId of chosen) {
          const unit = getUnit(deps.db, unitId);
          const count = requested === '' ? (unit?.headcount ?? 0) : Number(requested);
          for (const token of createTokens(deps.db, wave.id, unitId, Math.min(count, 5000))) rows.push({ unit: unitId, name: unit?.name ?? '', link: `${baseUrl(req)}/s/${token}` });
        }
        auditAction(deps, res, 'wave.tokens', `${wave.id}: ${rows.length} tokens for ${chosen.join(', ')}`);
        return rows;
      }).immediate();
      const t = res.locals.t as Translate;
      const csv = toCsv(rows, [{ label: t('csv.col.unitId'), value: 'unit' }, { label: t('csv.col.unit'), value: 'name' }, { label: t('csv.col.personalLink'), value: 'link' }], delimiterFrom(body?.skilletegn));
      sendCsv(res, `personlige-lenker-maling-${wave.id}.csv`, csv);
    },
    async print(req: Request, res: Response): Promise<void> {
      const wave = waveOf(res);
      const unit = unitOf(res);
      const code = listLinks(deps.db, wave.id).find((l) => l.unitId === unit.id)?.code;
      if (!code) throw new HttpError(404, 'notFound');
      const url = `${baseUrl(req)}/s/${code}`;
      const qr = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
      res.render('admin/wave-print', { wave, unit, url, qr });
    },
  };
}
