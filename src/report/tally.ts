// Tallying a wave: one streaming pass (one packed row per response, store/results.ts) for each unit's direct respondents, then roll-up to each
// unit's whole subtree by adding tallies (no second pass over the answers).
import type { Db } from '../store/db.js';
import { waveResponses } from '../store/results.js';
import type { Survey } from '../survey/model.js';
import { buildForest, type UnitRef } from './forest.js';
import { addGroupTally, emptyGroupTally, type GroupTally } from './group.js';
import { tallyResponses, tallyResponsesByCategory, type Classify } from './scan.js';

export { emptyGroupTally, mergeTallies, RAUS_ITEM_IDS, type GroupTally } from './group.js';
export { UNCLASSIFIED, type Classify, type Respondent } from './scan.js';

/** tallyWave returns, per unit with responses (of `units` only, if given), the tally of the unit's direct respondents (not its subtree). */
export function tallyWave(db: Db, survey: Survey, waveId: number, units?: readonly string[]): Map<string, GroupTally> {
  return tallyResponses(survey, waveResponses(db, waveId, units));
}

/** tallyWaveByCategory returns direct-respondent tallies per unit (of `units` only, if given) and background category (for breakdowns). */
export function tallyWaveByCategory(db: Db, survey: Survey, waveId: number, classify: Classify, units?: readonly string[]): Map<string, Map<string, GroupTally>> {
  return tallyResponsesByCategory(survey, waveResponses(db, waveId, units), classify);
}

/** rollUp returns, for every unit, the tally of its whole subtree (the unit and all descendants);
 *  respondents of units missing from `units` are left out. With `take`, each unit's direct tally
 *  becomes its subtree's (changed in place, not copied): for a caller that has no other use for them. */
export function rollUp(units: readonly UnitRef[], direct: ReadonlyMap<string, GroupTally>, take = false): Map<string, GroupTally> {
  const forest = buildForest(units);
  const rolled: GroupTally[] = forest.ids.map((id) => (take ? direct.get(id) : undefined) ?? emptyGroupTally());
  // Children come after their parent in preorder, so the reverse adds each child before its parent is read.
  for (let k = forest.preorder.length - 1; k >= 0; k--) {
    const u = forest.preorder[k] as number;
    const own = take ? undefined : direct.get(forest.ids[u] as string);
    const target = rolled[u] as GroupTally;
    if (own) addGroupTally(target, own);
    for (const c of forest.children[u] ?? []) addGroupTally(target, rolled[c] as GroupTally);
  }
  return new Map(forest.ids.map((id, i) => [id, rolled[i] as GroupTally]));
}

/** rollUpKept is rollUp for tallies kept in another form (packed: tally-codec.ts keptTally): `read`
 *  returns a kept tally as a new GroupTally the caller may change, `keep` the form to keep one in.
 *  A unit's subtree tally is summed from its own and its children's, then kept, so no more than a
 *  unit and one child are held as objects at a time. `direct` is not changed. */
export function rollUpKept<K>(units: readonly UnitRef[], direct: ReadonlyMap<string, K>, read: (kept: K) => GroupTally, keep: (t: GroupTally) => K): Map<string, K> {
  const forest = buildForest(units);
  const rolled: K[] = new Array<K>(forest.ids.length);
  // Children come after their parent in preorder, as in rollUp.
  for (let k = forest.preorder.length - 1; k >= 0; k--) {
    const u = forest.preorder[k] as number;
    const own = direct.get(forest.ids[u] as string);
    const sum = own === undefined ? emptyGroupTally() : read(own);
    for (const c of forest.children[u] ?? []) addGroupTally(sum, read(rolled[c] as K));
    rolled[u] = keep(sum);
  }
  return new Map(forest.ids.map((id, i) => [id, rolled[i] as K]));
}
