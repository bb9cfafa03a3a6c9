// Breakdowns by a background answer (full-time/part-time, position bands, or a survey's own
// background question) for the whole organisation. Categories cut across units, so a category figure combined with the unit figures
// can isolate people the unit rules alone protect (e.g. if every part-timer works in unit A,
// "A minus the part-time figure" is A's few full-timers). The check below is exact for the unit
// tables plus one breakdown: see smallestIsolatable.
import type { Survey } from '../survey/model.js';
import type { Item } from '../survey/schema.js';
import type { Disclosure, GroupDisclosure, MeasureRelease, Release } from './disclosure.js';
import { buildForest, type UnitRef } from './forest.js';
import { addGroupTally, emptyGroupTally, type GroupTally } from './group.js';
import { measureSpecs } from './measures.js';
import { releaseGroup, type ReleasedGroup } from './released.js';
import { UNCLASSIFIED, type Classify } from './scan.js';

export interface BreakdownDefinition {
  id: string;
  name: string;
  categories: readonly { id: string; label: string }[];
  classify: Classify;
}

/** The background breakdowns the product offers, by position size (DOMAIN.md 2.3), with Norwegian labels. */
export const BREAKDOWNS: Readonly<Record<'fullTime' | 'positionBand', BreakdownDefinition>> = {
  fullTime: {
    id: 'fullTime',
    name: 'Heltid og deltid',
    categories: [
      { id: 'heltid', label: 'Heltid (100 %)' },
      { id: 'deltid', label: 'Deltid (under 100 %)' },
    ],
    classify: (r) => (r.position.current === undefined ? undefined : r.position.current >= 100 ? 'heltid' : 'deltid'),
  },
  positionBand: {
    id: 'positionBand',
    name: 'Stillingsstørrelse',
    categories: [
      { id: 'under_50', label: 'Under 50 %' },
      { id: 'fra_50_til_74', label: '50–74 %' },
      { id: 'fra_75_til_99', label: '75–99 %' },
      { id: 'hel', label: '100 %' },
    ],
    classify: (r) => {
      const c = r.position.current;
      if (c === undefined) return undefined;
      return c < 50 ? 'under_50' : c < 75 ? 'fra_50_til_74' : c < 100 ? 'fra_75_til_99' : 'hel';
    },
  },
};

/** backgroundItem returns the survey's background question (a single choice marked `background`), if any. */
export function backgroundItem(survey: Survey): Extract<Item, { type: 'single' }> | undefined {
  return survey.items.find((i): i is Extract<Item, { type: 'single' }> => i.type === 'single' && i.background === true);
}

/** breakdownOf is the one breakdown a survey's results get: by its background question when it has
 *  one, else full-time/part-time when it has the position items, else none. Never two: a second
 *  breakdown over the same answers could isolate people by subtraction. */
export function breakdownOf(survey: Survey): BreakdownDefinition | undefined {
  const item = backgroundItem(survey);
  if (item) {
    return {
      id: `background:${item.id}`,
      name: item.text,
      categories: item.options.map((o) => ({ id: o.id, label: o.label })),
      classify: (r) => {
        const v = r.value(item.id);
        return typeof v === 'string' && item.options.some((o) => o.id === v) ? v : undefined;
      },
    };
  }
  return survey.items.some((i) => i.id === 'stilling_naa') ? BREAKDOWNS.fullTime : undefined;
}

export type BreakdownRefusal = 'not_whole_organisation' | 'organisation_hidden' | 'category_below_k' | 'would_isolate' | 'release';

export type BreakdownResult =
  | { refused: true; reason: BreakdownRefusal; category?: string }
  | { refused: false; cells: { id: string; label: string; group: ReleasedGroup }[] };

/** Respondent counts of one measure: w[cell][category], cells being the unit release's cells. */
export interface Atoms {
  /** Released categories, by index into each row. */
  categories: number;
  /** One row per released-family cell: counts per released category, then the count in no released category. */
  cells: number[][];
  /** People in no released unit group: counts per released category (the rest is never shown). */
  outside: number[];
}

/** smallestIsolatable returns the smallest positive number of respondents that some linear combination
 *  of the released unit groups and released categories isolates (Infinity when none).
 *  Writing a combination as sum a_cell + b_category, the value on (cell, category) is a - b' with
 *  potentials q; an isolated 0/1 set contains a level cut {q >= t}, i.e. a set X closed under
 *  "category in X => every cell meeting it in X", costing the people from cells in X in categories
 *  outside X. People outside every released unit and every released category share one potential
 *  (both combination weights are zero), so they form one node "g". Enumerating the categories in
 *  X (2^c, c small) makes the minimum exact. */
export function smallestIsolatable(atoms: Atoms): number {
  const c = atoms.categories;
  if (c > 12) throw new RangeError('a breakdown has at most 12 categories');
  let best = Infinity;
  const outsideTouches = (mask: number) => atoms.outside.some((w, j) => w > 0 && (mask & (1 << j)) !== 0);
  for (let mask = 0; mask < 1 << c; mask++) {
    for (const gIn of [false, true]) {
      // Category j in X forces g in X when g's outside people meet j.
      if (!gIn && outsideTouches(mask)) continue;
      let forced = 0;
      let optional = Infinity;
      for (const row of atoms.cells) {
        let meetsX = false;
        let cost = 0;
        for (let j = 0; j < c; j++) {
          const w = row[j] ?? 0;
          if (w === 0) continue;
          if (mask & (1 << j)) meetsX = true;
          else cost += w;
        }
        const rest = row[c] ?? 0;
        if (rest > 0) {
          if (gIn) meetsX = true;
          else cost += rest;
        }
        if (meetsX) forced += cost;
        // A cell X need not contain: adding it alone is the smallest way to make an empty cut non-empty.
        else if (cost > 0) optional = Math.min(optional, cost);
      }
      if (gIn) for (let j = 0; j < c; j++) if (!(mask & (1 << j))) forced += atoms.outside[j] ?? 0;
      const smallest = forced > 0 ? forced : optional;
      best = Math.min(best, smallest);
    }
  }
  return best;
}

/** emptyCategoryTotals returns a tally of no respondents per category of the breakdown, and one for the unclassified. */
export function emptyCategoryTotals(definition: BreakdownDefinition): Map<string, GroupTally> {
  return new Map(definition.categories.map((c) => c.id).concat(UNCLASSIFIED).map((c) => [c, emptyGroupTally()]));
}

/** addToCategory adds a tally of category `category` to its total (emptyCategoryTotals), or to the unclassified's for a category the breakdown does not have. */
export function addToCategory(totals: Map<string, GroupTally>, category: string, t: GroupTally): void {
  addGroupTally((totals.get(category) ?? totals.get(UNCLASSIFIED)) as GroupTally, t);
}

function totalsOf(definition: BreakdownDefinition, units: readonly (ReadonlyMap<string, GroupTally> | undefined)[]): Map<string, GroupTally> {
  const totals = emptyCategoryTotals(definition);
  for (const categories of units) for (const [c, t] of categories ?? []) addToCategory(totals, c, t);
  return totals;
}

/** breakdown releases the whole organisation's figures per background category, or refuses; `direct` holds the
 *  direct-respondent tallies per unit and category (tallyWaveByCategory), `disclosure` the unit tables' decisions.
 *  Safe together with the unit tables, but not with a second breakdown (bands minus full-time/part-time): show one.
 *  Given the root subtree's `totals` per category (emptyCategoryTotals, addToCategory) of the same
 *  tallies, `direct` is read only for its measures' counts, so it may hold measures.ts countsOnly tallies. */
export function breakdown(
  survey: Survey,
  units: readonly UnitRef[],
  direct: ReadonlyMap<string, ReadonlyMap<string, GroupTally>>,
  disclosure: Disclosure,
  rootId: string,
  definition: BreakdownDefinition,
  subtreeTotals?: ReadonlyMap<string, GroupTally>,
): BreakdownResult {
  const { k, kDistribution } = disclosure.thresholds;
  const forest = buildForest(units);
  const root = forest.index.get(rootId);
  if (root === undefined || forest.parent[root] !== -1) return { refused: true, reason: 'not_whole_organisation' };
  if (!disclosure.units.get(rootId)?.released) return { refused: true, reason: 'organisation_hidden' };

  const categories = definition.categories.map((c) => c.id);
  // The root's subtree, each unit with its direct tallies per category.
  const subtree: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const u = stack.pop() as number;
    subtree.push(u);
    stack.push(...(forest.children[u] ?? []));
  }
  const totals = subtreeTotals ?? totalsOf(definition, subtree.map((u) => direct.get(forest.ids[u] as string)));

  // Atoms of one measure: nearest released ancestor-or-self of each unit, crossed with the category.
  const atomsOf = (unitReleased: (id: string) => boolean, n: (t: GroupTally) => number, shownCategories: readonly string[]): Atoms => {
    const cellOf = new Map<number, number>();
    const cells: number[][] = [];
    const outside = shownCategories.map(() => 0);
    const width = shownCategories.length;
    for (const u of subtree) {
      let a = u;
      while (a >= 0 && !unitReleased(forest.ids[a] as string)) a = a === root ? -1 : (forest.parent[a] as number);
      let row: number[] | undefined;
      if (a >= 0) {
        let i = cellOf.get(a);
        if (i === undefined) cellOf.set(a, (i = cells.push(new Array<number>(width + 1).fill(0)) - 1));
        row = cells[i];
      }
      for (const [c, t] of direct.get(forest.ids[u] as string) ?? []) {
        const j = shownCategories.indexOf(c);
        const w = n(t);
        if (row) row[j < 0 ? width : j] = (row[j < 0 ? width : j] ?? 0) + w;
        else if (j >= 0) outside[j] = (outside[j] ?? 0) + w;
      }
    }
    return { categories: width, cells, outside };
  };

  const groupOf = (id: string) => disclosure.units.get(id) as GroupDisclosure;
  for (const c of categories) if ((totals.get(c)?.responses ?? 0) < k) return { refused: true, reason: 'category_below_k', category: c };
  if (smallestIsolatable(atomsOf((id) => groupOf(id).released, (t) => t.responses, categories)) < k) return { refused: true, reason: 'would_isolate' };

  // Per measure: shown in the categories that pass, or in none when the combination would isolate someone.
  const decisions = new Map(categories.map((c) => [c, new Map<string, MeasureRelease>()]));
  const decide = (
    threshold: number,
    n: (t: GroupTally) => number,
    unitReleased: (id: string) => boolean,
    eligible: (c: string) => boolean,
  ): Map<string, Release> => {
    const shown = categories.filter((c) => eligible(c) && n(totals.get(c) as GroupTally) >= threshold);
    const safe = smallestIsolatable(atomsOf(unitReleased, n, shown)) >= threshold;
    return new Map(
      categories.map((c): [string, Release] => {
        if (!eligible(c)) return [c, { released: false, reason: 'below_k', threshold }];
        if (!shown.includes(c)) return [c, { released: false, reason: 'below_k', threshold }];
        return [c, safe ? { released: true, threshold } : { released: false, reason: 'complementary', threshold }];
      }),
    );
  };
  for (const spec of measureSpecs(totals.values())) {
    const decisionOf = (id: string) => groupOf(id).measures.get(spec.key);
    if (spec.text) {
      // Free text is never broken down by background: too few words identify a writer.
      const off: Release = { released: false, reason: 'disabled', threshold: k };
      for (const c of categories) decisions.get(c)?.set(spec.key, { value: off, moments: off });
      continue;
    }
    const value = decide(k, spec.n, (id) => decisionOf(id)?.value.released ?? false, () => true);
    const moments = decide(kDistribution, spec.n, (id) => decisionOf(id)?.moments.released ?? false, (c) => value.get(c)?.released ?? false);
    const dist =
      spec.distributionN &&
      decide(kDistribution, spec.distributionN, (id) => decisionOf(id)?.distribution?.released ?? false, (c) => moments.get(c)?.released ?? false);
    for (const c of categories) {
      const v = value.get(c) as Release;
      const m = v.released ? (moments.get(c) as Release) : v;
      const d = dist ? (m.released ? (dist.get(c) as Release) : m) : undefined;
      decisions.get(c)?.set(spec.key, d ? { value: v, moments: m, distribution: d } : { value: v, moments: m });
    }
  }
  return {
    refused: false,
    cells: definition.categories.map((cat) => ({
      id: cat.id,
      label: cat.label,
      group: releaseGroup(survey, cat.id, totals.get(cat.id) as GroupTally, { released: true, threshold: k, measures: decisions.get(cat.id) as Map<string, MeasureRelease> }),
    })),
  };
}
