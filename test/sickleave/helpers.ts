// Builders for sick-leave tests: versions as the store returns them, from plain rows.
import type { SickLeaveRow, SickLeaveVersion } from '../../src/store/sickleave.js';

export type Tree = [string, string | null][];

/** row builds a stored row from whole days. */
export function row(unitId: string, period: string, employees: number, agreed: number, lostSelf: number, lostDoctor: number, split?: [number, number]): SickLeaveRow {
  return { unitId, period, employees, agreed: agreed * 100, lostSelf: lostSelf * 100, lostDoctor: lostDoctor * 100, lostShort: split ? split[0] * 100 : null, lostLong: split ? split[1] * 100 : null };
}

let importId = 0;

/** version is one import of a period under a tree and thresholds. */
export function version(tree: Tree, rows: SickLeaveRow[], k = 5, kSplit = 10): SickLeaveVersion {
  return { importId: ++importId, tree: tree.map(([id, parentId]) => ({ id, parentId })), k, kSplit, rows };
}
