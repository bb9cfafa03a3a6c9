// Waves (measurements): a frozen survey version, participating units, dates and thresholds.
import { prepared, type Db } from './db.js';
import { recordRelease } from './releases.js';

export type WaveStatus = 'draft' | 'open' | 'closed';
export type LinkMode = 'open' | 'token';

export interface Wave {
  id: number;
  name: string;
  surveyId: string;
  surveyVersion: number;
  status: WaveStatus;
  opensOn: string | null;
  closesOn: string | null;
  kResults: number;
  kDistribution: number;
  kText: number;
  freeTextInReports: boolean;
  linkMode: LinkMode;
  /** The languages respondents may answer in (each declared by the survey), nb unless chosen. */
  languages: string[];
  /** The language the welcome page opens in for a Norwegian-speaking browser. */
  defaultLanguage: string;
}

export interface WaveRow {
  id: number;
  name: string;
  survey_id: string;
  survey_version: number;
  status: WaveStatus;
  opens_on: string | null;
  closes_on: string | null;
  k_results: number;
  k_distribution: number;
  k_text: number;
  free_text_in_reports: number;
  link_mode: LinkMode;
  languages: string;
  default_language: string;
}

/** toWave reads a wave table row (also one from a join, store/links.ts). */
export const toWave = (r: WaveRow): Wave => ({
  id: r.id,
  name: r.name,
  surveyId: r.survey_id,
  surveyVersion: r.survey_version,
  status: r.status,
  opensOn: r.opens_on,
  closesOn: r.closes_on,
  kResults: r.k_results,
  kDistribution: r.k_distribution,
  kText: r.k_text,
  freeTextInReports: r.free_text_in_reports === 1,
  linkMode: r.link_mode,
  languages: r.languages.split(' ').filter(Boolean),
  defaultLanguage: r.default_language,
});

export interface NewWave {
  name: string;
  surveyId: string;
  surveyVersion: number;
  unitIds: string[];
  linkMode: LinkMode;
  status?: WaveStatus;
  opensOn?: string | null;
  closesOn?: string | null;
  kResults?: number;
  kDistribution?: number;
  kText?: number;
}

/** createWave inserts a wave with its units in one transaction and returns its id. */
export function createWave(db: Db, w: NewWave): number {
  const k = w.kResults ?? 5;
  return db.transaction(() => {
    const { lastInsertRowid } = db
      .prepare(
        `INSERT INTO wave (name, survey_id, survey_version, status, opens_on, closes_on, k_results, k_distribution, k_text, link_mode)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(w.name, w.surveyId, w.surveyVersion, w.status ?? 'draft', w.opensOn ?? null, w.closesOn ?? null, k, w.kDistribution ?? Math.max(k, 10), w.kText ?? Math.max(k, 10), w.linkMode);
    const id = Number(lastInsertRowid);
    const addUnit = prepared(db, 'INSERT INTO wave_unit (wave_id, unit_id) VALUES (?, ?)');
    for (const unitId of w.unitIds) addUnit.run(id, unitId);
    return id;
  }).immediate();
}

/** getWave returns the wave or undefined. */
export function getWave(db: Db, id: number): Wave | undefined {
  const row = prepared(db, 'SELECT * FROM wave WHERE id = ?').get(id) as WaveRow | undefined;
  return row && toWave(row);
}

/** listWaves returns all waves, newest first. */
export function listWaves(db: Db): Wave[] {
  return (prepared(db, 'SELECT * FROM wave ORDER BY id DESC').all() as WaveRow[]).map(toWave);
}

/** setWaveStatus opens or closes a wave; closing records a release (store/releases.ts) in the same transaction. */
export function setWaveStatus(db: Db, id: number, status: WaveStatus): void {
  db.transaction(() => {
    const before = getWave(db, id);
    prepared(db, 'UPDATE wave SET status = ? WHERE id = ?').run(status, id);
    if (before && status === 'closed' && before.status !== 'closed') recordRelease(db, { ...before, status });
  }).immediate();
}

/** waveUnitIds lists the units taking part in a wave. */
export function waveUnitIds(db: Db, waveId: number): string[] {
  return (prepared(db, 'SELECT unit_id FROM wave_unit WHERE wave_id = ? ORDER BY unit_id').all(waveId) as { unit_id: string }[]).map((r) => r.unit_id);
}

/** isAcceptingAnswers tells whether respondents may answer the wave on the given day (YYYY-MM-DD). */
export function isAcceptingAnswers(wave: Wave, today: string): boolean {
  if (wave.status !== 'open') return false;
  if (wave.opensOn && today < wave.opensOn) return false;
  if (wave.closesOn && today > wave.closesOn) return false;
  return true;
}

/** waveResponseCount returns how many responses a wave has. */
export function waveResponseCount(db: Db, waveId: number): number {
  return (prepared(db, 'SELECT responses FROM wave_count WHERE wave_id = ?').get(waveId) as { responses: number } | undefined)?.responses ?? 0;
}

export type WaveSettings = Pick<Wave, 'name' | 'opensOn' | 'closesOn' | 'kResults' | 'kDistribution' | 'kText' | 'freeTextInReports' | 'linkMode'> &
  Partial<Pick<Wave, 'languages' | 'defaultLanguage'>>;

/** settingsProblem says why new settings may not replace the current ones once answers exist
 *  (anonymity may not be weakened, the link mode may not change), or undefined when they may. */
export function settingsProblem(current: WaveSettings | undefined, next: WaveSettings, hasAnswers: boolean): string | undefined {
  if (next.kResults < 3) return 'wave.kTooLow';
  if (next.kDistribution < next.kResults || next.kText < next.kResults) return 'wave.kOrder';
  if (!current || !hasAnswers) return undefined;
  if (next.kResults < current.kResults || next.kDistribution < current.kDistribution || next.kText < current.kText) return 'wave.kLowered';
  if (next.freeTextInReports && !current.freeTextInReports) return 'wave.freeTextLocked';
  if (next.linkMode !== current.linkMode) return 'wave.linkModeLocked';
  return undefined;
}

/** updateWaveSettings stores checked settings (see settingsProblem). */
export function updateWaveSettings(db: Db, id: number, s: WaveSettings): void {
  prepared(db, 
    'UPDATE wave SET name = ?, opens_on = ?, closes_on = ?, k_results = ?, k_distribution = ?, k_text = ?, free_text_in_reports = ?, link_mode = ? WHERE id = ?',
  ).run(s.name, s.opensOn, s.closesOn, s.kResults, s.kDistribution, s.kText, s.freeTextInReports ? 1 : 0, s.linkMode, id);
  if (s.languages) setWaveLanguages(db, id, s.languages, s.defaultLanguage ?? s.languages[0] ?? 'nb');
}

/** setWaveLanguages stores the languages a wave offers and its default (the caller checks them against the survey). */
export function setWaveLanguages(db: Db, id: number, languages: readonly string[], defaultLanguage: string): void {
  prepared(db, 'UPDATE wave SET languages = ?, default_language = ? WHERE id = ?').run(languages.join(' '), defaultLanguage, id);
}
