// Organisational units: a tree with stable ids.
import { prepared, type Db } from './db.js';

export interface Unit {
  id: string;
  name: string;
  parentId: string | null;
  headcount: number | null;
  retired: boolean;
}

export interface UnitRow {
  id: string;
  name: string;
  parent_id: string | null;
  headcount: number | null;
  retired: number;
}

/** toUnit reads a unit table row (also one from a join, store/links.ts). */
export const toUnit = (r: UnitRow): Unit => ({ id: r.id, name: r.name, parentId: r.parent_id, headcount: r.headcount, retired: r.retired === 1 });

/** addUnit inserts a unit; the parent must exist. */
export function addUnit(db: Db, unit: { id: string; name: string; parentId?: string | null; headcount?: number | null }): void {
  prepared(db, 'INSERT INTO unit (id, name, parent_id, headcount) VALUES (?, ?, ?, ?)').run(unit.id, unit.name, unit.parentId ?? null, unit.headcount ?? null);
}

/** getUnit returns the unit or undefined. */
export function getUnit(db: Db, id: string): Unit | undefined {
  const row = prepared(db, 'SELECT * FROM unit WHERE id = ?').get(id) as UnitRow | undefined;
  return row && toUnit(row);
}

/** listUnits returns all units ordered by name. */
export function listUnits(db: Db): Unit[] {
  return (prepared(db, 'SELECT * FROM unit ORDER BY name').all() as UnitRow[]).map(toUnit);
}

/** countUnits returns how many units exist. */
export function countUnits(db: Db): number {
  return (prepared(db, 'SELECT count(*) AS n FROM unit').get() as { n: number }).n;
}

/** childrenMap indexes units by parent id ('' for roots). */
export function childrenMap(units: Unit[]): Map<string, Unit[]> {
  const map = new Map<string, Unit[]>();
  for (const u of units) {
    const key = u.parentId ?? '';
    const list = map.get(key) ?? [];
    list.push(u);
    map.set(key, list);
  }
  return map;
}

/** subtreeIds returns the given units and everything below them. */
export function subtreeIds(units: Unit[], rootIds: Iterable<string>): Set<string> {
  const children = childrenMap(units);
  const out = new Set<string>();
  const stack = [...rootIds];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (out.has(id)) continue;
    out.add(id);
    for (const c of children.get(id) ?? []) stack.push(c.id);
  }
  return out;
}

/** wouldCycle tells whether making `parentId` the parent of `id` puts a unit below itself. */
export function wouldCycle(units: Unit[], id: string, parentId: string | null): boolean {
  return parentId !== null && subtreeIds(units, [id]).has(parentId);
}

/** updateUnit renames, moves or changes the headcount of a unit; its id never changes. */
export function updateUnit(db: Db, id: string, change: { name?: string; parentId?: string | null; headcount?: number | null }): void {
  const u = getUnit(db, id);
  if (!u) return;
  prepared(db, 'UPDATE unit SET name = ?, parent_id = ?, headcount = ? WHERE id = ?').run(
    change.name ?? u.name,
    change.parentId === undefined ? u.parentId : change.parentId,
    change.headcount === undefined ? u.headcount : change.headcount,
    id,
  );
}

/** setRetired retires (or restores) a unit: kept for history, no longer offered for new waves. */
export function setRetired(db: Db, id: string, retired: boolean): void {
  prepared(db, 'UPDATE unit SET retired = ? WHERE id = ?').run(retired ? 1 : 0, id);
}

/** applyImport writes a checked import plan in one transaction: parents before children. */
export function applyImport(db: Db, rows: { id: string; name: string; parentId: string | null; headcount: number | null }[]): void {
  db.transaction(() => {
    const upsert = prepared(db, 
      `INSERT INTO unit (id, name, parent_id, headcount) VALUES (?, ?, NULL, ?)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, headcount = excluded.headcount`,
    );
    for (const r of rows) upsert.run(r.id, r.name, r.headcount);
    // Parents are set once every unit exists, so the order of rows in the file does not matter.
    const setParent = prepared(db, 'UPDATE unit SET parent_id = ? WHERE id = ?');
    for (const r of rows) setParent.run(r.parentId, r.id);
  }).immediate();
}
