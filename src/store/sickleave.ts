// Sick-leave figures per unit and period (issue 18): counts from the HR/payroll system, stored as
// versions so that what an earlier import may have shown stays known (see migrations.ts).
import { prepared, type Db } from './db.js';

/** SickLeaveRow is one unit's own employees in one period (days in hundredths of a day). */
export interface SickLeaveRow {
  unitId: string;
  /** A month YYYY-MM or a quarter YYYY-Qn. */
  period: string;
  employees: number;
  agreed: number;
  lostSelf: number;
  lostDoctor: number;
  /** Lost days in absences of 1–16 days and in longer ones; both or neither. */
  lostShort: number | null;
  lostLong: number | null;
}

/** SickLeaveSettings: the minimum employees for a figure, for the short/long split, and whether
 *  pages show presence (100 − sick leave) instead of sick leave. */
export interface SickLeaveSettings {
  k: number;
  kSplit: number;
  presence: boolean;
}

/** SickLeaveVersion is one import's rows for one period, with the tree and thresholds it was made under. */
export interface SickLeaveVersion {
  importId: number;
  tree: { id: string; parentId: string | null }[];
  k: number;
  kSplit: number;
  rows: SickLeaveRow[];
}

interface Row {
  import_id: number;
  period: string;
  unit_id: string;
  employees: number;
  agreed: number;
  lost_self: number;
  lost_doctor: number;
  lost_short: number | null;
  lost_long: number | null;
}

const toRow = (r: Row): SickLeaveRow => ({
  unitId: r.unit_id,
  period: r.period,
  employees: r.employees,
  agreed: r.agreed,
  lostSelf: r.lost_self,
  lostDoctor: r.lost_doctor,
  lostShort: r.lost_short,
  lostLong: r.lost_long,
});

/** sickLeaveSettings reads the one settings row. */
export function sickLeaveSettings(db: Db): SickLeaveSettings {
  const r = prepared(db, 'SELECT k, k_split, presence FROM sick_leave_settings WHERE id = 1').get() as { k: number; k_split: number; presence: number };
  return { k: r.k, kSplit: r.k_split, presence: r.presence === 1 };
}

/** setSickLeaveSettings stores the settings; it throws when a threshold would be lowered (figures
 *  shown under the higher one would then meet figures decided under the lower). */
export function setSickLeaveSettings(db: Db, s: SickLeaveSettings): void {
  const before = sickLeaveSettings(db);
  if (s.k < before.k || s.kSplit < before.kSplit || s.k < 5 || s.kSplit < s.k) throw new RangeError('sick-leave thresholds can only be raised, k >= 5, kSplit >= k');
  prepared(db, 'UPDATE sick_leave_settings SET k = ?, k_split = ?, presence = ? WHERE id = 1').run(s.k, s.kSplit, s.presence ? 1 : 0);
}

/** storedPeriods returns each stored period with the number of rows in its current version. */
export function storedPeriods(db: Db): Map<string, number> {
  const rows = prepared(
    db,
    `SELECT s.period AS period, count(*) AS n FROM sick_leave s
     WHERE s.import_id = (SELECT max(import_id) FROM sick_leave t WHERE t.period = s.period)
     GROUP BY s.period`,
  ).all() as { period: string; n: number }[];
  return new Map(rows.map((r) => [r.period, r.n]));
}

/** saveSickLeaveImport stores one import in one transaction: every period in `rows` gets a new
 *  current version holding exactly these rows (the period's earlier versions are kept). */
export function saveSickLeaveImport(db: Db, meta: { at: Date; actor: string; tree: { id: string; parentId: string | null }[] }, rows: readonly SickLeaveRow[]): number {
  return db.transaction(() => {
    const { k, kSplit } = sickLeaveSettings(db);
    const tree = JSON.stringify(meta.tree.map((u) => [u.id, u.parentId]));
    const id = Number(prepared(db, 'INSERT INTO sick_leave_import (at, actor, tree, k, k_split) VALUES (?, ?, ?, ?, ?)').run(meta.at.toISOString(), meta.actor, tree, k, kSplit).lastInsertRowid);
    const insert = prepared(db, 'INSERT INTO sick_leave (import_id, period, unit_id, employees, agreed, lost_self, lost_doctor, lost_short, lost_long) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of rows) insert.run(id, r.period, r.unitId, r.employees, r.agreed, r.lostSelf, r.lostDoctor, r.lostShort, r.lostLong);
    return id;
  }).immediate();
}

/** sickLeaveVersions returns every period's versions, oldest first (the last is current). */
export function sickLeaveVersions(db: Db): Map<string, SickLeaveVersion[]> {
  const imports = new Map(
    (prepared(db, 'SELECT id, tree, k, k_split FROM sick_leave_import').all() as { id: number; tree: string; k: number; k_split: number }[]).map((i) => [
      i.id,
      { tree: (JSON.parse(i.tree) as [string, string | null][]).map(([id, parentId]) => ({ id, parentId })), k: i.k, kSplit: i.k_split },
    ]),
  );
  const out = new Map<string, SickLeaveVersion[]>();
  for (const r of prepared(db, 'SELECT * FROM sick_leave ORDER BY period, import_id, unit_id').all() as Row[]) {
    const versions = out.get(r.period) ?? [];
    let v = versions[versions.length - 1];
    if (!v || v.importId !== r.import_id) {
      const meta = imports.get(r.import_id) as { tree: SickLeaveVersion['tree']; k: number; kSplit: number };
      v = { importId: r.import_id, ...meta, rows: [] };
      versions.push(v);
    }
    v.rows.push(toRow(r));
    out.set(r.period, versions);
  }
  return out;
}

/** hasSickLeave tells whether any sick-leave figures are stored (pages show nothing otherwise). */
export function hasSickLeave(db: Db): boolean {
  return prepared(db, 'SELECT 1 FROM sick_leave LIMIT 1').get() !== undefined;
}

/** latestImportId is the newest import's id (0 without any): it changes with every import. */
export function latestImportId(db: Db): number {
  return (prepared(db, 'SELECT coalesce(max(id), 0) AS id FROM sick_leave_import').get() as { id: number }).id;
}
