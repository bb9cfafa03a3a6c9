// Respondent links: one open link per wave and unit, or one-time personal tokens.
import type Database from 'better-sqlite3';
import { prepared, type Db } from './db.js';
import { hashToken, randomCode } from './ids.js';
import { toUnit, type Unit, type UnitRow } from './units.js';
import { toWave, type Wave, type WaveRow } from './waves.js';

export type Access =
  | { kind: 'link'; code: string; waveId: number; unitId: string }
  | { kind: 'token'; code: string; tokenHash: string; waveId: number; unitId: string; used: boolean };

/** createLink returns the wave's open link code for a unit, creating it if needed. */
export function createLink(db: Db, waveId: number, unitId: string): string {
  const existing = prepared(db, 'SELECT code FROM link WHERE wave_id = ? AND unit_id = ?').get(waveId, unitId) as { code: string } | undefined;
  if (existing) return existing.code;
  const code = randomCode(10);
  prepared(db, 'INSERT INTO link (code, wave_id, unit_id) VALUES (?, ?, ?)').run(code, waveId, unitId);
  return code;
}

/** listLinks returns the open links of a wave. */
export function listLinks(db: Db, waveId: number): { code: string; unitId: string }[] {
  return (prepared(db, 'SELECT code, unit_id FROM link WHERE wave_id = ? ORDER BY unit_id').all(waveId) as { code: string; unit_id: string }[]).map((r) => ({
    code: r.code,
    unitId: r.unit_id,
  }));
}

/** createTokens makes n one-time tokens for a unit and returns them; only their hashes are kept,
 *  so this is the one chance to hand them out. */
export function createTokens(db: Db, waveId: number, unitId: string, n: number): string[] {
  const insert = prepared(db, 'INSERT INTO token (hash, wave_id, unit_id) VALUES (?, ?, ?)');
  return db.transaction(() => {
    const tokens: string[] = [];
    for (let i = 0; i < n; i++) {
      const token = randomCode(16);
      insert.run(hashToken(token), waveId, unitId);
      tokens.push(token);
    }
    return tokens;
  }).immediate();
}

/** resolveCode finds what a /s/<code> link gives access to, or undefined for an unknown code. */
export function resolveCode(db: Db, code: string): Access | undefined {
  return resolveLink(db, code)?.access;
}

// A link's (or token's) row with its wave and unit, from one statement: a respondent request reads
// them on every request, and each statement of its own costs a read transaction with its locks.
// Rows come back as arrays and are split by the table each column belongs to (the tables share
// column names), so the wave and unit are read by waves.ts and units.ts as ever.
const byTable = new WeakMap<Database.Statement, { table: string; column: string }[]>();

function joined(db: Db, from: 'link' | 'token', key: 'code' | 'hash', value: string): { own: Record<string, unknown>; wave: Wave; unit: Unit } | undefined {
  const stmt = prepared(db, `SELECT x.*, w.*, u.* FROM ${from} x JOIN wave w ON w.id = x.wave_id JOIN unit u ON u.id = x.unit_id WHERE x.${key} = ?`);
  let columns = byTable.get(stmt);
  if (!columns) byTable.set(stmt, (columns = stmt.columns().map((c) => ({ table: c.table ?? '', column: c.column ?? c.name }))));
  const row = stmt.raw(true).get(value) as unknown[] | undefined;
  if (!row) return undefined;
  const rows: Record<string, Record<string, unknown>> = { [from]: {}, wave: {}, unit: {} };
  columns.forEach((c, i) => {
    const target = rows[c.table];
    if (target) target[c.column] = row[i];
  });
  return { own: rows[from] as Record<string, unknown>, wave: toWave(rows.wave as unknown as WaveRow), unit: toUnit(rows.unit as unknown as UnitRow) };
}

/** resolveLink is resolveCode with the link's wave and unit, read together; undefined for an
 *  unknown code (or, as with resolveCode and then getWave/getUnit, a missing wave or unit). */
export function resolveLink(db: Db, code: string): { access: Access; wave: Wave; unit: Unit } | undefined {
  if (!/^[a-z0-9]{6,40}$/.test(code)) return undefined;
  const link = joined(db, 'link', 'code', code);
  if (link) return { access: { kind: 'link', code, waveId: link.wave.id, unitId: link.unit.id }, wave: link.wave, unit: link.unit };
  // A link's code (10 characters) is never a token's (16), so a link that had no wave or unit
  // (the foreign keys allow none) finds no token here either.
  const tokenHash = hashToken(code);
  const token = joined(db, 'token', 'hash', tokenHash);
  if (token) return { access: { kind: 'token', code, tokenHash, waveId: token.wave.id, unitId: token.unit.id, used: token.own.used === 1 }, wave: token.wave, unit: token.unit };
  return undefined;
}
