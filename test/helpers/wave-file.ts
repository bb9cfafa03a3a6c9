// A file database (with its drafts file) holding the bundled survey and one open wave on one unit,
// for tests of the write-ahead logs and submits on real files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/store/db.js';
import { syncSurveyVersions } from '../../src/store/survey-versions.js';
import { addUnit } from '../../src/store/units.js';
import { closeWalWorker } from '../../src/store/wal.js';
import { createWave } from '../../src/store/waves.js';
import type { Survey } from '../../src/survey/model.js';
import { bundledSurveys } from './app.js';

export interface WaveFile {
  db: Db;
  dir: string;
  file: string;
  waveId: number;
  survey: Survey;
  /** Stops the WAL worker, closes the database and removes the folder. */
  close(): Promise<void>;
}

/** openWaveFile makes a new folder under the system's temp folder with a database of the bundled
 *  survey 'kartlegging' and one open wave on unit 'u1'. */
export function openWaveFile(prefix: string): WaveFile {
  const survey = bundledSurveys().get('kartlegging');
  if (!survey) throw new Error('no kartlegging survey');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const file = path.join(dir, 'k.db');
  const db = openDb(file);
  syncSurveyVersions(db, [survey]);
  addUnit(db, { id: 'u1', name: 'Avdeling 1' });
  const waveId = createWave(db, { name: 'W', surveyId: 'kartlegging', surveyVersion: survey.version, unitIds: ['u1'], linkMode: 'open', status: 'open' });
  return {
    db,
    dir,
    file,
    waveId,
    survey,
    close: async () => {
      await closeWalWorker(db);
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
