// What the rounding check needs of one release (rounding.ts, attack.ts): every mean shown without
// its counts per point, with all the attacker can hold beside it: its n or the range of n, the
// bounds that shown distributions put on its counts, and the interval composite means shown
// beside it leave (made finer by the comparison's two-decimal changes).
import { MEAN_BOUND_MARGIN, type Stats, type Withheld } from '../../../src/report/released.js';
import { favourableValues } from '../../../src/report/stats.js';
import type { WaveResults } from '../../../src/report/wave-results.js';
import type { Item } from '../../../src/survey/schema.js';
import { percent, round1 } from '../../../src/web/results/format.js';
import type { Measure, Model, Person, Stat } from './model.js';

/** A shown mean (with n or its range and, where shown, SD and share favourable) of a scale whose
 *  counts per point are not shown, as displayed. */
export interface ShownMoments {
  label: string;
  points: number[];
  favourable?: number[];
  /** The n the attacker must consider: exactly n when shown, else from the release's k (no mean
   *  is shown for fewer) to the group's n ("høyst N"). */
  nFrom: number;
  nTo: number;
  /** As displayed: one decimal, or the bound (meanBound) itself. */
  mean: number;
  meanBound?: 'above' | 'below';
  /** Whether SD and share were released: without them a mean near a scale end would show as a bound. */
  moments: boolean;
  sd?: number;
  share?: number;
  min: number;
  max: number;
  /** Counts per point (in points order) the group must hold at least (its sub-groups' shown
   *  distributions together) and at most (its nearest ancestor's shown distribution). */
  lower?: readonly number[];
  upper?: readonly number[];
  /** A narrower interval for the exact mean, from a composite shown beside it (see compositeWindows). */
  window?: [number, number];
  /** Whose answers to what: the set and the item (or half), and their true counts per point (in
   *  points order), for the linear system's constraints on them (knowledge.ts). */
  set: readonly number[];
  measure: Measure;
  counts: number[];
}

/** A composite mean shown on a unit page, with what the attacker knows of each of its items' means. */
export interface ShownComposite {
  group: string;
  /** factor:ID or raus_total, as the comparison CSV rows name them (Faktor|ID, RAUS|raus_total). */
  key: string;
  /** The composite mean as displayed (one decimal). */
  mean: number;
  /** Per item: its exact mean where its distribution is shown, else the interval its display allows. */
  items: { id: string; exact?: number; window: [number, number] }[];
}

/** What momentsOf reads of a release, and where it writes. */
export interface MeansContext {
  out: { moments: ShownMoments[]; problems: string[] };
  release: number;
  model: Model;
  people: readonly Person[];
  survey: WaveResults['survey'];
  /** The release's k: no value is shown for fewer respondents. */
  k: number;
  tables: WaveResults['tables'];
  parent: Map<string, string | null>;
  children: Map<string, string[]>;
}

/** The exact sum over the set of a per-respondent quantity that is an integer for everyone (answers are whole numbers). */
export function exactSum(cx: MeansContext, set: readonly number[], measure: Measure, stat: Stat): bigint {
  return set.reduce((s, r) => s + BigInt(Math.round(cx.model.contribution(measure, stat, cx.people[r] as Person))), 0n);
}

/** momentsOf records a shown mean of a scale whose counts per point are not shown, for the rounding check. */
export function momentsOf(cx: MeansContext, label: string, item: Item, measure: Measure, set: readonly number[], s: Stats | Withheld, favourable = true, bounds?: string): void {
  if (!s.released || s.mean === undefined) return;
  let points: number[];
  let fav: number[] | undefined;
  if (item.type === 'likert' || item.type === 'nowDesired') {
    const scale = cx.survey.scales[item.scale];
    if (!scale) return;
    points = scale.points.map((p) => p.value);
    fav = favourableValues(scale);
  } else if (item.type === 'scale') {
    points = [];
    for (let v = item.min; v <= item.max; v++) points.push(v);
  } else return;
  points.sort((a, b) => a - b);
  const moments = s.sd !== undefined || s.shareFavourable !== undefined;
  const m: ShownMoments = {
    label: `R${cx.release} ${label}`,
    points,
    nFrom: s.n ?? cx.k,
    nTo: s.n ?? (s.nUpTo as number),
    mean: s.meanBound ? s.mean : round1(s.mean),
    moments,
    min: points[0] as number,
    max: points[points.length - 1] as number,
    set,
    measure,
    counts: points.map((v) => Number(exactSum(cx, set, measure, `count:${v}`))),
  };
  if (s.meanBound) m.meanBound = s.meanBound;
  if (s.sd !== undefined) m.sd = round1(s.sd);
  if (favourable && fav && s.shareFavourable !== undefined) {
    m.favourable = fav;
    m.share = percent(s.shareFavourable);
  }
  // Only items print distributions, so only they have bounds from other groups'.
  if (bounds !== undefined) {
    const { lower, upper } = countBounds(cx, bounds, item.id, points);
    m.lower = lower;
    if (upper) m.upper = upper;
  }
  if (s.meanBound && Math.abs(s.mean - (s.meanBound === 'above' ? m.max - MEAN_BOUND_MARGIN : m.min + MEAN_BOUND_MARGIN)) > 1e-9) {
    cx.out.problems.push(`${m.label}: bound ${s.meanBound} ${s.mean} is not half a point from the scale's end`);
  }
  cx.out.moments.push(m);
}

/** countBounds reads, for one item, what the group's shown sub-groups' distributions hold together
 *  (a lower bound per point) and what its nearest ancestor with a shown distribution holds beyond
 *  that ancestor's other shown sub-groups (an upper bound). */
function countBounds(cx: MeansContext, group: string, itemId: string, points: readonly number[]): { lower: number[]; upper?: number[] } {
  const counts = (unitId: string): number[] | undefined => {
    const g = cx.tables.get(unitId);
    const d = g?.released ? g.items.find((i) => i.id === itemId)?.distribution : undefined;
    return d?.released ? points.map((v) => d.counts.find((c) => c.key === String(v))?.count ?? 0) : undefined;
  };
  // The groups with a shown distribution right below `top` (none of them inside another).
  const shownBelow = (top: string): string[] => {
    const out: string[] = [];
    const stack = [...(cx.children.get(top) ?? [])];
    while (stack.length > 0) {
      const u = stack.pop() as string;
      if (counts(u)) out.push(u);
      else stack.push(...(cx.children.get(u) ?? []));
    }
    return out;
  };
  const sum = (ids: readonly string[]) => points.map((_, j) => ids.reduce((s, u) => s + ((counts(u) as number[])[j] ?? 0), 0));
  const inside = shownBelow(group);
  const lower = sum(inside);
  for (let a = cx.parent.get(group) ?? null; a !== null; a = cx.parent.get(a) ?? null) {
    const total = counts(a);
    if (!total) continue;
    // The ancestor's other shown sub-groups are disjoint from the group: the path down to it shows no distribution.
    const others = sum(shownBelow(a).filter((u) => !inside.includes(u)));
    return { lower, upper: total.map((x, j) => x - (others[j] ?? 0)) };
  }
  return { lower };
}

/** compositeWindows narrows each mean-only item's window by the composite means shown beside it:
 *  m x the composite's interval minus the other items' intervals. `extra` gives finer intervals for
 *  some composites (by group and key), as the comparison's two-decimal change does. */
export function compositeWindows(rf: { composites: readonly ShownComposite[]; moments: readonly ShownMoments[] }, extra: ReadonlyMap<string, [number, number]> = new Map()): void {
  for (const c of rf.composites) {
    const m = c.items.length;
    const page: [number, number] = [c.mean - 0.05, c.mean + 0.05];
    const finer = extra.get(`${c.group}|${c.key}`);
    const [lo, hi] = finer ? [Math.max(page[0], finer[0]), Math.min(page[1], finer[1])] : page;
    c.items.forEach((item, j) => {
      if (item.exact !== undefined) return;
      const others = c.items.filter((_, i) => i !== j);
      const from = m * lo - others.reduce((s, o) => s + o.window[1], 0);
      const to = m * hi - others.reduce((s, o) => s + o.window[0], 0);
      for (const x of rf.moments) {
        if (!x.label.endsWith(` ${item.id} @${c.group}`)) continue;
        x.window = x.window ? [Math.max(x.window[0], from), Math.min(x.window[1], to)] : [from, to];
      }
    });
  }
}
