// Waves for project leaders: create, settings (never weakening anonymity once answers exist),
// open/close/reopen, and distribution material (links, token CSV, printable page with QR code).
import type { Request, Response } from 'express';
import QRCode from 'qrcode';
import type { AppDeps } from '../../app.js';
import { HttpError } from '../../errors.js';
import { closeWave } from '../../report/close.js';
import { audit } from '../../store/audit.js';
import { createLink, createTokens, listLinks } from '../../store/links.js';
import { createProject, getProject, listProjects, setWaveProject, waveProjectId } from '../../store/projects.js';
import { getUnit, listUnits } from '../../store/units.js';
import {
  createWave,
  getWave,
  setWaveStatus,
  settingsProblem,
  updateWaveSettings,
  waveResponseCount,
  waveUnitIds,
  type LinkMode,
  type Wave,
  type WaveSettings,
} from '../../store/waves.js';
import { delimiterFrom, sendCsv, toCsv } from '../csv.js';
import { staffOf } from '../staff/session.js';
import { treeRows } from './units.js';

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);
const isDay = (s: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

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
}

function readForm(body: Record<string, unknown> | undefined): WaveForm {
  return {
    name: str(body?.name),
    surveyKey: str(body?.survey),
    unitIds: list(body?.unitIds),
    opensOn: str(body?.opensOn),
    closesOn: str(body?.closesOn),
    kResults: str(body?.kResults),
    kDistribution: str(body?.kDistribution),
    kText: str(body?.kText),
    freeText: body?.freeText === 'on',
    linkMode: str(body?.linkMode),
  };
}

function toSettings(form: WaveForm, errors: Record<string, string>): WaveSettings {
  const int = (v: string, key: string): number => {
    if (!/^\d{1,4}$/.test(v)) errors[key] = 'wave.numberInvalid';
    return Number(v);
  };
  if (form.name === '' || form.name.length > 200) errors.name = 'wave.nameInvalid';
  if (form.opensOn !== '' && !isDay(form.opensOn)) errors.opensOn = 'wave.dateInvalid';
  if (form.closesOn !== '' && !isDay(form.closesOn)) errors.closesOn = 'wave.dateInvalid';
  if (!errors.opensOn && !errors.closesOn && form.opensOn && form.closesOn && form.closesOn < form.opensOn) errors.closesOn = 'wave.datesOrder';
  if (form.linkMode !== 'open' && form.linkMode !== 'token') errors.linkMode = 'wave.linkModeInvalid';
  return {
    name: form.name,
    opensOn: form.opensOn || null,
    closesOn: form.closesOn || null,
    kResults: int(form.kResults, 'kResults'),
    kDistribution: int(form.kDistribution, 'kDistribution'),
    kText: int(form.kText, 'kText'),
    freeTextInReports: form.freeText,
    linkMode: form.linkMode as LinkMode,
  };
}

/** waveHandlers returns the project leader's wave pages. */
export function waveHandlers(deps: AppDeps) {
  const baseUrl = (req: Request): string => deps.config.PUBLIC_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const surveys = (): { key: string; id: string; version: number; title: string }[] =>
    (deps.db.prepare('SELECT survey_id, version, definition FROM survey_version ORDER BY survey_id, version DESC').all() as { survey_id: string; version: number; definition: string }[]).map((r) => ({
      key: `${r.survey_id}@${r.version}`,
      id: r.survey_id,
      version: r.version,
      title: (JSON.parse(r.definition) as { title: string }).title,
    }));
  const load = (req: Request): Wave => {
    const wave = getWave(deps.db, Number(req.params.waveId));
    if (!wave) throw new HttpError(404, 'notFound');
    return wave;
  };
  const actor = (res: Response) => ({ accountId: staffOf(res).account.id, actor: staffOf(res).account.username });
  const renderNew = (res: Response, status: number, form: WaveForm, errors: Record<string, string>): void => {
    res.status(status).render('admin/wave-new', { form, errors, surveys: surveys(), rows: treeRows(listUnits(deps.db).filter((u) => !u.retired)) });
  };
  const renderShow = (req: Request, res: Response, wave: Wave, status = 200, form?: WaveForm, errors: Record<string, string> = {}): void => {
    const unitIds = waveUnitIds(deps.db, wave.id);
    const links = new Map(listLinks(deps.db, wave.id).map((l) => [l.unitId, l.code]));
    const units = unitIds.map((id) => ({ unit: getUnit(deps.db, id), url: links.has(id) ? `${baseUrl(req)}/s/${links.get(id)}` : undefined }));
    res.status(status).render('admin/wave', {
      wave,
      units,
      projects: listProjects(deps.db).filter((p) => p.surveyId === wave.surveyId),
      projectId: waveProjectId(deps.db, wave.id),
      responses: waveResponseCount(deps.db, wave.id),
      form: form ?? {
        name: wave.name,
        opensOn: wave.opensOn ?? '',
        closesOn: wave.closesOn ?? '',
        kResults: String(wave.kResults),
        kDistribution: String(wave.kDistribution),
        kText: String(wave.kText),
        freeText: wave.freeTextInReports,
        linkMode: wave.linkMode,
      },
      errors,
    });
  };

  return {
    newForm(_req: Request, res: Response): void {
      const first = surveys().find((s) => s.id === 'kartlegging') ?? surveys()[0];
      renderNew(res, 200, { name: '', surveyKey: first?.key ?? '', unitIds: [], opensOn: '', closesOn: '', kResults: '5', kDistribution: '10', kText: '10', freeText: false, linkMode: 'open' }, {});
    },
    create(req: Request, res: Response): void {
      const form = readForm(req.body);
      const errors: Record<string, string> = {};
      const settings = toSettings(form, errors);
      const survey = surveys().find((s) => s.key === form.surveyKey);
      if (!survey) errors.survey = 'wave.surveyUnknown';
      if (form.unitIds.length === 0) errors.unitIds = 'wave.unitsNeeded';
      else if (form.unitIds.some((id) => !getUnit(deps.db, id))) errors.unitIds = 'account.unitUnknown';
      if (Object.keys(errors).length === 0) {
        const problem = settingsProblem(undefined, settings, false);
        if (problem) errors.kResults = problem;
      }
      if (Object.keys(errors).length > 0 || !survey) return renderNew(res, 422, form, errors);
      const id = createWave(deps.db, { ...settings, surveyId: survey.id, surveyVersion: survey.version, unitIds: form.unitIds, status: 'draft' });
      updateWaveSettings(deps.db, id, settings);
      if (settings.linkMode === 'open') for (const unitId of form.unitIds) createLink(deps.db, id, unitId);
      audit(deps.db, { ...actor(res), action: 'wave.create', detail: `${id}: ${settings.name}` });
      res.redirect(303, `/admin/malinger/${id}`);
    },
    show(req: Request, res: Response): void {
      renderShow(req, res, load(req));
    },
    updateSettings(req: Request, res: Response): void {
      const wave = load(req);
      const form = readForm(req.body);
      const errors: Record<string, string> = {};
      const settings = toSettings(form, errors);
      if (Object.keys(errors).length === 0) {
        const problem = settingsProblem(wave, settings, waveResponseCount(deps.db, wave.id) > 0);
        if (problem) errors.settings = problem;
      }
      if (Object.keys(errors).length > 0) return renderShow(req, res, wave, 422, form, errors);
      updateWaveSettings(deps.db, wave.id, settings);
      if (settings.linkMode === 'open') for (const unitId of waveUnitIds(deps.db, wave.id)) createLink(deps.db, wave.id, unitId);
      audit(deps.db, { ...actor(res), action: 'wave.settings', detail: `${wave.id}: k=${settings.kResults}/${settings.kDistribution}/${settings.kText}, ${settings.linkMode}` });
      res.redirect(303, `/admin/malinger/${wave.id}`);
    },
    setStatus(req: Request, res: Response): void {
      const wave = load(req);
      const status = str(req.body?.status);
      if (status !== 'open' && status !== 'closed') throw new HttpError(400, 'badRequest');
      if (status === 'closed') closeWave(deps.db, wave.id);
      else setWaveStatus(deps.db, wave.id, status);
      audit(deps.db, { ...actor(res), action: status === 'open' ? (wave.status === 'closed' ? 'wave.reopen' : 'wave.open') : 'wave.close', detail: String(wave.id) });
      res.redirect(303, `/admin/malinger/${wave.id}`);
    },
    setProject(req: Request, res: Response): void {
      const wave = load(req);
      const choice = str(req.body?.project);
      const newName = str(req.body?.newProject);
      let projectId: number | null = null;
      if (choice === 'new') {
        if (newName === '' || newName.length > 200) throw new HttpError(400, 'badRequest');
        projectId = createProject(deps.db, newName, wave.surveyId);
      } else if (choice !== '') {
        const project = getProject(deps.db, Number(choice));
        // A project compares one survey over time; waves of another survey cannot join it.
        if (!project || project.surveyId !== wave.surveyId) throw new HttpError(400, 'badRequest');
        projectId = project.id;
      }
      setWaveProject(deps.db, wave.id, projectId);
      audit(deps.db, { ...actor(res), action: 'wave.project', detail: `${wave.id} -> ${projectId ?? 'none'}` });
      res.redirect(303, `/admin/malinger/${wave.id}`);
    },
    linksCsv(req: Request, res: Response): void {
      const wave = load(req);
      const rows = listLinks(deps.db, wave.id).map((l) => ({ unit: l.unitId, name: getUnit(deps.db, l.unitId)?.name ?? '', link: `${baseUrl(req)}/s/${l.code}` }));
      const csv = toCsv(rows, [{ label: 'enhet_id', value: 'unit' }, { label: 'enhet', value: 'name' }, { label: 'lenke', value: 'link' }], delimiterFrom(req.query.skilletegn));
      sendCsv(res, `lenker-maling-${wave.id}.csv`, csv);
    },
    tokensCsv(req: Request, res: Response): void {
      const wave = load(req);
      if (wave.linkMode !== 'token') throw new HttpError(409, 'notTokenWave');
      const unitIds = waveUnitIds(deps.db, wave.id);
      const chosen = list(req.body?.unitIds).filter((id) => unitIds.includes(id));
      const requested = str(req.body?.count);
      if (chosen.length === 0 || (requested !== '' && !/^\d{1,4}$/.test(requested))) throw new HttpError(400, 'badRequest');
      const rows: Record<string, unknown>[] = [];
      for (const unitId of chosen) {
        const unit = getUnit(deps.db, unitId);
        const count = requested === '' ? (unit?.headcount ?? 0) : Number(requested);
        for (const token of createTokens(deps.db, wave.id, unitId, Math.min(count, 5000))) rows.push({ unit: unitId, name: unit?.name ?? '', link: `${baseUrl(req)}/s/${token}` });
      }
      audit(deps.db, { ...actor(res), action: 'wave.tokens', detail: `${wave.id}: ${rows.length} tokens for ${chosen.join(', ')}` });
      const csv = toCsv(rows, [{ label: 'enhet_id', value: 'unit' }, { label: 'enhet', value: 'name' }, { label: 'personlig_lenke', value: 'link' }], delimiterFrom(req.body?.skilletegn));
      sendCsv(res, `personlige-lenker-maling-${wave.id}.csv`, csv);
    },
    async print(req: Request, res: Response): Promise<void> {
      const wave = load(req);
      const unitId = String(req.params.unitId);
      const code = listLinks(deps.db, wave.id).find((l) => l.unitId === unitId)?.code;
      const unit = getUnit(deps.db, unitId);
      if (!code || !unit) throw new HttpError(404, 'notFound');
      const url = `${baseUrl(req)}/s/${code}`;
      const qr = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
      res.render('admin/wave-print', { wave, unit, url, qr });
    },
  };
}
