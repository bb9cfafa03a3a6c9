// The compact stored form of a GroupTally: its numbers only, in a layout fixed per survey version
// (scan.ts tallyShape: items with their count keys, now/desired items, texts, factors with their
// items, RAUS total, position), so no key or item id is stored and reading it back parses nothing.
// It holds exactly what the JSON form held: sums over respondents, no order, no time.
//
// Every number in a tally is an integer (a count, or an exact sum in units of 1/den, stats.ts), so
// each is written as a variable-length integer: a sign and the low 6 bits in the first byte, then
// 7 bits a byte. Counts are small, so most numbers take one byte: the bundled survey's tally is
// about an eighth of its JSON (1.7 KB against 14; as float64 it would be about 12), so a submit's
// row fits one database page and a wave's stored tallies need no gzip. Adding a respondent to the
// bytes themselves was not built: the widths change, and a submit's scan (0.10 ms) costs more than
// its decoding (kept decoded, running-tally.ts) and encoding (0.05-0.07 ms). Before each map entry (and
// the RAUS total and position figures) one byte says whether the tally has it: tallies made by the
// scan have every one, emptyGroupTally() none.
//
// A tally that does not fit the layout (an item, count key or factor item the survey does not
// have, a number that is not a safe integer) makes encodeTally throw: never stored half right.
import { addGroupTally, emptyCompositeTally, emptyGroupTally, type CompositeTally, type GroupTally } from './group.js';
import { emptyPositionTally, INVOLUNTARY_DEFINITIONS, type PositionTally } from './position.js';
import { tallyShape, type TallyShape } from './scan.js';
import { emptyItemTally, emptyMoments, type ItemTally, type Moments, type NowDesiredTally } from './stats.js';
import type { Survey } from '../survey/model.js';

// A survey version never changes, so its layout is worked out once.
type Layout = TallyShape & { textEntries: { id: string }[] };
const layouts = new WeakMap<Survey, Layout>();
function shapeOf(survey: Survey): Layout {
  let s = layouts.get(survey);
  if (!s) {
    const shape = tallyShape(survey);
    layouts.set(survey, (s = { ...shape, textEntries: shape.texts.map((id) => ({ id })) }));
  }
  return s;
}

// About what the bundled survey's tally takes, so most encodings never grow the buffer.
const INITIAL_BYTES = 4096;

/** ByteWriter writes integers (and texts and byte strings, framed by their length) in the form
 *  tallies are stored in; done() returns what was written. */
export class ByteWriter {
  private bytes: Uint8Array;
  private at = 0;
  constructor(size = INITIAL_BYTES) {
    this.bytes = new Uint8Array(size);
  }
  /** done returns a copy of the bytes written, so a kept result does not hold the whole working buffer. */
  done(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.at));
  }
  /** text writes a string as its UTF-8 length and bytes. */
  text(s: string): void {
    this.framed(Buffer.from(s, 'utf8'));
  }
  /** framed writes bytes after their length. */
  framed(b: Uint8Array): void {
    this.num(b.byteLength);
    this.room(b.byteLength);
    this.bytes.set(b, this.at);
    this.at += b.byteLength;
  }
  private room(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
    grown.set(this.bytes);
    this.bytes = grown;
  }
  /** flag writes a presence byte. */
  flag(present: boolean): void {
    this.room(1);
    this.bytes[this.at++] = present ? 1 : 0;
  }
  /** num writes a safe integer (throws for any other number). */
  num(x: number): void {
    this.room(9);
    // Most numbers are small counts: one byte, no arithmetic.
    if (x >= 0 && x < 64 && (x | 0) === x) {
      this.bytes[this.at++] = x;
      return;
    }
    if (!Number.isSafeInteger(x)) throw new RangeError(`tally codec: ${x} is not a safe integer`);
    let v = Math.abs(x);
    const low = v % 64;
    v = (v - low) / 64;
    this.bytes[this.at++] = (v > 0 ? 128 : 0) | (x < 0 ? 64 : 0) | low;
    while (v > 0) {
      const b = v % 128;
      v = (v - b) / 128;
      this.bytes[this.at++] = (v > 0 ? 128 : 0) | b;
    }
  }
}

/** ByteReader reads what a ByteWriter wrote, from `at`; throws on bytes cut short. */
export class ByteReader {
  constructor(
    private readonly bytes: Uint8Array,
    private at = 0,
  ) {}
  /** atEnd tells whether every byte has been read. */
  atEnd(): boolean {
    return this.at >= this.bytes.length;
  }
  /** text reads a string written by ByteWriter.text. */
  text(): string {
    const b = this.framed();
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  }
  /** framed reads bytes written by ByteWriter.framed (a view, not a copy). */
  framed(): Uint8Array {
    const n = this.num();
    if (this.at + n > this.bytes.length) throw new Error('tally codec: the stored tallies are cut short');
    this.at += n;
    return this.bytes.subarray(this.at - n, this.at);
  }
  /** flag reads a presence byte. */
  flag(): boolean {
    const b = this.bytes[this.at++];
    if (b === 0) return false;
    if (b === 1) return true;
    throw new Error(`tally codec: no presence byte at ${this.at - 1}`);
  }
  /** num reads an integer. */
  num(): number {
    let b = this.byte();
    if (b < 64) return b;
    let v = b & 63;
    const negative = (b & 64) !== 0;
    let scale = 64;
    while (b & 128) {
      b = this.byte();
      v += (b & 127) * scale;
      scale *= 128;
    }
    return negative ? -v : v;
  }
  private byte(): number {
    const b = this.bytes[this.at++];
    if (b === undefined) throw new Error('tally codec: the stored tally is cut short');
    return b;
  }
  /** end throws unless every byte has been read. */
  end(): void {
    if (this.at !== this.bytes.length) throw new Error(`tally codec: ${this.bytes.length - this.at} bytes past the layout's end`);
  }
}

function misfit(what: string): never {
  throw new Error(`tally codec: the tally does not fit its survey's layout (${what})`);
}

function writeMoments(w: ByteWriter, m: Moments): void {
  w.num(m.n);
  w.num(m.sum);
  w.num(m.sumSq);
  w.num(m.den);
}

function readMoments(r: ByteReader): Moments {
  const m = emptyMoments();
  m.n = r.num();
  m.sum = r.num();
  m.sumSq = r.num();
  m.den = r.num();
  return m;
}

function writeItem(w: ByteWriter, t: ItemTally, keys: readonly string[], id: string): void {
  w.num(t.answered);
  w.num(t.dontKnow);
  writeMoments(w, t.moments);
  // Counted with Object.keys: a for-in over the prototype-less records is half again slower.
  const held = Object.keys(t.counts).length;
  if (held !== keys.length) misfit(`${id} counts ${held} values, the layout ${keys.length}`);
  for (const k of keys) {
    const n = t.counts[k];
    if (n === undefined) misfit(`${id} has no count for ${k}`);
    w.num(n);
  }
}

function readItem(r: ByteReader, keys: readonly string[]): ItemTally {
  const t = emptyItemTally(keys);
  t.answered = r.num();
  t.dontKnow = r.num();
  t.moments = readMoments(r);
  for (const k of keys) t.counts[k] = r.num();
  return t;
}

function writeComposite(w: ByteWriter, c: CompositeTally, items: readonly string[], id: string): void {
  const m = items.length;
  if (c.items.length !== m || c.items.some((x, i) => x !== items[i])) misfit(`${id} is over other items`);
  if (c.missing.length !== m || c.cross.length !== m || c.pairs.length !== m * m) misfit(`${id} has vectors of another length`);
  w.num(c.n);
  w.num(c.sum);
  w.num(c.sumSq);
  for (const x of c.missing) w.num(x);
  for (const x of c.cross) w.num(x);
  for (const x of c.pairs) w.num(x);
}

function readComposite(r: ByteReader, items: readonly string[]): CompositeTally {
  const c = emptyCompositeTally(items);
  c.n = r.num();
  c.sum = r.num();
  c.sumSq = r.num();
  for (const v of [c.missing, c.cross, c.pairs]) for (let i = 0; i < v.length; i++) v[i] = r.num();
  return c;
}

const POSITION_COUNTS = ['n', 'partTime', 'fullTime', 'more', 'same', 'less'] as const;

function writePosition(w: ByteWriter, p: PositionTally): void {
  for (const k of POSITION_COUNTS) w.num(p[k]);
  writeMoments(w, p.current);
  writeMoments(w, p.desired);
  if (Object.keys(p.involuntary).length !== INVOLUNTARY_DEFINITIONS.length) misfit('position has other definitions');
  for (const d of INVOLUNTARY_DEFINITIONS) w.num(p.involuntary[d.id]);
}

function readPosition(r: ByteReader): PositionTally {
  const p = emptyPositionTally();
  for (const k of POSITION_COUNTS) p[k] = r.num();
  p.current = readMoments(r);
  p.desired = readMoments(r);
  for (const d of INVOLUNTARY_DEFINITIONS) p.involuntary[d.id] = r.num();
  return p;
}

/** Writes the entries of `map` the layout lists, each after its presence byte; throws if the map
 *  has an entry the layout does not. */
function writeEntries<T, E extends { id: string }>(w: ByteWriter, map: Map<string, T>, layout: readonly E[], what: string, write: (value: T, entry: E) => void): void {
  let present = 0;
  for (const e of layout) {
    const value = map.get(e.id);
    w.flag(value !== undefined);
    if (value === undefined) continue;
    present++;
    write(value, e);
  }
  if (present !== map.size) misfit(`${map.size - present} ${what} the survey does not have`);
}

function readEntries<T, E extends { id: string }>(r: ByteReader, layout: readonly E[], read: (entry: E) => T): Map<string, T> {
  const map = new Map<string, T>();
  for (const e of layout) if (r.flag()) map.set(e.id, read(e));
  return map;
}

/** encodeTally returns the compact form of a tally of `survey`'s version; throws when the tally
 *  does not fit that version's layout (decodeTally(survey, encodeTally(survey, t)) deep-equals t). */
export function encodeTally(survey: Survey, t: GroupTally): Buffer {
  const shape = shapeOf(survey);
  const w = new ByteWriter();
  w.num(t.responses);
  writeEntries(w, t.items, shape.items, 'items', (item, e) => writeItem(w, item, e.keys, e.id));
  writeEntries(w, t.nowDesired, shape.nowDesired, 'now/desired items', (nd, e) => {
    writeItem(w, nd.now, e.keys, e.id);
    writeItem(w, nd.desired, e.keys, e.id);
    writeMoments(w, nd.gap);
  });
  writeEntries(w, t.factors, shape.factors, 'factors', (c, e) => writeComposite(w, c, e.items, e.id));
  writeEntries(w, t.texts, shape.textEntries, 'texts', (n) => w.num(n));
  w.flag(t.rausTotal !== undefined);
  if (t.rausTotal) {
    if (!shape.raus) misfit('a RAUS total');
    writeComposite(w, t.rausTotal, shape.raus, 'the RAUS total');
  }
  w.flag(t.position !== undefined);
  if (t.position) {
    if (!shape.position) misfit('position figures');
    writePosition(w, t.position);
  }
  return w.done();
}

/** decodeTally restores a tally of `survey`'s version from encodeTally's bytes; throws on bytes
 *  that do not fill the layout exactly. */
export function decodeTally(survey: Survey, bytes: Uint8Array): GroupTally {
  return decodeInLayout(shapeOf(survey), bytes);
}

/** A survey version's layout, as tallyLayout writes it and readLayout reads it back. */
export type TallyLayout = Layout;

/** tallyLayout returns the layout of the survey version's tallies as text, to be stored once with
 *  many of its tallies, so they are read without the survey (readLayout). */
export function tallyLayout(survey: Survey): string {
  const { textEntries: _, ...shape } = shapeOf(survey);
  return JSON.stringify(shape);
}

/** readLayout reads tallyLayout's text back. */
export function readLayout(text: string): TallyLayout {
  const shape = JSON.parse(text) as TallyShape;
  if (!Array.isArray(shape.items) || !Array.isArray(shape.nowDesired) || !Array.isArray(shape.texts) || !Array.isArray(shape.factors)) throw new Error('tally codec: not a tally layout');
  return { ...shape, textEntries: shape.texts.map((id) => ({ id })) };
}

/** decodeInLayout is decodeTally for tallies stored with their layout (readLayout). */
export function decodeInLayout(shape: TallyLayout, bytes: Uint8Array): GroupTally {
  const r = new ByteReader(bytes);
  const responses = r.num();
  const items = readEntries(r, shape.items, (e) => readItem(r, e.keys));
  const nowDesired = readEntries(r, shape.nowDesired, (e): NowDesiredTally => ({ now: readItem(r, e.keys), desired: readItem(r, e.keys), gap: readMoments(r) }));
  const factors = readEntries(r, shape.factors, (e) => readComposite(r, e.items));
  const texts = readEntries(r, shape.textEntries, () => r.num());
  const t: GroupTally = { responses, items, nowDesired, factors, texts };
  if (r.flag()) {
    if (!shape.raus) throw new Error('tally codec: a RAUS total the survey does not have');
    t.rausTotal = readComposite(r, shape.raus);
  }
  if (r.flag()) {
    if (!shape.position) throw new Error('tally codec: position figures the survey does not have');
    t.position = readPosition(r);
  }
  r.end();
  return t;
}

/** A tally kept in the compact form where it fits its survey's layout, as the object otherwise. */
export type KeptTally = Uint8Array | GroupTally;

/** keptTally keeps a tally of `survey`'s version compact (about a twentieth of the object's memory).
 *  A tally that does not fit the layout (none of the survey's own should) stays the object it was:
 *  more memory, the same figures. */
export function keptTally(survey: Survey, t: GroupTally): KeptTally {
  try {
    return encodeTally(survey, t);
  } catch {
    return t;
  }
}

/** readKept returns a kept tally as a new object (a copy of one kept as an object), which the
 *  caller may change. */
export function readKept(survey: Survey, kept: KeptTally): GroupTally {
  if (kept instanceof Uint8Array) return decodeTally(survey, kept);
  const copy = emptyGroupTally();
  addGroupTally(copy, kept);
  return copy;
}
