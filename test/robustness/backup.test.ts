// Online backup while another connection keeps writing, and restore from the copy.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import request from 'supertest';
import { afterEach, beforeEach, expect, onTestFinished, test } from 'vitest';
import { createApp } from '../../src/app.js';
import { seededRandom, syntheticAnswers } from '../../src/demo-answers.js';
import { backupDb } from '../../src/store/backup.js';
import { openDb } from '../../src/store/db.js';
import { createDraft } from '../../src/store/drafts.js';
import { submitResponse } from '../../src/store/responses.js';
import { closeWalWorker } from '../../src/store/wal.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { signIn } from '../helpers/staff.js';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

let t: TestApp;
beforeEach(() => {
  t = makeTestApp({ file: true });
});
afterEach(() => t.close());

const ids = (db: Database.Database): Set<number> => new Set((db.prepare('SELECT id FROM response').all() as { id: number }[]).map((r) => r.id));

function submitMany(n: number): void {
  const rand = seededRandom(7);
  const units = t.demo.links.map((l) => l.unitId);
  for (let i = 0; i < n; i++) {
    const unitId = units[i % units.length] ?? '';
    const draft = createDraft(t.db, { waveId: t.demo.waveId, unitId, tokenHash: null, expiresOn: '2999-01-01' });
    expect(submitResponse(t.db, t.survey, draft.id, syntheticAnswers(t.survey, rand, 0), '2026-03-02')).toBe('stored');
  }
}

// Another connection, in its own thread, committing a response with 10 answers per transaction until told to stop.
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
const stop = new Int32Array(workerData.stop);
const response = db.prepare("INSERT INTO response (id, wave_id, unit_id, survey_id, survey_version) VALUES (?, ?, ?, 'kartlegging', ?)");
const answer = db.prepare("INSERT INTO answer (response_id, item_id, part, num) VALUES (?, ?, '', 3)");
const write = db.transaction((id) => {
  response.run(id, workerData.waveId, workerData.unitId, workerData.version);
  for (let i = 0; i < 10; i++) answer.run(id, 'writer_item_' + i);
});
let n = 0;
while (Atomics.load(stop, 0) === 0) {
  write(-1 - n);
  n += 1;
  if (n === 50) parentPort.postMessage('writing');
}
db.close();
parentPort.postMessage(n);
`;

function startWriter(): { writing: Promise<void>; stop: () => Promise<number> } {
  const stop = new SharedArrayBuffer(4);
  const worker = new Worker(WRITER, {
    eval: true,
    workerData: { driver: require.resolve('better-sqlite3'), file: t.config.DATABASE_PATH, stop, waveId: t.demo.waveId, unitId: 'administrasjon', version: t.survey.version },
  });
  let written: (n: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (written = resolve));
  const writing = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: unknown) => (m === 'writing' ? resolve() : written(m as number)));
    worker.on('error', reject);
  });
  return {
    writing,
    stop: async () => {
      Atomics.store(new Int32Array(stop), 0, 1);
      return done;
    },
  };
}

function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

function checkCopy(file: string, committedBefore: Set<number>): Database.Database {
  const copy = new Database(file, { fileMustExist: true });
  expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(copy.pragma('foreign_key_check')).toEqual([]);
  const inCopy = ids(copy);
  for (const id of committedBefore) expect(inCopy.has(id)).toBe(true);
  // A snapshot, not a torn copy: every writer response has all 10 of its answers.
  const torn = copy
    .prepare("SELECT r.id, count(a.item_id) AS n FROM response r LEFT JOIN answer a ON a.response_id = r.id WHERE r.id < 0 GROUP BY r.id HAVING n != 10")
    .all();
  expect(torn).toEqual([]);
  return copy;
}

test('npm run kartlegg -- backup copies a consistent snapshot while another connection writes', async () => {
  submitMany(300);
  const writer = startWriter();
  await writer.writing;
  const committedBefore = ids(t.db);
  const file = path.join(path.dirname(t.config.DATABASE_PATH), 'backup.db');
  const cli = await runCli(['backup', file], { DATABASE_PATH: t.config.DATABASE_PATH });
  const written = await writer.stop();
  expect(cli.out).toMatch(/Backed up .* MB .* in \d+\.\d+ s; integrity check: ok\./);
  expect(cli.code).toBe(0);
  expect(written).toBeGreaterThanOrEqual(50);
  const copy = checkCopy(file, committedBefore);
  expect(ids(copy).size).toBeLessThanOrEqual(ids(t.db).size);
  copy.close();

  const again = await runCli(['backup', file], { DATABASE_PATH: t.config.DATABASE_PATH });
  expect(again.code).toBe(1);
  expect(again.out).toContain('already exists');
});

test('a copy restored over DATABASE_PATH starts the app and serves the data', async () => {
  submitMany(40);
  const writer = startWriter();
  await writer.writing;
  const committedBefore = ids(t.db);
  const file = path.join(path.dirname(t.config.DATABASE_PATH), 'backup.db');
  const result = await backupDb(t.db, file);
  await writer.stop();
  expect(result.integrity).toBe('ok');
  expect(result.bytes).toBe(fs.statSync(file).size);
  checkCopy(file, committedBefore).close();
  const backedUp = new Database(file);
  const perUnit = backedUp.prepare('SELECT unit_id, count(*) AS n FROM response WHERE wave_id = ? GROUP BY unit_id').all(t.demo.waveId);
  backedUp.close();

  // Restore as the README says: stop (as main.ts does: the WAL worker's connection first, then the
  // server's), copy over DATABASE_PATH, remove stale -wal/-shm, start.
  await closeWalWorker(t.db);
  t.db.close();
  const dbPath = t.config.DATABASE_PATH;
  fs.copyFileSync(file, dbPath);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(dbPath + suffix, { force: true });
  const db = openDb(dbPath);
  onTestFinished(() => {
    db.close();
  });
  t = { ...t, db, app: createApp({ db, config: t.config }) };
  expect(db.prepare('SELECT unit_id, count(*) AS n FROM response WHERE wave_id = ? GROUP BY unit_id').all(t.demo.waveId)).toEqual(perUnit);

  const welcome = await request(t.app).get(`/s/${t.code('administrasjon')}`);
  expect(welcome.status).toBe(200);
  const admin = await signIn(t, 'admin');
  const rates = await admin.agent.get(`/malinger/${t.demo.waveId}/svar`);
  expect(rates.status).toBe(200);
  const admRow = (perUnit as { unit_id: string; n: number }[]).find((r) => r.unit_id === 'administrasjon');
  expect(rates.text).toMatch(new RegExp(`Administrasjon</th><td class="num">${admRow?.n ?? 0}<`));
});
