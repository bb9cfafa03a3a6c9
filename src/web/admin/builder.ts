// The questionnaire builder for project leaders: the list of surveys (own ones and the read-only
// templates from surveys/), starting one (blank, from a template, from another survey, or from a
// JSON file), the survey's overview with its problems in words, settings, publishing a version,
// export, and the versions with their differences. Sections and items: builder-items.ts; preview:
// builder-preview.ts. Every change is audited in the same transaction as the write.
import type { NextFunction, Request, Response, Router } from 'express';
import { HttpError } from '../../errors.js';
import { diffVersions } from '../../report/version-diff.js';
import { getSurveyVersion, latestSurveyVersion, listSurveyVersions, storeSurveyVersion } from '../../store/survey-versions.js';
import { createSurveyDraft, deleteBuilderSurvey, getSurveyDraft, listSurveyDrafts, saveSurveyDraft, surveyIdTaken, templateIds, wavesUsingSurvey } from '../../store/surveys.js';
import { asMaps, blankDefinition, textOf, withText } from '../../survey/edit.js';
import { parseDefinition, toSurveyFile } from '../../survey/file-form.js';
import { Id, type SurveyFile } from '../../survey/schema.js';
import { languageName, textSlots } from '../../survey/texts.js';
import { decodeUpload } from '../../org/upload.js';
import { auditAction } from '../audit.js';
import { nowOf, type AppDeps } from '../deps.js';
import { formList, formText } from '../forms.js';
import type { Translate } from '../i18n/index.js';
import { csvUpload } from '../multipart.js';
import { checkCsrf } from '../staff/session.js';
import { describeProblems } from './builder-problems.js';
import { builderBase as base, BUILDER_LANGUAGES, checkDraft, draftOf, formBody, saveDraft, targetOf, templates, type BuilderTarget } from './builder-target.js';
import { builderItemRoutes } from './builder-items.js';
import { builderPartRoutes } from './builder-parts.js';
import { builderPreviewRoutes } from './builder-preview.js';

interface NewForm {
  id: string;
  title: string;
  from: string;
}

/** builderRoutes mounts the builder on the admin router, behind the session and admin checks. Call
 *  it before the router's CSRF check: the JSON upload reads its multipart body first and then checks
 *  the token itself; every other route here checks it as its first step. */
export function builderRoutes(admin: Router, deps: AppDeps): void {
  admin.param('surveyId', (_req: Request, res: Response, next: NextFunction, value: string) => {
    const draft = getSurveyDraft(deps.db, value);
    if (!draft && !templateIds(deps.db).includes(value)) return next(new HttpError(404, 'notFound'));
    res.locals.builder = { surveyId: value, draft } satisfies BuilderTarget;
    next();
  });

  const renderList = (res: Response, status: number, form: NewForm, errors: Record<string, string>, json = '', jsonProblems: string[] = []): void => {
    const t = res.locals.t as Translate;
    const drafts = listSurveyDrafts(deps.db).map((d) => ({ id: d.surveyId, title: textOf(d.definition.title, 'nb'), versions: listSurveyVersions(deps.db, d.surveyId), updatedAt: d.updatedAt }));
    const tpls = templates(deps).map((s) => ({ id: s.id, title: s.title, version: s.version }));
    res.status(status).render('admin/builder-list', { drafts, templates: tpls, form, errors, json, jsonProblems, t });
  };

  const renderOverview = (res: Response, status: number, extra: Record<string, unknown> = {}): void => {
    const target = targetOf(res);
    const t = res.locals.t as Translate;
    const draft = draftOf(res);
    const def = asMaps(draft.definition);
    const checked = checkDraft(deps, def);
    const versions = listSurveyVersions(deps.db, target.surveyId);
    res.status(status).render('admin/builder', {
      def,
      surveyId: target.surveyId,
      problems: checked.ok ? [] : describeProblems(t, target.surveyId, def, checked.problems),
      versions,
      languages: BUILDER_LANGUAGES.map((tag) => ({ tag, name: languageName(tag) })),
      textOf,
      settings: { title: textOf(def.title, 'nb'), description: textOf(def.description, 'nb'), estimatedMinutes: def.estimatedMinutes === undefined ? '' : String(def.estimatedMinutes), languages: def.languages ?? ['nb'] },
      errors: {},
      published: undefined,
      ...extra,
    });
  };

  // A definition as JSON, as a file or pasted: a new survey, or (from a survey's page) its new working copy.
  const importJson = async (req: Request, res: Response): Promise<void> => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const pasted = typeof b.json === 'string' ? b.json : '';
    const read = Buffer.isBuffer(b.file) && b.file.length > 0 ? await decodeUpload(b.file) : undefined;
    const text = read?.ok ? read.text : pasted;
    const into = typeof req.params.surveyId === 'string' ? draftOf(res) : undefined;
    const t = res.locals.t as Translate;
    const fail = (problems: string[]): void => {
      if (into) renderOverview(res, 422, { importProblems: problems, json: text });
      else renderList(res, 422, { id: '', title: '', from: 'blank' }, { json: 'builder.importInvalid' }, text, problems);
    };
    if (read && !read.ok) return fail([t('builder.importUnreadable')]);
    let def: SurveyFile | undefined;
    try {
      def = JSON.parse(into ? JSON.stringify({ ...(JSON.parse(text) as object), id: into.surveyId }) : text) as SurveyFile;
    } catch {
      def = undefined;
    }
    const checked = parseDefinition(def ? JSON.stringify(def) : text, 'import.json', templates(deps));
    if (!checked.ok) {
      const shown = def && typeof def === 'object' && Array.isArray(def.sections) ? describeProblems(t, String(def.id), def, checked.problems) : checked.problems.map((p) => ({ where: p.path, message: p.message, href: '' }));
      return fail(shown.map((p) => `${p.where}: ${p.message}`));
    }
    const survey = checked.survey;
    if (!into && surveyIdTaken(deps.db, survey.id)) return fail([t('builder.importIdTaken', { id: survey.id })]);
    const file = asMaps(toSurveyFile(survey));
    deps.db.transaction(() => {
      if (into) saveSurveyDraft(deps.db, survey.id, file, new Date(nowOf(deps)));
      else createSurveyDraft(deps.db, file, 'import', new Date(nowOf(deps)));
      auditAction(deps, res, 'builder.import', `${survey.id}: ${survey.items.length} items`);
    }).immediate();
    res.redirect(303, base(survey.id));
  };
  admin.post('/skjema/import', csvUpload, checkCsrf, importJson);
  admin.post('/skjema/:surveyId/import', csvUpload, checkCsrf, importJson);
  admin.use('/skjema', checkCsrf);

  admin.get('/skjema', (_req, res) => renderList(res, 200, { id: '', title: '', from: 'blank' }, {}));

  admin.post('/skjema', (req, res) => {
    const b = req.body as Record<string, unknown> | undefined;
    const form: NewForm = { id: formText(b?.id, 64), title: formText(b?.title, 200), from: formText(b?.from, 200) };
    const errors: Record<string, string> = {};
    if (!Id.safeParse(form.id).success) errors.id = 'builder.idInvalid';
    else if (surveyIdTaken(deps.db, form.id)) errors.id = 'builder.idTaken';
    if (form.title === '') errors.title = 'builder.titleMissing';
    const t = res.locals.t as Translate;
    let def: SurveyFile | undefined;
    if (form.from === 'blank') def = blankDefinition(form.id, form.title, t('builder.firstSection'));
    else {
      const [kind, id] = form.from.split(':');
      const source = kind === 'mal' && id && templateIds(deps.db).includes(id) ? latestSurveyVersion(deps.db, id) : kind === 'skjema' && id ? getSurveyDraft(deps.db, id)?.definition : undefined;
      if (!source) errors.from = 'builder.fromUnknown';
      else def = { ...asMaps('items' in source ? toSurveyFile(source) : source), id: form.id, version: 1, title: withText(undefined, 'nb', form.title) };
    }
    if (Object.keys(errors).length > 0 || !def) return renderList(res, 422, form, errors);
    const created = def;
    deps.db.transaction(() => {
      createSurveyDraft(deps.db, created, form.from, new Date(nowOf(deps)));
      auditAction(deps, res, 'builder.create', `${form.id} (${form.from})`);
    }).immediate();
    res.redirect(303, base(form.id));
  });


  builderItemRoutes(admin, deps);
  builderPartRoutes(admin, deps);
  builderPreviewRoutes(admin, deps);

  admin.get('/skjema/:surveyId', (req, res) => {
    if (!targetOf(res).draft) return res.redirect(303, `${base(targetOf(res).surveyId)}/versjoner`);
    renderOverview(res, 200, { published: typeof req.query.lagret === 'string' ? req.query.lagret : undefined });
  });

  admin.post('/skjema/:surveyId/innstillinger', (req, res) => {
    const draft = draftOf(res);
    const b = req.body as Record<string, unknown> | undefined;
    const settings = {
      title: formText(b?.title, 200),
      description: formText(b?.description, 2000),
      estimatedMinutes: formText(b?.estimatedMinutes, 3),
      languages: ['nb', ...formList(b?.languages).filter((l) => l !== 'nb' && (BUILDER_LANGUAGES as readonly string[]).includes(l))],
    };
    const errors: Record<string, string> = {};
    if (settings.title === '') errors.title = 'builder.titleMissing';
    if (settings.estimatedMinutes !== '' && !/^\d{1,3}$/.test(settings.estimatedMinutes)) errors.estimatedMinutes = 'builder.minutesInvalid';
    if (Object.keys(errors).length > 0) return renderOverview(res, 422, { settings, errors });
    const def = asMaps(draft.definition);
    def.title = withText(def.title, 'nb', settings.title);
    if (settings.description === '') delete def.description;
    else def.description = withText(def.description, 'nb', settings.description);
    if (settings.estimatedMinutes === '') delete def.estimatedMinutes;
    else def.estimatedMinutes = Number(settings.estimatedMinutes);
    // Texts in a language no longer declared go with it; the loader would refuse them.
    for (const slot of textSlots(def)) {
      const map = slot.get() as Record<string, string>;
      (slot.set as (v: unknown) => void)(Object.fromEntries(Object.entries(map).filter(([l]) => settings.languages.includes(l))));
    }
    def.languages = settings.languages;
    saveDraft(deps, res, draft.surveyId, def, 'settings', `languages ${settings.languages.join(' ')}`);
    res.redirect(303, base(draft.surveyId));
  });

  admin.post('/skjema/:surveyId/publiser', (_req, res) => {
    const draft = draftOf(res);
    const checked = checkDraft(deps, asMaps(draft.definition));
    if (!checked.ok) return renderOverview(res, 422, { publishFailed: true });
    const stored = deps.db.transaction(() => {
      const stored = storeSurveyVersion(deps.db, checked.survey);
      auditAction(deps, res, 'builder.publish', `${draft.surveyId}: version ${stored.version} ${stored.outcome}`);
      return stored;
    }).immediate();
    res.redirect(303, `${base(draft.surveyId)}?lagret=${stored.version}`);
  });

  // Deleting asks first, and is refused while any wave froze any version: its answers need it.
  const renderDelete = (res: Response, status: number): void => {
    const draft = draftOf(res);
    const waves = wavesUsingSurvey(deps.db, draft.surveyId);
    res.status(status).render('admin/builder-delete', { surveyId: draft.surveyId, title: textOf(draft.definition.title, 'nb'), waves, versions: listSurveyVersions(deps.db, draft.surveyId) });
  };
  admin.get('/skjema/:surveyId/slett', (_req, res) => renderDelete(res, 200));
  admin.post('/skjema/:surveyId/slett', (req, res) => {
    const draft = draftOf(res);
    if (formBody(req).confirm !== 'yes') return res.redirect(303, `${base(draft.surveyId)}/slett`);
    const waves = wavesUsingSurvey(deps.db, draft.surveyId);
    if (waves.length > 0) return renderDelete(res, 409);
    deps.db.transaction(() => {
      const versions = listSurveyVersions(deps.db, draft.surveyId);
      deleteBuilderSurvey(deps.db, draft.surveyId);
      auditAction(deps, res, 'builder.delete', `${draft.surveyId}: ${versions.length} versions`);
    }).immediate();
    res.redirect(303, '/admin/skjema');
  });

  admin.get('/skjema/:surveyId/eksport.json', (req, res) => {
    const target = targetOf(res);
    const asked = Number(req.query.versjon);
    const survey = Number.isInteger(asked) && asked > 0 ? getSurveyVersion(deps.db, target.surveyId, asked) : undefined;
    let file: SurveyFile | undefined;
    if (survey) file = toSurveyFile(survey);
    else if (target.draft) file = target.draft.definition;
    else {
      const latest = latestSurveyVersion(deps.db, target.surveyId);
      file = latest && toSurveyFile(latest);
    }
    if (!file) throw new HttpError(404, 'notFound');
    res.attachment(`${target.surveyId}${survey ? `-v${survey.version}` : ''}.json`);
    res.type('application/json').send(`${JSON.stringify({ $schema: './schema.json', ...file }, null, 2)}\n`);
  });

  admin.get('/skjema/:surveyId/versjoner', (req, res) => {
    const target = targetOf(res);
    const versions = listSurveyVersions(deps.db, target.surveyId);
    const waves = wavesUsingSurvey(deps.db, target.surveyId);
    const pick = (v: unknown, fallback: number | undefined): number | undefined => (typeof v === 'string' && versions.includes(Number(v)) ? Number(v) : fallback);
    const from = pick(req.query.fra, versions.at(-2));
    const to = pick(req.query.til, versions.at(-1));
    const a = from === undefined ? undefined : getSurveyVersion(deps.db, target.surveyId, from);
    const b = to === undefined ? undefined : getSurveyVersion(deps.db, target.surveyId, to);
    res.render('admin/builder-versions', { target, versions, waves, from, to, diff: a && b && from !== to ? diffVersions(a, b) : undefined });
  });
}
