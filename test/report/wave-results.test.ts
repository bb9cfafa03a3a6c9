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

test('the cache notices new responses after a reopen and close (the trigger-kept count)', async () => {
  const { answerRows } = await import('../../src/store/responses.js');
  const { setWaveStatus } = await import('../../src/store/waves.js');
  const { seededRandom, syntheticAnswers } = await import('../../src/demo-answers.js');
  const t = makeHistoryApp();
  const wave = () => getWave(t.db, t.closedWaveId);
  const before = waveResults(t.db, wave() as NonNullable<ReturnType<typeof wave>>);
  const n = (r: typeof before) => (r?.tables.get('demo')?.released ? (r.tables.get('demo') as { n: number }).n : -1);
  const counted = () => (t.db.prepare('SELECT responses FROM wave_count WHERE wave_id = ?').get(t.closedWaveId) as { responses: number }).responses;
  const actual = () => (t.db.prepare('SELECT count(*) AS n FROM response WHERE wave_id = ?').get(t.closedWaveId) as { n: number }).n;
  expect(counted()).toBe(actual());
  setWaveStatus(t.db, t.closedWaveId, 'open');
  t.db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version, submitted_on) VALUES (7, ?, 'administrasjon', ?, ?, '2026-01-01')").run(t.closedWaveId, t.survey.id, t.survey.version);
  for (const r of answerRows(t.survey, syntheticAnswers(t.survey, seededRandom(3), 0))) t.db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (7, ?, ?, ?, ?)').run(r.itemId, r.part, r.num, r.txt);
  setWaveStatus(t.db, t.closedWaveId, 'closed');
  expect(counted()).toBe(actual());
  const after = waveResults(t.db, wave() as NonNullable<ReturnType<typeof wave>>);
  expect(after).not.toBe(before);
  expect(n(after)).toBe(n(before) + 1);
  t.close();
});
