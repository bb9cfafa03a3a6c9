// A group's sufficient statistics: everything any results figure is computed from. Additive, so
// a unit's whole subtree is the sum of its units' direct respondents.
import { addPositionTally, emptyPositionTally, type PositionTally } from './position.js';
import {
  addItemTally,
  addNowDesiredTally,
  cloneItemTally,
  countsRecord,
  emptyNowDesiredTally,
  type ItemTally,
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
  /** Per factor, what its score needs (see CompositeTally). The "now" part of now/desired items is
   *  left out: it is the same statement asked as a gap question, and mixing it in would weight
   *  those statements twice for some factors and not for others. */
  factors: Map<string, CompositeTally>;
  /** Free-text items: respondents who wrote something (the texts themselves are not tallied). */
  texts: Map<string, number>;
  /** The four RAUS statements together; present when the survey has them. */
  rausTotal?: CompositeTally;
  /** Present when the survey has the position-size items. */
  position?: PositionTally;
}

/** A composite score (a factor, the RAUS total) over its items. The score shown is the mean of the
 *  items' means (DOMAIN.md 2.1), a function of figures the tables show anyway, so it reveals nothing
 *  they do not. For its SD, a respondent's score is the mean of their answers with the items they
 *  did not answer filled in with the group's item means: with s the sum of a respondent's valid
 *  answers and z their 0/1 "not answered" vector, these sums give that SD for any group by addition. */
export interface CompositeTally {
  /** The items, in survey order; the vectors below follow it. */
  items: string[];
  /** Respondents with at least one valid answer among the items. */
  n: number;
  /** Σ s and Σ s². */
  sum: number;
  sumSq: number;
  /** Σ z_i, Σ s·z_i, and Σ z_i·z_j (row-major, items × items). */
  missing: number[];
  cross: number[];
  pairs: number[];
}

/** emptyCompositeTally returns a composite tally of no respondents over the items. */
export function emptyCompositeTally(items: readonly string[]): CompositeTally {
  const m = items.length;
  return { items: [...items], n: 0, sum: 0, sumSq: 0, missing: new Array<number>(m).fill(0), cross: new Array<number>(m).fill(0), pairs: new Array<number>(m * m).fill(0) };
}

/** addCompositeRespondent adds one respondent: their valid answers by item index (undefined where not answered). */
export function addCompositeRespondent(c: CompositeTally, answers: readonly (number | undefined)[]): void {
  let s = 0;
  let valid = 0;
  for (const x of answers) {
    if (x === undefined) continue;
    s += x;
    valid += 1;
  }
  if (valid === 0) return;
  const m = c.items.length;
  c.n += 1;
  c.sum += s;
  c.sumSq += s * s;
  for (let i = 0; i < m; i++) {
    if (answers[i] !== undefined) continue;
    c.missing[i] = (c.missing[i] ?? 0) + 1;
    c.cross[i] = (c.cross[i] ?? 0) + s;
    for (let j = 0; j < m; j++) if (answers[j] === undefined) c.pairs[i * m + j] = (c.pairs[i * m + j] ?? 0) + 1;
  }
}

function addComposite(into: CompositeTally, from: CompositeTally): void {
  into.n += from.n;
  into.sum += from.sum;
  into.sumSq += from.sumSq;
  from.missing.forEach((x, i) => (into.missing[i] = (into.missing[i] ?? 0) + x));
  from.cross.forEach((x, i) => (into.cross[i] = (into.cross[i] ?? 0) + x));
  from.pairs.forEach((x, i) => (into.pairs[i] = (into.pairs[i] ?? 0) + x));
}

/** compositeSd returns the sample SD of the filled-in scores, given the group's item means (in c.items order). */
export function compositeSd(c: CompositeTally, means: readonly number[]): number | undefined {
  if (c.n < 2) return undefined;
  const m = c.items.length;
  let sum = c.sum;
  let sumSq = c.sumSq;
  for (let i = 0; i < m; i++) {
    const mi = means[i] ?? 0;
    sum += mi * (c.missing[i] ?? 0);
    sumSq += 2 * mi * (c.cross[i] ?? 0);
    for (let j = 0; j < m; j++) sumSq += mi * (means[j] ?? 0) * (c.pairs[i * m + j] ?? 0);
  }
  // Scores are (s + Σ z_i·mean_i) / m; the m² cancels in the ratio below but not in the variance.
  const variance = Math.max(0, (sumSq - (sum * sum) / c.n) / (c.n - 1)) / (m * m);
  return Math.sqrt(variance);
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
  for (const [id, c] of from.factors) {
    let target = into.factors.get(id);
    if (!target) into.factors.set(id, (target = emptyCompositeTally(c.items)));
    addComposite(target, c);
  }
  for (const [id, n] of from.texts) into.texts.set(id, (into.texts.get(id) ?? 0) + n);
  if (from.rausTotal) addComposite((into.rausTotal ??= emptyCompositeTally(from.rausTotal.items)), from.rausTotal);
  if (from.position) addPositionTally((into.position ??= emptyPositionTally()), from.position);
}

/** mergeTallies returns a new tally of both groups' respondents; the inputs are not changed. */
export function mergeTallies(a: GroupTally, b: GroupTally): GroupTally {
  const sum = emptyGroupTally();
  addGroupTally(sum, a);
  addGroupTally(sum, b);
  return sum;
}

/** The layout of stored tallies: 2 since moments carry exact integer sums (stats.ts), 3 since
 *  factors and the RAUS total are composite tallies, 4 since they are stored in the compact form of
 *  tally-codec.ts (3 was JSON); data stored in another layout is computed again. */
export const TALLY_FORMAT = 4;

/** The layout of tallies stored as JSON (groupTallyToJson), the form before TALLY_FORMAT 4: wave
 *  tallies and release records stored in it are still read. */
export const JSON_TALLY_FORMAT = 3;

/** Plain-JSON form of a GroupTally (Maps as entry lists), for storing computed tallies. */
export type GroupTallyJson = Omit<GroupTally, 'items' | 'nowDesired' | 'factors' | 'texts'> & {
  items: [string, ItemTally][];
  nowDesired: [string, NowDesiredTally][];
  factors: [string, CompositeTally][];
  texts: [string, number][];
};

/** groupTallyToJson turns a tally into plain JSON data (fromJson restores it exactly). */
export function groupTallyToJson(t: GroupTally): GroupTallyJson {
  return { ...t, items: [...t.items], nowDesired: [...t.nowDesired], factors: [...t.factors], texts: [...t.texts] };
}

/** groupTallyFromJson restores a tally stored by groupTallyToJson (counts in prototype-less
 *  records, as the scan and the compact form make them). */
export function groupTallyFromJson(j: GroupTallyJson): GroupTally {
  const item = (t: ItemTally): ItemTally => ({ ...t, counts: Object.assign(countsRecord(), t.counts) });
  return {
    ...j,
    items: new Map(j.items.map(([id, t]) => [id, item(t)])),
    nowDesired: new Map(j.nowDesired.map(([id, t]) => [id, { ...t, now: item(t.now), desired: item(t.desired) }])),
    factors: new Map(j.factors),
    texts: new Map(j.texts),
  };
}

// Every number in a tally is a count or a sum over respondents, so negating them all and adding
// subtracts one group of respondents from another that contains it.
function negate(value: unknown): unknown {
  if (typeof value === 'number') return -value;
  if (Array.isArray(value)) return value.map(negate);
  if (value !== null && typeof value === 'object') {
    const out = Object.create(Object.getPrototypeOf(value) === null ? null : Object.prototype) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[k] = negate(v);
    return out;
  }
  return value;
}

/** subtractTallies returns the tally of the respondents in `whole` but not in `part` (part must be a subset of whole). */
export function subtractTallies(whole: GroupTally, part: GroupTally): GroupTally {
  const out = emptyGroupTally();
  addGroupTally(out, whole);
  addGroupTally(out, groupTallyFromJson(negate(groupTallyToJson(part)) as GroupTallyJson));
  return out;
}
