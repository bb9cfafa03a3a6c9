// A group's sufficient statistics: everything any results figure is computed from. Additive, so
// a unit's whole subtree is the sum of its units' direct respondents.
import { addPositionTally, emptyPositionTally, type PositionTally } from './position.js';
import {
  addItemTally,
  addMoments,
  addNowDesiredTally,
  cloneItemTally,
  emptyMoments,
  emptyNowDesiredTally,
  type ItemTally,
  type Moments,
  type NowDesiredTally,
} from './stats.js';

/** The four RAUS statements (DOMAIN.md 2.2), reported one by one and together as "raus_total". */
export const RAUS_ITEM_IDS: readonly string[] = ['raus_velkommen', 'raus_verdsatt', 'raus_utvikler', 'raus_glad'];

export interface GroupTally {
  /** Submitted responses. */
  responses: number;
  /** Likert, 0-10 scale, number, single and multi items, by item id. */
  items: Map<string, ItemTally>;
  nowDesired: Map<string, NowDesiredTally>;
  /** Per factor, the moments of respondents' factor scores: a respondent's score is the mean of
   *  their valid answers to the factor's likert items; with none they are not counted. The "now"
   *  part of now/desired items is left out: it is the same statement asked as a gap question, and
   *  mixing it in would weight those statements twice for some factors and not for others. */
  factors: Map<string, Moments>;
  /** Free-text items: respondents who wrote something (the texts themselves are not tallied). */
  texts: Map<string, number>;
  /** Per respondent mean of the valid RAUS answers; present when the survey has RAUS statements. */
  rausTotal?: Moments;
  /** Present when the survey has the position-size items. */
  position?: PositionTally;
}

/** emptyGroupTally returns a tally of no respondents and no items. */
export function emptyGroupTally(): GroupTally {
  return { responses: 0, items: new Map(), nowDesired: new Map(), factors: new Map(), texts: new Map() };
}

/** addGroupTally adds `from` into `into` in place; entries only `from` has are copied, never shared. */
export function addGroupTally(into: GroupTally, from: GroupTally): void {
  into.responses += from.responses;
  for (const [id, t] of from.items) {
    const target = into.items.get(id);
    if (target) addItemTally(target, t);
    else into.items.set(id, cloneItemTally(t));
  }
  for (const [id, t] of from.nowDesired) {
    let target = into.nowDesired.get(id);
    if (!target) into.nowDesired.set(id, (target = emptyNowDesiredTally()));
    addNowDesiredTally(target, t);
  }
  for (const [id, m] of from.factors) {
    let target = into.factors.get(id);
    if (!target) into.factors.set(id, (target = emptyMoments()));
    addMoments(target, m);
  }
  for (const [id, n] of from.texts) into.texts.set(id, (into.texts.get(id) ?? 0) + n);
  if (from.rausTotal) addMoments((into.rausTotal ??= emptyMoments()), from.rausTotal);
  if (from.position) addPositionTally((into.position ??= emptyPositionTally()), from.position);
}

/** mergeTallies returns a new tally of both groups' respondents; the inputs are not changed. */
export function mergeTallies(a: GroupTally, b: GroupTally): GroupTally {
  const sum = emptyGroupTally();
  addGroupTally(sum, a);
  addGroupTally(sum, b);
  return sum;
}

/** The layout of stored tallies: 2 since moments carry exact integer sums (stats.ts); data stored in
 *  another layout is computed again. */
export const TALLY_FORMAT = 2;

/** Plain-JSON form of a GroupTally (Maps as entry lists), for storing computed tallies. */
export type GroupTallyJson = Omit<GroupTally, 'items' | 'nowDesired' | 'factors' | 'texts'> & {
  items: [string, ItemTally][];
  nowDesired: [string, NowDesiredTally][];
  factors: [string, Moments][];
  texts: [string, number][];
};

/** groupTallyToJson turns a tally into plain JSON data (fromJson restores it exactly). */
export function groupTallyToJson(t: GroupTally): GroupTallyJson {
  return { ...t, items: [...t.items], nowDesired: [...t.nowDesired], factors: [...t.factors], texts: [...t.texts] };
}

/** groupTallyFromJson restores a tally stored by groupTallyToJson. */
export function groupTallyFromJson(j: GroupTallyJson): GroupTally {
  return { ...j, items: new Map(j.items), nowDesired: new Map(j.nowDesired), factors: new Map(j.factors), texts: new Map(j.texts) };
}
