// The server builds a closed wave's result tables in a tally worker and reads them back between
// requests (tally-jobs.ts, results-transfer.ts): they must be exactly the tables the server
// thread builds itself (disclosure, raised thresholds and the release chain included), and
// results pages say "being computed" until they are in the cache, never building them on a request.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterEach, expect, test, vi } from 'vitest';
import { recordClosePhases } from '../../src/report/close-phases.js';
import { seedRunningTallies } from '../../src/report/running-tally.js';
import { requestTallies, setBuildLimits, talliesIdle } from '../../src/report/tally-jobs.js';
import { waveResults, type WaveResults } from '../../src/report/wave-results.js';
import { openDb, type Db } from '../../src/store/db.js';
import { answerRows } from '../../src/store/responses.js';
import { getWave, setWaveStatus, updateWaveSettings, waveResponseCount, type Wave } from '../../src/store/waves.js';
import { talliesCurrent } from '../../src/report/wave-tallies.js';
import { seededRandom, syntheticAnswers } from '../../src/demo-answers.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { signIn } from '../helpers/staff.js';
import { readPhaseFile } from '../helpers/phases.js';
import { closedGate, openGate } from '../helpers/tally-gate.js';
import type { PhaseRecord } from '../../src/report/close-phases.js';

let t: HistoryApp | undefined;
let gate: Int32Array | undefined;
let dir: string | undefined;
afterEach(async () => {
  openGate(gate);
  if (t) await talliesIdle(t.db);
  recordClosePhases(undefined);
  t?.close();
  t = undefined;
  gate = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

// Every phase the computation records (close-phases.ts), from here on.
function recordPhases(): () => PhaseRecord[] {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-builder-'));
  const file = path.join(dir, 'phases.jsonl');
  recordClosePhases(file);
  return () => (fs.existsSync(file) ? readPhaseFile(file) : []);
}

const waveOf = (app: HistoryApp, id: number): Wave => getWave(app.db, id) as Wave;

// The same results built on the server thread, on a second connection that builds in place.
function builtOnThread(app: HistoryApp, waveId: number): WaveResults {
  const db = openDb(app.config.DATABASE_PATH);
  try {
    return waveResults(db, getWave(db, waveId) as Wave) as WaveResults;
  } finally {
    db.close();
  }
}

// After the worker's build, the stored tallies are made unreadable: a build on this thread would
// now throw, so results returned are the ones read back from the worker.
function forgetTallies(app: HistoryApp, waveId: number): void {
  app.db.prepare('UPDATE wave_tally SET responses = -1 WHERE wave_id = ?').run(waveId);
  app.db.prepare("UPDATE wave_release SET tallies = '{}' WHERE wave_id = ?").run(waveId);
}

function expectSame(fromWorker: WaveResults, onThread: WaveResults): void {
  expect(fromWorker.units).toStrictEqual(onThread.units);
  expect(fromWorker.rootIds).toStrictEqual(onThread.rootIds);
  // In the same order, with the same fields (undefined ones included) and the same numbers.
  expect([...fromWorker.tables]).toStrictEqual([...onThread.tables]);
  expect(fromWorker.disclosure.thresholds).toStrictEqual(onThread.disclosure.thresholds);
  expect([...fromWorker.disclosure.units]).toStrictEqual([...onThread.disclosure.units]);
  expect([...fromWorker.breakdowns]).toStrictEqual([...onThread.breakdowns]);
  expect([...fromWorker.summaries]).toStrictEqual([...onThread.summaries]);
  expect(fromWorker.tables.size).toBeGreaterThan(3);
}

// The tables the server keeps for the wave (built in a worker) are those this thread builds.
function expectWorkerTablesAsOnThread(app: HistoryApp, waveId: number): void {
  const expected = builtOnThread(app, waveId);
  forgetTallies(app, waveId);
  expectSame(waveResults(app.db, waveOf(app, waveId)) as WaveResults, expected);
}

// Computes the wave's tallies (and, on the server's connection, builds its tables) with the
// building worker's heap limited to 4 MB, far below what any worker needs to read anything;
// `again` requests them once more after. Returns what was logged as errors meanwhile.
async function underTinyHeapLimit(db: Db, waveId: number, again = false): Promise<string[]> {
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    setBuildLimits(db, { maxOldGenerationSizeMb: 4 });
    for (let i = 0; i < (again ? 2 : 1); i++) {
      expect(requestTallies(db, waveId)).toBe('computing');
      await talliesIdle(db);
    }
    return logged.mock.calls.map((c) => String(c[0]));
  } finally {
    logged.mockRestore();
  }
}

test('tables built in the worker are exactly those built on the server thread', async () => {
  t = makeHistoryApp({ file: true });
  const app = t;
  for (const w of [app.closedWaveId, app.baselineWaveId]) requestTallies(app.db, w);
  await talliesIdle(app.db);
  for (const w of [app.closedWaveId, app.baselineWaveId]) {
    expectWorkerTablesAsOnThread(app, w);
  }
});

test('a raised threshold and a second release are built in the worker too, the same as on the thread', async () => {
  t = makeHistoryApp({ file: true });
  const app = t;
  const id = app.closedWaveId;
  requestTallies(app.db, id);
  await talliesIdle(app.db);
  expect(waveResults(app.db, waveOf(app, id))).toBeDefined();

  // Thresholds raised after the close: the cached tables no longer fit, and the request does not build them.
  updateWaveSettings(app.db, id, { ...waveOf(app, id), kResults: 7, kDistribution: 12, kText: 12 });
  expect(() => waveResults(app.db, waveOf(app, id))).toThrow(/being computed/);
  await talliesIdle(app.db);
  expectSame(waveResults(app.db, waveOf(app, id)) as WaveResults, builtOnThread(app, id));

  // Reopened, answered once more and closed again: a second release, decided against the first.
  setWaveStatus(app.db, id, 'open');
  app.db
    .prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (900001, ?, 'administrasjon', ?, ?)")
    .run(id, app.survey.id, app.survey.version);
  const insert = app.db.prepare('INSERT INTO answer (response_id, item_id, part, num, txt) VALUES (900001, ?, ?, ?, ?)');
  for (const r of answerRows(app.survey, syntheticAnswers(app.survey, seededRandom(3), 0))) insert.run(r.itemId, r.part, r.num, r.txt);
  setWaveStatus(app.db, id, 'closed');
  expect(() => waveResults(app.db, waveOf(app, id))).toThrow(/being computed/);
  await talliesIdle(app.db);
  const expected = builtOnThread(app, id);
  expect((app.db.prepare('SELECT count(*) AS n FROM wave_release WHERE wave_id = ?').get(id) as { n: number }).n).toBe(2);
  forgetTallies(app, id);
  expectSame(waveResults(app.db, waveOf(app, id)) as WaveResults, expected);
});

test('results pages say "being computed" while the worker builds the tables, and show them once read back', async () => {
  t = makeHistoryApp({ file: true });
  const app = t;
  const { agent } = await signIn(app, 'admin');
  const id = app.closedWaveId;
  requestTallies(app.db, id);
  await talliesIdle(app.db);
  expect((await agent.get(`/resultater/${id}/organisasjon`)).status).toBe(200);

  // The tallies stay stored; only the build waits, at the gate in the worker.
  gate = closedGate(app.db);
  updateWaveSettings(app.db, id, { ...waveOf(app, id), kResults: 6 });
  for (const path of [`/resultater/${id}`, `/resultater/${id}/organisasjon`, `/resultater/${id}/enhet/demo`]) {
    const res = await agent.get(path);
    expect(res.status, path).toBe(503);
    expect(res.text, path).toContain('Resultatene beregnes');
  }
  expect((await request(app.app).get(`/s/${app.code('solbakken_avd1')}`)).status).toBe(200);

  openGate(gate);
  await talliesIdle(app.db);
  const ready = await agent.get(`/resultater/${id}/organisasjon`);
  expect(ready.status).toBe(200);
  expect(ready.text).not.toContain('Resultatene beregnes');
});

test('the comparison asks for every wave it needs at once: one wait, then the page', async () => {
  t = makeHistoryApp({ file: true });
  const { agent } = await signIn(t, 'admin');
  const first = await agent.get(`/sammenligning/${t.projectId}`);
  expect(first.status).toBe(503);
  expect(first.text).toContain('Resultatene beregnes');
  // Both closed waves were queued by that one request: computed and built before the workers go idle.
  await talliesIdle(t.db);
  expect((await agent.get(`/sammenligning/${t.projectId}`)).status).toBe(200);
});

test('a wave whose build outgrows the building worker heap limit is built again without it, in a worker', async () => {
  t = makeHistoryApp({ file: true });
  const app = t;
  const logged = await underTinyHeapLimit(app.db, app.closedWaveId);
  expect(logged.some((m) => m.includes('outgrew the build')), 'the limited build ran out of heap').toBe(true);
  expectWorkerTablesAsOnThread(app, app.closedWaveId);
});

test('a close that reads running tallies builds the tables in the same worker: one thread started, not two', async () => {
  t = makeHistoryApp({ file: true });
  const app = t;
  const phases = recordPhases();
  seedRunningTallies(app.db, app.survey, app.closedWaveId);
  requestTallies(app.db, app.closedWaveId);
  await talliesIdle(app.db);
  const recorded = phases();
  const threadOf = (name: string): number[] => recorded.filter((p) => p.phase === name).map((p) => p.thread);
  expect(threadOf('worker start')).toHaveLength(1);
  const [started] = threadOf('worker start');
  expect(threadOf('pass: read running tallies')).toEqual([started]);
  expect(threadOf('build: tables (worker)')).toEqual([started]);
  expectWorkerTablesAsOnThread(app, app.closedWaveId);
});

test('after a full pass the tables are built in a fresh worker, the pass threads let go first', async () => {
  t = makeHistoryApp({ file: true });
  const app = t;
  const phases = recordPhases();
  requestTallies(app.db, app.closedWaveId);
  await talliesIdle(app.db);
  const recorded = phases();
  // Every pass thread records the slices it took (none, if the first took them all before it started).
  const passThreads = new Set(recorded.filter((p) => p.phase === 'pass: slices taken').map((p) => p.thread));
  const builders = recorded.filter((p) => p.phase === 'build: tables (worker)').map((p) => p.thread);
  expect(passThreads.size).toBeGreaterThan(0);
  expect(builders).toHaveLength(1);
  expect(passThreads.has(builders[0] as number)).toBe(false);
  expect(recorded.filter((p) => p.phase === 'worker start')).toHaveLength(passThreads.size + 1);
});

test('running tallies that outgrow the builder heap limit are read again without it, and the tables built', async () => {
  t = makeHistoryApp({ file: true });
  const app = t;
  seedRunningTallies(app.db, app.survey, app.closedWaveId);
  // The limited pass runs out of heap; the next request reads them without the limits, and the
  // tables are built as well.
  const logged = await underTinyHeapLimit(app.db, app.closedWaveId, true);
  expect(logged.some((m) => m.includes('read again without it')), 'the limited pass ran out of heap').toBe(true);
  expectWorkerTablesAsOnThread(app, app.closedWaveId);
});

test('where no tables are built (the command line), a pass of running tallies runs without the builder heap limit', async () => {
  t = makeHistoryApp({ file: true });
  const app = t;
  seedRunningTallies(app.db, app.survey, app.closedWaveId);
  // A connection of its own, as the command line opens: it computes tallies and builds no tables.
  const cli = openDb(app.config.DATABASE_PATH);
  try {
    expect(await underTinyHeapLimit(cli, app.closedWaveId)).toEqual([]);
    expect(talliesCurrent(cli, app.closedWaveId, waveResponseCount(cli, app.closedWaveId))).toBe(true);
  } finally {
    cli.close();
  }
});
