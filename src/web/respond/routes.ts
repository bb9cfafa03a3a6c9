// The respondent's route table: /s/<code>/... for one wave and unit (open link or one-time token).
import express, { type NextFunction, type Request, type Response } from 'express';
import type { AppDeps } from '../deps.js';
import { today } from '../../clock.js';
import { HttpError } from '../../errors.js';
import { resolveLink } from '../../store/links.js';
import { getSurveyVersion } from '../../store/survey-versions.js';
import * as h from './handlers.js';
import { offeredLanguages, preferredLanguage, useLanguage } from './language.js';
import { RESPONDENT_LIMITS, respondentLimiter, type RespondentLimits } from './rate-limit.js';

/** respondRouter serves welcome, pages, review, submit and thanks for a respondent link, rate-limited
 *  per draft and (draft creation, wrong resume codes) per address; `limits` is for tests. */
export function respondRouter(deps: AppDeps, limits: RespondentLimits = RESPONDENT_LIMITS): express.Router {
  const router = express.Router();
  const limit = respondentLimiter(limits);

  // Loader: attaches the link's wave, unit and frozen survey, or answers 404.
  router.param('code', (req: Request, res: Response, next: NextFunction, code: string) => {
    const found = resolveLink(deps.db, code);
    const survey = found && getSurveyVersion(deps.db, found.wave.surveyId, found.wave.surveyVersion);
    if (!found || !survey) return next(new HttpError(404, 'notFound'));
    const { access, wave, unit } = found;
    const languages = offeredLanguages(wave, survey);
    const language = preferredLanguage(req, wave, languages);
    const shown = useLanguage(res, languages, survey, language);
    // With a choice of survey languages, the welcome page offers them instead of the header's switch.
    if (languages.length > 1) res.locals.langChoices = [];
    res.locals.ctx = { access, wave, unit, survey: shown, baseSurvey: survey, languages, language, code, today: today(deps.config.TIME_ZONE) } satisfies h.RespondContext;
    next();
  });

  router.get('/:code', h.welcome(deps));
  router.get('/:code/takk', h.thanks);
  router.post('/:code/start', limit.draftCreation, h.requireOpen, h.start(deps));
  router.post('/:code/fortsett', limit.resumeGuessing, h.requireOpen, h.resume(deps));
  router.get('/:code/del/:section', h.requireOpen, h.showPage(deps));
  router.post('/:code/del/:section', limit.draftPosts, h.requireOpen, h.savePage(deps));
  router.get('/:code/oppsummering', h.requireOpen, h.review(deps));
  router.post('/:code/send', limit.draftPosts, h.requireOpen, h.submit(deps));
  return router;
}
