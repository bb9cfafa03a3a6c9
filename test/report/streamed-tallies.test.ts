// The build reads a wave's stored tallies one unit at a time (wave-tallies.ts eachStoredUnit):
// summed as they are read and rolled up in place for the tables, and for the breakdowns only each
// root's totals per category and each unit's measure counts (measures.ts countsOnly). The tables,
// disclosure and breakdowns must be exactly those of the whole-text parse the build used before,
// and every stored form must still be read.
import zlib from 'node:zlib';
import { afterEach, expect, test } from 'vitest';
import { breakdown, breakdownOf } from '../../src/report/breakdown.js';
import { disclose, thresholdsOf } from '../../src/report/disclosure.js';
import { addGroupTally, emptyGroupTally, groupTallyFromJson, groupTallyToJson, JSON_TALLY_FORMAT, TALLY_FORMAT, type GroupTally, type GroupTallyJson } from '../../src/report/group.js';
import { countsOnly, measureSpecs } from '../../src/report/measures.js';
import { releaseEachTable, type ReleasedGroup } from '../../src/report/released.js';
import { rollUp } from '../../src/report/tally.js';
import { waveResults, type WaveResults } from '../../src/report/wave-results.js';
import { computeWaveTallies, eachStoredUnit, parseStoredTallies, passTallies, storedForm, storedJson, tallyPart } from '../../src/report/wave-tallies.js';
import { loadTallyData } from '../../src/store/tally-cache.js';
import { getWave, waveResponseCount, type Wave } from '../../src/store/waves.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';

let t: HistoryApp | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const sum = (categories: ReadonlyMap<string, GroupTally>): GroupTally => {
  const total = emptyGroupTally();
  for (const c of categories.values()) addGroupTally(total, c);
  return total;
};

test('tables, disclosure and breakdowns built from tallies read a unit at a time are those of the whole parse', () => {
  t = makeHistoryApp();
  const { db, survey } = t;
  const wave = getWave(db, t.closedWaveId) as Wave;
  const results = waveResults(db, wave) as WaveResults;
  const definition = breakdownOf(survey);
  expect(definition).toBeDefined();
  expect(results.breakdowns.size).toBeGreaterThan(0);

  // The build as it was: every unit's tallies by category parsed at once (one JSON.parse of the
  // whole text, not eachStoredUnit), summed into copies, rolled up into copies.
  const data = loadTallyData(db, wave.id, waveResponseCount(db, wave.id));
  const text = data === undefined ? undefined : storedJson(data);
  if (text === undefined) throw new Error('no stored tallies');
  const { units } = JSON.parse(text) as { units: [string, [string, GroupTallyJson][]][] };
  const whole = new Map(units.map(([unit, categories]) => [unit, new Map(categories.map(([c, j]) => [c, groupTallyFromJson(j)]))]));
  const refs = results.units.map((u) => ({ id: u.id, parentId: u.parentId, headcount: u.headcount }));
  const rolled = rollUp(refs, new Map([...whole].map(([unit, categories]) => [unit, sum(categories)])));
  const disclosure = disclose(refs, rolled, thresholdsOf(wave));
  const tables = new Map<string, ReleasedGroup>();
  releaseEachTable(survey, refs, rolled, disclosure, (id, group) => tables.set(id, group));

  expect(results.disclosure).toStrictEqual(disclosure);
  expect([...results.tables]).toStrictEqual([...tables]);
  // The same text, figure for figure and in the same order.
  expect(JSON.stringify([...results.tables])).toBe(JSON.stringify([...tables]));
  for (const root of results.rootIds) {
    const before = breakdown(survey, refs, whole, disclosure, root, definition as NonNullable<typeof definition>);
    expect(results.breakdowns.get(root)).toStrictEqual(before);
    expect(JSON.stringify(results.breakdowns.get(root))).toBe(JSON.stringify(before));
  }
});

test('a countsOnly tally gives every measure the counts its tally gives', () => {
  t = makeHistoryApp();
  const tallies = [...passTallies(t.db, t.survey, t.closedWaveId).values()].flatMap((categories) => [...categories.values()]);
  expect(tallies.length).toBeGreaterThan(5);
  const specs = measureSpecs(tallies);
  expect(specs.some((s) => s.differs)).toBe(true);
  for (const tally of tallies) {
    const slim = countsOnly(tally);
    for (const spec of specs) {
      expect([spec.n(slim), spec.distributionN?.(slim), spec.differs?.(slim)]).toEqual([spec.n(tally), spec.distributionN?.(tally), spec.differs?.(tally)]);
    }
    expect(measureSpecs([slim]).map((s) => s.key)).toEqual(measureSpecs([tally]).map((s) => s.key));
  }
});

test('rolling up in place gives the subtree tallies rolling up into copies gives', () => {
  t = makeHistoryApp();
  const { db, survey } = t;
  const results = waveResults(db, getWave(db, t.closedWaveId) as Wave) as WaveResults;
  const refs = results.units.map((u) => ({ id: u.id, parentId: u.parentId, headcount: u.headcount }));
  const direct = () => new Map([...passTallies(db, survey, t!.closedWaveId)].map(([unit, categories]) => [unit, sum(categories)]));
  expect(rollUp(refs, direct(), true)).toStrictEqual(rollUp(refs, direct()));
});

test('every stored form is read a unit at a time, unit ids that look like JSON included', () => {
  t = makeHistoryApp();
  const { db, survey } = t;
  const waveId = t.closedWaveId;
  const { data } = storedForm([computeWaveTallies(db, survey, waveId)]);
  const text = storedJson(data) as string;
  // As before: the whole text, one parse.
  const parsed = JSON.parse(text) as { units: [string, unknown][] };
  const units: string[] = [];
  expect(eachStoredUnit(data, (id) => units.push(id))).toBe(true);
  expect(units).toEqual(parsed.units.map(([id]) => id));
  // Plain JSON text (the form before gzip) gives the same.
  expect(parseStoredTallies(text)).toStrictEqual(parseStoredTallies(data));

  // Unit and category ids with brackets, braces, quotes, backslashes and non-ASCII letters.
  const tally = [...([...passTallies(db, survey, waveId).values()][0] as Map<string, GroupTally>).values()][0] as GroupTally;
  const odd = ['a]b', '{"c":[1]}', 'd\\"]', 'Ærøy ]}', ''];
  const entries = odd.map((id) => [id, [[`${id}[`, groupTallyToJson(tally)]]]);
  const json = JSON.stringify(entries);
  const plain = `{"format":${JSON_TALLY_FORMAT},"units":${json}}`;
  // The gzipped JSON form as it was written: its head line, then gzip members read as one text.
  const gzipped = Buffer.concat([Buffer.from(`kartlegg tallies ${JSON_TALLY_FORMAT} gzip\n`), zlib.gzipSync(plain.slice(0, 30)), zlib.gzipSync(plain.slice(30))]);
  const compact = storedForm([tallyPart(survey, new Map(odd.map((id) => [id, new Map([[`${id}[`, tally]])])))]).data;
  for (const form of [compact, gzipped, plain]) {
    const seen: [string, string[]][] = [];
    expect(eachStoredUnit(form, (id, categories) => seen.push([id, [...categories.keys()]]))).toBe(true);
    expect(seen).toEqual(odd.map((id) => [id, [`${id}[`]]));
    expect(parseStoredTallies(form)?.get('a]b')?.get('a]b[')).toStrictEqual(parseStoredTallies(plain)?.get('a]b')?.get('a]b['));
  }
  // Another version is not read at all.
  let called = false;
  expect(eachStoredUnit(plain.replace(/^\{"format":\d+/, '{"format":0'), () => (called = true))).toBe(false);
  expect(eachStoredUnit(Buffer.from('kartlegg tallies 0 gzip\n'), () => (called = true))).toBe(false);
  expect(eachStoredUnit(Buffer.from(`kartlegg tallies ${TALLY_FORMAT + 1}\n`), () => (called = true))).toBe(false);
  expect(called).toBe(false);
  // A text, or compact bytes, cut short is an error, not a partial read.
  expect(() => eachStoredUnit(plain.slice(0, plain.length - 40), () => undefined)).toThrow(/cut short/);
  expect(() => eachStoredUnit(compact.subarray(0, compact.length - 40), () => undefined)).toThrow(/cut short/);
});
