// A gate for the tally workers (setTallyGate): a job waits in its worker until the gate opens, so
// tests hold a computation without timing.
import { setTallyGate } from '../../src/report/tally-jobs.js';
import type { TallyHold } from '../../src/report/tally-worker.js';
import type { Db } from '../../src/store/db.js';

/** closedGate sets a closed gate for the database's later tally jobs, where they hold (before they
 *  read anything unless told), and returns it. */
export function closedGate(db: Db, hold: TallyHold = 'start'): Int32Array {
  const gate = new Int32Array(new SharedArrayBuffer(8));
  setTallyGate(db, gate, hold);
  return gate;
}

/** jobsHeld tells how many jobs have reached the gate so far. */
export function jobsHeld(gate: Int32Array): number {
  return Atomics.load(gate, 1);
}

/** openGate lets every job waiting at the gate (and every later one) go on. */
export function openGate(gate: Int32Array | undefined): void {
  if (!gate) return;
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
}
