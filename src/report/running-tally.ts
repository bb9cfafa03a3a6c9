// Running tallies (store/running-tallies.ts): what one submit adds to its unit's tally, in the
// submit's own transaction, computed by the same scan as the full pass, so a wave's running
// tallies equal what the pass would give.
import { hasRunningTalliesOfFormat, replaceRunningTallies, rewriteRunningTally, runningTalliesComplete, runningTalliesOfFormat, type RespondentTally, type RunningTallyRow } from '../store/running-tallies.js';
import { getSurveyVersion } from '../store/survey-versions.js';
import { loadTallyData } from '../store/tally-cache.js';
import { getWave, waveResponseCount } from '../store/waves.js';
import type { AnswerRow } from '../store/responses.js';
import type { WaveAnswerRow } from '../store/results.js';
import type { Db } from '../store/db.js';
import type { Survey } from '../survey/model.js';
import { breakdownOf, type BreakdownDefinition } from './breakdown.js';
import { groupTallyFromJson, JSON_TALLY_FORMAT, TALLY_FORMAT, type GroupTally, type GroupTallyJson } from './group.js';
import { tallyRespondentInto } from './scan.js';
import { ByteReader, decodeTally, encodeTally, tallyLayout } from './tally-codec.js';
import { eachEntry, eachStoredUnit, passTallies, storedEntries } from './wave-tallies.js';

// A survey version never changes, so its breakdown is worked out once.
const breakdowns = new WeakMap<Survey, BreakdownDefinition | undefined>();
function breakdownFor(survey: Survey): BreakdownDefinition | undefined {
  if (!breakdowns.has(survey)) breakdowns.set(survey, breakdownOf(survey));
  return breakdowns.get(survey);
}

// The running tallies last written, decoded, per database and (wave, unit, category), with the
// respondent count they hold: a submit to the same unit then skips reading and decoding the stored
// bytes (about 1.7 KB for the bundled survey), and only adds and writes. Trusted only while the
// stored count is the same (a rolled-back submit, a tally rebuilt or dropped, leave it behind and
// it is decoded again). The most recently used few hundred are kept: about 10 MB for the bundled
// survey (some 40 KB a tally as objects). Decoding costs 30-50 µs a submit (parsing the JSON cost
// 125-150), so the cache saves less than it did, but a submit's CPU is what issue 13 is short of.
const PARSED_KEPT = 256;
const parsedByDb = new WeakMap<Db, Map<string, { responses: number; tally: GroupTally }>>();

/** respondentTally returns what one respondent's stored answer rows add to their unit's running
 *  tally in `db`'s wave `waveId`: their category (the survey's breakdown, '' without one) and the
 *  stored tally with them added, by the pass's own scan; a stored tally of another layout is left alone. */
export function respondentTally(db: Db, survey: Survey, waveId: number, unitId: string, rows: readonly AnswerRow[]): RespondentTally {
  // The rows as the pass reads them back; a response without answers is one row of nulls there.
  const read: WaveAnswerRow[] =
    rows.length === 0
      ? [{ responseId: 0, unitId, itemId: null, part: null, num: null, txt: null }]
      : rows.map((r) => ({ responseId: 0, unitId, itemId: r.itemId, part: r.part, num: r.num, txt: r.txt }));
  let parsed = parsedByDb.get(db);
  if (!parsed) parsedByDb.set(db, (parsed = new Map()));
  const kept = parsed;
  return (stored) => {
    let key = '';
    let responses = 0;
    const added = tallyRespondentInto(survey, read, breakdownFor(survey)?.classify, (category) => {
      key = `${waveId}\u0000${unitId}\u0000${category}`;
      const row = stored(category);
      const hit = kept.get(key);
      kept.delete(key);
      if (!row) return undefined;
      if (row.format !== TALLY_FORMAT) return null;
      responses = row.responses;
      return hit && hit.responses === row.responses ? hit.tally : decodeTally(survey, row.data());
    });
    if (!added) return undefined;
    // Counted as written; should the transaction roll back, the stored count differs and this is not trusted.
    kept.set(key, { responses: responses + 1, tally: added.tally });
    if (kept.size > PARSED_KEPT) kept.delete(kept.keys().next().value as string);
    return { format: TALLY_FORMAT, category: added.category, data: encodeTally(survey, added.tally) };
  };
}

/** seedRunningTallies sets a wave's running tallies from a full pass over its stored answers (for
 *  responses stored without a submit: seeded data, an import); nothing may be submitted to the
 *  wave meanwhile. */
export function seedRunningTallies(db: Db, survey: Survey, waveId: number): void {
  const rows = [...passTallies(db, survey, waveId)].flatMap(([unit, categories]) => [...categories].map(([category, t]) => ({ unit, category, responses: t.responses, data: encodeTally(survey, t) })));
  replaceRunningTallies(db, waveId, TALLY_FORMAT, rows);
  // Rows rewritten with perhaps the same counts: nothing kept parsed is trusted after.
  parsedByDb.delete(db);
}

/** upgradeRunningTallies rewrites running tallies stored as JSON (layout 3, before the compact
 *  form) in the compact form, in one transaction, so that a wave open across the upgrade is still
 *  closed from them rather than by the full pass; returns how many rows were rewritten. A row that
 *  cannot be read, or does not fit its survey's layout, is left as it was (dropped at start-up with
 *  every other older layout: its wave is then counted by the pass). Call before any submit. */
export function upgradeRunningTallies(db: Db): number {
  // Every start-up asks; a write transaction only when there is something to rewrite.
  if (!hasRunningTalliesOfFormat(db, JSON_TALLY_FORMAT)) return 0;
  return db
    .transaction(() => {
      let rewritten = 0;
      const surveys = new Map<number, Survey | undefined>();
      const surveyOf = (waveId: number): Survey | undefined => {
        if (!surveys.has(waveId)) {
          const wave = getWave(db, waveId);
          surveys.set(waveId, wave && getSurveyVersion(db, wave.surveyId, wave.surveyVersion));
        }
        return surveys.get(waveId);
      };
      for (const row of runningTalliesOfFormat(db, JSON_TALLY_FORMAT)) {
        const survey = surveyOf(row.waveId);
        if (!survey) continue;
        let data: Buffer;
        try {
          const text = typeof row.data === 'string' ? row.data : Buffer.from(row.data).toString('utf8');
          const tally = groupTallyFromJson(JSON.parse(text) as GroupTallyJson);
          if (tally.responses !== row.responses) continue;
          data = encodeTally(survey, tally);
        } catch {
          continue;
        }
        rewriteRunningTally(db, row.waveId, row.unit, row.category, TALLY_FORMAT, data);
        rewritten++;
      }
      if (rewritten > 0) parsedByDb.delete(db);
      return rewritten;
    })
    .immediate();
}

/** completeRunningTallies sets the wave's running tallies from its stored tallies (wave_tally, what
 *  the close's pass or build stored) where they do not count every response (an import, a close by
 *  the command line, an upgrade that dropped them), so that a reopened wave's next close reads them
 *  rather than running the pass again. It is run when a closed wave is reopened (close.ts
 *  openWave), the only time they are read again, rather than by every pass. Nothing is written
 *  unless the stored tallies count exactly the wave's responses and fit its survey version's
 *  layout. Run it in a transaction with no submit to the wave; tells whether it wrote. */
export function completeRunningTallies(db: Db, waveId: number): boolean {
  const responses = waveResponseCount(db, waveId);
  if (runningTalliesComplete(db, waveId, TALLY_FORMAT)) return false;
  // Only tallies computed from this many responses; a form this version cannot read gives no rows below.
  const stored = loadTallyData(db, waveId, responses);
  const wave = getWave(db, waveId);
  const survey = wave && getSurveyVersion(db, wave.surveyId, wave.surveyVersion);
  if (stored === undefined || !survey) return false;
  const rows: RunningTallyRow[] = [];
  const compact = storedEntries(stored);
  if (compact) {
    // The stored bytes of each tally are a running tally's own (tally-codec.ts encodeTally), which
    // begin with its respondent count; copied, not decoded.
    if (compact.layout !== tallyLayout(survey)) return false;
    eachEntry(compact.entries, (unit, categories) => {
      for (const [category, bytes] of categories) rows.push({ unit, category, responses: new ByteReader(bytes).num(), data: Buffer.from(bytes) });
    });
  } else {
    // The JSON forms from before the compact form: decoded and encoded in this survey's layout.
    try {
      eachStoredUnit(stored, (unit, categories) => {
        for (const [category, t] of categories) rows.push({ unit, category, responses: t.responses, data: encodeTally(survey, t) });
      });
    } catch {
      return false;
    }
  }
  if (rows.reduce((n, row) => n + row.responses, 0) !== responses) return false;
  replaceRunningTallies(db, waveId, TALLY_FORMAT, rows);
  // Rows rewritten with perhaps the same counts: nothing kept parsed is trusted after.
  parsedByDb.delete(db);
  return true;
}
