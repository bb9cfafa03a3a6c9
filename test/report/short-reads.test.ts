// A tally worker's reads are short (tally-worker.ts, store/results.ts): while a pass over a closed
// wave or a build of its tables is held midway at the test gate, a submit on another wave through
// the real app gets its thank-you page only once the write-ahead log no longer holds its answers
// (store/wal.ts), as without any worker. A reader holding one snapshot through the pass (as the
// workers did) kept the log from being emptied: the submit's answers stayed in it for seconds. And
// since the pass reads from many snapshots, a wave reopened and answered during it stores nothing.
import fs from 'node:fs';
import request from 'supertest';
import { afterEach, expect, test, vi } from 'vitest';
import { seededRandom, syntheticAnswers } from '../../src/demo-answers.js';
import { requestTallies, ResultsComputing, talliesIdle } from '../../src/report/tally-jobs.js';
import { waveResults } from '../../src/report/wave-results.js';
import { computeWaveTallies, parseStoredTallies, storedForm, storedWaveTallies, talliesCurrent } from '../../src/report/wave-tallies.js';
import { answerRows } from '../../src/store/responses.js';
import { CHUNK } from '../../src/store/results.js';
import { createWave, getWave, setWaveStatus, updateWaveSettings, waveResponseCount, type Wave } from '../../src/store/waves.js';
import { answerAndSubmit } from '../helpers/answers.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { closedGate, jobsHeld, openGate } from '../helpers/tally-gate.js';

let t: TestApp | undefined;
let gate: Int32Array | undefined;
afterEach(async () => {
  openGate(gate);
  if (t) await talliesIdle(t.db);
  t?.close();
  t = undefined;
  gate = undefined;
  vi.restoreAllMocks();
});

// More responses than one chunk, in one unit (so one worker reads them all, and is held after its first chunk).
const RESPONSES = CHUNK + 200;

function closedWave(app: TestApp): number {
  const id = createWave(app.db, { name: 'Lukket', surveyId: app.survey.id, surveyVersion: app.survey.version, unitIds: ['hjemmetjenesten'], linkMode: 'open', status: 'open' });
  const rand = seededRandom(7);
  app.db.transaction(() => {
    for (let n = 1; n <= RESPONSES; n++) addResponse(app, id, n, rand);
  })();
  setWaveStatus(app.db, id, 'closed');
  return id;
}

function addResponse(app: TestApp, waveId: number, responseId: number, rand: () => number): void {
  app.db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, 'hjemmetjenesten', ?, ?)").run(responseId, waveId, app.survey.id, app.survey.version);
  const insert = app.db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');
  for (const r of answerRows(app.survey, syntheticAnswers(app.survey, rand, 0))) insert.run(responseId, r.itemId, r.part, r.num, r.txt);
}

// A respondent of the demo's open wave submits through the app, with a free-text answer no one
// else wrote; once the thank-you page is sent, the answer is in the database file and in no byte
// of the files SQLite keeps beside it (the log, its index).
async function submitAndLookAtRest(app: TestApp, marker: string): Promise<void> {
  const res = await answerAndSubmit(request.agent(app.app), app.survey, app.code('solbakken_avd1'), { stilling_naa: '60', ansettelse: 'fast', onsket_endring: 'storre', onsket_stilling: '80', kommentar: marker });
  expect(res.status, res.text.slice(0, 200)).toBe(303);
  expect(res.headers.location).toMatch(/\/takk$/);
  const file = app.config.DATABASE_PATH;
  for (const f of [`${file}-wal`, `${file}-shm`]) expect(fs.existsSync(f) && fs.readFileSync(f).includes(marker), f).toBe(false);
  expect(fs.readFileSync(file).includes(marker)).toBe(true);
}

const heldOnce = async (g: Int32Array): Promise<void> => vi.waitFor(() => expect(jobsHeld(g)).toBe(1), { timeout: 30_000, interval: 10 });

// The tallies the thread computes in place from the same database, in their stored form.
function inPlace(app: TestApp, waveId: number) {
  return parseStoredTallies(storedForm([computeWaveTallies(app.db, app.survey, waveId)]).data);
}

test('a submit during a pass held between two chunks leaves no answer of it in the write-ahead log', async () => {
  t = makeTestApp({ file: true });
  const app = t;
  const id = closedWave(app);
  gate = closedGate(app.db, 'midway');
  expect(requestTallies(app.db, id)).toBe('computing');
  await heldOnce(gate);

  await submitAndLookAtRest(app, 'kortlesing-svar-under-telling-7q2x');

  // The pass goes on where it was held, and stores what the thread computes in place.
  openGate(gate);
  await talliesIdle(app.db);
  expect(talliesCurrent(app.db, id, RESPONSES)).toBe(true);
  expect(storedWaveTallies(app.db, id, RESPONSES)).toStrictEqual(inPlace(app, id));
});

test('a submit during a build held after reading its inputs leaves no answer of it in the write-ahead log', async () => {
  t = makeTestApp({ file: true });
  const app = t;
  const id = closedWave(app);
  requestTallies(app.db, id);
  await talliesIdle(app.db);
  expect(waveResults(app.db, getWave(app.db, id) as Wave)).toBeDefined();

  // A raised threshold: the tables are built again, in a worker held once it has read what they depend on.
  gate = closedGate(app.db, 'midway');
  const wave = getWave(app.db, id) as Wave;
  updateWaveSettings(app.db, id, { ...wave, kResults: wave.kResults + 1 });
  expect(() => waveResults(app.db, getWave(app.db, id) as Wave)).toThrow(ResultsComputing);
  await heldOnce(gate);

  await submitAndLookAtRest(app, 'kortlesing-svar-under-bygging-3k8m');

  openGate(gate);
  await talliesIdle(app.db);
  const results = waveResults(app.db, getWave(app.db, id) as Wave);
  expect(results?.disclosure.thresholds.k).toBe(wave.kResults + 1);
});

test('a wave reopened and answered during a held pass stores nothing; the next request computes it again from every response', async () => {
  t = makeTestApp({ file: true });
  const app = t;
  const id = closedWave(app);
  const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  gate = closedGate(app.db, 'midway');
  expect(requestTallies(app.db, id)).toBe('computing');
  await heldOnce(gate);

  setWaveStatus(app.db, id, 'open');
  addResponse(app, id, RESPONSES + 1, seededRandom(8));
  setWaveStatus(app.db, id, 'closed');
  openGate(gate);
  await talliesIdle(app.db);
  expect(app.db.prepare('SELECT count(*) AS n FROM wave_tally WHERE wave_id = ?').get(id)).toEqual({ n: 0 });
  expect(errors.mock.calls.flat().join(' ')).toContain('the wave changed during the pass');

  gate = undefined;
  expect(waveResponseCount(app.db, id)).toBe(RESPONSES + 1);
  expect(requestTallies(app.db, id)).toBe('computing');
  await talliesIdle(app.db);
  expect(talliesCurrent(app.db, id, RESPONSES + 1)).toBe(true);
  expect(storedWaveTallies(app.db, id, RESPONSES + 1)).toStrictEqual(inPlace(app, id));
});
