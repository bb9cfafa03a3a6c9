// Stored tallies of closed waves: aggregates per unit and category, computed once and reused after
// a restart. Valid only for the response count they were computed from.
import { prepared, type Db } from './db.js';

/** loadTallyData returns the stored tallies of a wave (report/wave-tallies.ts says their form: the
 *  compact form, or the JSON forms from before) if they were computed from `responses` responses. */
export function loadTallyData(db: Db, waveId: number, responses: number): string | Buffer | undefined {
  const row = prepared(db, 'SELECT responses, data FROM wave_tally WHERE wave_id = ?').get(waveId) as { responses: number; data: string | Buffer } | undefined;
  return row && row.responses === responses ? row.data : undefined;
}

/** storedTallyHead returns the response count and the first `chars` characters of a wave's stored
 *  tallies (enough to check their format without reading them), or undefined when none are stored. */
export function storedTallyHead(db: Db, waveId: number, chars: number): { responses: number; head: string } | undefined {
  // A blob's first bytes as text: both stored forms begin with an ASCII head.
  return prepared(db, 'SELECT responses, CAST(substr(data, 1, ?) AS TEXT) AS head FROM wave_tally WHERE wave_id = ?').get(chars, waveId) as { responses: number; head: string } | undefined;
}

/** saveTallyData stores (or replaces) a wave's computed tallies. */
export function saveTallyData(db: Db, waveId: number, responses: number, data: string | Uint8Array): void {
  prepared(db, 'INSERT INTO wave_tally (wave_id, responses, data) VALUES (?, ?, ?) ON CONFLICT (wave_id) DO UPDATE SET responses = excluded.responses, data = excluded.data').run(waveId, responses, data);
}
