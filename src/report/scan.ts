// One streaming pass over a wave's answer rows into per-unit tallies. Rows of one response arrive
// together; they are buffered (references only) until the response ends, because factor scores,
// gaps, RAUS totals, position figures and any background category need all of a person's answers.
import type { WaveAnswerRow } from '../store/results.js';
import { DONT_KNOW, type Survey } from '../survey/model.js';
import { addCompositeRespondent, emptyCompositeTally, emptyGroupTally, RAUS_ITEM_IDS, type CompositeTally, type GroupTally } from './group.js';
import {
  addPositionRespondent,
  clearPositionAnswers,
  emptyPositionAnswers,
  emptyPositionTally,
  isPositionItem,
  POSITION_ITEM,
  recordPositionAnswer,
  type PositionAnswers,
} from './position.js';
import { addMoments, addValue, emptyItemTally, emptyNowDesiredTally, type ItemTally, type NowDesiredTally } from './stats.js';

/** What a background classifier sees of one respondent; reused for the next one, so valid only during the call. */
export interface Respondent {
  unitId: string;
  position: PositionAnswers;
  /** The respondent's answer to a single, number, likert or 0-10 item (option id, number or 'dk'). */
  value(itemId: string): number | string | undefined;
}

/** Puts a respondent in a background category, or undefined when they cannot be placed. */
export type Classify = (r: Respondent) => string | undefined;

/** The category of respondents a classifier could not place. */
export const UNCLASSIFIED = '';

type Kind = 'numeric' | 'choice' | 'multi' | 'nowDesired' | 'text';

interface Plan {
  id: string;
  kind: Kind;
  /** The plan's place in the survey's planList. */
  index: number;
  /** Index into the sink's item or now/desired array. */
  slot: number;
  /** Factor index for likert items with a factor, else -1; and the item's place among the factor's items. */
  factor: number;
  factorSlot: number;
  raus: boolean;
  /** The item's place among the RAUS statements, or -1. */
  rausSlot: number;
  position: boolean;
  /** Count answers per value: not for free numbers, where a rare exact value (62.5 %) points at a person. */
  countValues: boolean;
  keys: string[];
  /** Where the item's (a now/desired item's now part's) small whole answers, or a single choice's
   *  answers, are counted in a sink's `acc`, or -1 (see Sink); `acc2` the desired part's. */
  acc: number;
  acc2: number;
  /** For counted values that are all small whole numbers from `lo`: keyAt[v - lo] is the place of
   *  v's key in `keys`, or -1; undefined when the keys are anything else. */
  lo: number;
  keyAt: Int32Array | undefined;
}

/** Whole answers from -FAST to FAST are summed in a sink's `acc` (their squares stay far from 2^53). */
const FAST = 1000;

interface Sink {
  tally: GroupTally;
  items: ItemTally[];
  nd: NowDesiredTally[];
  factors: CompositeTally[];
  /** Small whole answers and single choices are counted here rather than in the tally's objects
   *  (the pass adds some 3 million answers per 50 000 responses): per numeric item and now/desired
   *  part at its plan's `acc`, the count, sum and sum of squares of those answers, then one count
   *  per key of `keyAt`; per single choice item, the count of answers, then one per option.
   *  Added into the tally and zeroed by flush when the scan ends (sums of integers are exact, so
   *  the tally is the one adding them one by one gives). */
  acc: Float64Array;
}

function range(min: number, max: number): string[] {
  const out: string[] = [];
  for (let v = min; v <= max; v++) out.push(String(v));
  return out;
}

interface SurveyPlan {
  plans: Map<string, Plan>;
  factorIds: string[];
  factorItems: string[][];
  rausItems: string[];
  itemCount: number;
  ndCount: number;
  planList: Plan[];
  hasRaus: boolean;
  hasPosition: boolean;
  /** The length of a sink's `acc`. */
  accSize: number;
}

// A survey version never changes: its plan is made once (a submit tallies one respondent with it).
const plannedSurveys = new WeakMap<Survey, SurveyPlan>();
function planOnce(survey: Survey): SurveyPlan {
  let p = plannedSurveys.get(survey);
  if (!p) {
    const made = plan(survey);
    const planList = [...made.plans.values()];
    let accSize = 0;
    planList.forEach((q, i) => (q.index = i));
    for (const q of planList) {
      if (q.kind === 'choice') {
        q.acc = accSize;
        accSize += 1 + q.keys.length;
      }
      if (q.kind !== 'numeric' && q.kind !== 'nowDesired') continue;
      const [lo, keyAt] = smallWholeKeys(q.keys);
      if (q.countValues && keyAt) [q.lo, q.keyAt] = [lo, keyAt];
      const width = 3 + (q.keyAt ? q.keys.length : 0);
      q.acc = accSize;
      accSize += width;
      if (q.kind === 'nowDesired') {
        q.acc2 = accSize;
        accSize += width;
      }
    }
    p = {
      ...made,
      planList,
      accSize,
      hasRaus: survey.items.some((i) => i.type === 'likert' && RAUS_ITEM_IDS.includes(i.id)),
      hasPosition: survey.items.some((i) => i.id === POSITION_ITEM.current),
    };
    plannedSurveys.set(survey, p);
  }
  return p;
}

/** What every tally the scan makes for a survey holds, in the scan's order: the entries of each map
 *  with their count keys or composite items (tally-codec.ts stores tallies in this layout). */
export interface TallyShape {
  items: { id: string; keys: readonly string[] }[];
  nowDesired: { id: string; keys: readonly string[] }[];
  texts: string[];
  factors: { id: string; items: readonly string[] }[];
  /** The RAUS statements when the survey has them (a rausTotal), else undefined. */
  raus: readonly string[] | undefined;
  position: boolean;
}

/** tallyShape returns the layout of the survey's tallies (the same for every tally of one version). */
export function tallyShape(survey: Survey): TallyShape {
  const sp = planOnce(survey);
  const of = (kind: (k: Kind) => boolean) => sp.planList.filter((p) => kind(p.kind)).map((p) => ({ id: p.id, keys: p.keys }));
  return {
    items: of((k) => k !== 'nowDesired' && k !== 'text'),
    nowDesired: of((k) => k === 'nowDesired'),
    texts: sp.planList.filter((p) => p.kind === 'text').map((p) => p.id),
    factors: sp.factorIds.map((id, f) => ({ id, items: sp.factorItems[f] ?? [] })),
    raus: sp.hasRaus ? sp.rausItems : undefined,
    position: sp.hasPosition,
  };
}

/** smallWholeKeys returns, for keys that are all whole numbers from 0 to FAST written as String()
 *  writes them (so a counts record orders them by value whenever they were added), the smallest
 *  and the place of each value's key from it; else [0, undefined]. */
function smallWholeKeys(keys: readonly string[]): [number, Int32Array | undefined] {
  const values = keys.map(Number);
  if (keys.length === 0 || values.some((v, i) => !Number.isInteger(v) || v < 0 || v > FAST || String(v) !== keys[i])) return [0, undefined];
  const lo = Math.min(...values);
  const keyAt = new Int32Array(Math.max(...values) - lo + 1).fill(-1);
  values.forEach((v, i) => (keyAt[v - lo] = i));
  return [lo, keyAt];
}

function plan(survey: Survey): { plans: Map<string, Plan>; factorIds: string[]; factorItems: string[][]; rausItems: string[]; itemCount: number; ndCount: number } {
  const factorIds = survey.factors.map((f) => f.id);
  const plans = new Map<string, Plan>();
  let itemCount = 0;
  let ndCount = 0;
  for (const item of survey.items) {
    const base = { id: item.id, factor: -1, factorSlot: -1, raus: false, rausSlot: -1, position: isPositionItem(item.id), countValues: true, keys: [] as string[], index: -1, acc: -1, acc2: -1, lo: 0, keyAt: undefined };
    switch (item.type) {
      case 'likert': {
        const keys = (survey.scales[item.scale]?.points ?? []).map((p) => String(p.value));
        const factor = item.factor === undefined ? -1 : factorIds.indexOf(item.factor);
        plans.set(item.id, { ...base, kind: 'numeric', slot: itemCount++, factor, raus: RAUS_ITEM_IDS.includes(item.id), keys });
        break;
      }
      case 'scale':
        plans.set(item.id, { ...base, kind: 'numeric', slot: itemCount++, keys: range(item.min, item.max) });
        break;
      case 'number':
        plans.set(item.id, { ...base, kind: 'numeric', slot: itemCount++, countValues: false });
        break;
      case 'single':
      case 'multi':
        plans.set(item.id, { ...base, kind: item.type === 'single' ? 'choice' : 'multi', slot: itemCount++, keys: item.options.map((o) => o.id) });
        break;
      case 'nowDesired':
        plans.set(item.id, { ...base, kind: 'nowDesired', slot: ndCount++, keys: (survey.scales[item.scale]?.points ?? []).map((p) => String(p.value)) });
        break;
      case 'text':
        plans.set(item.id, { ...base, kind: 'text', slot: -1 });
        break;
    }
  }
  const factorItems = factorIds.map((): string[] => []);
  const rausItems: string[] = [];
  for (const p of plans.values()) {
    if (p.factor >= 0) p.factorSlot = (factorItems[p.factor] as string[]).push(p.id) - 1;
    if (p.raus) p.rausSlot = rausItems.push(p.id) - 1;
  }
  return { plans, factorIds, factorItems, rausItems, itemCount, ndCount };
}

/** The sink that adds into `tally` (a fresh tally, or one made by this scan for the same survey
 *  and restored: a running tally); anything the tally lacks is added empty. */
function sinkOf(sp: SurveyPlan, tally: GroupTally): Sink {
  const { planList, factorIds, factorItems, rausItems, itemCount, ndCount, hasRaus, hasPosition } = sp;
  const sink: Sink = { tally, items: new Array<ItemTally>(itemCount), nd: new Array<NowDesiredTally>(ndCount), factors: [], acc: new Float64Array(sp.accSize) };
  for (const p of planList) {
    if (p.kind === 'nowDesired') {
      let nd = tally.nowDesired.get(p.id);
      if (!nd) tally.nowDesired.set(p.id, (nd = emptyNowDesiredTally(p.keys)));
      sink.nd[p.slot] = nd;
    } else if (p.kind === 'text') {
      if (!tally.texts.has(p.id)) tally.texts.set(p.id, 0);
    } else {
      let t = tally.items.get(p.id);
      if (!t) tally.items.set(p.id, (t = emptyItemTally(p.keys)));
      sink.items[p.slot] = t;
    }
  }
  factorIds.forEach((id, f) => {
    let c = tally.factors.get(id);
    if (!c) tally.factors.set(id, (c = emptyCompositeTally(factorItems[f] ?? [])));
    sink.factors.push(c);
  });
  if (hasRaus) tally.rausTotal ??= emptyCompositeTally(rausItems);
  if (hasPosition) tally.position ??= emptyPositionTally();
  return sink;
}

/** flush adds what the sink's `acc` holds into one item tally, from `at` (see Sink). */
function flushInto(t: ItemTally, acc: Float64Array, at: number, p: Plan): void {
  const n = acc[at] as number;
  if (n === 0) return;
  t.answered += n;
  addMoments(t.moments, { n, sum: acc[at + 1] as number, sumSq: acc[at + 2] as number, den: 1 });
  if (p.keyAt) {
    for (let k = 0; k < p.keys.length; k++) {
      const c = acc[at + 3 + k] as number;
      const key = p.keys[k] as string;
      if (c > 0) t.counts[key] = (t.counts[key] ?? 0) + c;
    }
  }
}

/** flush adds the sink's `acc` into its tally and zeroes it. */
function flush(sp: SurveyPlan, sink: Sink): void {
  const { acc } = sink;
  for (const p of sp.planList) {
    if (p.acc < 0) continue;
    if (p.kind === 'choice') {
      const t = sink.items[p.slot] as ItemTally;
      t.answered += acc[p.acc] as number;
      p.keys.forEach((key, k) => {
        const c = acc[p.acc + 1 + k] as number;
        if (c > 0) t.counts[key] = (t.counts[key] ?? 0) + c;
      });
    } else if (p.kind === 'nowDesired') {
      const nd = sink.nd[p.slot] as NowDesiredTally;
      flushInto(nd.now, acc, p.acc, p);
      flushInto(nd.desired, acc, p.acc2, p);
    } else flushInto(sink.items[p.slot] as ItemTally, acc, p.acc, p);
  }
  acc.fill(0);
}

/** Tallies responses (each one's rows, in any order of responses) into sinks chosen per respondent;
 *  returns nothing, the sinks hold the result. */
function scan(survey: Survey, responses: Iterable<readonly WaveAnswerRow[]>, sinkFor: (r: Respondent, make: (into?: GroupTally) => Sink) => Sink): void {
  const sp = planOnce(survey);
  const { plans, factorItems, rausItems, itemCount, ndCount } = sp;
  // Every sink made is flushed when the scan ends.
  const made: Sink[] = [];
  const make = (into: GroupTally = emptyGroupTally()): Sink => {
    const sink = sinkOf(sp, into);
    made.push(sink);
    return sink;
  };

  // Per-respondent scratch space, reused for every respondent.
  // A respondent's valid answers per factor (and to the RAUS statements), by the item's place.
  const factorAnswers = factorItems.map((items) => new Array<number | undefined>(items.length));
  const rausAnswers = new Array<number | undefined>(rausItems.length);
  const ndNow = new Float64Array(ndCount);
  const ndDesired = new Float64Array(ndCount);
  const multiSeen = new Int32Array(itemCount);
  const position = emptyPositionAnswers();
  // A classifier asks for a value or two: looked up in the respondent's rows when asked, rather
  // than every row of every respondent copied into a map.
  let rows: readonly WaveAnswerRow[] = [];
  const respondent: Respondent = {
    unitId: '',
    position,
    value: (id) => {
      let v: number | string | undefined;
      for (let i = 0; i < rows.length; i++) {
        const p = planOf[i];
        const row = rows[i] as WaveAnswerRow;
        if (p && p.id === id && (p.kind === 'numeric' || p.kind === 'choice')) v = row.num ?? row.txt ?? v;
      }
      return v;
    },
  };
  const planOf: (Plan | undefined)[] = [];
  // Rows come in the same order of items in every response (some left out): the plan that followed
  // each plan last time (at planList.length: the first) is tried before the id is looked up, as
  // comparing two short strings is cheaper than hashing one the reader has just cut out.
  const nextOf = new Array<Plan | undefined>(sp.planList.length + 1);
  let seq = 0;

  const finish = (buffer: readonly WaveAnswerRow[]): void => {
    const first = buffer[0];
    if (!first) return;
    seq += 1;
    for (const a of factorAnswers) a.fill(undefined);
    rausAnswers.fill(undefined);
    ndNow.fill(NaN);
    ndDesired.fill(NaN);
    clearPositionAnswers(position);
    let before = sp.planList.length;
    for (let i = 0; i < buffer.length; i++) {
      const row = buffer[i] as WaveAnswerRow;
      const id = row.itemId;
      let p = nextOf[before];
      if (p === undefined || p.id !== id) {
        p = id === null ? undefined : plans.get(id);
        nextOf[before] = p;
      }
      planOf[i] = p;
      if (p) before = p.index;
      if (!p) continue;
      if (p.position) recordPositionAnswer(position, p.id, row.part ?? '', row.num, row.txt);
    }
    respondent.unitId = first.unitId;
    rows = buffer;
    const sink = sinkFor(respondent, make);
    const acc = sink.acc;
    for (let i = 0; i < buffer.length; i++) {
      const p = planOf[i];
      if (!p) continue;
      const row = buffer[i] as WaveAnswerRow;
      const { num, txt } = row;
      switch (p.kind) {
        case 'numeric': {
          if (num !== null) {
            addNumber(acc, p, sink.items[p.slot] as ItemTally, p.acc, num);
            if (p.factor >= 0) (factorAnswers[p.factor] as (number | undefined)[])[p.factorSlot] = num;
            if (p.raus) rausAnswers[p.rausSlot] = num;
          } else if (txt === DONT_KNOW) {
            const t = sink.items[p.slot] as ItemTally;
            t.answered += 1;
            t.dontKnow += 1;
          }
          break;
        }
        case 'choice': {
          if (txt === null) break;
          const keys = p.keys;
          let k = 0;
          while (k < keys.length && keys[k] !== txt) k++;
          if (k < keys.length) {
            acc[p.acc] = (acc[p.acc] as number) + 1;
            acc[p.acc + 1 + k] = (acc[p.acc + 1 + k] as number) + 1;
            break;
          }
          const t = sink.items[p.slot] as ItemTally;
          t.answered += 1;
          t.counts[txt] = (t.counts[txt] ?? 0) + 1;
          break;
        }
        case 'multi': {
          const t = sink.items[p.slot] as ItemTally;
          // One row per chosen option; the respondent counts once as having answered.
          if (multiSeen[p.slot] !== seq) {
            multiSeen[p.slot] = seq;
            t.answered += 1;
          }
          // The empty row of "nothing ticked" counts as answered, for no option.
          const key = row.part ?? '';
          if (key !== '') t.counts[key] = (t.counts[key] ?? 0) + 1;
          break;
        }
        case 'nowDesired': {
          const nd = sink.nd[p.slot] as NowDesiredTally;
          const isNow = row.part === 'now';
          if (!isNow && row.part !== 'desired') break;
          const t = isNow ? nd.now : nd.desired;
          if (num !== null) {
            addNumber(acc, p, t, isNow ? p.acc : p.acc2, num);
            (isNow ? ndNow : ndDesired)[p.slot] = num;
          } else if (txt === DONT_KNOW) {
            t.answered += 1;
            t.dontKnow += 1;
          }
          break;
        }
        case 'text':
          if (txt !== null && txt !== '') sink.tally.texts.set(p.id, (sink.tally.texts.get(p.id) ?? 0) + 1);
          break;
      }
    }
    const tally = sink.tally;
    tally.responses += 1;
    factorAnswers.forEach((answers, f) => addCompositeRespondent(sink.factors[f] as CompositeTally, answers));
    for (let i = 0; i < ndCount; i++) {
      const now = ndNow[i] ?? NaN;
      const desired = ndDesired[i] ?? NaN;
      // NaN marks a missing or "vet ikke" part: the gap needs both.
      if (!Number.isNaN(now) && !Number.isNaN(desired)) addValue((sink.nd[i] as NowDesiredTally).gap, desired - now);
    }
    if (tally.rausTotal) addCompositeRespondent(tally.rausTotal, rausAnswers);
    if (tally.position) addPositionRespondent(tally.position, position);
  };

  for (const rows of responses) finish(rows);
  for (const sink of made) flush(sp, sink);
}

/** addNumber adds one numeric answer to the item tally t: a small whole one to the sink's `acc` at
 *  `at`, anything else to t itself. */
function addNumber(acc: Float64Array, p: Plan, t: ItemTally, at: number, num: number): void {
  if (Number.isInteger(num) && num >= -FAST && num <= FAST) {
    acc[at] = (acc[at] as number) + 1;
    acc[at + 1] = (acc[at + 1] as number) + num;
    acc[at + 2] = (acc[at + 2] as number) + num * num;
    if (!p.countValues) return;
    const keyAt = p.keyAt;
    const k = keyAt ? (keyAt[num - p.lo] ?? -1) : -1;
    if (k >= 0) {
      acc[at + 3 + k] = (acc[at + 3 + k] as number) + 1;
      return;
    }
  } else {
    t.answered += 1;
    addValue(t.moments, num);
    if (!p.countValues) return;
  }
  const key = String(num);
  t.counts[key] = (t.counts[key] ?? 0) + 1;
}

/** Groups a row stream (each response's rows consecutive) into one array per response. */
function* byResponse(rows: Iterable<WaveAnswerRow>): Generator<WaveAnswerRow[]> {
  let buffer: WaveAnswerRow[] = [];
  for (const row of rows) {
    if (buffer.length > 0 && row.responseId !== (buffer[0] as WaveAnswerRow).responseId) {
      yield buffer;
      buffer = [];
    }
    buffer.push(row);
  }
  if (buffer.length > 0) yield buffer;
}

/** tallyRows tallies answer rows (each response's rows consecutive) into one tally per unit of its direct respondents. */
export function tallyRows(survey: Survey, rows: Iterable<WaveAnswerRow>): Map<string, GroupTally> {
  return tallyResponses(survey, byResponse(rows));
}

/** tallyRowsByCategory tallies rows per unit and background category (UNCLASSIFIED for respondents classify cannot place). */
export function tallyRowsByCategory(survey: Survey, rows: Iterable<WaveAnswerRow>, classify: Classify): Map<string, Map<string, GroupTally>> {
  return tallyResponsesByCategory(survey, byResponse(rows), classify);
}

/** tallyResponses is tallyRows over one array of rows per response (an array may be reused once the next is asked for). */
export function tallyResponses(survey: Survey, responses: Iterable<readonly WaveAnswerRow[]>): Map<string, GroupTally> {
  const sinks = new Map<string, Sink>();
  scan(
    survey,
    responses,
    (r, make) => {
      let sink = sinks.get(r.unitId);
      if (!sink) sinks.set(r.unitId, (sink = make()));
      return sink;
    },
  );
  return new Map([...sinks].map(([id, s]) => [id, s.tally]));
}

/** tallyResponsesByCategory is tallyRowsByCategory over one array of rows per response (an array may be reused once the next is asked for). */
export function tallyResponsesByCategory(survey: Survey, responses: Iterable<readonly WaveAnswerRow[]>, classify: Classify): Map<string, Map<string, GroupTally>> {
  const sinks = new Map<string, Map<string, Sink>>();
  scan(
    survey,
    responses,
    (r, make) => {
      const category = classify(r) ?? UNCLASSIFIED;
      let byCategory = sinks.get(r.unitId);
      if (!byCategory) sinks.set(r.unitId, (byCategory = new Map()));
      let sink = byCategory.get(category);
      if (!sink) byCategory.set(category, (sink = make()));
      return sink;
    },
  );
  return new Map([...sinks].map(([id, m]) => [id, new Map([...m].map(([c, s]) => [c, s.tally]))]));
}

/** tallyRespondentInto adds one respondent (their rows) to the tally `into(category)` gives for
 *  their category (`classify`'s, '' without one), or to a fresh tally when it gives none; returns
 *  the category and the tally added to, or undefined when `into` refused (returned null). */
export function tallyRespondentInto(
  survey: Survey,
  rows: readonly WaveAnswerRow[],
  classify: Classify | undefined,
  into: (category: string) => GroupTally | undefined | null,
): { category: string; tally: GroupTally } | undefined {
  let out: { category: string; tally: GroupTally } | undefined;
  let refused = false;
  const dummy = (): Sink => sinkOf(planOnce(survey), emptyGroupTally());
  scan(survey, [rows], (r, make) => {
    const category = classify ? (classify(r) ?? UNCLASSIFIED) : '';
    const existing = into(category);
    if (existing === null) {
      refused = true;
      return dummy();
    }
    const sink = make(existing);
    out = { category, tally: sink.tally };
    return sink;
  });
  return refused ? undefined : out;
}
