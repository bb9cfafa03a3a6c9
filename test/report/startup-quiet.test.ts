// A start-up's full pass waits for a quiet server (issue 13): in the first seconds after a start
// the server thread runs cold code, and a niced pass thread preempted in mid-statement kept
// submits waiting for their log to be emptied. The wait is on the server's request counters and an
// injected clock, so nothing here depends on how fast the machine is: a pass held back while a
// request is in hand stays held back however long the test waits.
import { afterEach, expect, test } from 'vitest';
import { seededRandom, syntheticAnswers } from '../../src/demo-answers.js';
import { prepareClosedWaves } from '../../src/report/close.js';
import { QUIET_MS, requestBegun, requestEnded } from '../../src/report/server-activity.js';
import { requestTallies, talliesIdle } from '../../src/report/tally-jobs.js';
import { answerRows } from '../../src/store/responses.js';
import { createWave, setWaveStatus } from '../../src/store/waves.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { closedGate, jobsHeld, openGate } from '../helpers/tally-gate.js';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) {
    await talliesIdle(t.db);
    t.close();
  }
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// A file database with closed waves whose tallies are not stored (answers imported, closed by the
// command line): what a start-up computes.
function closedWaves(n: number): { t: TestApp; ids: number[] } {
  const t = makeTestApp({ file: true });
  apps.push(t);
  const rand = seededRandom(31);
  const ids: number[] = [];
  let responseId = 1;
  for (let w = 0; w < n; w++) {
    const id = createWave(t.db, { name: `Importert ${w}`, surveyId: t.survey.id, surveyVersion: t.survey.version, unitIds: ['hjemmetjenesten'], linkMode: 'open', status: 'open' });
    t.db.transaction(() => {
      for (let k = 0; k < 6; k++, responseId++) {
        t.db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, 'hjemmetjenesten', ?, ?)").run(responseId, id, t.survey.id, t.survey.version);
        const insert = t.db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');
        for (const r of answerRows(t.survey, syntheticAnswers(t.survey, rand, 0))) insert.run(responseId, r.itemId, r.part, r.num, r.txt);
      }
    })();
    setWaveStatus(t.db, id, 'closed');
    ids.push(id);
  }
  return { t, ids };
}

test('while a request is in hand the start-up pass does not start; it starts at the first quiet look, and later passes do not wait', async () => {
  const { t, ids } = closedWaves(2);
  const [first, second] = ids as [number, number];
  const gate = closedGate(t.db);
  openGate(gate);
  const clock = (): number => 0;
  requestBegun();
  let inHand = true;
  try {
    expect(prepareClosedWaves(t.db, { graceMs: 2000, now: clock })).toEqual([second, first]);
    await sleep(QUIET_MS * 5);
    // Five looks with a request in hand and the clock standing still: no worker has a job.
    expect(jobsHeld(gate)).toBe(0);
    expect(requestTallies(t.db, first)).toBe('computing');
    requestEnded();
    inHand = false;
    await talliesIdle(t.db);
    expect(jobsHeld(gate)).toBeGreaterThanOrEqual(2);
    expect(requestTallies(t.db, first)).toBe('ready');
    expect(requestTallies(t.db, second)).toBe('ready');
  } finally {
    if (inHand) requestEnded();
  }
  // The wait was the start-up's only: a close's pass starts with a request in hand.
  const third = makeClosedLater(t);
  requestBegun();
  try {
    const held = jobsHeld(gate);
    expect(requestTallies(t.db, third)).toBe('computing');
    await talliesIdle(t.db);
    expect(jobsHeld(gate)).toBeGreaterThan(held);
    expect(requestTallies(t.db, third)).toBe('ready');
  } finally {
    requestEnded();
  }
});

test('with requests in hand all along, the pass starts once the injected clock reaches the grace', async () => {
  const { t, ids } = closedWaves(1);
  const gate = closedGate(t.db);
  openGate(gate);
  let now = 1000;
  requestBegun();
  try {
    expect(prepareClosedWaves(t.db, { graceMs: 2000, now: () => now })).toEqual(ids);
    await sleep(QUIET_MS * 3);
    expect(jobsHeld(gate)).toBe(0);
    now = 3000;
    await talliesIdle(t.db);
    expect(jobsHeld(gate)).toBeGreaterThan(0);
    expect(requestTallies(t.db, ids[0] as number)).toBe('ready');
  } finally {
    requestEnded();
  }
});

test('a start-up with nothing to compute leaves no wait behind for a later close', async () => {
  const t = makeTestApp({ file: true });
  apps.push(t);
  expect(prepareClosedWaves(t.db, { graceMs: 60_000, now: () => 0 })).toEqual([]);
  const gate = closedGate(t.db);
  openGate(gate);
  const id = makeClosedLater(t);
  requestBegun();
  try {
    expect(requestTallies(t.db, id)).toBe('computing');
    await talliesIdle(t.db);
    expect(requestTallies(t.db, id)).toBe('ready');
  } finally {
    requestEnded();
  }
});

// A wave answered by one imported response and closed after the start-up.
function makeClosedLater(t: TestApp): number {
  const id = createWave(t.db, { name: 'Senere', surveyId: t.survey.id, surveyVersion: t.survey.version, unitIds: ['hjemmetjenesten'], linkMode: 'open', status: 'open' });
  const responseId = 1000 + id;
  t.db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, 'hjemmetjenesten', ?, ?)").run(responseId, id, t.survey.id, t.survey.version);
  const insert = t.db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (?, ?, ?, ?, ?)');
  for (const r of answerRows(t.survey, syntheticAnswers(t.survey, seededRandom(id), 0))) insert.run(responseId, r.itemId, r.part, r.num, r.txt);
  setWaveStatus(t.db, id, 'closed');
  return id;
}
