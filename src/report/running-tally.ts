// Running tallies (store/running-tallies.ts): what one submit adds to its unit's tally, computed
// by the same scan as the full pass, so a wave's running tallies equal what the pass would give.
import { replaceRunningTallies, type RespondentTally } from '../store/running-tallies.js';
import type { AnswerRow } from '../store/responses.js';
import type { WaveAnswerRow } from '../store/results.js';
import type { Db } from '../store/db.js';
import type { Survey } from '../survey/model.js';
import { breakdownOf, type BreakdownDefinition } from './breakdown.js';
import { groupTallyFromJson, groupTallyToJson, TALLY_FORMAT, type GroupTallyJson } from './group.js';
import { tallyRespondentInto } from './scan.js';
import { tallyWave, tallyWaveByCategory } from './tally.js';

// A survey version never changes, so its breakdown is worked out once.
const breakdowns = new WeakMap<Survey, BreakdownDefinition | undefined>();
function breakdownFor(survey: Survey): BreakdownDefinition | undefined {
  if (!breakdowns.has(survey)) breakdowns.set(survey, breakdownOf(survey));
  return breakdowns.get(survey);
}

/** respondentTally returns what one respondent's stored answer rows add to their unit's running
 *  tally: their category (the survey's breakdown, '' without one) and the stored tally with them
 *  added, by the pass's own scan; a stored tally of another layout is left alone. */
export function respondentTally(survey: Survey, unitId: string, rows: readonly AnswerRow[]): RespondentTally {
  // The rows as the pass reads them back; a response without answers is one row of nulls there.
  const read: WaveAnswerRow[] =
    rows.length === 0
      ? [{ responseId: 0, unitId, itemId: null, part: null, num: null, txt: null }]
      : rows.map((r) => ({ responseId: 0, unitId, itemId: r.itemId, part: r.part, num: r.num, txt: r.txt }));
  return (stored) => {
    const added = tallyRespondentInto(survey, read, breakdownFor(survey)?.classify, (category) => {
      const row = stored(category);
      if (!row) return undefined;
      return row.format === TALLY_FORMAT ? groupTallyFromJson(JSON.parse(row.data) as GroupTallyJson) : null;
    });
    return added && { format: TALLY_FORMAT, category: added.category, data: JSON.stringify(groupTallyToJson(added.tally)) };
  };
}

/** seedRunningTallies sets a wave's running tallies from a full pass over its stored answers (for
 *  responses stored without a submit: seeded data, an import); nothing may be submitted to the
 *  wave meanwhile. */
export function seedRunningTallies(db: Db, survey: Survey, waveId: number): void {
  const definition = breakdownFor(survey);
  const tallies = definition ? tallyWaveByCategory(db, survey, waveId, definition.classify) : new Map([...tallyWave(db, survey, waveId)].map(([u, t]) => [u, new Map([['', t]])]));
  const rows = [...tallies].flatMap(([unit, categories]) => [...categories].map(([category, t]) => ({ unit, category, responses: t.responses, data: JSON.stringify(groupTallyToJson(t)) })));
  replaceRunningTallies(db, waveId, TALLY_FORMAT, rows);
}
