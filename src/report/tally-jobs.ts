// Computing closed waves' tallies off the request path: worker threads (tally-worker.ts), each
// on its own read-only connection, work through a queue of waves, and this thread stores what
// they send back in wave_tally. A wave's units are split over the workers (one per core, at most
// two), each tallying its units' responses; the parts are joined, not merged. Requests only read
// stored tallies; while a wave's are missing they get ResultsComputing, which the web layer
// answers with a "being computed" page. A failed job is logged and left out; the next request
// for the wave queues it again. An in-memory database has no second connection: its tallies are
// computed in place, on the calling thread (tests).
//
// Where the server serves results (serveTablesFromWorkers), a wave whose tallies are stored is
// then built into its result tables by one worker too (wave-results.ts, the same code), which
// sends them packed; the server thread keeps them packed and reads a unit's table back when a page
// asks (results-transfer.ts): until they are in its cache, results pages answer "being computed"
// rather than build them.
import os from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Db } from '../store/db.js';
import { saveTallyData } from '../store/tally-cache.js';
import { getSurveyVersion } from '../store/survey-versions.js';
import { runningTalliesComplete } from '../store/running-tallies.js';
import { readerGate } from '../store/wal.js';
import { serverActivity, whenQuiet } from './server-activity.js';
import { getWave, waveResponseCount, waveUnitIds } from '../store/waves.js';
import { closePhasesFile, phaseClock, recordPhase, startPhase } from './close-phases.js';
import type { TallyHold, TallyJob, TallyJobResult } from './tally-worker.js';
import { unpackResults } from './results-transfer.js';
import { cacheWaveResults, prepareRelease } from './wave-results.js';
import { TALLY_FORMAT } from './group.js';
import { computeWaveTallies, storedForm, talliesCurrent, type TallyPart } from './wave-tallies.js';

/** Thrown where a page needs a wave's tallies while they are being computed. */
export class ResultsComputing extends Error {
  constructor(readonly waveId: number) {
    super(`the results of wave ${waveId} are being computed`);
    this.name = 'ResultsComputing';
  }
}

// Two threads halve the time of a close on a two-core server; more would mostly add memory (each
// holds its units' tallies and a SQLite cache).
const THREADS = Math.max(1, Math.min(2, os.availableParallelism()));
// Slices of a wave's units the threads take in turn, largest first, as shares of its units (in
// percent): few enough that re-reading the response table's ids for each slice stays small beside
// the answers, and ending small, so that when one thread runs out of slices the other is not long
// in its last (with 8 equal slices of 25,000 responses each, one thread worked on alone for 1.2 s
// at the end of a pass at 200,000).
export const SLICE_SHARES = [18, 16, 14, 12, 10, 9, 7, 6, 5, 3] as const;

/** dealSlices deals a wave's units (in id order) into slices of about `shares` percent of them
 *  each (the largest first): each unit in turn goes to the slice furthest below its share, so every
 *  slice has units from the whole id order (departments of every size). Empty slices are left out. */
export function dealSlices(units: readonly string[], shares: readonly number[] = SLICE_SHARES): string[][] {
  const total = shares.reduce((a, b) => a + b, 0);
  const slices: string[][] = shares.map(() => []);
  units.forEach((unit, i) => {
    let best = 0;
    let bestDeficit = -Infinity;
    shares.forEach((share, k) => {
      const deficit = ((i + 1) * share) / total - (slices[k] as string[]).length;
      if (deficit > bestDeficit) [best, bestDeficit] = [k, deficit];
    });
    (slices[best] as string[]).push(unit);
  });
  return slices.filter((s) => s.length > 0);
}

interface Running {
  waveId: number;
  /** The parts received so far, over disjoint units (one per slice, or the whole wave). */
  parts: TallyPart[];
  /** The wave's response count each part saw. */
  counted: Set<number>;
  /** Parts not answered yet. */
  pending: number;
  failed: boolean;
  /** When its parts were posted to the workers (epoch ms, for close-phases.ts). */
  postedAt: number;
}

interface Jobs {
  queue: number[];
  running: Running | undefined;
  workers: Worker[];
  /** Resolved when the queue is empty and nothing runs. */
  waiting: (() => void)[];
  gate: Int32Array | undefined;
  /** Where jobs wait at the gate. */
  hold: TallyHold;
  /** Waves whose tables are to be built, and the one being built. */
  builds: number[];
  building: number | undefined;
  /** Whether tables are built in a worker after the tallies (the server; not the command line). */
  serveTables: boolean;
  /** Waves whose last build failed: the next request builds them itself, once. */
  failedBuilds: Set<number>;
  /** The building worker's heap limits (BUILD_LIMITS; tests set others). */
  buildLimits: ResourceLimits;
  /** Waves whose build outgrew those limits: built without them. */
  unlimitedBuilds: Set<number>;
  /** The worker started under the build's limits for a pass of running tallies (one thread, a few
   *  hundred rows), which then builds that wave's tables too, instead of a second worker's start. */
  builder: Worker | undefined;
  /** The server's request counters a pass's second thread gives way to (server-activity.ts). */
  activity: Int32Array;
  /** The next pass waits for a quiet server until then (passesWaitForQuiet). */
  quietFirst?: { until: number; now: () => number };
}

// The building worker's heap: V8 lets a heap grow to half its limit before its first full
// collection, so under the default limit (GBs) the build's garbage (parsed tallies let go, each
// table and its serialized copies) piled up to 160 MB at 500 units; under 256 MB it peaks near 85
// MB, mostly live (bench/close.ts). A small young generation collects each table's garbage young.
// A wave that outgrows the limit is built again without it.
export const BUILD_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 };

const jobsByDb = new WeakMap<Db, Jobs>();

function jobsOf(db: Db): Jobs {
  let jobs = jobsByDb.get(db);
  if (!jobs) jobsByDb.set(db, (jobs = { queue: [], running: undefined, workers: [], waiting: [], gate: undefined, hold: 'start', builds: [], building: undefined, serveTables: false, failedBuilds: new Set(), buildLimits: BUILD_LIMITS, unlimitedBuilds: new Set(), builder: undefined, activity: serverActivity() }));
  return jobs;
}

/** requestTallies returns 'ready' when the wave's stored tallies are current, else queues their
 *  computation (once) and returns 'computing'. Never waits for the computation. */
export function requestTallies(db: Db, waveId: number): 'ready' | 'computing' {
  if (talliesCurrent(db, waveId, waveResponseCount(db, waveId))) return 'ready';
  if (db.memory) {
    computeInPlace(db, waveId);
    return 'ready';
  }
  const jobs = jobsOf(db);
  if (jobs.running?.waveId !== waveId && !jobs.queue.includes(waveId)) jobs.queue.push(waveId);
  next(db, jobs);
  return 'computing';
}

/** serveTablesFromWorkers makes every later tally computation of a file database go on to build
 *  the wave's result tables in a worker (the server calls it; the command line does not need them). */
export function serveTablesFromWorkers(db: Db): void {
  if (!db.memory) jobsOf(db).serveTables = true;
}

/** requestTables queues the building of a closed wave's result tables in a worker, when the server
 *  builds them there and they are not queued already; tells whether they are (or were) queued. */
export function requestTables(db: Db, waveId: number): boolean {
  const jobs = jobsByDb.get(db);
  if (!jobs?.serveTables || jobs.failedBuilds.delete(waveId)) return false;
  if (!tablesPending(db, waveId)) jobs.builds.push(waveId);
  next(db, jobs);
  return true;
}

/** tablesPending tells whether a worker is computing the wave's tallies or building its tables
 *  (so a request answers "being computed" instead of building them itself). */
export function tablesPending(db: Db, waveId: number): boolean {
  const jobs = jobsByDb.get(db);
  if (!jobs?.serveTables) return false;
  return jobs.building === waveId || jobs.builds.includes(waveId) || jobs.running?.waveId === waveId || jobs.queue.includes(waveId);
}

/** talliesIdle resolves once no tally computation (or table build) for the database is queued or
 *  running (the CLI waits for it before exiting; tests wait for it instead of sleeping). */
export function talliesIdle(db: Db): Promise<void> {
  const jobs = jobsOf(db);
  if (jobs.running === undefined && jobs.queue.length === 0 && jobs.building === undefined && jobs.builds.length === 0) return Promise.resolve();
  // Workers do not keep the process alive by themselves, except while someone waits for them.
  for (const w of jobs.workers) w.ref();
  return new Promise((resolve) => jobs.waiting.push(resolve));
}

/** setBuildLimits is a test hook: the building worker's heap limits (BUILD_LIMITS unless set). */
export function setBuildLimits(db: Db, limits: ResourceLimits): void {
  jobsOf(db).buildLimits = limits;
}

/** setTallyGate is a test hook: each later job waits in its worker until gate[0] is not 0, before
 *  it reads anything or (`midway`) after a pass's first chunk or a build's inputs (tally-worker.ts). */
export function setTallyGate(db: Db, gate: Int32Array | undefined, hold: TallyHold = 'start'): void {
  const jobs = jobsOf(db);
  jobs.gate = gate;
  jobs.hold = hold;
}

function computeInPlace(db: Db, waveId: number): void {
  const wave = getWave(db, waveId);
  const survey = wave && getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
  if (!survey) throw new Error(`wave ${waveId} or its survey is missing`);
  const { data } = storedForm([computeWaveTallies(db, survey, waveId)]);
  saveTallyData(db, waveId, waveResponseCount(db, waveId), data);
}

function next(db: Db, jobs: Jobs): void {
  if (jobs.running || jobs.building !== undefined) return;
  const waveId = db.open ? jobs.queue.shift() : undefined;
  if (waveId === undefined && db.open && jobs.builds.length > 0) {
    // In a turn of its own: storing the tallies just now was one slice of server-thread work
    // (tens of ms at 500 units); recording them with the release is another.
    const build = jobs.builds.shift() as number;
    jobs.building = build;
    setImmediate(() => startBuild(db, jobs, build));
    return;
  }
  if (waveId === undefined) {
    jobs.queue.length = 0;
    jobs.builds.length = 0;
    stopWorkers(jobs);
    for (const resolve of jobs.waiting.splice(0)) resolve();
    return;
  }
  // The units dealt in id order into slices, largest first (dealSlices), which the threads take one
  // at a time: the second is started only once the server is quiet and
  // takes slices only while it stays so (server-activity.ts), so under load the pass leaves the
  // server thread a core of its own.
  // Running tallies that count every response are a few hundred rows to join: one thread, one
  // slice (a second would only add its start-up and its memory).
  const units = waveUnitIds(db, waveId);
  const threads = runningTalliesComplete(db, waveId, TALLY_FORMAT) ? 1 : Math.max(1, Math.min(THREADS, units.length));
  const slices = threads > 1 ? dealSlices(units) : undefined;
  const claim = new Int32Array(new SharedArrayBuffer(4));
  const job = (k: number): TallyJob => ({
    file: db.name,
    waveId,
    ...(slices ? { slices, claim } : {}),
    ...(k > 0 ? { yieldTo: jobs.activity } : {}),
    ...(jobs.gate ? { gate: jobs.gate, hold: jobs.hold } : {}),
  });
  const run: Running = { waveId, parts: [], counted: new Set(), pending: 1, failed: false, postedAt: phaseClock() };
  jobs.running = run;
  // Where tables are built (the server), a pass of running tallies (a close) runs in a worker under
  // the build's heap limits, which then builds the tables (startBuild): one thread's start
  // (0.15-0.2 s) less before the results are ready. A full pass runs without them (its tallies are
  // larger, and a small young generation slows it), and so does every pass of the command line,
  // which builds nothing: a worker of the other kind is let go first.
  const asBuilder = jobs.serveTables && threads === 1 && !jobs.unlimitedBuilds.has(waveId);
  const start = (): void => {
    if (jobs.workers.length > 0 && (jobs.workers[0] === jobs.builder) !== asBuilder) stopWorkers(jobs);
    if (jobs.workers.length === 0) {
      const worker = startWorker(db, jobs, 0, asBuilder ? jobs.buildLimits : undefined);
      jobs.workers.push(worker);
      if (asBuilder) jobs.builder = worker;
    }
    (jobs.workers[0] as Worker).postMessage(job(0));
    if (slices) startSecondWhenQuiet(db, jobs, run, () => Atomics.load(claim, 0) >= slices.length, job(1));
  };
  const first = jobs.quietFirst;
  if (!first) return start();
  // The first pass after a start-up (passesWaitForQuiet) waits for a quiet moment, at most until
  // first.until: see there. A database closed meanwhile ends it, and the queue with it.
  jobs.quietFirst = undefined;
  whenQuiet(jobs.activity, start, {
    until: first.until,
    now: first.now,
    stop: () => {
      if (db.open) return false;
      if (jobs.running === run) {
        jobs.running = undefined;
        next(db, jobs);
      }
      return true;
    },
  });
}

/** passesWaitForQuiet makes the next full pass of the database's tallies (the first after a
 *  start-up: main.ts) start its first thread only once the server is quiet (server-activity.ts: no
 *  request in hand, at most one begun since the last look, every QUIET_MS), or after `graceMs` at
 *  most (on the clock `now`, performance.now unless given). In the first seconds after a start
 *  the server thread runs cold code and V8 compiles it on other threads: the niced pass thread,
 *  preempted in mid-statement, held its read snapshot for up to half a second, and submits waited
 *  that long for their log to be emptied (store/wal.ts). With nobody answering it starts at the
 *  first look. Undefined: the next pass starts at once. */
export function passesWaitForQuiet(db: Db, graceMs: number | undefined, now: () => number = () => performance.now()): void {
  if (!db.memory) jobsOf(db).quietFirst = graceMs === undefined ? undefined : { until: now() + graceMs, now };
}

// The second thread is not even started while the server is answering: a thread's start (an
// isolate, its modules, 60-70 MB) beside a just-started server thread made the first requests after
// a start-up wait longest. Once the server is quiet at a look (every QUIET_MS: at most one request
// begun since the look before, none in hand), the second thread starts and takes slices too (as
// long as the server stays quiet: server-activity.ts). Nothing more to do once every slice is taken.
function startSecondWhenQuiet(db: Db, jobs: Jobs, run: Running, allTaken: () => boolean, job: TallyJob): void {
  whenQuiet(
    jobs.activity,
    () => {
      if (jobs.workers.length < 2) jobs.workers.push(startWorker(db, jobs, 1));
      run.pending += 1;
      (jobs.workers[1] as Worker).postMessage(job);
    },
    { stop: () => jobs.running !== run || allTaken() || !db.open },
  );
}

function partDone(db: Db, jobs: Jobs, k: number, result: TallyJobResult): void {
  const run = jobs.running;
  if (!run) return;
  run.pending -= 1;
  if (result.ok && 'counted' in result) {
    run.parts.push(...result.parts);
    run.counted.add(result.counted);
  } else {
    if (!run.failed) console.error(`Could not compute the results of wave ${run.waveId} (tried again on the next request):`, result.ok ? 'not a tally' : result.error);
    run.failed = true;
  }
  if (result.sentAt !== undefined) recordPhase(`wait: pass part ${k}, posted to received`, run.waveId, result.sentAt, phaseClock() - result.sentAt, 0);
  if (run.pending > 0) return;
  recordPhase('wait: pass, posted to last part received', run.waveId, run.postedAt, phaseClock() - run.postedAt, 0, { threads: jobs.workers.length, parts: run.parts.length });
  jobs.running = undefined;
  // Parts that saw different response counts, or that read other responses than counted, read the
  // wave at different times (it was reopened and answered meanwhile): nothing is stored, and the
  // next request queues the wave again.
  const counted = run.counted.size === 1 ? ([...run.counted][0] as number) : undefined;
  const read = run.parts.reduce((n, p) => n + (p?.responses ?? 0), 0);
  if (!run.failed && counted !== read) console.error(`Could not compute the results of wave ${run.waveId} (tried again on the next request): the wave changed during the pass`);
  if (!run.failed && db.open && counted === read) {
    try {
      // Stored against the count the workers saw, which the request path compares with.
      const stored = startPhase('store tallies (server thread)', run.waveId);
      const { data } = storedForm(run.parts);
      // A wave's running tallies that fall short are made whole from these only if it is reopened
      // (close.ts openWave), not here: that made this step 30-45 ms longer, at every pass.
      saveTallyData(db, run.waveId, read, data);
      stored({ bytes: data.byteLength });
      if (jobs.serveTables && !jobs.builds.includes(run.waveId)) jobs.builds.push(run.waveId);
    } catch (err) {
      console.error(`Could not store the results of wave ${run.waveId} (tried again on the next request):`, err);
    }
  }
  next(db, jobs);
}

function startBuild(db: Db, jobs: Jobs, waveId: number): void {
  // The writes a first request would make (the release and its tallies) happen here, on the one
  // writer; a wave that is not closed, or whose tallies went stale, has nothing to build now.
  let ready = false;
  const recorded = startPhase('record the release (server thread)', waveId);
  try {
    const wave = db.open ? getWave(db, waveId) : undefined;
    ready = wave !== undefined && prepareRelease(db, wave);
    recorded();
  } catch (err) {
    console.error(`Could not record the release of wave ${waveId} (built on the next request instead):`, err);
    jobs.failedBuilds.add(waveId);
  }
  if (!ready) {
    jobs.building = undefined;
    next(db, jobs);
    return;
  }
  // One thread builds: the worker that read the running tallies, started under the build's limits
  // for it (next), or else a fresh one, once the full pass's threads are let go, so that their
  // heaps (their garbage included) and the build's are never held at once.
  const limits = jobs.unlimitedBuilds.has(waveId) ? undefined : jobs.buildLimits;
  const builder = jobs.workers.length === 1 && jobs.workers[0] === jobs.builder && limits ? jobs.builder : undefined;
  if (!builder) {
    stopWorkers(jobs);
    jobs.workers.push(startWorker(db, jobs, 0, limits));
  }
  const job: TallyJob = { file: db.name, waveId, build: true, ...(jobs.gate ? { gate: jobs.gate, hold: jobs.hold } : {}) };
  (jobs.workers[0] as Worker).postMessage(job);
}


function buildDone(db: Db, jobs: Jobs, result: TallyJobResult): void {
  const waveId = jobs.building;
  const done = () => {
    jobs.building = undefined;
    next(db, jobs);
  };
  if (!result.ok || !('packed' in result)) {
    // The request path builds them itself then (as without workers).
    if (!result.ok) console.error(`Could not build the results of wave ${waveId} (built on the next request instead):`, result.error);
    if (waveId !== undefined) jobs.failedBuilds.add(waveId);
    done();
    return;
  }
  if (result.sentAt !== undefined) recordPhase('wait: built tables, posted to received', result.packed.waveId, result.sentAt, phaseClock() - result.sentAt, 0);
  // The builder's heap (its tallies, their garbage) is given back at once.
  stopWorkers(jobs);
  try {
    const cached = startPhase('cache the tables (server thread)', result.packed.waveId);
    const wave = db.open ? getWave(db, result.packed.waveId) : undefined;
    const survey = wave && getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
    // Built for a key that has changed meanwhile (a raised threshold, a renamed unit): not kept.
    if (wave && survey) cacheWaveResults(db, result.packed.key, { ...unpackResults(result.packed), wave, survey });
    cached({ bytes: result.packed.data.byteLength });
  } catch (err) {
    console.error(`Could not keep the results of wave ${waveId}:`, err);
  }
  done();
}

function startWorker(db: Db, jobs: Jobs, k: number, resourceLimits?: ResourceLimits): Worker {
  const worker = newWorker(db, resourceLimits);
  if (jobs.waiting.length === 0) worker.unref();
  worker.on('message', (result: TallyJobResult) => (jobs.building !== undefined ? buildDone(db, jobs, result) : partDone(db, jobs, k, result)));
  worker.on('error', (err) => {
    const building = jobs.building;
    const outOfMemory = resourceLimits !== undefined && (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    if (building !== undefined && outOfMemory) {
      // A wave too large for the limits: built again without them (below, as the worker exits).
      console.error(`The results of wave ${building} outgrew the build's heap limit: built again without it.`);
      jobs.unlimitedBuilds.add(building);
      return;
    }
    if (jobs.running && outOfMemory) {
      // Its running tallies outgrew the limits a builder starts with: the pass (tried again on the
      // next request) and the build run without them.
      console.error(`The running tallies of wave ${jobs.running.waveId} outgrew the build's heap limit: read again without it.`);
      jobs.unlimitedBuilds.add(jobs.running.waveId);
      return;
    }
    console.error('A tally worker failed:', err);
  });
  worker.on('exit', () => {
    if (!jobs.workers.includes(worker)) return;
    // Died (a crash, not a terminate): the wave in hand fails; the pool starts afresh for the next.
    const run = jobs.running;
    if (run) console.error(`Could not compute the results of wave ${run.waveId} (tried again on the next request): a tally worker stopped.`);
    if (jobs.building !== undefined && resourceLimits && jobs.unlimitedBuilds.has(jobs.building)) jobs.builds.unshift(jobs.building);
    else if (jobs.building !== undefined) {
      console.error(`Could not build the results of wave ${jobs.building} (built on the next request instead): a tally worker stopped.`);
      jobs.failedBuilds.add(jobs.building);
    }
    jobs.running = undefined;
    jobs.building = undefined;
    jobs.workers.splice(jobs.workers.indexOf(worker), 1);
    stopWorkers(jobs);
    next(db, jobs);
  });
  return worker;
}

function stopWorkers(jobs: Jobs): void {
  for (const w of jobs.workers.splice(0)) void w.terminate();
  jobs.builder = undefined;
}

// Built (dist/*.js) the worker is a plain module. From source (tsx, vitest) it is TypeScript,
// which a Node 20 worker cannot load through --import: it is loaded by tsx's own API instead.
function newWorker(db: Db, resourceLimits?: ResourceLimits): Worker {
  const here = import.meta.url;
  const workerData = { spawnedAt: phaseClock(), phasesFile: closePhasesFile(), readGate: readerGate(db) };
  const options = { workerData, ...(resourceLimits ? { resourceLimits } : {}) };
  if (!/\.ts$/.test(new URL(here).pathname)) return new Worker(new URL('./tally-worker.js', here), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./tally-worker.ts', here).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}));`, { eval: true, execArgv: [], ...options });
}
