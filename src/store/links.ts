// Respondent links: one open link per wave and unit, or one-time personal tokens.
import { prepared, type Db } from './db.js';
import { hashToken, randomCode } from './ids.js';

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
  if (!/^[a-z0-9]{6,40}$/.test(code)) return undefined;
  const link = prepared(db, 'SELECT wave_id, unit_id FROM link WHERE code = ?').get(code) as { wave_id: number; unit_id: string } | undefined;
  if (link) return { kind: 'link', code, waveId: link.wave_id, unitId: link.unit_id };
  const tokenHash = hashToken(code);
  const token = prepared(db, 'SELECT wave_id, unit_id, used FROM token WHERE hash = ?').get(tokenHash) as { wave_id: number; unit_id: string; used: number } | undefined;
  if (token) return { kind: 'token', code, tokenHash, waveId: token.wave_id, unitId: token.unit_id, used: token.used === 1 };
  return undefined;
}
