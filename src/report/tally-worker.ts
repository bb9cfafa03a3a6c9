// A tally worker thread: runs the full pass over a closed wave's answers (or one part of its
// units) on its own read-only connection, so the server thread keeps answering while it runs. It
// only reads; the server thread stores what the workers send back (one writer). Started and fed
// by tally-jobs.ts.
import Database from 'better-sqlite3';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { getSurveyVersion } from '../store/survey-versions.js';
import { getWave, waveResponseCount, type Wave } from '../store/waves.js';
import type { Survey } from '../survey/model.js';
import { phaseClock, phasesOn, recordClosePhases, startPhase, threadBooted } from './close-phases.js';
import { resultsReleasable } from './disclosure.js';
import { packResults, transferList, type PackedResults } from './results-transfer.js';
import { buildWaveResults, resultsKey } from './wave-results.js';
import { computeWaveTallies, storedWaveTallies, type TallyPart } from './wave-tallies.js';

/** A job: one part of a wave's tallies (its units, or all when absent) from the database file, or
 *  (`build`) the wave's result tables from its stored tallies; `gate` (tests only) holds the job
 *  until gate[0] is not 0. */
export interface TallyJob {
  file: string;
  waveId: number;
  units?: string[];
  build?: boolean;
  gate?: Int32Array;
}

/** What the worker answers: the part in its stored form and the wave's response count in the same
 *  snapshot (what the stored tallies are checked against), or the packed tables, or why there is none. */
export type TallyJobResult = (({ ok: true; counted: number } & TallyPart) | { ok: true; packed: PackedResults } | { ok: false; error: string }) & {
  /** When it was posted (epoch ms), where close phases are timed (close-phases.ts). */
  sentAt?: number;
};

function run(job: TallyJob): TallyJobResult {
  const db = new Database(job.file, { readonly: true, fileMustExist: true });
  try {
    // Room for the answer table's interior pages: each response's answers are one B-tree descent.
    db.pragma('cache_size = -8000');
    if (job.gate) Atomics.wait(job.gate, 0, 0);
    // One read transaction: the wave, its survey and every answer from the same snapshot.
    const out = db.transaction((): TallyJobResult | Built => {
      const wave = getWave(db, job.waveId);
      if (!wave) return { ok: false, error: `wave ${job.waveId} does not exist` };
      const survey = getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
      if (!survey) return { ok: false, error: `survey ${wave.surveyId} v${wave.surveyVersion} of wave ${wave.id} is missing` };
      if (job.build) return build(db, wave, survey);
      return { ok: true, counted: waveResponseCount(db, wave.id), ...computeWaveTallies(db, survey, wave.id, job.units) };
    })();
    if (!('built' in out)) return out;
    // Serialised after the read has ended: a long snapshot keeps the server's log from being emptied.
    const packing = startPhase('build: serialize (worker)', out.waveId);
    const packed = packResults(out.key, out.built);
    packing({ bytes: packed.bytes });
    return { ok: true, packed };
  } finally {
    db.close();
  }
}

// The same build as the server thread's (wave-results.ts), from the tallies the server thread
// stored and recorded with the release before it asked for this.
interface Built {
  waveId: number;
  key: ReturnType<typeof resultsKey>;
  built: ReturnType<typeof buildWaveResults>;
}

function build(db: Database.Database, wave: Wave, survey: Survey): TallyJobResult | Built {
  const count = waveResponseCount(db, wave.id);
  if (!resultsReleasable(wave)) return { ok: false, error: `wave ${wave.id} is not closed` };
  const built = startPhase('build: tables (worker)', wave.id);
  const results = buildWaveResults(db, wave, survey, () => {
    const stored = storedWaveTallies(db, wave.id, count);
    if (!stored) throw new Error(`the stored tallies of wave ${wave.id} are missing or stale`);
    return stored;
  });
  built({ units: results.tables.size });
  return { waveId: wave.id, key: resultsKey(db, wave, count), built: results };
}

// The lowest CPU priority for this thread only (Linux sets it per thread): on a busy machine the
// server thread always runs first, and the pass takes what is left.
try {
  os.setPriority(19);
} catch {
  // Not allowed here: the pass runs at normal priority.
}

const started = workerData as { spawnedAt?: number; phasesFile?: string } | null;
recordClosePhases(started?.phasesFile);
threadBooted(started?.spawnedAt);

parentPort?.on('message', (job: TallyJob) => {
  let result: TallyJobResult;
  try {
    result = run(job);
  } catch (err) {
    result = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  if (phasesOn()) result.sentAt = phaseClock();
  parentPort?.postMessage(result, 'packed' in result ? transferList(result.packed) : []);
});
