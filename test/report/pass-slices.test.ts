// A pass's second thread gives way to requests (server-activity.ts): while the server has a request
// in hand, the first thread takes every slice of the wave; the slices joined are the one pass's
// tallies. The wait itself is tested in server-activity.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { recordClosePhases } from '../../src/report/close-phases.js';
import { groupTallyToJson } from '../../src/report/group.js';
import { seedRunningTallies } from '../../src/report/running-tally.js';
import { requestBegun, requestEnded } from '../../src/report/server-activity.js';
import { dealSlices, requestTallies, SLICE_SHARES, talliesIdle } from '../../src/report/tally-jobs.js';
import { passTallies, storedWaveTallies, type WaveTallies } from '../../src/report/wave-tallies.js';
import { waveResponseCount } from '../../src/store/waves.js';
import { makeHistoryApp, type HistoryApp } from '../helpers/app.js';
import { readPhaseFile } from '../helpers/phases.js';
import { closedGate, jobsHeld, openGate } from '../helpers/tally-gate.js';

let t: HistoryApp | undefined;
let dir: string | undefined;
let gate: Int32Array | undefined;
afterEach(async () => {
  // A test that failed while its workers waited at the gate leaves none waiting.
  openGate(gate);
  gate = undefined;
  if (t) await talliesIdle(t.db);
  recordClosePhases(undefined);
  t?.close();
  t = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const plain = (tallies: WaveTallies | undefined): unknown =>
  tallies && [...tallies].sort(([a], [b]) => a.localeCompare(b)).map(([unit, cats]) => [unit, [...cats].sort(([a], [b]) => a.localeCompare(b)).map(([c, g]) => [c, groupTallyToJson(g)])]);

test('while a request is in hand, the first thread takes every slice and the tallies are one pass’s', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-slices-'));
  const file = path.join(dir, 'phases.jsonl');
  recordClosePhases(file);
  t = makeHistoryApp({ file: true });
  const waveId = t.closedWaveId;
  requestBegun();
  try {
    expect(requestTallies(t.db, waveId)).toBe('computing');
    await talliesIdle(t.db);
  } finally {
    requestEnded();
  }
  const taken = readPhaseFile(file).filter((p) => p.phase === 'pass: slices taken' && p.wave === waveId);
  // The second thread was never even started: one thread took every slice.
  expect(taken).toHaveLength(1);
  expect(taken[0]?.detail?.of).toBeGreaterThan(1);
  expect(taken[0]?.detail?.slices).toBe(taken[0]?.detail?.of);
  const count = waveResponseCount(t.db, waveId);
  expect(plain(storedWaveTallies(t.db, waveId, count))).toEqual(plain(passTallies(t.db, t.survey, waveId)));
});

test('while the server is quiet, a second thread is started with the same slices', async () => {
  t = makeHistoryApp({ file: true });
  const waveId = t.closedWaveId;
  const held = closedGate(t.db);
  gate = held;
  expect(requestTallies(t.db, waveId)).toBe('computing');
  // Both threads reach the gate (before reading anything): the second was started because nobody asked anything.
  await vi.waitFor(() => expect(jobsHeld(held)).toBe(2), { timeout: 30_000, interval: 10 });
  openGate(held);
  await talliesIdle(t.db);
  const count = waveResponseCount(t.db, waveId);
  expect(plain(storedWaveTallies(t.db, waveId, count))).toEqual(plain(passTallies(t.db, t.survey, waveId)));
});

test('a wave whose running tallies count every response is read on one thread, in one piece', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-slices-'));
  const file = path.join(dir, 'phases.jsonl');
  recordClosePhases(file);
  t = makeHistoryApp({ file: true });
  const waveId = t.closedWaveId;
  seedRunningTallies(t.db, t.survey, waveId);
  expect(requestTallies(t.db, waveId)).toBe('computing');
  await talliesIdle(t.db);
  const phases = readPhaseFile(file).filter((p) => p.wave === waveId);
  const read = phases.filter((p) => p.phase === 'pass: read running tallies');
  expect(read).toHaveLength(1);
  expect(read[0]?.detail?.complete).toBe(1);
  expect(phases.filter((p) => p.phase === 'pass: slices taken' || p.phase === 'pass: read and tally')).toEqual([]);
  const count = waveResponseCount(t.db, waveId);
  expect(plain(storedWaveTallies(t.db, waveId, count))).toEqual(plain(passTallies(t.db, t.survey, waveId)));
});

test('units are dealt into slices of their shares, largest first, each from the whole id order', () => {
  const units = Array.from({ length: 435 }, (_, i) => `u${String(i).padStart(3, '0')}`);
  const slices = dealSlices(units);
  // Every unit once, in id order within each slice.
  expect(slices.flat().sort()).toEqual(units);
  for (const s of slices) expect([...s].sort()).toEqual(s);
  expect(slices.map((s) => s.length)).toHaveLength(SLICE_SHARES.length);
  const total = SLICE_SHARES.reduce((a, b) => a + b, 0);
  slices.forEach((s, k) => {
    expect(Math.abs(s.length - (units.length * (SLICE_SHARES[k] as number)) / total), `slice ${k}`).toBeLessThanOrEqual(1);
    // Units from the first and the last tenth of the id order in every slice.
    expect(s.some((u) => u < 'u044') && s.some((u) => u > 'u391'), `slice ${k}`).toBe(true);
  });
  for (let k = 1; k < slices.length; k++) expect(slices[k]!.length).toBeLessThanOrEqual(slices[k - 1]!.length);
  // Fewer units than slices: one unit a slice, none empty.
  expect(dealSlices(['a', 'b', 'c'])).toEqual([['a'], ['b'], ['c']]);
  expect(dealSlices([])).toEqual([]);
});
