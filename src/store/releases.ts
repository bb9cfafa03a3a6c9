// Releases: a closed wave's results are a fixed fact. Each close records the tree of the wave's
// units (with their ancestors) and the thresholds as they stood, and the tallies once computed, so
// later edits of the organisation never move a closed wave's figures and every later release of
// the same answers can be decided against the earlier ones (report/disclosure.ts, rule 2).
import { prepared, type Db } from './db.js';
import { listUnits, type Unit } from './units.js';
import type { Wave } from './waves.js';

export interface WaveRelease {
  waveId: number;
  /** 1 for the first close, 2 after a reopen and close, ... */
  seq: number;
  /** Responses the wave had at this close. */
  responses: number;
  kResults: number;
  kDistribution: number;
  kText: number;
  freeText: boolean;
  /** The wave's units and every unit above them, as they stood at this close. */
  units: Unit[];
  /** Computed tallies (as in wave_tally: the compact form, or the JSON forms from before), once computed. */
  tallies: string | Buffer | null;
}

interface ReleaseRow {
  wave_id: number;
  seq: number;
  responses: number;
  k_results: number;
  k_distribution: number;
  k_text: number;
  free_text: number;
  units: string;
  tallies: string | Buffer | null;
}

const toRelease = (r: ReleaseRow): WaveRelease => ({
  waveId: r.wave_id,
  seq: r.seq,
  responses: r.responses,
  kResults: r.k_results,
  kDistribution: r.k_distribution,
  kText: r.k_text,
  freeText: r.free_text === 1,
  units: JSON.parse(r.units) as Unit[],
  tallies: r.tallies,
});

/** waveTree returns the wave's units and all their ancestors, from the current organisation. */
export function waveTree(db: Db, waveId: number): Unit[] {
  const all = listUnits(db);
  const byId = new Map(all.map((u) => [u.id, u]));
  const keep = new Set<string>();
  const ids = (prepared(db, 'SELECT unit_id FROM wave_unit WHERE wave_id = ?').all(waveId) as { unit_id: string }[]).map((r) => r.unit_id);
  for (const id of ids) {
    for (let u = byId.get(id); u && !keep.has(u.id); u = u.parentId ? byId.get(u.parentId) : undefined) keep.add(u.id);
  }
  return all.filter((u) => keep.has(u.id));
}

/** recordRelease records a close of the wave: the next release number, the response count, the
 *  thresholds and the unit tree as they stand now. Run it in the transaction that closes the wave. */
export function recordRelease(db: Db, wave: Wave): WaveRelease {
  const last = prepared(db, 'SELECT max(seq) AS seq FROM wave_release WHERE wave_id = ?').get(wave.id) as { seq: number | null };
  const responses = (prepared(db, 'SELECT responses FROM wave_count WHERE wave_id = ?').get(wave.id) as { responses: number } | undefined)?.responses ?? 0;
  const row: ReleaseRow = {
    wave_id: wave.id,
    seq: (last.seq ?? 0) + 1,
    responses,
    k_results: wave.kResults,
    k_distribution: wave.kDistribution,
    k_text: wave.kText,
    free_text: wave.freeTextInReports ? 1 : 0,
    units: JSON.stringify(waveTree(db, wave.id)),
    tallies: null,
  };
  prepared(
    db,
    'INSERT INTO wave_release (wave_id, seq, responses, k_results, k_distribution, k_text, free_text, units) VALUES (@wave_id, @seq, @responses, @k_results, @k_distribution, @k_text, @free_text, @units)',
  ).run(row);
  return toRelease(row);
}

/** releaseCount returns how many releases the wave has had (a cheap check for a cache). */
export function releaseCount(db: Db, waveId: number): number {
  return (prepared(db, 'SELECT count(*) AS n FROM wave_release WHERE wave_id = ?').get(waveId) as { n: number }).n;
}

/** listReleases returns the wave's releases, first first. */
export function listReleases(db: Db, waveId: number): WaveRelease[] {
  return (prepared(db, 'SELECT * FROM wave_release WHERE wave_id = ? ORDER BY seq').all(waveId) as ReleaseRow[]).map(toRelease);
}

/** copyReleaseTallies records the wave's stored tallies (wave_tally, if computed from `responses`
 *  responses) with its latest release, unless that release has its own already; in SQL, so the
 *  megabytes of tallies never pass through JavaScript. */
export function copyReleaseTallies(db: Db, waveId: number, responses: number): void {
  prepared(
    db,
    `UPDATE wave_release SET tallies = (SELECT data FROM wave_tally WHERE wave_id = @wave AND responses = @responses)
     WHERE wave_id = @wave AND tallies IS NULL AND seq = (SELECT max(seq) FROM wave_release WHERE wave_id = @wave)
       AND EXISTS (SELECT 1 FROM wave_tally WHERE wave_id = @wave AND responses = @responses)`,
  ).run({ wave: waveId, responses });
}

/** latestReleaseHasTallies tells whether the wave's latest release has its tallies recorded. */
export function latestReleaseHasTallies(db: Db, waveId: number): boolean {
  return (prepared(db, 'SELECT tallies IS NOT NULL AS has FROM wave_release WHERE wave_id = ? ORDER BY seq DESC LIMIT 1').get(waveId) as { has: number } | undefined)?.has === 1;
}
