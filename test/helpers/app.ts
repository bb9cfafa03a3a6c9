// Builds a real app on a real (in-memory or temp-file) SQLite database with the bundled surveys.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import { today } from '../../src/clock.js';
import { testConfig, type Config } from '../../src/config.js';
import { seedDemo, type DemoResult } from '../../src/demo.js';
import type { Survey } from '../../src/survey/model.js';
import { loadSurveyDir } from '../../src/survey/load.js';
import { openDb, type Db } from '../../src/store/db.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';

export const surveysDir = path.resolve(import.meta.dirname, '../../surveys');

let cached: Map<string, Survey> | undefined;
/** bundledSurveys loads surveys/ once per test file. */
export function bundledSurveys(): Map<string, Survey> {
  cached ??= loadSurveyDir(surveysDir);
  return cached;
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  db: Db;
  config: Config;
  demo: DemoResult;
  survey: Survey;
  /** The demo link code for a unit id. */
  code(unitId: string): string;
  close(): void;
}

/** makeTestApp opens a database (':memory:' unless file is true), loads the bundled surveys and
 *  seeds the demo organisation with an open wave of the combined survey. */
export function makeTestApp(opts: { file?: boolean; config?: Partial<Config>; clock?: () => number } = {}): TestApp {
  const dir = opts.file ? fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-')) : undefined;
  const config = testConfig({ DATABASE_PATH: dir ? path.join(dir, 'test.db') : ':memory:', ...opts.config });
  return seededApp(config, today(config.TIME_ZONE), {}, dir, opts.clock);
}

export interface HistoryApp extends TestApp {
  /** The demo's most recent closed wave (a year back), with synthetic answers and follow-ups. */
  closedWaveId: number;
  /** The demo's closed baseline wave (two years back). */
  baselineWaveId: number;
  /** The demo project holding the baseline, the closed and the open wave. */
  projectId: number;
}

/** makeHistoryApp is makeTestApp (in memory unless file is true) with the demo's history as well:
 *  two closed waves of synthetic answers in one project with the open wave, seeded as of `day`
 *  (2026-11-23 unless given). */
export function makeHistoryApp(opts: { day?: string; file?: boolean; sickLeave?: boolean } = {}): HistoryApp {
  const dir = opts.file ? fs.mkdtempSync(path.join(os.tmpdir(), 'kartlegg-')) : undefined;
  const t = seededApp(testConfig(dir ? { DATABASE_PATH: path.join(dir, 'test.db') } : {}), opts.day ?? '2026-11-23', { history: true, sickLeave: opts.sickLeave }, dir);
  const { closedWaveId, baselineWaveId, projectId } = t.demo;
  if (closedWaveId === undefined || baselineWaveId === undefined || projectId === undefined) throw new Error('the demo has no history');
  return { ...t, closedWaveId, baselineWaveId, projectId };
}

/** seededApp opens config's database, syncs the bundled surveys, seeds the demo as of `day` and
 *  builds the app; close() also removes dir, the temp folder holding a file database. */
function seededApp(config: Config, day: string, seed: { history?: boolean; sickLeave?: boolean }, dir?: string, clock?: () => number): TestApp {
  const db = openDb(config.DATABASE_PATH);
  const surveys = bundledSurveys();
  syncSurveyVersions(db, surveys.values());
  const survey = surveys.get('kartlegging');
  if (!survey) throw new Error('bundled survey "kartlegging" is missing');
  const demo = seedDemo(db, survey, day, seed);
  return {
    app: createApp({ db, config, clock }),
    db,
    config,
    demo,
    survey,
    code(unitId) {
      const link = demo.links.find((l) => l.unitId === unitId);
      if (!link) throw new Error(`no demo link for unit ${unitId}`);
      return link.code;
    },
    close() {
      db.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
