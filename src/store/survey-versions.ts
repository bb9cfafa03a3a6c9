// Frozen survey versions: every loaded definition is stored once per (id, version), and a
// definition whose meaning changes without a new version number stops start-up. The meaning is the
// structure and the bokmål wording (survey/texts.ts meaningOf): adding or correcting a translation
// replaces the stored texts of that version in place, since answers do not depend on it.
import type { Survey } from '../survey/model.js';
import { meaningOf } from '../survey/texts.js';
import { prepared, type Db } from './db.js';

/** canonical serialises a resolved survey the same way every time. */
function canonical(survey: Survey): string {
  return JSON.stringify(survey);
}

/** syncSurveyVersions stores new versions, refreshes the translations of stored ones, and returns a
 *  problem per survey whose meaning changed without a new version. */
export function syncSurveyVersions(db: Db, surveys: Iterable<Survey>): string[] {
  const problems: string[] = [];
  const get = prepared(db, 'SELECT definition FROM survey_version WHERE survey_id = ? AND version = ?');
  const insert = prepared(db, 'INSERT INTO survey_version (survey_id, version, definition) VALUES (?, ?, ?)');
  const update = prepared(db, 'UPDATE survey_version SET definition = ? WHERE survey_id = ? AND version = ?');
  db.transaction(() => {
    for (const survey of surveys) {
      const text = canonical(survey);
      const row = get.get(survey.id, survey.version) as { definition: string } | undefined;
      if (!row) insert.run(survey.id, survey.version, text);
      else if (row.definition === text) continue;
      else if (meaningOf(JSON.parse(row.definition) as Survey) === meaningOf(survey)) {
        update.run(text, survey.id, survey.version);
        cache.get(db)?.delete(`${survey.id}@${survey.version}`);
      } else {
        problems.push(
          `survey "${survey.id}" version ${survey.version} differs from the version ${survey.version} already stored; ` +
            'answers are tied to its structure and bokmål wording, so raise "version" when you change them (translations alone need no new version)',
        );
      }
    }
  })();
  return problems;
}

const cache = new WeakMap<Db, Map<string, Survey>>();

/** getSurveyVersion returns the frozen definition a wave answers, or undefined. */
export function getSurveyVersion(db: Db, surveyId: string, version: number): Survey | undefined {
  let byKey = cache.get(db);
  if (!byKey) cache.set(db, (byKey = new Map()));
  const key = `${surveyId}@${version}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const row = prepared(db, 'SELECT definition FROM survey_version WHERE survey_id = ? AND version = ?').get(surveyId, version) as { definition: string } | undefined;
  if (!row) return undefined;
  const survey = JSON.parse(row.definition) as Survey;
  byKey.set(key, survey);
  return survey;
}

/** latestSurveyVersion returns the highest stored version of a survey, or undefined. */
export function latestSurveyVersion(db: Db, surveyId: string): Survey | undefined {
  const row = prepared(db, 'SELECT max(version) AS version FROM survey_version WHERE survey_id = ?').get(surveyId) as { version: number | null } | undefined;
  return row?.version == null ? undefined : getSurveyVersion(db, surveyId, row.version);
}
