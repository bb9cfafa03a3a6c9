// Where a wave's results spend their time: the full pass (in the tally worker) by the previous
// reader (one row object per answer) and by the packed reader, storing and reading back the
// tallies, and the steps of waveResults after that (on the server thread, once per wave and
// connection). Each step called on its own on a connection of this process and timed; nothing in
// src/ is changed or wrapped. Keep in step with src/report/wave-results.ts when it changes.
import { breakdown, BREAKDOWNS } from '../../src/report/breakdown.js';
import { disclose, thresholdsOf } from '../../src/report/disclosure.js';
import { releaseTables } from '../../src/report/released.js';
import { addGroupTally, emptyGroupTally, type GroupTally } from '../../src/report/group.js';
import { tallyRowsByCategory } from '../../src/report/scan.js';
import { rollUp } from '../../src/report/tally.js';
import { waveTree as involvedUnits } from '../../src/store/releases.js';
import { computeWaveTallies, passWaveTallies, storedForm, storedWaveTallies } from '../../src/report/wave-tallies.js';
import { openDb } from '../../src/store/db.js';
import { streamWaveAnswers, waveResponses } from '../../src/store/results.js';
import { getSurveyVersion } from '../../src/store/survey-versions.js';
import { saveTallyData } from '../../src/store/tally-cache.js';
import { getWave, waveResponseCount } from '../../src/store/waves.js';

export interface Phase {
  name: string;
  ms: number;
  /** CPU time of this thread, ms. */
  cpuMs: number;
}

/** timePhases runs each step once and returns the time of each, in order. */
export function timePhases(dbPath: string, waveId: number): Phase[] {
  const db = openDb(dbPath);
  try {
    const phases: Phase[] = [];
    const timed = <T>(name: string, f: () => T): T => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const out = f();
      const c = process.cpuUsage(c0);
      phases.push({ name, ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 });
      return out;
    };
    const wave = getWave(db, waveId);
    if (!wave) throw new Error(`wave ${waveId} is missing`);
    const survey = getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
    if (!survey) throw new Error('survey version is missing');
    // The worker's connection settings.
    db.pragma('cache_size = -8000');
    timed('SQLite alone: count(*) over the join, no rows to JavaScript', () =>
      db.prepare('SELECT count(*) FROM (SELECT r.id, a.item_id, a.part, a.num, a.txt FROM response r NOT INDEXED LEFT JOIN answer a ON a.response_id = r.id WHERE r.wave_id = ?)').pluck().get(waveId),
    );
    timed('previous full pass: one row object per answer, tallied per unit and full-/part-time category', () => tallyRowsByCategory(survey, streamWaveAnswers(db, waveId), BREAKDOWNS.fullTime.classify));
    timed('packed reader alone: one row per response, unpacked, nothing tallied', () => {
      let n = 0;
      for (const rows of waveResponses(db, waveId)) n += rows.length;
      return n;
    });
    timed('full pass now, one thread: packed reader, tallied, stored form (compact)', () => passWaveTallies(db, survey, waveId));
    // What a close does now: the running tallies kept at submit, their bytes put side by side.
    const part = timed('from the running tallies, one thread: bytes side by side, stored form (compact)', () => computeWaveTallies(db, survey, waveId));
    const { responses, data } = storedForm([part]);
    timed('store the tallies (server thread)', () => saveTallyData(db, waveId, responses, data));
    const count = waveResponseCount(db, waveId);
    const byCategory = timed('read and parse the stored tallies (server thread, first request)', () => storedWaveTallies(db, waveId, count));
    if (!byCategory) throw new Error('the stored tallies did not read back');
    const units = timed('units and ancestors', () => involvedUnits(db, waveId));
    const refs = units.map((u) => ({ id: u.id, parentId: u.parentId, headcount: u.headcount }));
    const direct = timed('sum categories into unit tallies', () => {
      const out = new Map<string, GroupTally>();
      for (const [unitId, categories] of byCategory) {
        const total = emptyGroupTally();
        for (const t of categories.values()) addGroupTally(total, t);
        out.set(unitId, total);
      }
      return out;
    });
    const rolled = timed('rollUp', () => rollUp(refs, direct));
    const disclosure = timed('disclose', () => disclose(refs, rolled, thresholdsOf(wave)));
    timed('releaseTables', () => releaseTables(survey, refs, rolled, disclosure));
    const ids = new Set(units.map((u) => u.id));
    const roots = units.filter((u) => u.parentId === null || !ids.has(u.parentId)).map((u) => u.id);
    timed('breakdown', () => roots.map((r) => breakdown(survey, refs, byCategory, disclosure, r, BREAKDOWNS.fullTime)));
    return phases;
  } finally {
    db.close();
  }
}
