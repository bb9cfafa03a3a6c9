// Handing a wave's results built in a tally worker to the server thread, and keeping them there
// compact. At 500 units the tables are about 45 MB of objects (25 MB serialized): held whole, they
// stayed in the server's heap for as long as it ran, and the worker held them beside their
// serialized copy. Instead the worker serializes each unit's table as soon as it is built (and each
// unit's disclosure, each breakdown), deflates it and appends it to one buffer, which is
// transferred, not copied. The server keeps that buffer (a few MB) and reads a unit's table back
// only when a page asks for it, keeping the last few it read (packedMap); what pages listing every
// unit show (GroupSummary: n, response rate, factor figures) travels unpacked. v8's serializer keeps
// Maps, undefined and every number as they were: a table read back equals the one the worker built.
import v8 from 'node:v8';
import zlib from 'node:zlib';
import type { BreakdownResult } from './breakdown.js';
import { LazyMap } from './lazy-map.js';
import type { GroupDisclosure, Thresholds } from './disclosure.js';
import { summaryOf, type GroupSummary, type ReleasedGroup } from './released.js';
import type { Unit } from '../store/units.js';
import type { WaveResults } from './wave-results.js';

/** An entry: its id, and where its deflated bytes are in the buffer. */
type Span = [id: string, offset: number, length: number];

/** A wave's results as one transferable buffer, with what is small enough to send as it is. */
export interface PackedResults {
  waveId: number;
  /** The results key (wave-results.ts) the worker built them for. */
  key: string;
  units: Unit[];
  rootIds: string[];
  thresholds: Thresholds;
  /** Every entry, serialized and deflated, one after the other, on an ArrayBuffer of its own. */
  data: Uint8Array;
  /** The entries' size serialized, before deflating. */
  serialized: number;
  tables: Span[];
  disclosure: Span[];
  breakdowns: Span[];
  summaries: [string, GroupSummary][];
}

// Level 1: a table deflates to about a fifth at a fraction of the default level's time.
const DEFLATE = { level: 1 };

/** ResultsPacker packs a wave's results as they are built: each table (`table`, in unit order)
 *  at once, so the tables are never all held as objects; `finish` adds the rest. */
export class ResultsPacker {
  private data = new Uint8Array(1 << 20);
  private used = 0;
  private serialized = 0;
  private readonly tables: Span[] = [];
  private readonly summaries: [string, GroupSummary][] = [];
  private readonly disclosed = new Map<string, Span>();

  /** table packs one unit's table, and its disclosure if given. Packed one after the other, the
   *  disclosures' serialized copies (about 50 KB each, outside the JS heap) piled up as garbage
   *  until the next collection: 26 MB more resident memory at the build's end, at 500 units; packed
   *  with the tables, whose building collects the young generation every few units, they do not. */
  table(id: string, group: ReleasedGroup, disclosure?: GroupDisclosure): void {
    this.tables.push(this.pack(id, group));
    this.summaries.push([id, summaryOf(group)]);
    if (disclosure) this.disclosed.set(id, this.pack(id, disclosure));
  }

  /** finish packs the results' disclosure (of units whose disclosure `table` was not given) and
   *  breakdowns and returns them all, the disclosure in its own order; transfer
   *  `transferList(packed)`, which nothing else shares. */
  finish(key: string, results: Omit<WaveResults, 'tables' | 'summaries'>): PackedResults {
    const disclosure = [...results.disclosure.units].map(([id, value]) => this.disclosed.get(id) ?? this.pack(id, value));
    const breakdowns = [...results.breakdowns].map(([id, value]) => this.pack(id, value));
    // The buffer itself, not a copy of its used part (4-5 MB at 500 units, held beside it at the
    // build's peak): its unused end was never written, so it takes no memory.
    const data = this.data.subarray(0, this.used);
    this.data = new Uint8Array(0);
    const { units, rootIds } = results;
    return { waveId: results.wave.id, key, units, rootIds, thresholds: results.disclosure.thresholds, data, serialized: this.serialized, tables: this.tables, disclosure, breakdowns, summaries: this.summaries };
  }

  private pack(id: string, value: unknown): Span {
    const raw = v8.serialize(value);
    this.serialized += raw.length;
    const deflated = zlib.deflateRawSync(raw, DEFLATE);
    if (this.used + deflated.length > this.data.length) {
      const grown = new Uint8Array(Math.max(2 * this.data.length, this.used + deflated.length));
      grown.set(this.data.subarray(0, this.used));
      this.data = grown;
    }
    this.data.set(deflated, this.used);
    const span: Span = [id, this.used, deflated.length];
    this.used += deflated.length;
    return span;
  }
}

/** transferList returns the buffers to transfer with packed results. */
export function transferList(packed: PackedResults): ArrayBuffer[] {
  return [packed.data.buffer as ArrayBuffer];
}

/** The tables' read-back cache: a unit page reads its unit, its parent, the organisation and its
 *  children; a few pages' worth stay unpacked (about 90 KB each at 66 items). */
export const TABLES_KEPT = 64;

/** packedMap is a read-only map over packed entries: reading one inflates and deserializes it,
 *  and the last `keep` read are kept (LazyMap). */
export function packedMap<T>(data: Uint8Array, spans: readonly Span[], keep: number): ReadonlyMap<string, T> {
  const at = new Map(spans.map(([id, offset, length]) => [id, [offset, offset + length] as const]));
  return new LazyMap(at.keys(), (id) => {
    const [from, to] = at.get(id) as readonly [number, number];
    return v8.deserialize(zlib.inflateRawSync(data.subarray(from, to))) as T;
  }, keep);
}

/** The results as the server keeps them, without the wave and survey (the server thread has its own). */
export type UnpackedResults = Omit<WaveResults, 'wave' | 'survey'>;

/** unpackResults wraps packed results for reading: the tables, disclosure and breakdowns stay
 *  packed and are read back an entry at a time (packedMap), the summaries are as they came. */
export function unpackResults(packed: PackedResults, tablesKept = TABLES_KEPT): UnpackedResults {
  return {
    units: packed.units,
    rootIds: packed.rootIds,
    tables: packedMap<ReleasedGroup>(packed.data, packed.tables, tablesKept),
    summaries: new Map(packed.summaries),
    disclosure: { thresholds: packed.thresholds, units: packedMap<GroupDisclosure>(packed.data, packed.disclosure, 8) },
    breakdowns: packedMap<BreakdownResult>(packed.data, packed.breakdowns, 8),
  };
}
