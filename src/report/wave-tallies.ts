// A closed wave's tallies per unit and background category: computed by one full pass (in the
// tally worker, never on a request), stored in wave_tally as JSON, read back by the request path.
// Stored tallies are valid only for the response count they were computed from, so a wave that
// is reopened and closed with new responses is computed again.
import type { Db } from '../store/db.js';
import { loadTallyData, storedTallyHead } from '../store/tally-cache.js';
import type { Survey } from '../survey/model.js';
import { startPhase } from './close-phases.js';
import { BREAKDOWNS } from './breakdown.js';
import { groupTallyFromJson, groupTallyToJson, TALLY_FORMAT, type GroupTally, type GroupTallyJson } from './group.js';
import { tallyWave, tallyWaveByCategory } from './tally.js';

// The stored form's version (group.ts): stored tallies of another version are computed again, at
// start-up or on the first request.
const HEAD = `{"format":${TALLY_FORMAT},"units":`;

/** Direct-respondent tallies per unit and category ('' only, for a survey without position items). */
export type WaveTallies = Map<string, Map<string, GroupTally>>;

/** withPositionItems tells whether the survey has the position items, and so a full-/part-time breakdown. */
export function withPositionItems(survey: Survey): boolean {
  return survey.items.some((i) => i.id === 'stilling_naa');
}

/** One part of a wave's tallies: its units' entries as a JSON array, and their response count. */
export interface TallyPart {
  responses: number;
  units: string;
}

/** computeWaveTallies runs the full pass over a wave's answers (of the given units only, if any:
 *  one part of a computation split over threads) and returns the tallies in their stored form. */
export function computeWaveTallies(db: Db, survey: Survey, waveId: number, units?: readonly string[]): TallyPart {
  // With position items, one pass tallies per unit and full-/part-time category, and a unit's
  // tally is the sum of its categories (tallies are additive): reading the answers once, not twice.
  const passed = startPhase('pass: read and tally', waveId);
  const tallies: WaveTallies = withPositionItems(survey)
    ? tallyWaveByCategory(db, survey, waveId, BREAKDOWNS.fullTime.classify, units)
    : new Map([...tallyWave(db, survey, waveId, units)].map(([unit, t]) => [unit, new Map([['', t]])]));
  let responses = 0;
  for (const categories of tallies.values()) for (const t of categories.values()) responses += t.responses;
  passed({ responses, units: tallies.size });
  const stringified = startPhase('pass: tallies to JSON', waveId);
  const json = JSON.stringify([...tallies].map(([unit, cats]) => [unit, [...cats].map(([c, t]) => [c, groupTallyToJson(t)])]));
  stringified({ chars: json.length });
  return { responses, units: json };
}

/** storedForm joins the parts of a wave's tallies (over disjoint units) into what wave_tally stores. */
export function storedForm(parts: readonly TallyPart[]): { responses: number; data: string } {
  // Each part is a JSON array of [unit, ...] entries: their contents are spliced, not parsed again.
  const entries = parts.map((p) => p.units.slice(1, -1)).filter((e) => e !== '');
  return { responses: parts.reduce((n, p) => n + p.responses, 0), data: `${HEAD}[${entries.join(',')}]}` };
}

/** storedWaveTallies returns the wave's stored tallies if they are of this version and were computed
 *  from `responses` responses. */
export function storedWaveTallies(db: Db, waveId: number, responses: number): WaveTallies | undefined {
  const data = loadTallyData(db, waveId, responses);
  return data === undefined ? undefined : parseStoredTallies(data);
}

/** parseStoredTallies reads tallies in the stored form (wave_tally, a release's record), or undefined for another version. */
export function parseStoredTallies(data: string): WaveTallies | undefined {
  if (!data.startsWith(HEAD)) return undefined;
  const { units } = JSON.parse(data) as { units: [string, [string, GroupTallyJson][]][] };
  return new Map(units.map(([unit, cats]) => [unit, new Map(cats.map(([c, t]) => [c, groupTallyFromJson(t)]))]));
}

/** talliesCurrent tells, without reading them, whether the wave's stored tallies are of this version
 *  and computed from `responses` responses. */
export function talliesCurrent(db: Db, waveId: number, responses: number): boolean {
  const stored = storedTallyHead(db, waveId, HEAD.length);
  return stored !== undefined && stored.responses === responses && stored.head === HEAD;
}
