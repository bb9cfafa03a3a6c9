// A closed wave's results, end to end: tally -> roll up -> disclose -> suppressed tables. Cached
// per wave while nothing that feeds it changes (a closed wave's answers cannot change; a reopened
// wave is not releasable until it closes again, and then has new counts).
import { prepared, type Db } from '../store/db.js';
import { getSurveyVersion } from '../store/survey-versions.js';
import { listUnits, type Unit } from '../store/units.js';
import { waveUnitIds, type Wave } from '../store/waves.js';
import type { Survey } from '../survey/model.js';
import { breakdown, BREAKDOWNS, type BreakdownResult } from './breakdown.js';
import { disclose, resultsReleasable, thresholdsOf, type Disclosure } from './disclosure.js';
import { releaseTables, type ReleasedGroup } from './released.js';
import { addGroupTally, emptyGroupTally, type GroupTally } from './group.js';
import { rollUp } from './tally.js';
import { requestTallies, ResultsComputing } from './tally-jobs.js';
import { storedWaveTallies, withPositionItems, type WaveTallies } from './wave-tallies.js';

export interface WaveResults {
  wave: Wave;
  survey: Survey;
  /** The units taking part and every unit above them, in tree order data (id, parent). */
  units: Unit[];
  /** Units at the top of the tree (the whole organisation), usually one. */
  rootIds: string[];
  tables: Map<string, ReleasedGroup>;
  disclosure: Disclosure;
  /** Full-time / part-time breakdown for each root, refused where it could isolate anyone. */
  breakdowns: Map<string, BreakdownResult>;
}

/** involvedUnits returns the wave's units and all their ancestors. */
export function involvedUnits(db: Db, waveId: number): Unit[] {
  const all = listUnits(db);
  const byId = new Map(all.map((u) => [u.id, u]));
  const keep = new Set<string>();
  for (const id of waveUnitIds(db, waveId)) {
    for (let u = byId.get(id); u && !keep.has(u.id); u = u.parentId ? byId.get(u.parentId) : undefined) keep.add(u.id);
  }
  return all.filter((u) => keep.has(u.id));
}

// Tallies per unit and category, as stored by the tally worker for exactly these responses. The
// request path never computes them: while they are missing it queues the computation and throws.
function storedTallies(db: Db, waveId: number, count: number): WaveTallies {
  const stored = requestTallies(db, waveId) === 'ready' ? storedWaveTallies(db, waveId, count) : undefined;
  if (!stored) throw new ResultsComputing(waveId);
  return stored;
}

function sumCategories(byCategory: ReadonlyMap<string, ReadonlyMap<string, GroupTally>>): Map<string, GroupTally> {
  const out = new Map<string, GroupTally>();
  for (const [unitId, categories] of byCategory) {
    const total = emptyGroupTally();
    for (const t of categories.values()) addGroupTally(total, t);
    out.set(unitId, total);
  }
  return out;
}

const cache = new WeakMap<Db, Map<number, { key: string; results: WaveResults }>>();

/** waveResults computes (or reuses) the suppressed result tables of a closed wave from its stored
 *  tallies; undefined while the wave is not closed; throws ResultsComputing while the tallies are
 *  being computed (never waits for them). */
export function waveResults(db: Db, wave: Wave): WaveResults | undefined {
  if (!resultsReleasable(wave)) return undefined;
  const survey = getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
  if (!survey) throw new Error(`survey ${wave.surveyId} v${wave.surveyVersion} of wave ${wave.id} is missing`);
  const units = involvedUnits(db, wave.id);
  const count = (prepared(db, 'SELECT responses FROM wave_count WHERE wave_id = ?').get(wave.id) as { responses: number } | undefined)?.responses ?? 0;
  // Anything that changes the figures or who they are shown for is part of the key.
  const key = JSON.stringify([wave.status, wave.kResults, wave.kDistribution, wave.kText, wave.freeTextInReports, count, units.map((u) => [u.id, u.parentId, u.headcount])]);
  let byWave = cache.get(db);
  if (!byWave) cache.set(db, (byWave = new Map()));
  const hit = byWave.get(wave.id);
  if (hit && hit.key === key) return hit.results;

  const refs = units.map((u) => ({ id: u.id, parentId: u.parentId, headcount: u.headcount }));
  // With position items, one pass tallies per unit and full-/part-time category, and a unit's
  // tally is the sum of its categories (tallies are additive): reading the answers once, not twice.
  const withPosition = withPositionItems(survey);
  const byCategory = storedTallies(db, wave.id, count);
  const direct = sumCategories(byCategory);
  const rolled = rollUp(refs, direct);
  const disclosure = disclose(refs, rolled, thresholdsOf(wave));
  const tables = releaseTables(survey, refs, rolled, disclosure);
  const ids = new Set(units.map((u) => u.id));
  const rootIds = units.filter((u) => u.parentId === null || !ids.has(u.parentId)).map((u) => u.id);
  const breakdowns = new Map<string, BreakdownResult>();
  if (withPosition) {
    for (const root of rootIds) breakdowns.set(root, breakdown(survey, refs, byCategory, disclosure, root, BREAKDOWNS.fullTime));
  }
  const results: WaveResults = { wave, survey, units, rootIds, tables, disclosure, breakdowns };
  byWave.set(wave.id, { key, results });
  return results;
}
