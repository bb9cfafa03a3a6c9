// A closed wave's tallies per unit and background category: computed by one full pass (in the
// tally worker, never on a request), stored in wave_tally as gzipped JSON, read back by the
// request path. Stored tallies are valid only for the response count they were computed from, so
// a wave that is reopened and closed with new responses is computed again.
import zlib from 'node:zlib';
import type { Db } from '../store/db.js';
import { readRunningTallies, type RunningTallyRow } from '../store/running-tallies.js';
import { loadTallyData, storedTallyHead } from '../store/tally-cache.js';
import type { Survey } from '../survey/model.js';
import { startPhase } from './close-phases.js';
import { breakdownOf } from './breakdown.js';
import { groupTallyFromJson, groupTallyToJson, JSON_TALLY_FORMAT, TALLY_FORMAT, type GroupTally, type GroupTallyJson } from './group.js';
import { decodeTally } from './tally-codec.js';
import { tallyWave, tallyWaveByCategory } from './tally.js';

// The stored form's version (group.ts): stored tallies of another version are computed again, at
// start-up or on the first request.
const HEAD = `{"format":${JSON_TALLY_FORMAT},"units":`;

// The JSON is stored gzipped (at 500 units 11 MB of text becomes about a tenth): the server thread
// writes it, and copies it to the release, in one turn each, so its size is what requests wait
// for. The blob is this line, then gzip members: the head, each part's entries and the commas
// between them, each compressed on its own (the parts in the workers), which gunzip reads as one
// text. Tallies stored as plain JSON text (before this form) are read as they are.
const GZIP_HEAD = `kartlegg tallies ${JSON_TALLY_FORMAT} gzip\n`;
// Level 3: at 500 units 11.4 MB of JSON in 58 ms to 1.47 MB, against 168 ms to 1.07 MB at 6
// (measured on running tallies of 30 000 responses): at close the gzip is most of a worker's work.
const gzip = (text: string): Buffer => zlib.gzipSync(text, { level: 3 });
const OPEN = gzip(`${HEAD}[`);
const COMMA = gzip(',');
const CLOSE = gzip(']}');

/** Direct-respondent tallies per unit and category ('' only, for a survey without a breakdown). */
export type WaveTallies = Map<string, Map<string, GroupTally>>;


/** One part of a wave's tallies: how many units and responses it holds, and its units' entries
 *  (JSON, comma-separated) gzipped; empty when it has no units. */
export interface TallyPart {
  responses: number;
  units: number;
  entries: Uint8Array;
}

/** computeWaveTallies returns a wave's tallies (of the given units only, if any: one part of a
 *  computation split over threads) in their stored form: from its running tallies when they count
 *  every response, else by the full pass over its answers. */
export function computeWaveTallies(db: Db, survey: Survey, waveId: number, units?: readonly string[]): TallyPart {
  return runningPart(db, survey, waveId, units) ?? passWaveTallies(db, survey, waveId, units);
}

/** runningPart returns the part from the wave's running tallies (kept at submit), if they count
 *  every response of the wave. */
function runningPart(db: Db, survey: Survey, waveId: number, units?: readonly string[]): TallyPart | undefined {
  const read = startPhase('pass: read running tallies', waveId);
  const rows = readRunningTallies(db, waveId, TALLY_FORMAT, units);
  if (!rows) {
    read({ complete: 0 });
    return undefined;
  }
  const entries: string[] = [];
  let responses = 0;
  for (let i = 0; i < rows.length; ) {
    const unit = (rows[i] as RunningTallyRow).unit;
    const categories: string[] = [];
    for (; i < rows.length && (rows[i] as RunningTallyRow).unit === unit; i++) {
      const r = rows[i] as RunningTallyRow;
      responses += r.responses;
      categories.push(`[${JSON.stringify(r.category)},${JSON.stringify(groupTallyToJson(decodeTally(survey, r.data)))}]`);
    }
    entries.push(`[${JSON.stringify(unit)},[${categories.join(',')}]]`);
  }
  read({ complete: 1, rows: rows.length, responses });
  const zipped = startPhase('pass: tallies to JSON, gzipped', waveId);
  const text = entries.join(',');
  const part = { responses, units: entries.length, entries: entries.length === 0 ? new Uint8Array(0) : gzip(text) };
  zipped({ chars: text.length, bytes: part.entries.byteLength });
  return part;
}

/** passTallies returns a wave's direct-respondent tallies per unit and category ('' only, for a
 *  survey without a breakdown) by the full pass over its answers (of `units` only, if given). */
export function passTallies(db: Db, survey: Survey, waveId: number, units?: readonly string[]): WaveTallies {
  const definition = breakdownOf(survey);
  return definition
    ? tallyWaveByCategory(db, survey, waveId, definition.classify, units)
    : new Map([...tallyWave(db, survey, waveId, units)].map(([unit, t]) => [unit, new Map([['', t]])]));
}

/** passWaveTallies is computeWaveTallies by the full pass over the answers, whatever the running
 *  tallies hold (what a wave they do not fully count gets; benchmarks time it on its own). */
export function passWaveTallies(db: Db, survey: Survey, waveId: number, units?: readonly string[]): TallyPart {
  // With a breakdown (position items, or a background question), one pass tallies per unit and
  // category, and a unit's tally is the sum of its categories (tallies are additive): reading the
  // answers once, not twice.
  const passed = startPhase('pass: read and tally', waveId);
  const tallies = passTallies(db, survey, waveId, units);
  let responses = 0;
  for (const categories of tallies.values()) for (const t of categories.values()) responses += t.responses;
  passed({ responses, units: tallies.size });
  const stringified = startPhase('pass: tallies to JSON, gzipped', waveId);
  const json = JSON.stringify([...tallies].map(([unit, cats]) => [unit, [...cats].map(([c, t]) => [c, groupTallyToJson(t)])]));
  const entries = tallies.size === 0 ? new Uint8Array(0) : gzip(json.slice(1, -1));
  stringified({ chars: json.length, bytes: entries.byteLength });
  return { responses, units: tallies.size, entries };
}

/** storedForm joins the parts of a wave's tallies (over disjoint units) into what wave_tally stores. */
export function storedForm(parts: readonly TallyPart[]): { responses: number; data: Buffer } {
  // The parts' gzip members are put side by side, not decompressed.
  const members: Uint8Array[] = [Buffer.from(GZIP_HEAD), OPEN];
  for (const p of parts.filter((q) => q.units > 0)) members.push(...(members.length > 2 ? [COMMA] : []), p.entries);
  members.push(CLOSE);
  return { responses: parts.reduce((n, p) => n + p.responses, 0), data: Buffer.concat(members) };
}

/** storedJson returns the JSON text of tallies in their stored form (gzipped, or plain text as stored before). */
export function storedJson(data: string | Uint8Array): string | undefined {
  return typeof data === 'string' ? data : storedBytes(data)?.toString('utf8');
}

/** storedWaveTallies returns the wave's stored tallies if they are of this version and were computed
 *  from `responses` responses. */
export function storedWaveTallies(db: Db, waveId: number, responses: number): WaveTallies | undefined {
  const data = loadTallyData(db, waveId, responses);
  return data === undefined ? undefined : parseStoredTallies(data);
}

/** parseStoredTallies reads tallies in the stored form (wave_tally, a release's record), or undefined for another version. */
export function parseStoredTallies(stored: string | Uint8Array): WaveTallies | undefined {
  const out: WaveTallies = new Map();
  return eachStoredUnit(stored, (unit, categories) => out.set(unit, categories)) ? out : undefined;
}

const [QUOTE, BACKSLASH, OPEN_BRACKET, CLOSE_BRACKET, OPEN_BRACE, CLOSE_BRACE, COMMA_BYTE] = ['"', '\\', '[', ']', '{', '}', ','].map((c) => c.charCodeAt(0));

/** eachStoredUnit hands each unit's tallies by category in the stored form to `unit`, one unit at
 *  a time, in stored order; false (and nothing handed) for another version. */
export function eachStoredUnit(stored: string | Uint8Array, unit: (id: string, categories: Map<string, GroupTally>) => void): boolean {
  // One unit's JSON parsed at a time from the decompressed bytes: the whole text as one string and
  // every unit's tallies as objects (about 50 MB at 500 units) are never held at once.
  const bytes = typeof stored === 'string' ? Buffer.from(stored, 'utf8') : storedBytes(stored);
  if (bytes === undefined || bytes.byteLength < HEAD.length + 1 || bytes.toString('latin1', 0, HEAD.length) !== HEAD) return false;
  let i = HEAD.length;
  if (bytes[i] !== OPEN_BRACKET) throw new Error('stored tallies: no unit list');
  i++;
  while (bytes[i] !== CLOSE_BRACKET) {
    if (bytes[i] === COMMA_BYTE) i++;
    const start = i;
    i = entryEnd(bytes, start);
    const [id, categories] = JSON.parse(bytes.toString('utf8', start, i)) as [string, [string, GroupTallyJson][]];
    unit(id, new Map(categories.map(([c, t]) => [c, groupTallyFromJson(t)])));
  }
  return true;
}

// The index just past the JSON array starting at `start` (strings skipped, escapes too).
function entryEnd(bytes: Uint8Array, start: number): number {
  if (bytes[start] !== OPEN_BRACKET) throw new Error(`stored tallies: no unit entry at ${start}`);
  let depth = 0;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) {
      for (i++; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
    } else if (b === OPEN_BRACKET || b === OPEN_BRACE) depth++;
    else if ((b === CLOSE_BRACKET || b === CLOSE_BRACE) && --depth === 0) return i + 1;
  }
  throw new Error('stored tallies: a unit entry is cut short');
}

// The decompressed bytes of the gzipped form, or undefined for another form or version.
function storedBytes(data: Uint8Array): Buffer | undefined {
  const head = Buffer.from(GZIP_HEAD);
  if (data.byteLength < head.length || !head.equals(data.subarray(0, head.length))) return undefined;
  // Into one buffer big enough for the text (JSON tallies compress 6-8 times), not the default
  // 16 KB pieces joined at the end, which held the text twice (about 12 MB more at 500 units, in
  // pieces the allocator kept). Pages of it never written are never resident.
  return zlib.gunzipSync(data.subarray(head.length), { chunkSize: Math.min(Math.max(16 * data.byteLength, 1 << 16), 1 << 30) });
}

/** talliesCurrent tells, without reading them, whether the wave's stored tallies are of this version
 *  and computed from `responses` responses. */
export function talliesCurrent(db: Db, waveId: number, responses: number): boolean {
  const stored = storedTallyHead(db, waveId, Math.max(HEAD.length, GZIP_HEAD.length));
  return stored !== undefined && stored.responses === responses && (stored.head.startsWith(GZIP_HEAD) || stored.head.startsWith(HEAD));
}
