// Organisational units: a tree with stable ids.
import type { Db } from './db.js';

export interface Unit {
  id: string;
  name: string;
  parentId: string | null;
  headcount: number | null;
  retired: boolean;
}

interface UnitRow {
  id: string;
  name: string;
  parent_id: string | null;
  headcount: number | null;
  retired: number;
}

const toUnit = (r: UnitRow): Unit => ({ id: r.id, name: r.name, parentId: r.parent_id, headcount: r.headcount, retired: r.retired === 1 });

/** addUnit inserts a unit; the parent must exist. */
export function addUnit(db: Db, unit: { id: string; name: string; parentId?: string | null; headcount?: number | null }): void {
  db.prepare('INSERT INTO unit (id, name, parent_id, headcount) VALUES (?, ?, ?, ?)').run(unit.id, unit.name, unit.parentId ?? null, unit.headcount ?? null);
}

/** getUnit returns the unit or undefined. */
export function getUnit(db: Db, id: string): Unit | undefined {
  const row = db.prepare('SELECT * FROM unit WHERE id = ?').get(id) as UnitRow | undefined;
  return row && toUnit(row);
}

/** listUnits returns all units ordered by name. */
export function listUnits(db: Db): Unit[] {
  return (db.prepare('SELECT * FROM unit ORDER BY name').all() as UnitRow[]).map(toUnit);
}

/** countUnits returns how many units exist. */
export function countUnits(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM unit').get() as { n: number }).n;
}
