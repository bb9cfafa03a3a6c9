// Running tallies: a wave's tallies per unit and background category, added to in the submit
// transaction, so that closing a wave reads a few hundred rows instead of every answer. What a
// row holds (a GroupTally in the compact form of report/tally-codec.ts, JSON text in layouts
// before 4) is the report layer's; this module only stores it.
// The rows of a wave stand for its tallies only when their responses add up to the wave's count
// (wave_count): a response stored another way (an import, a test, an upgrade) leaves them short,
// and the close falls back to the full pass.
import { prepared, type Db } from './db.js';
import { waveResponseCount } from './waves.js';

/** A stored running tally: its layout version, how many respondents it counts, and its stored
 *  bytes, read only when asked for (a caller that has the same tally decoded already skips it). */
export interface StoredRunningTally {
  format: number;
  responses: number;
  data(): Buffer;
}

/** What a submit adds to its unit's running tally: given a reader of the stored tally for a
 *  category, it returns the respondent's category and that tally with them added (the layout
 *  version, the stored bytes), or undefined to leave it (a row of another layout). */
export type RespondentTally = (stored: (category: string) => StoredRunningTally | undefined) => { format: number; category: string; data: Uint8Array } | undefined;

/** addRunningTally adds one respondent to its unit and category's running tally; call it in the
 *  transaction that inserts the response, so that no copy of the files ever holds a response its
 *  unit's tally does not count (the difference would be the newest respondents' answers). A row of
 *  another layout is left alone (the wave is then counted by a full pass at its close). */
export function addRunningTally(db: Db, waveId: number, unitId: string, add: RespondentTally): void {
  const next = add((category) => {
    const row = prepared(db, 'SELECT format, responses FROM running_tally WHERE wave_id = ? AND unit_id = ? AND category = ?').get(waveId, unitId, category) as { format: number; responses: number } | undefined;
    if (!row) return undefined;
    const data = (): Buffer => (prepared(db, 'SELECT data FROM running_tally WHERE wave_id = ? AND unit_id = ? AND category = ?').get(waveId, unitId, category) as { data: Buffer }).data;
    return { ...row, data };
  });
  if (!next) return;
  prepared(db, `INSERT INTO running_tally (wave_id, unit_id, category, format, responses, data) VALUES (?, ?, ?, ?, 1, ?)
    ON CONFLICT (wave_id, unit_id, category) DO UPDATE SET responses = responses + 1, data = excluded.data`).run(waveId, unitId, next.category, next.format, next.data);
}

/** A running tally row: its unit, category, respondent count and stored bytes. */
export interface RunningTallyRow {
  unit: string;
  category: string;
  responses: number;
  data: Uint8Array;
}

/** readRunningTallies returns, from one read snapshot, the wave's running tallies of layout
 *  `format` (of the given units only, if any, in unit and category order) if those tallies count
 *  every response of the wave (wave_count); else undefined. */
export function readRunningTallies(db: Db, waveId: number, format: number, units?: readonly string[]): RunningTallyRow[] | undefined {
  return db.transaction(() => {
    if (!runningTalliesComplete(db, waveId, format)) return undefined;
    return prepared(
      db,
      `SELECT unit_id AS unit, category, responses, data FROM running_tally
       WHERE wave_id = @wave AND format = @format AND (@units IS NULL OR unit_id IN (SELECT value FROM json_each(@units)))
       ORDER BY unit_id, category`,
    ).all({ wave: waveId, format, units: units ? JSON.stringify(units) : null }) as RunningTallyRow[];
  })();
}

/** runningTalliesComplete tells whether the wave's running tallies of layout `format` count every
 *  response of the wave (wave_count), so a close can read them instead of the answers. */
export function runningTalliesComplete(db: Db, waveId: number, format: number): boolean {
  const { tallied } = prepared(db, 'SELECT coalesce(sum(responses), 0) AS tallied FROM running_tally WHERE wave_id = ? AND format = ?').get(waveId, format) as { tallied: number };
  return tallied === waveResponseCount(db, waveId);
}

/** replaceRunningTallies sets a wave's running tallies to `rows` (computed by a full pass over its
 *  answers, with no submit in between: seeding, tests). */
export function replaceRunningTallies(db: Db, waveId: number, format: number, rows: readonly RunningTallyRow[]): void {
  db.transaction(() => {
    prepared(db, 'DELETE FROM running_tally WHERE wave_id = ?').run(waveId);
    const insert = prepared(db, 'INSERT INTO running_tally (wave_id, unit_id, category, format, responses, data) VALUES (?, ?, ?, ?, ?, ?)');
    for (const r of rows) insert.run(waveId, r.unit, r.category, format, r.responses, r.data);
  }).immediate();
}

/** A running tally row of any layout, with its wave: text in the JSON layouts, bytes in the compact one. */
export type StoredRunningTallyRow = Omit<RunningTallyRow, 'data'> & { waveId: number; data: string | Uint8Array };

/** runningTalliesOfFormat returns every running tally row of layout `format`, with its wave (an
 *  upgrade rewriting an older layout). */
export function runningTalliesOfFormat(db: Db, format: number): StoredRunningTallyRow[] {
  return prepared(db, 'SELECT wave_id AS waveId, unit_id AS unit, category, responses, data FROM running_tally WHERE format = ?').all(format) as StoredRunningTallyRow[];
}

/** hasRunningTalliesOfFormat tells whether any running tally is of layout `format`. */
export function hasRunningTalliesOfFormat(db: Db, format: number): boolean {
  return prepared(db, 'SELECT 1 FROM running_tally WHERE format = ? LIMIT 1').get(format) !== undefined;
}

/** rewriteRunningTally stores one row's tally in layout `format` (the same respondents, another form). */
export function rewriteRunningTally(db: Db, waveId: number, unit: string, category: string, format: number, data: Uint8Array): void {
  prepared(db, 'UPDATE running_tally SET format = ?, data = ? WHERE wave_id = ? AND unit_id = ? AND category = ?').run(format, data, waveId, unit, category);
}

/** dropOtherRunningTallies deletes running tallies of any layout but `format` (at start-up after an
 *  upgrade: their waves are counted by a full pass at close); returns how many rows went. */
export function dropOtherRunningTallies(db: Db, format: number): number {
  return prepared(db, 'DELETE FROM running_tally WHERE format <> ?').run(format).changes;
}
