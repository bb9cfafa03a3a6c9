// A gate for the tally workers (setTallyGate): a job waits in its worker until the gate opens, so
// tests hold a computation without timing.
import { setTallyGate } from '../../src/report/tally-jobs.js';
import type { Db } from '../../src/store/db.js';

/** closedGate sets a closed gate for the database's later tally jobs and returns it. */
export function closedGate(db: Db): Int32Array {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  setTallyGate(db, gate);
  return gate;
}

/** openGate lets every job waiting at the gate (and every later one) go on. */
export function openGate(gate: Int32Array | undefined): void {
  if (!gate) return;
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
}
