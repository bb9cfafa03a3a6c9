// Reading a wave's answers for the results: one streaming pass, never the whole wave in memory.
import type { Db } from './db.js';

/** One stored answer row with its response and unit. itemId, part, num and txt are null only for
 *  a response without any answers (it still counts as a response). */
export interface WaveAnswerRow {
  responseId: number;
  unitId: string;
  itemId: string | null;
  part: string | null;
  num: number | null;
  txt: string | null;
}

// Ordered by (unit, response) rather than by response id alone: the index response_wave_unit
// already holds that order, so SQLite streams without sorting millions of rows in a temp B-tree,
// and each response's rows still arrive together. Aliases give camelCase rows with no mapping.
const ANSWERS_SQL = `
  SELECT r.id AS responseId, r.unit_id AS unitId, a.item_id AS itemId, a.part AS part, a.num AS num, a.txt AS txt
  FROM response r LEFT JOIN answer a ON a.response_id = r.id
  WHERE r.wave_id = ?
  ORDER BY r.unit_id, r.id`;

/** streamWaveAnswers yields every answer row of a wave, each response's rows consecutively (grouped by unit, then response id). */
export function streamWaveAnswers(db: Db, waveId: number): IterableIterator<WaveAnswerRow> {
  return db.prepare(ANSWERS_SQL).iterate(waveId) as IterableIterator<WaveAnswerRow>;
}

// The full pass for the stored tallies reads one row per response: its answers packed by SQLite
// into one string (row = item, part, num, JSON-quoted txt or nothing for NULL; char 31 between
// fields, 30 between rows, written into the SQL as literals: calling char() per row costs 10 %). Handing 65 values per response to JavaScript in one string costs a fraction of 65 row
// objects, and responses are visited in id order, which is the answer table's key order: each
// response's answers are found by a forward step through the B-tree, not a random seek. Ids,
// parts and option ids match /^[a-z][a-z0-9_]*$/ (survey schema), so only txt needs quoting, and
// json_quote escapes every control character. SQLite's REAL-to-text conversion round-trips.
// One chunk of ids at a time (the rowid is still a seek under NOT INDEXED): each chunk is read to
// the end by one statement outside any transaction, so its snapshot lasts one chunk, never the pass
// (a snapshot held for seconds keeps the server's write-ahead log from being emptied: store/wal.ts).
const PACKED_SQL = `
  SELECT r.id, r.unit_id,
    (SELECT group_concat(item_id || '\x1f' || part || '\x1f' || ifnull(num, '') || '\x1f' || iif(txt IS NULL, '', json_quote(txt)), '\x1e')
     FROM answer WHERE response_id = r.id)
  FROM response r NOT INDEXED
  WHERE r.wave_id = @wave AND r.id > @after AND (@units IS NULL OR r.unit_id IN (SELECT value FROM json_each(@units)))
  ORDER BY r.id
  LIMIT @chunk`;

/** How many responses waveResponses reads by one statement (one short read snapshot each). Small:
 *  the niced reader can be preempted mid-statement, and while it holds its snapshot a submit waits
 *  for its log to be emptied (store/wal.ts). */
export const CHUNK = 100;

const betweenChunks = new WeakMap<Db, (readAt: number, readMs: number) => void>();

/** onChunkRead makes every later waveResponses on this connection call `hook` after each chunk it
 *  reads that is followed by another, while no statement is open (tests hold a pass there), with
 *  when that chunk's statement began (performance.now()) and how long it held its snapshot. */
export function onChunkRead(db: Db, hook: (readAt: number, readMs: number) => void): void {
  betweenChunks.set(db, hook);
}

/** waveResponses yields each response of a wave (of the given units only, if any) as its answer
 *  rows, or one row of nulls for a response without answers. The array and its row objects are
 *  reused: read them before asking for the next response. Responses are read in chunks of `chunk`
 *  by id, each chunk by its own statement and so from its own snapshot: the caller checks that the
 *  wave did not change meanwhile (a closed wave's answers do not). Each chunk is sorted by unit, so
 *  consecutive responses add into the same unit's tallies (which stay in the CPU's caches). */
export function* waveResponses(db: Db, waveId: number, units?: readonly string[], chunk = CHUNK): Generator<readonly WaveAnswerRow[]> {
  const pool: WaveAnswerRow[] = [];
  const view: WaveAnswerRow[] = [];
  const select = db.prepare(PACKED_SQL).raw();
  const params = { wave: waveId, units: units ? JSON.stringify(units) : null, after: Number.MIN_SAFE_INTEGER, chunk };
  for (;;) {
    const readAt = performance.now();
    const read = select.all(params) as PackedResponse[];
    const readMs = performance.now() - readAt;
    const full = read.length === chunk;
    if (full) params.after = (read[read.length - 1] as PackedResponse)[0];
    if (full) betweenChunks.get(db)?.(readAt, readMs);
    read.sort((x, y) => (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
    for (const response of read) {
      unpack(response, pool, view);
      yield view;
    }
    if (!full) return;
  }
}

/** id, unit id and packed answers (null when there are none). */
type PackedResponse = [number, string, string | null];

/** unpack fills view with the response's rows, reusing the row objects in pool. */
function unpack([responseId, unitId, packed]: PackedResponse, pool: WaveAnswerRow[], view: WaveAnswerRow[]): void {
  view.length = 0;
  if (packed === null) {
    view.push({ responseId, unitId, itemId: null, part: null, num: null, txt: null });
    return;
  }
  for (let at = 0, k = 0; at < packed.length; k++) {
    let row = pool[k];
    if (!row) pool.push((row = { responseId, unitId, itemId: null, part: null, num: null, txt: null }));
    const a = packed.indexOf('\x1f', at);
    const b = packed.indexOf('\x1f', a + 1);
    const c = packed.indexOf('\x1f', b + 1);
    let end = packed.indexOf('\x1e', c + 1);
    if (end < 0) end = packed.length;
    row.responseId = responseId;
    row.unitId = unitId;
    // Most responses answer the same items in the same order: the previous response's strings
    // are kept where they match, so the common row allocates no new id or part.
    if (!same(packed, at, a, row.itemId)) row.itemId = packed.slice(at, a);
    if (!same(packed, a + 1, b, row.part)) row.part = packed.slice(a + 1, b);
    row.num = b + 1 === c ? null : number(packed, b + 1, c);
    row.txt = quoted(packed, c + 1, end);
    view.push(row);
    at = end + 1;
  }
}

/** number reads SQLite's text of a REAL in packed[from, to). A whole number ("4.0", every scale
 *  point) is read digit by digit, without a string; anything else by Number, and SQLite spells
 *  the infinities 'Inf' and '-Inf'. */
function number(packed: string, from: number, to: number): number {
  let at = from;
  const negative = packed.charCodeAt(at) === 45; // '-'
  if (negative) at++;
  let n = 0;
  for (; at < to; at++) {
    const d = packed.charCodeAt(at) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (at > from + (negative ? 1 : 0) && n <= Number.MAX_SAFE_INTEGER && at + 2 === to && packed.charCodeAt(at) === 46 && packed.charCodeAt(at + 1) === 48) return negative ? -n : n;
  const text = packed.slice(from, to);
  const value = Number(text);
  return Number.isNaN(value) ? (text === 'Inf' ? Infinity : text === '-Inf' ? -Infinity : value) : value;
}

/** same tells whether packed[from, to) is exactly the string s. */
function same(packed: string, from: number, to: number, s: string | null): boolean {
  return s !== null && s.length === to - from && packed.startsWith(s, from);
}

/** quoted decodes the json_quote output in packed[from, to): nothing for null, or the string. */
function quoted(packed: string, from: number, to: number): string | null {
  if (from === to) return null;
  const s = packed.slice(from + 1, to - 1);
  return s.includes('\\') ? (JSON.parse(packed.slice(from, to)) as string) : s;
}

/** freeTexts returns a free-text item's answers from the given units of a wave, sorted alphabetically
 *  so their order says nothing about who wrote them or when. Call only where disclosure allows. */
export function freeTexts(db: Db, waveId: number, unitIds: readonly string[], itemId: string): string[] {
  const select = db.prepare(
    `SELECT a.txt AS txt FROM response r JOIN answer a ON a.response_id = r.id
     WHERE r.wave_id = ? AND r.unit_id = ? AND a.item_id = ? AND a.txt IS NOT NULL`,
  );
  const texts: string[] = [];
  for (const unitId of unitIds) for (const row of select.all(waveId, unitId, itemId) as { txt: string }[]) texts.push(row.txt);
  return texts.sort((a, b) => a.localeCompare(b, 'nb'));
}
