// Where a cold waveResults spends its time: the same steps as src/report/wave-results.ts (as of the
// one-pass version), called one by one on a connection of their own and timed; nothing in src/ is
// changed or wrapped. Keep in step with waveResults when it changes.
import { breakdown, BREAKDOWNS } from '../../src/report/breakdown.js';
import { disclose, thresholdsOf } from '../../src/report/disclosure.js';
import { releaseTables } from '../../src/report/released.js';
import { addGroupTally, emptyGroupTally, type GroupTally } from '../../src/report/group.js';
import { rollUp, tallyWaveByCategory } from '../../src/report/tally.js';
import { waveTree as involvedUnits } from '../../src/store/releases.js';
import { openDb } from '../../src/store/db.js';
import { streamWaveAnswers } from '../../src/store/results.js';
import { getSurveyVersion } from '../../src/store/survey-versions.js';
import { getWave } from '../../src/store/waves.js';

export interface Phase {
  name: string;
  ms: number;
}

/** timePhases runs each step of a cold waveResults once and returns the time of each, in order. */
export function timePhases(dbPath: string, waveId: number): Phase[] {
  const db = openDb(dbPath);
  try {
    const phases: Phase[] = [];
    const timed = <T>(name: string, f: () => T): T => {
      const t0 = performance.now();
      const out = f();
      phases.push({ name, ms: performance.now() - t0 });
      return out;
    };
    const wave = getWave(db, waveId);
    if (!wave) throw new Error(`wave ${waveId} is missing`);
    const survey = getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
    if (!survey) throw new Error('survey version is missing');
    // SQLite alone: the same join as streamWaveAnswers (src/store/results.ts), counted inside SQLite.
    timed('SQLite alone: count(*) over the same join, no rows to JavaScript', () =>
      db
        .prepare('SELECT count(*) FROM (SELECT r.id, r.unit_id, a.item_id, a.part, a.num, a.txt FROM response r LEFT JOIN answer a ON a.response_id = r.id WHERE r.wave_id = ? ORDER BY r.unit_id, r.id)')
        .pluck()
        .get(waveId),
    );
    // The bare read: every answer row of the wave through better-sqlite3, doing nothing with it.
    timed('read every answer row, nothing else (SQLite + better-sqlite3 row objects)', () => {
      let n = 0;
      for (const _ of streamWaveAnswers(db, waveId)) n++;
      return n;
    });
    const units = timed('cache key: units, wave units, count(*) of responses', () => {
      const u = involvedUnits(db, waveId);
      db.prepare('SELECT count(*) AS n FROM response WHERE wave_id = ?').get(waveId);
      return u;
    });
    const refs = units.map((u) => ({ id: u.id, parentId: u.parentId, headcount: u.headcount }));
    // As waveResults does it (one pass per unit and full-/part-time category, unit tallies summed).
    const byCategory = timed('tallyWaveByCategory (read + tally per unit and full-/part-time category)', () =>
      tallyWaveByCategory(db, survey, waveId, BREAKDOWNS.fullTime.classify),
    );
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
