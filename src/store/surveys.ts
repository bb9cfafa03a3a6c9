// Surveys built in the browser: the working copy (a definition file's JSON, which may be unfinished
// while it is edited) per survey id. Publishing it stores a frozen version (survey-versions.ts
// storeSurveyVersion); waves only ever see published versions. A survey id with stored versions but
// no working copy came from surveys/ and is a read-only template.
import { sourceFileOf, type DefinitionProblem } from '../survey/load.js';
import type { Survey } from '../survey/model.js';
import type { SurveyFile } from '../survey/schema.js';
import { prepared, type Db } from './db.js';
import { storedSurveyIds } from './survey-versions.js';

/** The builder's working copy of a survey. */
export interface SurveyDraft {
  surveyId: string;
  /** The definition as a file has it; texts are per-language maps. Possibly invalid while edited. */
  definition: SurveyFile;
  /** Where it started: "mal:<id>", "skjema:<id>@<version>", "import" or "" (blank). */
  basedOn: string;
  updatedAt: string;
}

interface Row {
  survey_id: string;
  definition: string;
  based_on: string;
  updated_at: string;
}

const toDraft = (r: Row): SurveyDraft => ({ surveyId: r.survey_id, definition: JSON.parse(r.definition) as SurveyFile, basedOn: r.based_on, updatedAt: r.updated_at });

/** getSurveyDraft returns a builder survey's working copy, or undefined (unknown id or a template). */
export function getSurveyDraft(db: Db, surveyId: string): SurveyDraft | undefined {
  const row = prepared(db, 'SELECT survey_id, definition, based_on, updated_at FROM survey_draft WHERE survey_id = ?').get(surveyId) as Row | undefined;
  return row && toDraft(row);
}

/** listSurveyDrafts returns every builder survey, by id. */
export function listSurveyDrafts(db: Db): SurveyDraft[] {
  return (prepared(db, 'SELECT survey_id, definition, based_on, updated_at FROM survey_draft ORDER BY survey_id').all() as Row[]).map(toDraft);
}

/** templateIds lists the survey ids that are read-only templates: stored versions, no working copy. */
export function templateIds(db: Db): string[] {
  const own = new Set(listSurveyDrafts(db).map((d) => d.surveyId));
  return storedSurveyIds(db).filter((id) => !own.has(id));
}

/** surveyIdTaken tells whether an id already names a template or a builder survey. */
export function surveyIdTaken(db: Db, surveyId: string): boolean {
  return getSurveyDraft(db, surveyId) !== undefined || storedSurveyIds(db).includes(surveyId);
}

/** createSurveyDraft stores a new builder survey's working copy (the id must be free). */
export function createSurveyDraft(db: Db, definition: SurveyFile, basedOn: string, at: Date): void {
  prepared(db, 'INSERT INTO survey_draft (survey_id, definition, based_on, updated_at) VALUES (?, ?, ?, ?)').run(definition.id, JSON.stringify(definition), basedOn, at.toISOString());
}

/** saveSurveyDraft replaces a builder survey's working copy (its id never changes). */
export function saveSurveyDraft(db: Db, surveyId: string, definition: SurveyFile, at: Date): void {
  prepared(db, 'UPDATE survey_draft SET definition = ?, updated_at = ? WHERE survey_id = ?').run(JSON.stringify({ ...definition, id: surveyId }), at.toISOString(), surveyId);
}

/** builderIdClashes returns a problem for every file survey whose id names a survey built in the
 *  browser: its versions would mix with the builder's, so start-up stops instead of syncing it. */
export function builderIdClashes(db: Db, surveys: Iterable<Survey>): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  for (const survey of surveys) {
    if (!getSurveyDraft(db, survey.id)) continue;
    problems.push({
      file: sourceFileOf(survey) ?? survey.id,
      path: 'id',
      message: `"${survey.id}" is the id of a survey built in the browser (Admin > Skjemaer); give the file another id or remove it`,
    });
  }
  return problems;
}

/** wavesUsingSurvey lists the waves (any status) that froze any version of a survey, by id. */
export function wavesUsingSurvey(db: Db, surveyId: string): { id: number; name: string; version: number }[] {
  return prepared(db, 'SELECT id, name, survey_version AS version FROM wave WHERE survey_id = ? ORDER BY id').all(surveyId) as { id: number; name: string; version: number }[];
}

/** deleteBuilderSurvey removes a builder survey's working copy and every stored version; the caller
 *  has checked that no wave uses any of them (the wave's foreign key would refuse it anyway). */
export function deleteBuilderSurvey(db: Db, surveyId: string): void {
  db.transaction(() => {
    prepared(db, 'DELETE FROM survey_version WHERE survey_id = ?').run(surveyId);
    prepared(db, 'DELETE FROM survey_draft WHERE survey_id = ?').run(surveyId);
  }).immediate();
}
