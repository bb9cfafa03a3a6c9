// A tally worker thread: runs the full pass over a closed wave's answers (or one part of its
// units) on its own read-only connection, so the server thread keeps answering while it runs. It
// only reads; the server thread stores what the workers send back (one writer). Started and fed
// by tally-jobs.ts.
import Database from 'better-sqlite3';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { onChunkRead } from '../store/results.js';
import { stepAside } from '../store/wal.js';
import { QUIET_MS, quietWatch } from './server-activity.js';
import { getSurveyVersion } from '../store/survey-versions.js';
import { loadTallyData } from '../store/tally-cache.js';
import { getWave, waveResponseCount, type Wave } from '../store/waves.js';
import type { Survey } from '../survey/model.js';
import { phaseClock, phasesOn, recordClosePhases, recordPhase, startPhase, threadBooted } from './close-phases.js';
import { resultsReleasable } from './disclosure.js';
import { ResultsPacker, transferList, type PackedResults } from './results-transfer.js';
import { buildWaveResultsEach, readResultsInputs, resultsKey, type ResultsInputs } from './wave-results.js';
import { computeWaveTallies, type TallyPart } from './wave-tallies.js';

/** Where a job waits at a test gate: before it reads anything, or midway (a pass after its first
 *  chunk of responses, if another follows; a build after its inputs are read). */
export type TallyHold = 'start' | 'midway';

/** A job: a wave's tallies from the database file (the whole wave, or the slices of its units that
 *  this worker takes), or (`build`) the wave's result tables from its stored tallies; `gate` (tests
 *  only) holds the job at `hold` ('start' unless given) until gate[0] is not 0, counting the jobs
 *  held in gate[1] if it has one. */
export interface TallyJob {
  file: string;
  waveId: number;
  /** The wave's units in slices, shared by the pass's workers: each takes the next slice not yet
   *  taken (claim[0] counts the slices taken) until none is left. */
  slices?: string[][];
  claim?: Int32Array;
  /** The server's counters (server-activity.ts), on a pass's second thread: it takes a slice, or
   *  reads on in one, only while the server is quiet (or when nothing is left for the first). */
  yieldTo?: Int32Array;
  build?: boolean;
  gate?: Int32Array;
  hold?: TallyHold;
}

/** What the worker answers: its parts in their stored form (one per slice it took) and the wave's
 *  response count, unchanged from before the pass to after it (what the stored tallies are checked
 *  against), or the packed tables, or why there is none. */
export type TallyJobResult = ({ ok: true; counted: number; parts: TallyPart[] } | { ok: true; packed: PackedResults } | { ok: false; error: string }) & {
  /** When it was posted (epoch ms), where close phases are timed (close-phases.ts). */
  sentAt?: number;
};

// No read here lasts longer than a short step: while any connection holds a snapshot, the server's
// write-ahead log cannot be emptied, and a submit's answers would stay in it (store/wal.ts).
function run(job: TallyJob): TallyJobResult {
  const db = new Database(job.file, { readonly: true, fileMustExist: true });
  try {
    // Room for the answer table's interior pages: each response's answers are one B-tree descent
    // (a build reads a few rows: SQLite's default cache).
    if (!job.build) db.pragma('cache_size = -8000');
    held(job, 'start');
    return job.build ? build(db, job) : pass(db, job);
  } finally {
    db.close();
  }
}

function held(job: TallyJob, at: TallyHold): void {
  if (!job.gate || (job.hold ?? 'start') !== at) return;
  if (job.gate.length > 1) {
    Atomics.add(job.gate, 1, 1);
    Atomics.notify(job.gate, 1);
  }
  Atomics.wait(job.gate, 0, 0);
}

// A chunk's statement taking this long is recorded as a close phase (benchmarks only).
const SLOW_READ_MS = 20;

// The pass reads in chunks, each its own snapshot (store/results.ts), with no transaction around
// them. A closed wave's answers do not change, but it can be reopened and answered during the pass:
// then the count after differs from the count before (or from what the pass read), and nothing is
// stored (the next request queues the wave again).
function pass(db: Database.Database, job: TallyJob): TallyJobResult {
  const wave = getWave(db, job.waveId);
  if (!wave) return { ok: false, error: `wave ${job.waveId} does not exist` };
  const survey = getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
  if (!survey) return { ok: false, error: `survey ${wave.surveyId} v${wave.surveyVersion} of wave ${wave.id} is missing` };
  const counted = waveResponseCount(db, wave.id);
  const { slices, claim } = job;
  // Waiting for a quiet server is pointless once the first thread has no slice left to take: then
  // this one's slice is all the pass still waits for.
  const allTaken = (): boolean => !slices || !claim || Atomics.load(claim, 0) >= slices.length;
  const quiet = quietWatch(job.yieldTo, QUIET_MS);
  let first = true;
  const timed = phasesOn();
  onChunkRead(db, (readAt, readMs) => {
    // Benchmarks only: a chunk's statement that held its snapshot long (preempted, or the disk),
    // to match with the log worker's waits and slow requests.
    if (timed && readMs >= SLOW_READ_MS) recordPhase('pass: a chunk read held its snapshot', wave.id, performance.timeOrigin + readAt, readMs, 0);
    if (first) held(job, 'midway');
    first = false;
    quiet(allTaken);
    stepAside(readGate);
  });
  const parts: TallyPart[] = [];
  if (!slices || !claim) {
    stepAside(readGate);
    parts.push(computeWaveTallies(db, survey, wave.id));
  } else {
    const taken = startPhase('pass: slices taken', wave.id);
    for (;;) {
      quiet(allTaken);
      const k = Atomics.add(claim, 0, 1);
      if (k >= slices.length) break;
      stepAside(readGate);
      parts.push(computeWaveTallies(db, survey, wave.id, slices[k]));
    }
    taken({ slices: parts.length, of: slices.length, responses: parts.reduce((n, p) => n + p.responses, 0) });
  }
  // What the parts read is checked against this count where they are joined (tally-jobs.ts).
  if (waveResponseCount(db, wave.id) !== counted) return { ok: false, error: 'the wave changed during the pass' };
  return { ok: true, counted, parts };
}

// Everything the tables depend on, from one snapshot.
interface BuildInputs {
  wave: Wave;
  survey: Survey;
  key: string;
  inputs: Omit<ResultsInputs, 'latest'>;
  /** The wave's stored tallies (read, not parsed: the build reads them a unit at a time), for a
   *  latest release without tallies of this version. */
  current: string | Uint8Array | undefined;
}

function readBuildInputs(db: Database.Database, job: TallyJob): BuildInputs | { ok: false; error: string } {
  const wave = getWave(db, job.waveId);
  if (!wave) return { ok: false, error: `wave ${job.waveId} does not exist` };
  const survey = getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
  if (!survey) return { ok: false, error: `survey ${wave.surveyId} v${wave.surveyVersion} of wave ${wave.id} is missing` };
  if (!resultsReleasable(wave)) return { ok: false, error: `wave ${wave.id} is not closed` };
  const count = waveResponseCount(db, wave.id);
  const inputs = readResultsInputs(db, wave.id);
  // The wave's tallies are read only when its latest release has none recorded (a copy of the same blob).
  const recorded = inputs.releases[inputs.releases.length - 1]?.tallies != null;
  return { wave, survey, key: resultsKey(db, wave, count), inputs, current: recorded ? undefined : loadTallyData(db, wave.id, count) };
}

// The same build as the server thread's (wave-results.ts), from the tallies the server thread
// stored and recorded with the release before it asked for this; each table is packed as soon as
// it is built (results-transfer.ts).
function build(db: Database.Database, job: TallyJob): TallyJobResult {
  // One short read transaction; the build itself reads nothing.
  stepAside(readGate);
  const read = db.transaction(() => readBuildInputs(db, job))();
  if ('ok' in read) return read;
  held(job, 'midway');
  const { wave, survey, current } = read;
  const built = startPhase('build: tables (worker)', wave.id);
  const packer = new ResultsPacker();
  const results = buildWaveResultsEach(wave, survey, {
    ...read.inputs,
    latest: () => {
      if (current === undefined) throw new Error(`the stored tallies of wave ${wave.id} are missing or stale`);
      return current;
    },
  }, (id, group, disclosure) => packer.table(id, group, disclosure));
  built({ units: results.units.length });
  const packing = startPhase('build: serialize (worker)', wave.id);
  const packed = packer.finish(read.key, results);
  packing({ serialized: packed.serialized, bytes: packed.data.byteLength });
  return { ok: true, packed };
}

// The lowest CPU priority for this thread only (Linux sets it per thread): on a busy machine the
// server thread always runs first, and the pass takes what is left.
try {
  os.setPriority(19);
} catch {
  // Not allowed here: the pass runs at normal priority.
}

const started = workerData as { spawnedAt?: number; phasesFile?: string; readGate?: Int32Array } | null;
// The WAL worker's flag (store/wal.ts): no read starts while it wants the server's log emptied.
const readGate = started?.readGate;
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
