// waveResults tallies once (per unit and full-/part-time category) and sums the categories; the
// tables must be exactly those of the plain per-unit tally.
import { expect, test } from 'vitest';
import { disclose, thresholdsOf } from '../../src/report/disclosure.js';
import { releaseTables } from '../../src/report/released.js';
import { rollUp, tallyWave } from '../../src/report/tally.js';
import { ResultsComputing, talliesIdle } from '../../src/report/tally-jobs.js';
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
  t.db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (7, ?, 'administrasjon', ?, ?)").run(t.closedWaveId, t.survey.id, t.survey.version);
  for (const r of answerRows(t.survey, syntheticAnswers(t.survey, seededRandom(3), 0))) t.db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (7, ?, ?, ?, ?)').run(r.itemId, r.part, r.num, r.txt);
  setWaveStatus(t.db, t.closedWaveId, 'closed');
  expect(counted()).toBe(actual());
  const after = waveResults(t.db, wave() as NonNullable<ReturnType<typeof wave>>);
  expect(after).not.toBe(before);
  // One answer more than the first release showed: the organisation's figures would single it
  // out, so the second release holds them back (disclosure.ts rule 2).
  expect(n(before)).toBeGreaterThan(0);
  expect(after?.tables.get('demo')).toEqual({ id: 'demo', released: false, reason: 'release' });
  t.close();
});

test('stored tallies (computed in the worker) give the same tables after a restart without reading any answer', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { openDb } = await import('../../src/store/db.js');
  const { seedDemo } = await import('../../src/demo.js');
  const { syncSurveyVersions } = await import('../../src/store/survey-versions.js');
  const { bundledSurveys } = await import('../helpers/app.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-'));
  const file = path.join(dir, 'k.db');
  const survey = bundledSurveys().get('kartlegging');
  if (!survey) throw new Error('no survey');
  let db = openDb(file);
  syncSurveyVersions(db, bundledSurveys().values());
  const demo = seedDemo(db, survey, '2026-11-23', { history: true });
  const closed = () => getWave(db, demo.closedWaveId ?? 0) as NonNullable<ReturnType<typeof getWave>>;
  // A file database: the tallies are computed in the worker, never by the call that asks for them.
  expect(() => waveResults(db, closed())).toThrow(ResultsComputing);
  await talliesIdle(db);
  const first = waveResults(db, closed());
  expect((db.prepare('SELECT count(*) AS n FROM wave_tally').get() as { n: number }).n).toBe(1);
  db.close();
  db = openDb(file);
  // Nothing may read the answers now: an empty answer table would give different figures.
  db.pragma('foreign_keys = OFF');
  const answers = db.prepare('SELECT count(*) AS n FROM answer').get() as { n: number };
  expect(answers.n).toBeGreaterThan(0);
  db.exec('CREATE TABLE answer_backup AS SELECT * FROM answer; DELETE FROM answer;');
  const restarted = waveResults(db, getWave(db, demo.closedWaveId ?? 0) as NonNullable<ReturnType<typeof getWave>>);
  expect(JSON.stringify([...(restarted?.tables ?? [])])).toBe(JSON.stringify([...(first?.tables ?? [])]));
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a breakdown refused because a release grew stays refused after a later close with no new answers', async () => {
  const { answerRows } = await import('../../src/store/responses.js');
  const { setWaveStatus } = await import('../../src/store/waves.js');
  const { seededRandom, syntheticAnswers } = await import('../../src/demo-answers.js');
  const t = makeHistoryApp();
  const wave = () => getWave(t.db, t.closedWaveId) as NonNullable<ReturnType<typeof getWave>>;
  const first = waveResults(t.db, wave());
  // Release 1 shows the organisation's breakdown over its respondents.
  expect(first?.breakdowns.get('demo')?.refused).toBe(false);
  setWaveStatus(t.db, t.closedWaveId, 'open');
  // Six new respondents: enough (at least k) for the organisation's own figures to be shown again.
  for (let id = 7; id < 13; id++) {
    t.db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, 'administrasjon', ?, ?)").run(id, t.closedWaveId, t.survey.id, t.survey.version);
    for (const r of answerRows(t.survey, syntheticAnswers(t.survey, seededRandom(id), 0))) t.db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)').run(id, r.itemId, r.part, r.num, r.txt);
  }
  setWaveStatus(t.db, t.closedWaveId, 'closed');
  const second = waveResults(t.db, wave());
  expect(second?.tables.get('demo')?.released).toBe(true);
  expect(second?.breakdowns.get('demo')).toEqual({ refused: true, reason: 'release' });
  // Reopened and closed again with nobody answering: release 3 has release 2's respondents, but
  // beside release 1's breakdown it would still give the six new respondents' answers by category,
  // and a category may hold fewer than k of them.
  setWaveStatus(t.db, t.closedWaveId, 'open');
  setWaveStatus(t.db, t.closedWaveId, 'closed');
  expect((t.db.prepare('SELECT count(*) AS n FROM wave_release WHERE wave_id = ?').get(t.closedWaveId) as { n: number }).n).toBe(3);
  expect(waveResults(t.db, wave())?.breakdowns.get('demo')).toEqual({ refused: true, reason: 'release' });
  t.close();
});
