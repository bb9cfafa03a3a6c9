// Results built in a tally worker are kept packed on the server (results-transfer.ts): a unit's
// table is read back when a page asks for it and only the last few are kept. Whatever was let go
// and read again, and in whatever order, a table must be exactly the one built; and results packed
// for a key that no longer fits the wave are never served.
import { afterEach, expect, test } from 'vitest';
import { LazyMap } from '../../src/report/lazy-map.js';
import { summaryOf } from '../../src/report/released.js';
import { ResultsPacker, unpackResults, type PackedResults } from '../../src/report/results-transfer.js';
import { cacheWaveResults, resultsKey, waveResults, type WaveResults } from '../../src/report/wave-results.js';
import { getSurveyVersion } from '../../src/store/survey-versions.js';
import { getWave, updateWaveSettings, waveResponseCount, type Wave } from '../../src/store/waves.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';

let t: HistoryApp | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

// The wave's results built on this thread (an in-memory database builds in place), and packed as
// the worker packs them: each unit's disclosure with its table (`withDisclosure`: all, some or none;
// finish packs the rest).
function builtAndPacked(app: HistoryApp, withDisclosure: (i: number) => boolean = () => true): { wave: Wave; results: WaveResults; packed: PackedResults } {
  const wave = getWave(app.db, app.closedWaveId) as Wave;
  const results = waveResults(app.db, wave) as WaveResults;
  const packer = new ResultsPacker();
  [...results.tables].forEach(([id, group], i) => packer.table(id, group, withDisclosure(i) ? results.disclosure.units.get(id) : undefined));
  const packed = packer.finish(resultsKey(app.db, wave, waveResponseCount(app.db, wave.id)), results);
  return { wave, results, packed };
}

test('tables read back one at a time, let go and read again, are exactly the tables built', () => {
  t = makeHistoryApp();
  const { results, packed } = builtAndPacked(t);
  const ids = [...results.tables.keys()];
  expect(ids.length).toBeGreaterThan(4);
  // Two kept: going through every unit twice, forwards then backwards, reads most of them back again.
  const unpacked = unpackResults(packed, 2);
  for (const id of [...ids, ...[...ids].reverse(), ids[0] as string]) expect(unpacked.tables.get(id), id).toStrictEqual(results.tables.get(id));
  expect(unpacked.tables.get('no-such-unit')).toBeUndefined();
  expect(unpacked.tables.has('no-such-unit')).toBe(false);
  expect(unpacked.tables.size).toBe(results.tables.size);
  // Iterating reads every table, in unit order, the same as the map built on the thread.
  expect([...unpacked.tables]).toStrictEqual([...results.tables]);
  expect([...unpacked.disclosure.units]).toStrictEqual([...results.disclosure.units]);
  expect(unpacked.disclosure.thresholds).toStrictEqual(results.disclosure.thresholds);
  expect([...unpacked.breakdowns]).toStrictEqual([...results.breakdowns]);
  // The heads that lists of every unit show are the tables' own.
  expect([...unpacked.summaries]).toStrictEqual([...results.tables].map(([id, g]) => [id, summaryOf(g)]));
  // Packed smaller than serialized: the point of deflating.
  expect(packed.data.byteLength).toBeLessThan(packed.serialized / 2);
});

test('the read-back cache keeps the last values asked for and no more', () => {
  const made: string[] = [];
  const map = new LazyMap(['a', 'b', 'c'], (id) => (made.push(id), { id }), 2);
  map.get('a');
  map.get('b');
  map.get('a');
  // 'b' is now the least recently used: reading 'c' lets it go, not 'a'.
  map.get('c');
  map.get('a');
  expect(made).toStrictEqual(['a', 'b', 'c']);
  map.get('b');
  expect(made).toStrictEqual(['a', 'b', 'c', 'b']);
  expect(map.get('d')).toBeUndefined();
  expect([...map.keys()]).toStrictEqual(['a', 'b', 'c']);
});

test('packed results are kept only for the key they were built for: after a raised threshold they are not served', () => {
  t = makeHistoryApp();
  const { wave, packed } = builtAndPacked(t);
  const survey = getSurveyVersion(t.db, wave.surveyId, wave.surveyVersion);
  if (!survey) throw new Error('no survey');
  updateWaveSettings(t.db, wave.id, { ...wave, kResults: wave.kResults + 2 });
  const raised = getWave(t.db, wave.id) as Wave;
  expect(cacheWaveResults(t.db, packed.key, { ...unpackResults(packed), wave: raised, survey })).toBe(false);
  // The page's results are built for the raised threshold, not the packed ones.
  const now = waveResults(t.db, raised) as WaveResults;
  expect(now.disclosure.thresholds.k).toBe(wave.kResults + 2);
  // With the key they were built for, they are kept and served as they are.
  const fresh = builtAndPacked(t);
  expect(cacheWaveResults(t.db, fresh.packed.key, { ...unpackResults(fresh.packed), wave: raised, survey })).toBe(true);
  const served = waveResults(t.db, raised) as WaveResults;
  expect(served.tables).not.toBeInstanceOf(Map);
  expect([...served.tables]).toStrictEqual([...fresh.results.tables]);
});

test('a unit disclosure packed with its table, with some tables or with none, reads back the same, in the same order', () => {
  t = makeHistoryApp();
  for (const given of [(i: number) => i % 2 === 1, () => false]) {
    const { results, packed } = builtAndPacked(t, given);
    const unpacked = unpackResults(packed, 2);
    expect([...unpacked.disclosure.units]).toStrictEqual([...results.disclosure.units]);
    expect([...unpacked.tables]).toStrictEqual([...results.tables]);
  }
});
