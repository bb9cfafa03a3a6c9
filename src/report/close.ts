// The one way a wave's results come to be: closing it (web or command line), and at start-up for
// closed waves whose stored tallies are missing or stale (an upgrade, a close by another process).
// Both only queue the computation (tally-jobs.ts); nothing here waits for it.
import type { Db } from '../store/db.js';
import { dropOtherRunningTallies } from '../store/running-tallies.js';
import { getWave, listWaves, setWaveStatus } from '../store/waves.js';
import { TALLY_FORMAT } from './group.js';
import { completeRunningTallies, upgradeRunningTallies } from './running-tally.js';
import { passesWaitForQuiet, requestTallies } from './tally-jobs.js';

/** closeWave closes the wave and queues the computation of its results; returns at once. */
export function closeWave(db: Db, waveId: number): void {
  setWaveStatus(db, waveId, 'closed');
  requestTallies(db, waveId);
}

/** openWave opens the wave (a draft, or a closed wave reopened: web, command line, calendar). A
 *  reopened wave whose running tallies do not count every response (an import, a close by the
 *  command line, an upgrade) has them made whole from its stored tallies in the same transaction,
 *  so that its next close reads them rather than running the pass again. */
export function openWave(db: Db, waveId: number): void {
  db.transaction(() => {
    const reopened = getWave(db, waveId)?.status === 'closed';
    setWaveStatus(db, waveId, 'open');
    if (reopened) completeRunningTallies(db, waveId);
  }).immediate();
}

/** prepareClosedWaves queues the computation for every closed wave whose stored tallies are not
 *  current (at start-up); returns the ids queued, at once. Running tallies stored as JSON (the
 *  layout before the compact form) are rewritten in the compact form first; any other older layout
 *  is dropped: its waves are counted by the full pass when they close. With `graceMs` (the server's
 *  start-up), the first pass starts once the server is quiet, or after that long at most
 *  (tally-jobs.ts passesWaitForQuiet, on the clock `now`). */
export function prepareClosedWaves(db: Db, opts: { graceMs?: number; now?: () => number } = {}): number[] {
  upgradeRunningTallies(db);
  dropOtherRunningTallies(db, TALLY_FORMAT);
  if (opts.graceMs !== undefined) passesWaitForQuiet(db, opts.graceMs, opts.now);
  const queued = listWaves(db)
    .filter((w) => w.status === 'closed')
    .filter((w) => requestTallies(db, w.id) === 'computing')
    .map((w) => w.id);
  // Nothing to compute now: a later close's pass starts at once.
  if (queued.length === 0) passesWaitForQuiet(db, undefined);
  return queued;
}
