// Preview: a survey's pages exactly as respondents see them (the respondent page template, its
// view model, its answer parsing and its condition script), in any of the survey's languages, with
// nothing stored. The answers so far travel in a hidden field, so conditions across pages work too.
import type { Request, Response, Router } from 'express';
import { HttpError } from '../../errors.js';
import type { Draft } from '../../store/drafts.js';
import { getSurveyVersion, latestSurveyVersion } from '../../store/survey-versions.js';
import { mergePage, parsePage, revalidate, visibleSections, type FieldError, type FormBody } from '../../survey/answers.js';
import { pruneHidden } from '../../survey/conditions.js';
import type { Answers, Survey } from '../../survey/model.js';
import { asMaps } from '../../survey/edit.js';
import { languageName } from '../../survey/texts.js';
import type { AppDeps } from '../deps.js';
import type { Translate } from '../i18n/index.js';
import type { RespondContext } from '../respond/handlers.js';
import { useLanguage } from '../respond/language.js';
import { pageView } from '../respond/view-model.js';
import { builderBase, checkDraft, targetOf } from './builder-target.js';

// The welcome page names the threshold; a preview has no wave, so it shows the usual default.
const PREVIEW_K = 5;

/** The survey a preview shows: a stored version when asked for, else the working copy when it is
 *  valid, else the latest stored version; undefined when there is none yet. */
function previewSurvey(deps: AppDeps, req: Request, res: Response): { survey: Survey; version?: number } | undefined {
  const target = targetOf(res);
  const asked = Number(req.query.versjon);
  if (Number.isInteger(asked) && asked > 0) {
    const survey = getSurveyVersion(deps.db, target.surveyId, asked);
    if (!survey) throw new HttpError(404, 'notFound');
    return { survey, version: asked };
  }
  if (target.draft) {
    const checked = checkDraft(deps, asMaps(target.draft.definition));
    if (checked.ok) return { survey: checked.survey };
  }
  const latest = latestSurveyVersion(deps.db, target.surveyId);
  return latest && { survey: latest, version: latest.version };
}

// The answers so far come back from the browser: only those that still parse as answers to the
// survey's items are kept, as a draft's are before a submit.
function readAnswers(survey: Survey, body: FormBody): Answers {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body._answers === 'string' ? body._answers : '{}');
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const answers = parsed as Answers;
  const bad = new Set(revalidate(survey, answers));
  return Object.fromEntries(Object.entries(answers).filter(([id]) => !bad.has(id)));
}

/** builderPreviewRoutes mounts the preview pages (GET shows a page, POST moves on with the answers). */
export function builderPreviewRoutes(admin: Router, deps: AppDeps): void {
  const show = (req: Request, res: Response, status: number, survey: Survey, version: number | undefined, sectionId: string, answers: Answers, raw: Record<string, string | string[]>, errors: FieldError[]): void => {
    const target = targetOf(res);
    const lang = String(req.params.lang);
    const languages = survey.languages ?? ['nb'];
    if (!languages.includes(lang)) throw new HttpError(404, 'notFound');
    const staffT = res.locals.t;
    const staffLang = res.locals.lang as string;
    const shown = useLanguage(res, languages, survey, lang);
    const visible = visibleSections(shown, answers);
    const section = visible.find((s) => s.id === sectionId);
    if (!section) throw new HttpError(404, 'notFound');
    const query = version === undefined ? '' : `?versjon=${version}`;
    const base = `${builderBase(target.surveyId)}/forhandsvis`;
    // The respondent view model needs only the survey and a code from its context, and a resume code from the draft.
    const ctx = { survey: shown, baseSurvey: survey, languages, language: lang, code: 'forhandsvisning' } as RespondContext;
    const draft = { resumeCode: '' } as Draft;
    res.locals.langChoices = [];
    res.status(status).render('respond/page', {
      ...pageView(ctx, draft, section, visible, answers, raw, errors),
      formAction: `${base}/${lang}/del/${section.id}${query}`,
      preview: {
        answers: JSON.stringify(answers),
        back: target.draft ? builderBase(target.surveyId) : `${builderBase(target.surveyId)}/versjoner`,
        languages: languages.map((tag) => ({ tag, name: languageName(tag), href: `${base}/${tag}/del/${section.id}${query}`, current: tag === lang })),
        welcome: section.id === visible[0]?.id ? `${base}/${lang}/velkommen${query}` : undefined,
        staffT,
        staffLang,
      },
    });
  };

  // The welcome page as respondents see it (background-question notice included), with a made-up
  // unit and the default threshold; "start" leads to the first page's preview instead of a draft.
  admin.get('/skjema/:surveyId/forhandsvis/:lang/velkommen', (req, res) => {
    const found = previewSurvey(deps, req, res);
    if (!found) throw new HttpError(404, 'notFound');
    const { survey, version } = found;
    const target = targetOf(res);
    const lang = String(req.params.lang);
    const languages = survey.languages ?? ['nb'];
    const first = survey.sections[0];
    if (!languages.includes(lang) || !first) throw new HttpError(404, 'notFound');
    const staffT = res.locals.t as Translate;
    const staffLang = res.locals.lang as string;
    const shown = useLanguage(res, languages, survey, lang);
    const query = version === undefined ? '' : `?versjon=${version}`;
    const base = `${builderBase(target.surveyId)}/forhandsvis`;
    const ctx = { survey: shown, baseSurvey: survey, languages, language: lang, code: 'forhandsvisning', access: { kind: 'open' }, unit: { name: staffT('builder.previewUnit') }, wave: { kResults: PREVIEW_K } } as unknown as RespondContext;
    res.locals.langChoices = [];
    res.render('respond/welcome', {
      ctx,
      draft: undefined,
      languageChoices: [],
      ttlDays: deps.config.DRAFT_TTL_DAYS,
      resumeError: false,
      resumeValue: '',
      preview: {
        start: `${base}/${lang}/del/${first.id}${query}`,
        back: target.draft ? builderBase(target.surveyId) : `${builderBase(target.surveyId)}/versjoner`,
        languages: languages.map((tag) => ({ tag, name: languageName(tag), href: `${base}/${tag}/velkommen${query}`, current: tag === lang })),
        staffT,
        staffLang,
      },
    });
  });

  admin.get('/skjema/:surveyId/forhandsvis', (req, res) => {
    const found = previewSurvey(deps, req, res);
    if (!found) return res.status(409).render('admin/builder-message', { surveyId: targetOf(res).surveyId, messageKey: 'builder.previewInvalid' });
    const first = found.survey.sections[0];
    if (!first) throw new HttpError(404, 'notFound');
    res.redirect(303, `${builderBase(targetOf(res).surveyId)}/forhandsvis/nb/del/${first.id}${found.version === undefined ? '' : `?versjon=${found.version}`}`);
  });

  admin.get('/skjema/:surveyId/forhandsvis/:lang/del/:section', (req, res) => {
    const found = previewSurvey(deps, req, res);
    if (!found) throw new HttpError(404, 'notFound');
    show(req, res, 200, found.survey, found.version, String(req.params.section), {}, {}, []);
  });

  admin.post('/skjema/:surveyId/forhandsvis/:lang/del/:section', (req, res) => {
    const found = previewSurvey(deps, req, res);
    if (!found) throw new HttpError(404, 'notFound');
    const { survey } = found;
    const body = (req.body ?? {}) as FormBody;
    const saved = readAnswers(survey, body);
    const section = visibleSections(survey, saved).find((s) => s.id === String(req.params.section));
    if (!section) throw new HttpError(404, 'notFound');
    const page = parsePage(survey, section, body);
    const answers = pruneHidden(survey, mergePage(survey, section, saved, page.answers, new Set(page.errors.map((e) => e.itemId))));
    if (page.errors.length > 0) return show(req, res, 422, survey, found.version, section.id, answers, page.raw, page.errors);
    const visible = visibleSections(survey, answers);
    const index = visible.findIndex((s) => s.id === section.id);
    const target = body._nav === 'back' ? visible[index - 1] : body._nav === 'save' || body._nav === 'review' ? section : visible[index + 1];
    if (!target) return res.render('admin/builder-message', { surveyId: targetOf(res).surveyId, messageKey: 'builder.previewEnd' });
    show(req, res, 200, survey, found.version, target.id, answers, {}, []);
  });
}
