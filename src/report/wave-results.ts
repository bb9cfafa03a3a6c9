// A closed wave's results, end to end: tally -> roll up -> disclose -> suppressed tables. Cached
// per wave while nothing that feeds it changes (a closed wave's answers cannot change; a reopened
// wave is not releasable until it closes again, and then has new counts).
import type { Db } from '../store/db.js';
import { getSurveyVersion } from '../store/survey-versions.js';
import { copyReleaseTallies, latestReleaseHasTallies, listReleases, recordRelease, releaseCount, type WaveRelease } from '../store/releases.js';
import { loadTallyData } from '../store/tally-cache.js';
import { listUnits, type Unit } from '../store/units.js';
import { getWave, waveResponseCount, type Wave } from '../store/waves.js';
import { buildForest, type UnitRef } from './forest.js';
import type { Survey } from '../survey/model.js';
import { addToCategory, breakdown, breakdownOf, emptyCategoryTotals, type BreakdownDefinition, type BreakdownResult } from './breakdown.js';
import { countsOnly } from './measures.js';
import { disclose, resultsReleasable, thresholdsOf, type Disclosure, type EarlierRelease, type GroupDisclosure, type Thresholds } from './disclosure.js';
import { maskGroup, releaseEachTable, summaryOf, type GroupSummary, type ReleasedGroup } from './released.js';
import { addGroupTally, emptyGroupTally, type GroupTally } from './group.js';
import { startPhase } from './close-phases.js';
import { rollUpKept } from './tally.js';
import { keptTally, readKept, type KeptTally } from './tally-codec.js';
import { LazyMap } from './lazy-map.js';
import { requestTables, requestTallies, ResultsComputing, tablesPending } from './tally-jobs.js';
import { eachStoredUnit, talliesCurrent } from './wave-tallies.js';

export interface WaveResults {
  wave: Wave;
  survey: Survey;
  /** The units taking part and every unit above them, in tree order data (id, parent). */
  units: Unit[];
  /** Units at the top of the tree (the whole organisation), usually one. */
  rootIds: string[];
  /** Every unit's table. Built in a tally worker, the server keeps them serialized and reads a unit's when asked (results-transfer.ts). */
  tables: ReadonlyMap<string, ReleasedGroup>;
  /** Every unit's table head (summaryOf), for pages that list every unit. */
  summaries: ReadonlyMap<string, GroupSummary>;
  /** Which figures of each unit may be shown (read back like the tables). */
  disclosure: { thresholds: Thresholds; units: ReadonlyMap<string, GroupDisclosure> };
  /** The survey's one breakdown (breakdownOf: background question or full-time/part-time) for each root, refused where it could isolate anyone. */
  breakdowns: ReadonlyMap<string, BreakdownResult>;
}

/** Tallies per unit and category in their stored form (wave-tallies.ts), read one unit at a time. */
type StoredTallies = string | Uint8Array;

// Tallies per unit and category, as stored by the tally worker for exactly these responses (read,
// not parsed). The request path never computes them: while they are missing it queues the
// computation and throws.
function storedTallies(db: Db, waveId: number, count: number): StoredTallies {
  const stored = requestTallies(db, waveId) === 'ready' && talliesCurrent(db, waveId, count) ? loadTallyData(db, waveId, count) : undefined;
  if (stored === undefined) throw new ResultsComputing(waveId);
  return stored;
}

// A unit's tally: the sum of its categories' (a copy even of one: parsed per-option counts are
// plain objects, the sum's have no prototype, so an option id such as "constructor" is a plain key).
function sumCategories(categories: ReadonlyMap<string, GroupTally>): GroupTally {
  const total = emptyGroupTally();
  for (const t of categories.values()) addGroupTally(total, t);
  return total;
}

const cache = new WeakMap<Db, Map<number, { key: string; results: WaveResults }>>();

// The tree results are computed on: the units recorded at the first close (later closes add only
// units that were not there), shown under their current names where they still exist.
function releaseTree(releases: readonly WaveRelease[], units: readonly Unit[]): Unit[] {
  const byId = new Map<string, Unit>();
  for (const r of releases) for (const u of r.units) if (!byId.has(u.id)) byId.set(u.id, u);
  const current = new Map(units.map((u) => [u.id, u]));
  return [...byId.values()].map((u) => ({ ...u, name: current.get(u.id)?.name ?? u.name }));
}

const recordedThresholds = (r: WaveRelease): Thresholds => ({ k: r.kResults, kDistribution: r.kDistribution, kText: r.kText, freeText: r.freeText });
const sameThresholds = (a: Thresholds, b: Thresholds) => a.k === b.k && a.kDistribution === b.kDistribution && a.kText === b.kText && a.freeText === b.freeText;

/** resultsKey is what a wave's cached results depend on (anything that changes the figures or who
 *  they are shown for); the releases themselves are read only when it changes. */
export function resultsKey(db: Db, wave: Wave, count: number): string {
  const names = listUnits(db).map((u) => `${u.id}\u0000${u.name}`);
  return JSON.stringify([wave.status, wave.kResults, wave.kDistribution, wave.kText, wave.freeTextInReports, count, releaseCount(db, wave.id), names]);
}

/** waveResults computes (or reuses) the suppressed result tables of a closed wave from its stored
 *  tallies; undefined while the wave is not closed; throws ResultsComputing while the tallies are
 *  being computed or the tables built in a tally worker (never waits for them). The figures are
 *  those of the wave's latest release, decided against every earlier release and every threshold
 *  the wave has had since (report/disclosure.ts, rule 2). */
export function waveResults(db: Db, wave: Wave): WaveResults | undefined {
  if (!resultsReleasable(wave)) return undefined;
  const survey = getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
  if (!survey) throw new Error(`survey ${wave.surveyId} v${wave.surveyVersion} of wave ${wave.id} is missing`);
  // A wave closed before releases were recorded gets its first release now.
  if (releaseCount(db, wave.id) === 0) recordRelease(db, wave);
  const count = waveResponseCount(db, wave.id);
  const key = resultsKey(db, wave, count);
  let byWave = cache.get(db);
  if (!byWave) cache.set(db, (byWave = new Map()));
  const hit = byWave.get(wave.id);
  if (hit && hit.key === key) return hit.results;
  // Where a tally worker builds them (tally-jobs.ts), the request never does the same work.
  // Without the tallies to build from, the build below asks for them (and the worker builds next).
  if (tablesPending(db, wave.id) || ((latestReleaseHasTallies(db, wave.id) || talliesCurrent(db, wave.id, count)) && requestTables(db, wave.id))) throw new ResultsComputing(wave.id);
  let copied = false;
  const results = buildWaveResults(wave, survey, {
    ...readResultsInputs(db, wave.id),
    latest: () => {
      const stored = storedTallies(db, wave.id, count);
      // The (latest) release keeps the tallies it was decided on, copied in SQL as wave_tally stores them.
      if (!copied) copyReleaseTallies(db, wave.id, count);
      copied = true;
      return stored;
    },
  });
  byWave.set(wave.id, { key, results });
  return results;
}

/** everyWaveResults is waveResults for several waves (undefined ones left out); while any is being
 *  computed it throws ResultsComputing only after asking for all of them, so a page that needs
 *  them all (the comparison) has them built together rather than one per reload. */
export function everyWaveResults(db: Db, waves: readonly Wave[]): WaveResults[] {
  let computing: ResultsComputing | undefined;
  const out: WaveResults[] = [];
  for (const wave of waves) {
    try {
      const r = waveResults(db, wave);
      if (r) out.push(r);
    } catch (err) {
      if (!(err instanceof ResultsComputing)) throw err;
      computing ??= err;
    }
  }
  if (computing) throw computing;
  return out;
}

/** prepareRelease makes, on the server thread, the writes waveResults makes on a wave's first
 *  request (its first release, the tallies its latest release is decided on), so that a tally
 *  worker can build the results read-only; tells whether the wave is closed and its latest release
 *  has the tallies to build from. */
export function prepareRelease(db: Db, wave: Wave): boolean {
  if (!resultsReleasable(wave)) return false;
  if (releaseCount(db, wave.id) === 0) recordRelease(db, wave);
  const count = waveResponseCount(db, wave.id);
  if (talliesCurrent(db, wave.id, count)) copyReleaseTallies(db, wave.id, count);
  return latestReleaseHasTallies(db, wave.id);
}

/** cacheWaveResults keeps results built elsewhere (a tally worker) for the wave, if `key` is still
 *  the wave's key; tells whether it did. */
export function cacheWaveResults(db: Db, key: string, results: WaveResults): boolean {
  const wave = getWave(db, results.wave.id);
  if (!wave || !resultsReleasable(wave) || resultsKey(db, wave, waveResponseCount(db, wave.id)) !== key) return false;
  let byWave = cache.get(db);
  if (!byWave) cache.set(db, (byWave = new Map()));
  byWave.set(wave.id, { key, results: { ...results, wave } });
  return true;
}

/** What a closed wave's results are built from. */
export interface ResultsInputs {
  /** The wave's releases, first first (listReleases). */
  releases: readonly WaveRelease[];
  /** The units as they are now (listUnits), for their current names. */
  units: readonly Unit[];
  /** The current tallies in their stored form (of this version), asked for only where the latest
   *  release has none recorded; asked for twice when the survey has a breakdown (read one unit at a
   *  time, the first time for the tables, the second for the breakdowns). */
  latest: (seq: number) => StoredTallies;
}

/** readResultsInputs reads what buildWaveResults needs from the database, apart from the current
 *  tallies; read it with the response count and resultsKey it goes with, in one read. */
export function readResultsInputs(db: Db, waveId: number): Omit<ResultsInputs, 'latest'> {
  return { releases: listReleases(db, waveId), units: listUnits(db) };
}

/** buildWaveResults builds a closed wave's results from its recorded releases; it reads no database
 *  (report/ computes, the callers read), so a tally worker ends its read before building and the
 *  server thread and the worker build the same results with it. */
export function buildWaveResults(wave: Wave, survey: Survey, inputs: ResultsInputs): WaveResults {
  const tables = new Map<string, ReleasedGroup>();
  const summaries = new Map<string, GroupSummary>();
  const results = buildWaveResultsEach(wave, survey, inputs, (id, group) => {
    tables.set(id, group);
    summaries.set(id, summaryOf(group));
  });
  return { ...results, tables, summaries };
}

/** buildWaveResultsEach is buildWaveResults handing each unit's table (with its disclosure) to
 *  `table` as soon as it is built (in unit order) and keeping none, so a tally worker can serialize each at once; the
 *  tallies by category are let go before the tables are built. */
export function buildWaveResultsEach(
  wave: Wave,
  survey: Survey,
  { releases, units: unitsNow, latest }: ResultsInputs,
  table: (id: string, group: ReleasedGroup, disclosure: GroupDisclosure | undefined) => void,
): Omit<WaveResults, 'tables' | 'summaries'> {
  const units = releaseTree(releases, unitsNow);

  const refs = units.map((u) => ({ id: u.id, parentId: u.parentId, headcount: u.headcount }));
  const last = releases[releases.length - 1] as WaveRelease;
  // With a breakdown, the tallies are per unit and category, and a unit's tally is their sum.
  // Parsed all at once, they were the largest input (about 50 MB at 500 units): they are read one
  // unit at a time, summed as they are read, and read again for the breakdowns after the tables,
  // where each unit keeps only its measures' counts.
  const talliesOf = (r: WaveRelease): StoredTallies | undefined => (r.tallies !== null ? r.tallies : r === last ? latest(r.seq) : undefined);
  let previous: EarlierRelease | undefined;
  // Every release's disclosure: a breakdown must not isolate anyone against any table shown before.
  const shownBefore: Disclosure[] = [];
  for (const r of releases) {
    const { rolled, stored } = rolledUpOf(wave, survey, refs, r, talliesOf, last);
    // An earlier release whose tallies were never stored cannot be decided against: nothing after it is shown.
    const disclosed = startPhase('build: disclose', wave.id);
    const disclosure = stored ? disclose(refs, rolled, recordedThresholds(r), previous) : nothingShown(refs, recordedThresholds(r));
    disclosed({ release: r.seq });
    previous = { rolled, disclosure };
    shownBefore.push(disclosure);
  }
  // Thresholds raised since the last close apply at once, and can only hide more.
  const thresholds = thresholdsOf(wave);
  const earlier = previous as EarlierRelease;
  const disclosure = sameThresholds(thresholds, earlier.disclosure.thresholds) ? earlier.disclosure : disclose(refs, earlier.rolled, thresholds, earlier);
  const released = startPhase('build: release tables', wave.id);
  releaseEachTable(survey, refs, earlier.rolled, disclosure, (id, group) => table(id, group, disclosure.units.get(id)));
  released({ units: refs.length });
  // The rolled-up tallies go before the tallies by category are read again.
  earlier.rolled = new Map();
  const ids = new Set(units.map((u) => u.id));
  const rootIds = units.filter((u) => u.parentId === null || !ids.has(u.parentId)).map((u) => u.id);
  const breakdowns = breakdownsOf(wave, survey, refs, releases, () => talliesOf(last) as StoredTallies, [...shownBefore, disclosure], rootIds);
  return { wave, survey, units, rootIds, disclosure, breakdowns };
}

// A release's tallies summed per unit and rolled up the tree; whether it has tallies (of this
// version) at all. A unit's tallies by category live only while it is read; its sum and every
// subtree's are kept packed (tally-codec.ts: about 1.7 KB each against 40 KB as objects at 66
// items) and read back when asked for, the last few kept (LazyMap): disclose reads each once for
// its counts, pinned means and the tables a few at a time.
function rolledUpOf(wave: Wave, survey: Survey, refs: readonly UnitRef[], r: WaveRelease, talliesOf: (r: WaveRelease) => StoredTallies | undefined, last: WaveRelease): { rolled: ReadonlyMap<string, GroupTally>; stored: boolean } {
  const parsed = startPhase('build: read stored tallies', wave.id);
  const data = talliesOf(r);
  const keep = (t: GroupTally): KeptTally => keptTally(survey, t);
  const read = (k: KeptTally): GroupTally => readKept(survey, k);
  const direct = new Map<string, KeptTally>();
  const stored = data !== undefined && eachStoredUnit(data, (id, categories) => direct.set(id, keep(sumCategories(categories))));
  if (data !== undefined && !stored && r === last && r.tallies === null) throw new Error(`the stored tallies of wave ${wave.id} are of another version`);
  parsed({ release: r.seq, units: direct.size });
  const rolledUp = startPhase('build: sum and roll up', wave.id);
  const kept = rollUpKept(refs, direct, read, keep);
  rolledUp({ release: r.seq });
  return { rolled: new LazyMap(kept.keys(), (id) => read(kept.get(id) as KeptTally), ROLLED_KEPT), stored };
}

// Subtree tallies kept read back: a pinned-means check reads a unit, its ancestor and the
// ancestor's other shown groups for each of the unit's measures.
const ROLLED_KEPT = 64;

// The survey's one breakdown for each root, decided against every disclosure shown so far (`steps`).
function breakdownsOf(wave: Wave, survey: Survey, refs: readonly UnitRef[], releases: readonly WaveRelease[], tallies: () => StoredTallies, steps: readonly Disclosure[], rootIds: readonly string[]): Map<string, BreakdownResult> {
  const definition = breakdownOf(survey);
  const last = releases[releases.length - 1] as WaveRelease;
  const brokenDown = startPhase('build: breakdowns', wave.id);
  const breakdowns = new Map<string, BreakdownResult>();
  if (definition) {
    // New respondents since any earlier release would be isolated by category (against that
    // release's breakdown, saved by a reader): no breakdown then, in this release or any later one.
    const grown = releases.some((r) => r.responses !== last.responses);
    const reread = grown ? undefined : startPhase('build: read stored tallies again', wave.id);
    const read = grown ? undefined : breakdownTallies(refs, tallies(), definition);
    reread?.({ release: last.seq });
    for (const root of rootIds) {
      breakdowns.set(root, read ? breakdownAcross(survey, refs, read.counts, read.totals.get(root), steps, root, definition) : { refused: true, reason: 'release' });
    }
  }
  brokenDown({ roots: breakdowns.size });
  return breakdowns;
}

// What the breakdowns read of the stored tallies, one unit at a time: each root's totals per
// category, and each unit's measures' counts per category (measures.ts countsOnly), not its tallies.
function breakdownTallies(refs: readonly UnitRef[], data: StoredTallies, definition: BreakdownDefinition): { totals: Map<string, Map<string, GroupTally>>; counts: Map<string, Map<string, GroupTally>> } {
  const forest = buildForest(refs);
  const rootOf = (id: string): string | undefined => {
    let u = forest.index.get(id);
    if (u === undefined) return undefined;
    while ((forest.parent[u] as number) !== -1) u = forest.parent[u] as number;
    return forest.ids[u];
  };
  const totals = new Map<string, Map<string, GroupTally>>();
  const counts = new Map<string, Map<string, GroupTally>>();
  eachStoredUnit(data, (id, categories) => {
    const root = rootOf(id);
    if (root === undefined) return;
    let sums = totals.get(root);
    if (!sums) totals.set(root, (sums = emptyCategoryTotals(definition)));
    for (const [c, t] of categories) addToCategory(sums, c, t);
    counts.set(id, new Map([...categories].map(([c, t]) => [c, countsOnly(t)])));
  });
  return { totals, counts };
}

// A breakdown is shown only as far as every threshold step shows it (thresholds raised after
// close must never reveal a figure an earlier step withheld).
function breakdownAcross(survey: Survey, refs: readonly UnitRef[], counts: ReadonlyMap<string, ReadonlyMap<string, GroupTally>>, totals: ReadonlyMap<string, GroupTally> | undefined, steps: readonly Disclosure[], root: string, definition: BreakdownDefinition): BreakdownResult {
  // A root with no respondents has empty totals.
  const subtreeTotals = totals ?? emptyCategoryTotals(definition);
  const results = [...new Set(steps)].map((d) => breakdown(survey, refs, counts, d, root, definition, subtreeTotals));
  const refused = results.find((r) => r.refused);
  if (refused) return refused;
  const shown = results as Extract<BreakdownResult, { refused: false }>[];
  const [latest, ...others] = [...shown].reverse() as [Extract<BreakdownResult, { refused: false }>, ...Extract<BreakdownResult, { refused: false }>[]];
  return {
    refused: false,
    cells: latest.cells.map((cell) => ({ ...cell, group: others.reduce((g, o) => maskGroup(g, o.cells.find((c) => c.id === cell.id)?.group), cell.group) })),
  };
}

function nothingShown(refs: readonly UnitRef[], thresholds: Thresholds): Disclosure {
  return { thresholds, units: new Map(refs.map((u) => [u.id, { released: false, reason: 'release', threshold: thresholds.k, measures: new Map() }])) };
}
