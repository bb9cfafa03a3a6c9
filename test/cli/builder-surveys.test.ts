// The command line and start-up with surveys built in the browser: `wave create --survey` takes a
// published builder survey, and a file in surveys/ that reuses a builder survey's id stops the
// command (and start-up, through the same check) with the file, the JSON path and the message.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { storeSurveyVersion } from '../../src/store/survey-versions.js';
import { builderIdClashes, createSurveyDraft } from '../../src/store/surveys.js';
import { addUnit } from '../../src/store/units.js';
import { getWave } from '../../src/store/waves.js';
import { parseDefinition } from '../../src/survey/file-form.js';
import { loadSurveyDir } from '../../src/survey/load.js';
import type { SurveyFile } from '../../src/survey/schema.js';

const root = path.resolve(import.meta.dirname, '../..');
const definition = (id: string): SurveyFile =>
  ({
    id,
    version: 1,
    title: 'Lokal',
    scales: { s: { points: [{ value: 1, label: 'Dårlig' }, { value: 2, label: 'Bra' }] } },
    factors: [],
    sections: [{ id: 'd', title: 'Del', items: [{ id: 'trivsel', type: 'likert', scale: 's', required: false, text: 'Hvordan har du det?' }] }],
  }) as SurveyFile;

let dir: string;
let dbPath: string;
let surveysDir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-cli-'));
  dbPath = path.join(dir, 'k.db');
  surveysDir = path.join(dir, 'surveys');
  fs.mkdirSync(surveysDir);
  for (const f of ['hefa.json', 'kartlegging.json', 'raus.json', 'stillingsstorrelse.json']) fs.copyFileSync(path.join(root, 'surveys', f), path.join(surveysDir, f));
  const db = openDb(dbPath);
  addUnit(db, { id: 'a', name: 'Avdeling A', parentId: null, headcount: 10 });
  const at = new Date('2026-12-01T08:00:00Z');
  createSurveyDraft(db, definition('lokal'), '', at);
  const parsed = parseDefinition(JSON.stringify(definition('lokal')), 'lokal');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  storeSurveyVersion(db, parsed.survey);
  // Built but never published: nothing a wave could freeze.
  createSurveyDraft(db, definition('uferdig'), '', at);
  db.close();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...process.env, DATABASE_PATH: dbPath, SURVEYS_DIR: surveysDir } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

test('wave create --survey takes a published builder survey at its latest version; an unpublished one is refused', async () => {
  const made = await runCli(['wave', 'create', '--name', 'Lokal 2026', '--survey', 'lokal', '--units', 'a']);
  expect(made.out).toMatch(/Created wave (\d+)/);
  expect(made.code).toBe(0);
  const waveId = Number(/Created wave (\d+)/.exec(made.out)?.[1]);
  const db = openDb(dbPath);
  expect(getWave(db, waveId)).toMatchObject({ surveyId: 'lokal', surveyVersion: 1 });
  db.close();

  const refused = await runCli(['wave', 'create', '--name', 'X', '--survey', 'uferdig', '--units', 'a']);
  expect(refused.code).toBe(1);
  expect(refused.out).toContain('--survey must be one of: hefa, kartlegging, raus, stillingsstorrelse, lokal');
}, 60_000);

test('a file reusing a builder survey id stops the command line with the file, "id" and why', async () => {
  const file = path.join(surveysDir, 'lokal.json');
  fs.writeFileSync(file, JSON.stringify({ ...definition('lokal'), version: 2 }));
  const r = await runCli(['surveys']);
  expect(r.code).toBe(1);
  expect(r.out).toContain(`${file}: id: "lokal" is the id of a survey built in the browser`);
  // Nothing of the file was stored.
  const db = openDb(dbPath);
  expect(db.prepare("SELECT version FROM survey_version WHERE survey_id = 'lokal'").all()).toEqual([{ version: 1 }]);
  // The same check start-up (main.ts) runs before it syncs the files.
  expect(builderIdClashes(db, loadSurveyDir(surveysDir).values())).toEqual([{ file, path: 'id', message: expect.stringContaining('"lokal" is the id of a survey built in the browser') }]);
  db.close();
}, 60_000);
