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
  }).immediate();
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

/** versionInUse tells whether any wave (in any status) has frozen this version. */
export function versionInUse(db: Db, surveyId: string, version: number): boolean {
  return prepared(db, 'SELECT 1 FROM wave WHERE survey_id = ? AND survey_version = ? LIMIT 1').get(surveyId, version) !== undefined;
}

/** listSurveyVersions returns the stored version numbers of a survey, oldest first. */
export function listSurveyVersions(db: Db, surveyId: string): number[] {
  return (prepared(db, 'SELECT version FROM survey_version WHERE survey_id = ? ORDER BY version').all(surveyId) as { version: number }[]).map((r) => r.version);
}

/** storedSurveyIds lists every survey id with a stored version. */
export function storedSurveyIds(db: Db): string[] {
  return (prepared(db, 'SELECT DISTINCT survey_id FROM survey_version ORDER BY survey_id').all() as { survey_id: string }[]).map((r) => r.survey_id);
}

export type StoredVersion = { version: number; outcome: 'created' | 'replaced' | 'unchanged' };

/** storeSurveyVersion saves a survey built in the browser (its `version` is ignored): as version 1
 *  when none exists; over the latest version when no wave has frozen it, or when only translations
 *  changed (as syncSurveyVersions does); otherwise as a new version, so waves keep what they froze.
 *  Call it inside the caller's transaction with the audit entry. */
export function storeSurveyVersion(db: Db, survey: Survey): StoredVersion {
  const latest = latestSurveyVersion(db, survey.id);
  if (!latest) {
    prepared(db, 'INSERT INTO survey_version (survey_id, version, definition) VALUES (?, ?, ?)').run(survey.id, 1, canonical({ ...survey, version: 1 }));
    return { version: 1, outcome: 'created' };
  }
  const same = { ...survey, version: latest.version };
  if (canonical(same) === canonical(latest)) return { version: latest.version, outcome: 'unchanged' };
  if (!versionInUse(db, survey.id, latest.version) || meaningOf(same) === meaningOf(latest)) {
    prepared(db, 'UPDATE survey_version SET definition = ? WHERE survey_id = ? AND version = ?').run(canonical(same), survey.id, latest.version);
    cache.get(db)?.delete(`${survey.id}@${latest.version}`);
    return { version: latest.version, outcome: 'replaced' };
  }
  const version = latest.version + 1;
  prepared(db, 'INSERT INTO survey_version (survey_id, version, definition) VALUES (?, ?, ?)').run(survey.id, version, canonical({ ...survey, version }));
  return { version, outcome: 'created' };
}
