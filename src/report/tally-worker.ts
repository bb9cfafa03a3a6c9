// A tally worker thread: runs the full pass over a closed wave's answers (or one part of its
// units) on its own read-only connection, so the server thread keeps answering while it runs. It
// only reads; the server thread stores what the workers send back (one writer). Started and fed
// by tally-jobs.ts.
import Database from 'better-sqlite3';
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { getSurveyVersion } from '../store/survey-versions.js';
import { getWave, waveResponseCount } from '../store/waves.js';
import { computeWaveTallies, type TallyPart } from './wave-tallies.js';

/** A job: one part of a wave's tallies (its units, or all when absent) from the database file;
 *  `gate` (tests only) holds the pass until gate[0] is not 0. */
export interface TallyJob {
  file: string;
  waveId: number;
  units?: string[];
  gate?: Int32Array;
}

/** What the worker answers: the part in its stored form and the wave's response count in the same
 *  snapshot (what the stored tallies are checked against), or why there is none. */
export type TallyJobResult = ({ ok: true; counted: number } & TallyPart) | { ok: false; error: string };

function run(job: TallyJob): TallyJobResult {
  const db = new Database(job.file, { readonly: true, fileMustExist: true });
  try {
    // Room for the answer table's interior pages: each response's answers are one B-tree descent.
    db.pragma('cache_size = -8000');
    if (job.gate) Atomics.wait(job.gate, 0, 0);
    // One read transaction: the wave, its survey and every answer from the same snapshot.
    return db.transaction((): TallyJobResult => {
      const wave = getWave(db, job.waveId);
      if (!wave) return { ok: false, error: `wave ${job.waveId} does not exist` };
      const survey = getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
      if (!survey) return { ok: false, error: `survey ${wave.surveyId} v${wave.surveyVersion} of wave ${wave.id} is missing` };
      return { ok: true, counted: waveResponseCount(db, wave.id), ...computeWaveTallies(db, survey, wave.id, job.units) };
    })();
  } finally {
    db.close();
  }
}

// The lowest CPU priority for this thread only (Linux sets it per thread): on a busy machine the
// server thread always runs first, and the pass takes what is left.
try {
  os.setPriority(19);
} catch {
  // Not allowed here: the pass runs at normal priority.
}

parentPort?.on('message', (job: TallyJob) => {
  let result: TallyJobResult;
  try {
    result = run(job);
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  parentPort?.postMessage(result);
});
