// Reading the close phases a server wrote (src/report/close-phases.ts, CLOSE_PHASES_FILE) and
// sampling its resident memory, for bench/close.ts: where the time from close to "results ready"
// and the memory above rest go.
import fs from 'node:fs';
import type { PhaseRecord } from '../../src/report/close-phases.js';
import { procStatus } from './server.js';

/** readPhases returns the phases recorded in `file` that started at or after `from` (epoch ms), in start order. */
export function readPhases(file: string, from: number): PhaseRecord[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as PhaseRecord)
    .filter((p) => p.at + p.wallMs >= from)
    .sort((a, b) => a.at - b.at);
}

/** A resident-memory sample: epoch ms and MB. */
export interface RssSample {
  at: number;
  mb: number;
}

/** sampleRss reads the process's RSS every `everyMs` until the returned function is called, which gives the samples. */
export function sampleRss(pid: number, everyMs = 100): () => RssSample[] {
  const samples: RssSample[] = [];
  const take = (): void => {
    try {
      samples.push({ at: Date.now(), mb: procStatus(pid).rssKb / 1024 });
    } catch {
      // The process has gone: nothing more to sample.
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return () => {
    clearInterval(timer);
    take();
    return samples;
  };
}

const f = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));

/** slicesJoined gives, for each pass phase that a thread ran once per slice of the wave, one row:
 *  from its first start to its last end, wall and CPU time summed, the memory after the last, the
 *  figures summed, and how many slices ('slices' in the figures). */
function slicesJoined(phases: readonly PhaseRecord[]): PhaseRecord[] {
  const out: PhaseRecord[] = [];
  const joined = new Map<string, PhaseRecord>();
  for (const p of phases) {
    if (!/^pass: /.test(p.phase) || p.phase === 'pass: slices taken' || p.phase === 'pass: a chunk read held its snapshot') {
      out.push(p);
      continue;
    }
    const key = `${p.thread} ${p.phase}`;
    const row = joined.get(key);
    if (!row) {
      const first = { ...p, detail: { ...p.detail, slices: 1 } };
      joined.set(key, first);
      out.push(first);
      continue;
    }
    const end = Math.max(row.at + row.wallMs, p.at + p.wallMs);
    row.cpuMs += p.cpuMs;
    row.wallMs = end - row.at;
    row.rssMb = p.rssMb;
    row.heapMb = p.heapMb;
    for (const [k, v] of Object.entries(p.detail ?? {})) (row.detail as Record<string, number>)[k] = ((row.detail as Record<string, number>)[k] ?? 0) + v;
    const d = row.detail as Record<string, number>;
    d.slices = (d.slices ?? 0) + 1;
  }
  return out;
}

/** phaseTable renders the phases as a Markdown table, times relative to `from` (epoch ms); threads
 *  are named in the order they first appear; a pass phase run once per slice is one row (from the
 *  first slice's start to the last one's end, wall time from start to end, CPU summed). */
export function phaseTable(all: readonly PhaseRecord[], from: number): string[] {
  const phases = slicesJoined(all);
  const names = new Map<number, string>([[0, 'server']]);
  for (const p of phases) if (!names.has(p.thread)) names.set(p.thread, `worker ${names.size}`);
  const detail = (d: PhaseRecord['detail']): string =>
    d
      ? Object.entries(d)
          .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
          .join(', ')
      : '';
  return [
    '| phase | thread | from s | to s | wall ms | CPU ms | RSS after MB | heap after MB | figures |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...phases.map(
      (p) =>
        `| ${p.phase} | ${names.get(p.thread) ?? p.thread} | ${((p.at - from) / 1000).toFixed(2)} | ${((p.at + p.wallMs - from) / 1000).toFixed(2)} | ${f(p.wallMs)} | ${p.cpuMs === 0 && /^wait: /.test(p.phase) ? '' : f(p.cpuMs)} | ${p.rssMb} | ${p.heapMb} | ${detail(p.detail)} |`,
    ),
  ];
}

/** peakOf gives the highest sample, when it was (s after `from`) and the phases running then. */
export function peakOf(samples: readonly RssSample[], phases: readonly PhaseRecord[], from: number): { mb: number; atS: number; during: string[] } {
  const peak = samples.reduce((a, b) => (b.mb > a.mb ? b : a), samples[0] ?? { at: from, mb: 0 });
  const during = phases.filter((p) => p.at <= peak.at && p.at + p.wallMs >= peak.at - 100 && !/^wait: /.test(p.phase)).map((p) => p.phase);
  return { mb: peak.mb, atS: (peak.at - from) / 1000, during };
}
