// The measures disclosure control decides on one by one: each has its own n per group, because
// "vet ikke", skipped and conditional items lower it below the group's response count.
import { emptyGroupTally, type GroupTally } from './group.js';
import { countsRecord, emptyMoments, validN, type ItemTally } from './stats.js';

/** Keys naming a measure in a Disclosure. */
export const measureKey = {
  item: (id: string): string => `item:${id}`,
  now: (id: string): string => `now:${id}`,
  desired: (id: string): string => `desired:${id}`,
  gap: (id: string): string => `gap:${id}`,
  factor: (id: string): string => `factor:${id}`,
  text: (id: string): string => `text:${id}`,
  rausTotal: 'raus_total',
  /** Current position % and, as its distribution, full-time, more/same/less and involuntary part-time. */
  position: 'position',
  positionDesired: 'position_desired',
} as const;

export interface MeasureSpec {
  key: string;
  /** Respondents behind the measure's value (mean, SD, share favourable). */
  n: (t: GroupTally) => number;
  /** Respondents behind its distribution, when it has one: the answered, "vet ikke" included. */
  distributionN?: (t: GroupTally) => number;
  /** Free text: the text threshold and the wave's switch apply. */
  text?: boolean;
  /** Respondents for whom this measure differs from another shown over the same people (desired
   *  against current position %: equal for everyone who wants the same size). The two sums' difference
   *  is a sum over just them, so their number must be 0 or reach the threshold (disclosure.ts rule 3). */
  differs?: (t: GroupTally) => number;
}

const itemN = (get: (t: GroupTally) => ItemTally | undefined) => (t: GroupTally) => {
  const it = get(t);
  return it ? validN(it) : 0;
};
const answeredN = (get: (t: GroupTally) => ItemTally | undefined) => (t: GroupTally) => get(t)?.answered ?? 0;

/** measureSpecs lists every measure found in any of the tallies, in a stable order. */
export function measureSpecs(tallies: Iterable<GroupTally>): MeasureSpec[] {
  const items = new Set<string>();
  const nowDesired = new Set<string>();
  const factors = new Set<string>();
  const texts = new Set<string>();
  let raus = false;
  let position = false;
  for (const t of tallies) {
    for (const id of t.items.keys()) items.add(id);
    for (const id of t.nowDesired.keys()) nowDesired.add(id);
    for (const id of t.factors.keys()) factors.add(id);
    for (const id of t.texts.keys()) texts.add(id);
    raus ||= t.rausTotal !== undefined;
    position ||= t.position !== undefined;
  }
  const specs: MeasureSpec[] = [];
  const part = (key: string, get: (t: GroupTally) => ItemTally | undefined): MeasureSpec => ({ key, n: itemN(get), distributionN: answeredN(get) });
  for (const id of items) specs.push(part(measureKey.item(id), (t) => t.items.get(id)));
  // The gap is the difference of the released desired and now means, so it needs no decision of its own.
  for (const id of nowDesired) {
    specs.push(part(measureKey.now(id), (t) => t.nowDesired.get(id)?.now));
    specs.push(part(measureKey.desired(id), (t) => t.nowDesired.get(id)?.desired));
  }
  // A factor's mean is the mean of its items' means (shown or withheld with them); its n and SD
  // are its own figures, decided here.
  for (const id of factors) specs.push({ key: measureKey.factor(id), n: (t) => t.factors.get(id)?.n ?? 0 });
  if (raus) specs.push({ key: measureKey.rausTotal, n: (t) => t.rausTotal?.n ?? 0 });
  if (position) {
    const n = (t: GroupTally) => t.position?.n ?? 0;
    specs.push({ key: measureKey.position, n, distributionN: n });
    specs.push({ key: measureKey.positionDesired, n: (t) => t.position?.desired.n ?? 0, differs: (t) => (t.position ? t.position.n - t.position.same : 0) });
  }
  for (const id of texts) specs.push({ key: measureKey.text(id), n: (t) => t.texts.get(id) ?? 0, text: true });
  return specs;
}

// What a countsOnly tally holds in place of figures: one shared, frozen empty of each kind.
const NO_MOMENTS = Object.freeze(emptyMoments());
const NO_COUNTS = Object.freeze(countsRecord());
const NO_VECTOR: number[] = Object.freeze([]) as unknown as number[];
const NO_COMPOSITE = { items: NO_VECTOR as unknown as string[], sum: 0, sumSq: 0, missing: NO_VECTOR, cross: NO_VECTOR, pairs: NO_VECTOR };

/** countsOnly returns a tally that gives every measure's counts (each MeasureSpec's n, distributionN
 *  and differs) as `t` does and holds no other figure (its sums and per-option counts are shared
 *  frozen empties): what the breakdown's isolation check reads of each unit, in a fraction of the
 *  memory. Never add to it or into it. */
export function countsOnly(t: GroupTally): GroupTally {
  const item = (it: ItemTally): ItemTally => ({ answered: it.answered, dontKnow: it.dontKnow, moments: NO_MOMENTS, counts: NO_COUNTS });
  const out = emptyGroupTally();
  out.responses = t.responses;
  for (const [id, it] of t.items) out.items.set(id, item(it));
  for (const [id, nd] of t.nowDesired) out.nowDesired.set(id, { now: item(nd.now), desired: item(nd.desired), gap: NO_MOMENTS });
  for (const [id, c] of t.factors) out.factors.set(id, { ...NO_COMPOSITE, n: c.n });
  for (const [id, n] of t.texts) out.texts.set(id, n);
  if (t.rausTotal) out.rausTotal = { ...NO_COMPOSITE, n: t.rausTotal.n };
  if (t.position) {
    const { n, same, desired } = t.position;
    out.position = { n, partTime: 0, current: NO_MOMENTS, desired: { ...NO_MOMENTS, n: desired.n }, fullTime: 0, more: 0, same, less: 0, involuntary: { selfReported: 0, drammen: 0, surnadal: 0 } };
  }
  return out;
}
