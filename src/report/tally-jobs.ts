// Computing closed waves' tallies off the request path: one worker thread per database works
// through a queue of waves, each on its own read-only connection (tally-worker.ts), and this
// thread stores the result in wave_tally. Requests only read stored tallies; while a wave's are
// missing they get ResultsComputing, which the web layer answers with a "being computed" page.
// A failed job is logged and left out; the next request for the wave queues it again.
// An in-memory database has no second connection: its tallies are computed in place (tests).
import { Worker } from 'node:worker_threads';
import type { Db } from '../store/db.js';
import { saveTallyData } from '../store/tally-cache.js';
import { getSurveyVersion } from '../store/survey-versions.js';
import { getWave, waveResponseCount } from '../store/waves.js';
import type { TallyJob, TallyJobResult } from './tally-worker.js';
import { computeWaveTallies, talliesCurrent } from './wave-tallies.js';

/** Thrown where a page needs a wave's tallies while they are being computed. */
export class ResultsComputing extends Error {
  constructor(readonly waveId: number) {
    super(`the results of wave ${waveId} are being computed`);
    this.name = 'ResultsComputing';
  }
}

interface Jobs {
  queue: number[];
  running: number | undefined;
  worker: Worker | undefined;
  /** Resolved when the queue is empty and nothing runs. */
  waiting: (() => void)[];
  gate: Int32Array | undefined;
}

const jobsByDb = new WeakMap<Db, Jobs>();

function jobsOf(db: Db): Jobs {
  let jobs = jobsByDb.get(db);
  if (!jobs) jobsByDb.set(db, (jobs = { queue: [], running: undefined, worker: undefined, waiting: [], gate: undefined }));
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
  if (jobs.running !== waveId && !jobs.queue.includes(waveId)) jobs.queue.push(waveId);
  next(db, jobs);
  return 'computing';
}

/** talliesIdle resolves once no tally computation for the database is queued or running (the CLI
 *  waits for it before exiting; tests wait for it instead of sleeping). */
export function talliesIdle(db: Db): Promise<void> {
  const jobs = jobsOf(db);
  if (jobs.running === undefined && jobs.queue.length === 0) return Promise.resolve();
  // A worker does not keep the process alive by itself, except while someone waits for it.
  jobs.worker?.ref();
  return new Promise((resolve) => jobs.waiting.push(resolve));
}

/** setTallyGate is a test hook: each later job waits in the worker, before its pass, until gate[0] is not 0. */
export function setTallyGate(db: Db, gate: Int32Array | undefined): void {
  jobsOf(db).gate = gate;
}

function computeInPlace(db: Db, waveId: number): void {
  const wave = getWave(db, waveId);
  const survey = wave && getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
  if (!survey) throw new Error(`wave ${waveId} or its survey is missing`);
  const { responses, data } = computeWaveTallies(db, survey, waveId);
  saveTallyData(db, waveId, responses, data);
}

function next(db: Db, jobs: Jobs): void {
  if (jobs.running !== undefined) return;
  const waveId = db.open ? jobs.queue.shift() : undefined;
  if (waveId === undefined) {
    jobs.queue.length = 0;
    void jobs.worker?.terminate();
    jobs.worker = undefined;
    for (const resolve of jobs.waiting.splice(0)) resolve();
    return;
  }
  jobs.running = waveId;
  jobs.worker ??= startWorker(db, jobs);
  const job: TallyJob = { file: db.name, waveId, ...(jobs.gate ? { gate: jobs.gate } : {}) };
  jobs.worker.postMessage(job);
}

function finish(db: Db, jobs: Jobs, result: TallyJobResult): void {
  jobs.running = undefined;
  if ('error' in result) console.error(`Could not compute the results of wave ${result.waveId} (tried again on the next request):`, result.error);
  else if (db.open) {
    try {
      saveTallyData(db, result.waveId, result.responses, result.data);
    } catch (err) {
      console.error(`Could not store the results of wave ${result.waveId} (tried again on the next request):`, err);
    }
  }
  next(db, jobs);
}

function startWorker(db: Db, jobs: Jobs): Worker {
  const worker = newWorker();
  if (jobs.waiting.length === 0) worker.unref();
  worker.on('message', (result: TallyJobResult) => finish(db, jobs, result));
  worker.on('error', (err) => console.error('The tally worker failed:', err));
  worker.on('exit', () => {
    if (jobs.worker !== worker) return;
    // Died with a job in hand (a crash, not a terminate): drop the job, carry on with the queue.
    jobs.worker = undefined;
    if (jobs.running !== undefined) console.error(`Could not compute the results of wave ${jobs.running} (tried again on the next request): the worker stopped.`);
    jobs.running = undefined;
    next(db, jobs);
  });
  return worker;
}

// Built (dist/*.js) the worker is a plain module. From source (tsx, vitest) it is TypeScript,
// which a Node 20 worker cannot load through --import: it is loaded by tsx's own API instead.
function newWorker(): Worker {
  const here = import.meta.url;
  if (!/\.ts$/.test(new URL(here).pathname)) return new Worker(new URL('./tally-worker.js', here));
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./tally-worker.ts', here).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}));`, { eval: true, execArgv: [] });
}
