// waveResults tallies once (per unit and full-/part-time category) and sums the categories; the
// tables must be exactly those of the plain per-unit tally.
import { expect, test } from 'vitest';
import { disclose, thresholdsOf } from '../../src/report/disclosure.js';
import { releaseTables } from '../../src/report/released.js';
import { rollUp, tallyWave } from '../../src/report/tally.js';
import { waveResults } from '../../src/report/wave-results.js';
import { getWave } from '../../src/store/waves.js';
import { makeHistoryApp } from '../helpers/app.js';

test('the one-pass tables equal the tables from a plain per-unit tally', () => {
  const { db, survey, closedWaveId, close } = makeHistoryApp();
  const wave = getWave(db, closedWaveId);
  if (!wave) throw new Error('no wave');
  const results = waveResults(db, wave);
  if (!results) throw new Error('not released');
  const refs = results.units.map((u) => ({ id: u.id, parentId: u.parentId, headcount: u.headcount }));
  const rolled = rollUp(refs, tallyWave(db, survey, wave.id));
  const expected = releaseTables(survey, refs, rolled, disclose(refs, rolled, thresholdsOf(wave)));
  // Summing per-category tallies adds in another order: equal up to floating-point rounding.
  const rounded = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v)));
  expect(rounded([...results.tables])).toEqual(rounded([...expected]));
  // Cached: the same object while nothing changed.
  expect(waveResults(db, wave)).toBe(results);
  close();
});
