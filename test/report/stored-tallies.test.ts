// The stored form of a wave's tallies (report/wave-tallies.ts): gzipped JSON whose parts, each
// compressed in its own worker, are joined without decompressing; what it reads back is exactly the
// pass's tallies, and tallies stored as plain JSON text before this form are still read (and count
// as current), so an upgrade recomputes nothing and earlier releases keep their record.
import { afterEach, expect, test } from 'vitest';
import { waveResults, type WaveResults } from '../../src/report/wave-results.js';
import { computeWaveTallies, parseStoredTallies, storedForm, storedJson, storedWaveTallies, talliesCurrent } from '../../src/report/wave-tallies.js';
import { loadTallyData, saveTallyData } from '../../src/store/tally-cache.js';
import { getWave, waveResponseCount, waveUnitIds, type Wave } from '../../src/store/waves.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';

let t: HistoryApp | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

test('parts gzipped apart and joined read back as the whole pass, at a fraction of the JSON size', () => {
  t = makeHistoryApp();
  const { db, survey } = t;
  const waveId = t.closedWaveId;
  const units = waveUnitIds(db, waveId);
  const whole = computeWaveTallies(db, survey, waveId);
  // Two workers' parts and one with no units (a thread dealt none).
  const parts = [units.filter((_, i) => i % 2 === 0), units.filter((_, i) => i % 2 === 1), ['no-such-unit']].map((u) => computeWaveTallies(db, survey, waveId, u));
  expect(parts[2]?.units).toBe(0);
  const joined = storedForm(parts);
  const single = storedForm([whole]);
  expect(joined.responses).toBe(waveResponseCount(db, waveId));
  expect(single.responses).toBe(joined.responses);
  const fromParts = parseStoredTallies(joined.data);
  const fromWhole = parseStoredTallies(single.data);
  expect(fromParts?.size).toBe(whole.units);
  expect(new Map([...(fromParts ?? [])].sort(([a], [b]) => (a < b ? -1 : 1)))).toStrictEqual(new Map([...(fromWhole ?? [])].sort(([a], [b]) => (a < b ? -1 : 1))));
  const json = storedJson(single.data) as string;
  expect(JSON.parse(json)).toHaveProperty('units');
  expect(single.data.byteLength).toBeLessThan(json.length / 2);
});

test('tallies stored as plain JSON text before are current and give the same results as the gzipped form', () => {
  t = makeHistoryApp();
  const { db, survey } = t;
  const waveId = t.closedWaveId;
  const count = waveResponseCount(db, waveId);
  const { data } = storedForm([computeWaveTallies(db, survey, waveId)]);
  saveTallyData(db, waveId, count, data);
  const gzipped = waveResults(db, getWave(db, waveId) as Wave) as WaveResults;
  const expected = storedWaveTallies(db, waveId, count);

  // The same wave on a fresh database, its tallies and release record as plain text.
  const old = makeHistoryApp();
  try {
    const text = storedJson(data) as string;
    saveTallyData(old.db, waveId, count, text);
    expect(typeof loadTallyData(old.db, waveId, count)).toBe('string');
    expect(talliesCurrent(old.db, waveId, count)).toBe(true);
    expect(storedWaveTallies(old.db, waveId, count)).toStrictEqual(expected);
    const fromText = waveResults(old.db, getWave(old.db, waveId) as Wave) as WaveResults;
    expect([...fromText.tables]).toStrictEqual([...gzipped.tables]);
    expect(fromText.disclosure).toStrictEqual(gzipped.disclosure);
    // Another version's head is not current, in either form.
    saveTallyData(old.db, waveId, count, text.replace(/^\{"format":\d+/, '{"format":0'));
    expect(talliesCurrent(old.db, waveId, count)).toBe(false);
    saveTallyData(old.db, waveId, count, Buffer.from('kartlegg tallies 0 gzip\n'));
    expect(talliesCurrent(old.db, waveId, count)).toBe(false);
    expect(parseStoredTallies(Buffer.from('kartlegg tallies 0 gzip\n'))).toBeUndefined();
  } finally {
    old.close();
  }
});
