// What the builder's pages share: the survey the :surveyId loader attached (a working copy, or a
// read-only template), the templates, saving a working copy with its audit entry, and checking one.
import type { Request, Response } from 'express';
import { HttpError } from '../../errors.js';
import { latestSurveyVersion } from '../../store/survey-versions.js';
import { saveSurveyDraft, templateIds, type SurveyDraft } from '../../store/surveys.js';
import { parseDefinition } from '../../survey/file-form.js';
import type { Survey } from '../../survey/model.js';
import type { SurveyFile } from '../../survey/schema.js';
import { auditAction } from '../audit.js';
import { nowOf, type AppDeps } from '../deps.js';

/** The languages a survey may declare in the builder: those the respondent pages speak. */
export const BUILDER_LANGUAGES = ['nb', 'nn', 'en', 'pl', 'lt'] as const;

/** builderBase is the address of a survey's builder page. */
export const builderBase = (surveyId: string): string => `/admin/skjema/${encodeURIComponent(surveyId)}`;

/** formBody is a form post's fields (empty when none were sent). */
export const formBody = (req: Request): Record<string, unknown> => (req.body ?? {}) as Record<string, unknown>;

/** What :surveyId loads: a builder survey's working copy, or (draft undefined) a template. */
export interface BuilderTarget {
  surveyId: string;
  draft?: SurveyDraft;
}

/** targetOf returns what the :surveyId loader attached. */
export const targetOf = (res: Response): BuilderTarget => res.locals.builder as BuilderTarget;

/** draftOf returns the working copy, or 409 for a template (templates are read-only). */
export function draftOf(res: Response): SurveyDraft {
  const draft = targetOf(res).draft;
  if (!draft) throw new HttpError(409, 'builderTemplate');
  return draft;
}

/** templates returns the latest version of each read-only template. */
export function templates(deps: AppDeps): Survey[] {
  return templateIds(deps.db).flatMap((id) => latestSurveyVersion(deps.db, id) ?? []);
}

/** saveDraft stores a changed working copy and audits it, in one transaction. */
export function saveDraft(deps: AppDeps, res: Response, surveyId: string, def: SurveyFile, action: string, detail: string): void {
  deps.db.transaction(() => {
    saveSurveyDraft(deps.db, surveyId, def, new Date(nowOf(deps)));
    auditAction(deps, res, `builder.${action}`, `${surveyId}: ${detail}`);
  }).immediate();
}

/** checkDraft runs the loader over a working copy; templates are parsed with it only when it
 *  includes one (the builder flattens includes, so only a hand-edited copy could). */
export function checkDraft(deps: AppDeps, def: SurveyFile) {
  const includes = def.sections.some((s) => 'include' in s);
  return parseDefinition(JSON.stringify(def), `${def.id}.json`, includes ? templates(deps) : []);
}

