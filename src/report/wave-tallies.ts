// A closed wave's tallies per unit and background category: computed by one full pass (in the
// tally worker, never on a request), stored in wave_tally in the compact form of tally-codec.ts,
// read back by the request path. Stored tallies are valid only for the response count they were
// computed from, so a wave that is reopened and closed with new responses is computed again.
import zlib from 'node:zlib';
import type { Db } from '../store/db.js';
import { readRunningTallies, type RunningTallyRow } from '../store/running-tallies.js';
import { loadTallyData, storedTallyHead } from '../store/tally-cache.js';
import type { Survey } from '../survey/model.js';
import { startPhase } from './close-phases.js';
import { breakdownOf } from './breakdown.js';
import { groupTallyFromJson, groupTallyToJson, JSON_TALLY_FORMAT, TALLY_FORMAT, type GroupTally, type GroupTallyJson } from './group.js';
import { ByteReader, ByteWriter, decodeInLayout, encodeTally, readLayout, tallyLayout } from './tally-codec.js';
import { tallyWave, tallyWaveByCategory } from './tally.js';

// The stored form: this line, the survey version's layout (tally-codec.ts tallyLayout, so a
// release's record is read without the survey), then one entry per unit: its id, its number of
// categories and each category's id and compact tally, every string and tally after its length.
// Parts computed apart (in the workers) are joined by putting their entries side by side. At 500
// units it is about 1.5 MB, what the gzipped JSON before it took, with nothing to decompress: the
// build reads each unit's tallies straight from the stored bytes.
const BINARY_HEAD = `kartlegg tallies ${TALLY_FORMAT}\n`;

// The forms before (JSON of layout 3), still read: plain JSON text, then the same gzipped (this
// line, then gzip members that gunzip reads as one text). Stored tallies of any other version are
// computed again, at start-up or on the first request.
const HEAD = `{"format":${JSON_TALLY_FORMAT},"units":`;
const GZIP_HEAD = `kartlegg tallies ${JSON_TALLY_FORMAT} gzip\n`;

/** Direct-respondent tallies per unit and category ('' only, for a survey without a breakdown). */
export type WaveTallies = Map<string, Map<string, GroupTally>>;

/** One part of a wave's tallies: how many units and responses it holds, the survey version's
 *  layout (tally-codec.ts tallyLayout), and its units' entries in the stored form (empty when it
 *  has no units). */
export interface TallyPart {
  responses: number;
  units: number;
  layout: string;
  entries: Uint8Array;
}

/** computeWaveTallies returns a wave's tallies (of the given units only, if any: one part of a
 *  computation split over threads) in their stored form: from its running tallies when they count
 *  every response, else by the full pass over its answers. */
export function computeWaveTallies(db: Db, survey: Survey, waveId: number, units?: readonly string[]): TallyPart {
  return runningPart(db, survey, waveId, units) ?? passWaveTallies(db, survey, waveId, units);
}

/** runningPart returns the part from the wave's running tallies (kept at submit), if they count
 *  every response of the wave: the rows' bytes are already in the stored form, nothing decoded. */
function runningPart(db: Db, survey: Survey, waveId: number, units?: readonly string[]): TallyPart | undefined {
  const read = startPhase('pass: read running tallies', waveId);
  const rows = readRunningTallies(db, waveId, TALLY_FORMAT, units);
  if (!rows) {
    read({ complete: 0 });
    return undefined;
  }
  const w = new ByteWriter(rows.reduce((n, r) => n + r.data.byteLength + 64, 0));
  let responses = 0;
  let count = 0;
  for (let i = 0; i < rows.length; ) {
    const unit = (rows[i] as RunningTallyRow).unit;
    let end = i;
    while (end < rows.length && (rows[end] as RunningTallyRow).unit === unit) end++;
    w.text(unit);
    w.num(end - i);
    for (; i < end; i++) {
      const r = rows[i] as RunningTallyRow;
      responses += r.responses;
      w.text(r.category);
      w.framed(r.data);
    }
    count++;
  }
  const entries = w.done();
  read({ complete: 1, rows: rows.length, responses, bytes: entries.byteLength });
  return { responses, units: count, layout: tallyLayout(survey), entries };
}

/** tallyPart returns tallies per unit and category as a part of the stored form. */
export function tallyPart(survey: Survey, tallies: WaveTallies): TallyPart {
  const w = new ByteWriter();
  let responses = 0;
  for (const [unit, categories] of tallies) {
    w.text(unit);
    w.num(categories.size);
    for (const [category, t] of categories) {
      responses += t.responses;
      w.text(category);
      w.framed(encodeTally(survey, t));
    }
  }
  return { responses, units: tallies.size, layout: tallyLayout(survey), entries: w.done() };
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
  const encoded = startPhase('pass: tallies to the stored form', waveId);
  const part = tallyPart(survey, tallies);
  encoded({ bytes: part.entries.byteLength });
  return part;
}

/** storedForm joins the parts of a wave's tallies (over disjoint units, of one survey version)
 *  into what wave_tally stores. */
export function storedForm(parts: readonly TallyPart[]): { responses: number; data: Buffer } {
  const layout = parts[0]?.layout;
  if (layout === undefined || parts.some((p) => p.layout !== layout)) throw new Error('stored tallies: parts of no layout, or of several');
  const head = new ByteWriter();
  head.text(layout);
  // The parts' entries are put side by side, not decoded.
  return { responses: parts.reduce((n, p) => n + p.responses, 0), data: Buffer.concat([Buffer.from(BINARY_HEAD), head.done(), ...parts.map((p) => p.entries)]) };
}

/** storedJson returns the JSON text (layout 3, plain) of tallies in any stored form: the compact
 *  form written out as JSON, the gzipped form decompressed, plain text as it is. */
export function storedJson(data: string | Uint8Array): string | undefined {
  if (typeof data === 'string') return data;
  if (!isBinary(data)) return storedBytes(data)?.toString('utf8');
  const units: string[] = [];
  eachStoredUnit(data, (id, categories) => units.push(JSON.stringify([id, [...categories].map(([c, t]) => [c, groupTallyToJson(t)])])));
  return `${HEAD}[${units.join(',')}]}`;
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
  const compact = storedEntries(stored);
  if (compact) {
    // Each unit of the compact form decoded when it is handed over: the stored bytes are all that
    // is held besides that unit's tallies.
    const layout = readLayout(compact.layout);
    eachEntry(compact.entries, (id, categories) => unit(id, new Map(categories.map(([category, bytes]) => [category, decodeInLayout(layout, bytes)]))));
    return true;
  }
  // The JSON forms: one unit's JSON parsed at a time from the decompressed bytes: the whole text as one string and
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

const isBinary = (data: Uint8Array): boolean => data.byteLength >= BINARY_HEAD.length && Buffer.from(data.buffer, data.byteOffset, BINARY_HEAD.length).toString('latin1') === BINARY_HEAD;


/** storedEntries returns the layout text of tallies stored in the compact form and a reader at
 *  their first unit's entry (for eachEntry), or undefined for the JSON forms from before. */
export function storedEntries(stored: string | Uint8Array): { layout: string; entries: ByteReader } | undefined {
  if (typeof stored === 'string' || !isBinary(stored)) return undefined;
  const entries = new ByteReader(stored, BINARY_HEAD.length);
  return { layout: entries.text(), entries };
}

/** eachEntry reads units' entries in the stored form (a part's `entries`, or a stored blob after its
 *  head and layout) from `r` to its end, handing each unit's categories with their tallies' bytes
 *  (views, not copies) to `unit`, in stored order. */
export function eachEntry(r: ByteReader, unit: (id: string, categories: [category: string, bytes: Uint8Array][]) => void): void {
  while (!r.atEnd()) {
    const id = r.text();
    const categories: [string, Uint8Array][] = [];
    for (let n = r.num(); n > 0; n--) categories.push([r.text(), r.framed()]);
    unit(id, categories);
  }
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
  const stored = storedTallyHead(db, waveId, Math.max(HEAD.length, GZIP_HEAD.length, BINARY_HEAD.length));
  return stored !== undefined && stored.responses === responses && [BINARY_HEAD, GZIP_HEAD, HEAD].some((h) => stored.head.startsWith(h));
}
