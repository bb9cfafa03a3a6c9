// Timing the phases of a wave's results after a close (the pass in the tally workers, storing the
// tallies, the table build, its transfer and read-back), for bench/close.ts. Off unless
// CLOSE_PHASES_FILE names a file (main.ts calls recordClosePhases; tally-jobs.ts hands the file to
// each worker it starts): then every thread appends one JSON line per phase to it, with the wall
// and CPU time of the thread that ran it and the memory after it. Nothing is recorded otherwise.
import fs from 'node:fs';
import v8 from 'node:v8';
import { threadId } from 'node:worker_threads';

/** One timed phase as written to the file. `at` is when it started (ms since the epoch, the same
 *  clock in every thread); cpuMs is the running thread's own CPU time (Linux; the process's elsewhere). */
export interface PhaseRecord {
  phase: string;
  wave: number;
  thread: number;
  at: number;
  wallMs: number;
  cpuMs: number;
  /** Resident memory of the whole process and this thread's V8 heap in use, after the phase. */
  rssMb: number;
  heapMb: number;
  /** This thread's ArrayBuffers and Buffers outside the V8 heap (freed only when collected). */
  buffersMb?: number;
  detail?: Record<string, number>;
}

// This thread's file; a worker gets the server thread's when it starts.
let file: string | undefined;

/** recordClosePhases makes this thread (and tally workers started later) append phases to `to`,
 *  or stop recording (undefined). */
export function recordClosePhases(to: string | undefined): void {
  file = to === '' ? undefined : to;
}

/** closePhasesFile returns the file phases go to, if any (for a worker about to be started). */
export function closePhasesFile(): string | undefined {
  return file;
}

/** phasesOn tells whether phases are being recorded. */
export function phasesOn(): boolean {
  return file !== undefined;
}

const now = (): number => performance.timeOrigin + performance.now();

// /proc/thread-self is the calling thread's own entry: utime and stime (fields 14, 15) in ticks.
function threadCpuMs(): number {
  try {
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
}

/** recordPhase writes a phase measured elsewhere (its start, wall and CPU ms) when phases are on. */
export function recordPhase(phase: string, wave: number, at: number, wallMs: number, cpuMs: number, detail?: Record<string, number>): void {
  if (file === undefined) return;
  const line: PhaseRecord = {
    phase,
    wave,
    thread: threadId,
    at,
    wallMs: Math.round(wallMs * 10) / 10,
    cpuMs: Math.round(cpuMs),
    rssMb: Math.round(process.memoryUsage.rss() / 1048576),
    heapMb: Math.round(v8.getHeapStatistics().used_heap_size / 1048576),
    buffersMb: Math.round(process.memoryUsage().arrayBuffers / 1048576),
    ...(detail ? { detail } : {}),
  };
  fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** startPhase starts timing a phase on this thread; the returned function ends it and records it
 *  (with optional figures such as bytes). Does nothing when phases are off. */
export function startPhase(phase: string, wave: number): (detail?: Record<string, number>) => void {
  if (!phasesOn()) return () => undefined;
  const at = now();
  const cpu = threadCpuMs();
  return (detail) => recordPhase(phase, wave, at, now() - at, threadCpuMs() - cpu, detail);
}

/** threadBooted records, in a worker, the time from `spawnedAt` (epoch ms, when the server thread
 *  created it) to now: starting the thread and loading its code. */
export function threadBooted(spawnedAt: number | undefined): void {
  if (phasesOn() && spawnedAt !== undefined) recordPhase('worker start', -1, spawnedAt, now() - spawnedAt, threadCpuMs());
}

/** phaseClock returns the epoch-ms clock the phases use (for a phase timed in pieces). */
export function phaseClock(): number {
  return now();
}
