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
import { addValue, emptyItemTally, emptyNowDesiredTally, type ItemTally, type NowDesiredTally } from './stats.js';

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
}

interface Sink {
  tally: GroupTally;
  items: ItemTally[];
  nd: NowDesiredTally[];
  factors: CompositeTally[];
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
}

// A survey version never changes: its plan is made once (a submit tallies one respondent with it).
const plannedSurveys = new WeakMap<Survey, SurveyPlan>();
function planOnce(survey: Survey): SurveyPlan {
  let p = plannedSurveys.get(survey);
  if (!p) {
    const made = plan(survey);
    p = {
      ...made,
      planList: [...made.plans.values()],
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

function plan(survey: Survey): { plans: Map<string, Plan>; factorIds: string[]; factorItems: string[][]; rausItems: string[]; itemCount: number; ndCount: number } {
  const factorIds = survey.factors.map((f) => f.id);
  const plans = new Map<string, Plan>();
  let itemCount = 0;
  let ndCount = 0;
  for (const item of survey.items) {
    const base = { id: item.id, factor: -1, factorSlot: -1, raus: false, rausSlot: -1, position: isPositionItem(item.id), countValues: true, keys: [] as string[] };
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
  const sink: Sink = { tally, items: new Array<ItemTally>(itemCount), nd: new Array<NowDesiredTally>(ndCount), factors: [] };
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

/** Tallies responses (each one's rows, in any order of responses) into sinks chosen per respondent;
 *  returns nothing, the sinks hold the result. */
function scan(survey: Survey, responses: Iterable<readonly WaveAnswerRow[]>, sinkFor: (r: Respondent, make: (into?: GroupTally) => Sink) => Sink): void {
  const sp = planOnce(survey);
  const { plans, factorItems, rausItems, itemCount, ndCount } = sp;
  const make = (into: GroupTally = emptyGroupTally()): Sink => sinkOf(sp, into);

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
    for (let i = 0; i < buffer.length; i++) {
      const row = buffer[i] as WaveAnswerRow;
      const p = row.itemId === null ? undefined : plans.get(row.itemId);
      planOf[i] = p;
      if (!p) continue;
      if (p.position) recordPositionAnswer(position, p.id, row.part ?? '', row.num, row.txt);
    }
    respondent.unitId = first.unitId;
    rows = buffer;
    const sink = sinkFor(respondent, make);
    for (let i = 0; i < buffer.length; i++) {
      const p = planOf[i];
      if (!p) continue;
      const row = buffer[i] as WaveAnswerRow;
      const { num, txt } = row;
      switch (p.kind) {
        case 'numeric': {
          const t = sink.items[p.slot] as ItemTally;
          if (num !== null) {
            t.answered += 1;
            addValue(t.moments, num);
            if (p.countValues) {
              const key = String(num);
              t.counts[key] = (t.counts[key] ?? 0) + 1;
            }
            if (p.factor >= 0) (factorAnswers[p.factor] as (number | undefined)[])[p.factorSlot] = num;
            if (p.raus) rausAnswers[p.rausSlot] = num;
          } else if (txt === DONT_KNOW) {
            t.answered += 1;
            t.dontKnow += 1;
          }
          break;
        }
        case 'choice': {
          if (txt === null) break;
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
            t.answered += 1;
            addValue(t.moments, num);
            const key = String(num);
            t.counts[key] = (t.counts[key] ?? 0) + 1;
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
