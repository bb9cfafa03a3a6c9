// Handing a wave's results built in a tally worker to the server thread. At 500 units the tables
// are about 25 MB of objects: structured-cloning them in one message would stop the server
// thread for about a second while it reads them. Instead the worker serializes each unit's table
// and disclosure (and each breakdown) on its own, each into a buffer of its own, which are
// transferred, not copied (nor joined first: that copy was 25 MB at the worker's peak), and the
// server thread reads them back a few at a time between requests. v8's
// serializer keeps Maps, undefined and every number as they were: the objects read back are
// equal to the ones the worker built.
import v8 from 'node:v8';
import { phaseClock, recordPhase } from './close-phases.js';
import type { BreakdownResult } from './breakdown.js';
import type { Disclosure, GroupDisclosure, Thresholds } from './disclosure.js';
import type { ReleasedGroup } from './released.js';
import type { Unit } from '../store/units.js';
import type { WaveResults } from './wave-results.js';

/** An entry and the index of its buffer. */
type Span = [string, number];

/** A wave's results as transferable buffers, with what is small enough to send as it is. */
export interface PackedResults {
  waveId: number;
  /** The results key (wave-results.ts) the worker built them for. */
  key: string;
  units: Unit[];
  rootIds: string[];
  thresholds: Thresholds;
  /** One serialized value each, every one on its own ArrayBuffer. */
  chunks: Uint8Array[];
  /** Their total size. */
  bytes: number;
  tables: Span[];
  disclosure: Span[];
  breakdowns: Span[];
}

/** packResults serializes results for postMessage; transfer `transferList(packed)`, which nothing else shares. */
export function packResults(key: string, results: WaveResults): PackedResults {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const spans = <T>(entries: Iterable<[string, T]>): Span[] =>
    [...entries].map(([id, value]) => {
      // v8.serialize hands over a buffer of its own; were it ever a view into a shared one,
      // transferring that would detach the rest, so it is copied then.
      const made = v8.serialize(value);
      const chunk = made.byteOffset === 0 && made.buffer.byteLength === made.length ? made : new Uint8Array(made);
      bytes += chunk.length;
      return [id, chunks.push(chunk) - 1];
    });
  const tables = spans(results.tables);
  const disclosure = spans(results.disclosure.units);
  const breakdowns = spans(results.breakdowns);
  return { waveId: results.wave.id, key, units: results.units, rootIds: results.rootIds, thresholds: results.disclosure.thresholds, chunks, bytes, tables, disclosure, breakdowns };
}

/** transferList returns the buffers to transfer with packed results. */
export function transferList(packed: PackedResults): ArrayBuffer[] {
  return packed.chunks.map((c) => c.buffer as ArrayBuffer);
}

/** The results read back, without the wave and survey (the server thread has its own). */
export type UnpackedResults = Omit<WaveResults, 'wave' | 'survey'>;

/** unpackResults reads packed results back in slices of about `sliceMs` of this thread's time,
 *  yielding to the event loop (setImmediate) between slices so requests are answered meanwhile. */
export async function unpackResults(packed: PackedResults, sliceMs = 8): Promise<UnpackedResults> {
  const began = phaseClock();
  let sliceStart = performance.now();
  // Time spent reading (the slices), their count and the longest: for close-phases.ts.
  let busy = 0;
  let slices = 1;
  let longest = 0;
  const read = async <T>(spans: Span[]): Promise<Map<string, T>> => {
    const out = new Map<string, T>();
    for (const [id, k] of spans) {
      const spent = performance.now() - sliceStart;
      if (spent > sliceMs) {
        busy += spent;
        longest = Math.max(longest, spent);
        slices++;
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      const chunk = packed.chunks[k] as Uint8Array;
      out.set(id, v8.deserialize(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)) as T);
    }
    return out;
  };
  const tables = await read<ReleasedGroup>(packed.tables);
  const units = await read<GroupDisclosure>(packed.disclosure);
  const breakdowns = await read<BreakdownResult>(packed.breakdowns);
  const spent = performance.now() - sliceStart;
  busy += spent;
  longest = Math.max(longest, spent);
  recordPhase('read back (server thread, in slices)', packed.waveId, began, phaseClock() - began, busy, { slices, longestSliceMs: Math.round(longest), bytes: packed.bytes });
  const disclosure: Disclosure = { thresholds: packed.thresholds, units };
  return { units: packed.units, rootIds: packed.rootIds, tables, disclosure, breakdowns };
}
