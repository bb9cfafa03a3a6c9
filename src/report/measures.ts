// The measures disclosure control decides on one by one: each has its own n per group, because
// "vet ikke", skipped and conditional items lower it below the group's response count.
import type { GroupTally } from './group.js';
import { validN, type ItemTally } from './stats.js';

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
