// Reading what close-phases.ts recorded (a JSON line per phase) in tests.
import fs from 'node:fs';
import type { PhaseRecord } from '../../src/report/close-phases.js';

/** readPhaseFile returns every phase recorded in `file`, in the order written. */
export function readPhaseFile(file: string): PhaseRecord[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as PhaseRecord);
}
