// The write-ahead log worker (src/store/wal.ts) on real files: a submit committed without a sync is
// settled (synced, copied into the database file, the log truncated) before settleSubmits resolves,
// and the worker then starts the next log with a tick; a reader holding an old snapshot delays the
// truncation, never the answer.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test, vi } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';
import { createDraft, saveDraftAnswers } from '../../src/store/drafts.js';
import { submitResponse } from '../../src/store/responses.js';
import { readerGate, recordWalWaits, settleSubmits, stepAside, truncateWals } from '../../src/store/wal.js';
import type { Survey } from '../../src/survey/model.js';
import { bundledSurveys } from '../helpers/app.js';
import { openWaveFile, type WaveFile } from '../helpers/wave-file.js';

const loaded = bundledSurveys().get('kartlegging');
if (!loaded) throw new Error('no kartlegging survey');
const survey: Survey = loaded;

let w: WaveFile;
let db: Db;
let dir: string;
afterEach(() => w.close());

function setup(): { waveId: number; file: string } {
  w = openWaveFile('kartlegg-wal-');
  ({ db, dir } = w);
  return { waveId: w.waveId, file: w.file };
}

// What a log holds: its 32-byte header and one 24-byte header per frame, then the page.
const frames = (file: string): number => {
  const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  return size === 0 ? 0 : (size - 32) / (24 + 4096);
};

function submitOne(waveId: number, marker: string): void {
  const draft = saveDraftAnswers(db, createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2999-01-01' }), { kommentar: marker }, null, '2999-01-01');
  expect(submitResponse(db, survey, draft.id, draft.answers, '2026-01-15', null, 'deferred')).toBe('stored');
}

test('a deferred submit is in the database file and out of its log once settleSubmits resolves; then the worker starts the next log', async () => {
  const { waveId, file } = setup();
  submitOne(waveId, 'svar som må ligge i databasefila');
  // Committed without a sync: only in the log so far, and the connection is back at FULL for everything else.
  expect(db.pragma('main.synchronous', { simple: true })).toBe(2);
  expect(fs.readFileSync(file).includes('svar som må ligge i databasefila')).toBe(false);
  await settleSubmits(db);
  expect(fs.readFileSync(file).includes('svar som må ligge i databasefila')).toBe(true);
  expect(frames(`${file}-wal`)).toBeLessThanOrEqual(1);
  expect(fs.readFileSync(`${file}-wal`).includes('svar som må ligge i databasefila')).toBe(false);
  // Right after answering, the worker writes the tick that starts the next log (and syncs its header).
  await vi.waitFor(() => expect(frames(`${file}-wal`)).toBe(1), { timeout: 10_000, interval: 20 });
});

test('truncateWals empties the drafts file the same way', async () => {
  const { waveId } = setup();
  for (let i = 0; i < 5; i++) saveDraftAnswers(db, createDraft(db, { waveId, unitId: 'u1', tokenHash: null, expiresOn: '2999-01-01' }), { kommentar: `utkast ${i}` }, null, '2999-01-01');
  const draftsLog = path.join(dir, 'k-drafts.db-wal');
  expect(frames(draftsLog)).toBeGreaterThan(1);
  await truncateWals(db, ['drafts']);
  expect(frames(draftsLog)).toBeLessThanOrEqual(1);
  await vi.waitFor(() => expect(frames(draftsLog)).toBe(1), { timeout: 10_000, interval: 20 });
});

// A reader holding a snapshot that includes the log: a backup, say (a tally worker's reads are
// short: test/report/short-reads.test.ts).
test('a reader holding an old snapshot delays emptying the log, not the answer; it is emptied once the reader is done', async () => {
  const { waveId, file } = setup();
  submitOne(waveId, 'første');
  await settleSubmits(db);
  submitOne(waveId, 'andre');
  const reader = new Database(file, { readonly: true });
  reader.exec('BEGIN');
  expect((reader.prepare('SELECT count(*) AS n FROM response').get() as { n: number }).n).toBe(2);
  submitOne(waveId, 'tredje');
  await settleSubmits(db);
  // Acknowledged: the log holding it is synced, though the reader keeps it from being emptied.
  expect(fs.readFileSync(`${file}-wal`).includes('tredje')).toBe(true);
  expect(frames(`${file}-wal`)).toBeGreaterThan(1);
  reader.exec('COMMIT');
  reader.close();
  await vi.waitFor(() => expect(frames(`${file}-wal`)).toBe(1), { timeout: 10_000, interval: 100 });
  expect(fs.readFileSync(file).includes('tredje')).toBe(true);
  // With the reader gone, the next submit is emptied before its answer again.
  submitOne(waveId, 'fjerde');
  await settleSubmits(db);
  expect(fs.readFileSync(file).includes('fjerde')).toBe(true);
  expect(fs.readFileSync(`${file}-wal`).includes('fjerde')).toBe(false);
});

// Tally workers read the file on their own connections in short steps and step aside, before
// each, while the WAL worker wants the log emptied (readerGate / stepAside): the flag is up while
// a reader is in the way and down once the log is emptied.
test('while a reader keeps the log from being emptied the worker raises its flag, and lowers it once the log is emptied', async () => {
  const { waveId, file } = setup();
  const gate = readerGate(db) as Int32Array;
  expect(Atomics.load(gate, 0)).toBe(0);
  // Down: a reader does not wait (were it to, this would hang for a minute and time out).
  stepAside(gate, 60_000);
  submitOne(waveId, 'første');
  await settleSubmits(db);
  const reader = new Database(file, { readonly: true });
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) AS n FROM response').get();
  submitOne(waveId, 'andre');
  const settled = settleSubmits(db);
  // However slow the machine, the worker tries again every second while the reader holds: it is seen up.
  while (Atomics.load(gate, 0) !== 1) await new Promise((r) => setImmediate(r));
  reader.exec('COMMIT');
  reader.close();
  await settled;
  await vi.waitFor(() => expect(frames(`${file}-wal`)).toBe(1), { timeout: 10_000, interval: 20 });
  await vi.waitFor(() => expect(Atomics.load(gate, 0)).toBe(0), { timeout: 10_000, interval: 20 });
  expect(fs.readFileSync(file).includes('andre')).toBe(true);
  expect(readerGate(openDb(':memory:'))).toBeUndefined();
});

// Benchmarks match slow requests with what the server was doing (CLOSE_PHASES_FILE): an emptying of
// the log that waited for a reader is one of those phases.
test('with recordWalWaits, an emptying that waited for a reader is written as a close phase; a quick one is not', async () => {
  const { waveId, file } = setup();
  const phases = path.join(dir, 'phases.jsonl');
  recordWalWaits(phases);
  try {
    submitOne(waveId, 'første');
    await settleSubmits(db);
    // Nothing in the way: emptied at the first attempt, nothing written.
    expect(fs.existsSync(phases)).toBe(false);
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) AS n FROM response').get();
    submitOne(waveId, 'andre');
    await settleSubmits(db);
    reader.exec('COMMIT');
    reader.close();
    const lines = fs.readFileSync(phases, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { phase: string; wallMs: number; detail: Record<string, number> });
    expect(lines[0]).toMatchObject({ phase: 'wal: emptying waited (log worker)', wave: -1, detail: { emptied: 0, attempts: 25, drafts: 0 } });
    expect(lines[0]?.wallMs).toBeGreaterThanOrEqual(20);
  } finally {
    recordWalWaits(undefined);
  }
});
