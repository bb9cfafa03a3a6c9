// The close path's phases (src/report/close-phases.ts), recorded only where CLOSE_PHASES_FILE
// names a file (bench/close.ts sets it; main.ts calls recordClosePhases): every step from the pass to the read-back is there, run
// by the thread it should run on, with figures that agree with the wave and with each other.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, expect, test } from 'vitest';
import { recordClosePhases, type PhaseRecord } from '../../src/report/close-phases.js';
import { requestTallies, talliesIdle } from '../../src/report/tally-jobs.js';
import { waveResponseCount } from '../../src/store/waves.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { readPhaseFile } from '../helpers/phases.js';

let t: HistoryApp | undefined;
let dir: string | undefined;
afterEach(async () => {
  recordClosePhases(undefined);
  if (t) await talliesIdle(t.db);
  t?.close();
  t = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const read = readPhaseFile;

test('with a phases file set, a computation records each phase on its own thread', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-phases-'));
  const file = path.join(dir, 'phases.jsonl');
  recordClosePhases(file);
  t = makeHistoryApp({ file: true });
  const waveId = t.closedWaveId;
  expect(requestTallies(t.db, waveId)).toBe('computing');
  await talliesIdle(t.db);

  const phases = read(file);
  const named = (name: string): PhaseRecord[] => phases.filter((p) => p.phase === name);
  const onServer = ['store tallies (server thread)', 'record the release (server thread)', 'cache the tables (server thread)'];
  const inWorkers = ['pass: read and tally', 'pass: tallies to the stored form', 'build: read stored tallies', 'build: disclose', 'build: release tables', 'build: tables (worker)', 'build: serialize (worker)', 'worker start'];
  for (const name of onServer) expect(named(name).map((p) => p.thread), name).toEqual([threadId]);
  for (const name of inWorkers) {
    expect(named(name).length, name).toBeGreaterThan(0);
    for (const p of named(name)) expect(p.thread, name).not.toBe(threadId);
  }
  for (const p of phases) {
    expect(p.wallMs).toBeGreaterThanOrEqual(0);
    expect(p.cpuMs).toBeGreaterThanOrEqual(0);
    if (p.phase !== 'worker start') expect(p.wave).toBe(waveId);
  }
  // The pass's slices (taken by the workers in turn) cover every response of the wave once, and
  // each worker says how many it took.
  const passes = named('pass: read and tally');
  expect(passes.reduce((n, p) => n + (p.detail?.responses ?? 0), 0)).toBe(waveResponseCount(t.db, waveId));
  // One record per thread that took part: the second starts only if the server is quiet meanwhile.
  const taken = named('pass: slices taken');
  expect(taken.length).toBeGreaterThanOrEqual(1);
  expect(new Set(taken.map((p) => p.thread)).size).toBe(taken.length);
  expect(taken.reduce((n, p) => n + (p.detail?.slices ?? 0), 0)).toBe(passes.length);
  for (const p of taken) expect(p.detail?.of).toBe(passes.length);
  // What the builder packed is what this thread keeps (packed: tables are read back when asked for).
  const bytes = named('build: serialize (worker)')[0]?.detail?.bytes;
  expect(bytes).toBeGreaterThan(0);
  expect(named('cache the tables (server thread)')[0]?.detail?.bytes).toBe(bytes);
});

test('once the file is unset nothing more is recorded, by the server thread or by workers started since', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-phases-'));
  const file = path.join(dir, 'phases.jsonl');
  recordClosePhases(file);
  t = makeHistoryApp({ file: true });
  requestTallies(t.db, t.baselineWaveId);
  await talliesIdle(t.db);
  expect(read(file).some((p) => p.wave === t?.baselineWaveId)).toBe(true);
  recordClosePhases(undefined);
  requestTallies(t.db, t.closedWaveId);
  await talliesIdle(t.db);
  expect(read(file).filter((p) => p.wave === t?.closedWaveId)).toEqual([]);
});
