// The tally worker thread: runs the full pass over a closed wave's answers on its own read-only
// connection, so the server thread keeps answering while it runs. It only reads; the server
// thread stores what it sends back (one writer). Started and fed by tally-jobs.ts.
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import { getSurveyVersion } from '../store/survey-versions.js';
import { getWave } from '../store/waves.js';
import { computeWaveTallies } from './wave-tallies.js';

/** A job: the database file and the wave; `gate` (tests only) holds the pass until gate[0] is not 0. */
export interface TallyJob {
  file: string;
  waveId: number;
  gate?: Int32Array;
}

/** What the worker answers: the stored form of the tallies, or why there are none. */
export type TallyJobResult = { waveId: number; responses: number; data: string } | { waveId: number; error: string };

function run(job: TallyJob): TallyJobResult {
  const db = new Database(job.file, { readonly: true, fileMustExist: true });
  try {
    // Room for the answer table's interior pages: each response's answers are one B-tree descent.
    db.pragma('cache_size = -32000');
    if (job.gate) Atomics.wait(job.gate, 0, 0);
    // One read transaction: the wave, its survey and every answer from the same snapshot.
    return db.transaction((): TallyJobResult => {
      const wave = getWave(db, job.waveId);
      if (!wave) return { waveId: job.waveId, error: `wave ${job.waveId} does not exist` };
      const survey = getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
      if (!survey) return { waveId: job.waveId, error: `survey ${wave.surveyId} v${wave.surveyVersion} of wave ${wave.id} is missing` };
      return { waveId: job.waveId, ...computeWaveTallies(db, survey, wave.id) };
    })();
  } finally {
    db.close();
  }
}

parentPort?.on('message', (job: TallyJob) => {
  let result: TallyJobResult;
  try {
    result = run(job);
  } catch (err) {
    result = { waveId: job.waveId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort?.postMessage(result);
});
