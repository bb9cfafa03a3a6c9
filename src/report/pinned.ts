// Rule 4 across the tree: a group's distribution caps the counts of every group below it. A child
// whose mean is shown without its own distribution can then have exactly one count vector that fits
// inside what the ancestor shows (A of 3 answered 3, 9, 10 is the only way to get 22 out of the
// parent's 1,1,3,7,8,9,10). pinnedMeans counts, for each such mean, the count vectors that fit the
// ancestor's counts (less its other shown distributions) and display the same; where fewer than two
// do, disclosure.ts decides the measure again without that group (as a complement, so subtraction
// cannot give it back). Holding back depends on the data, so a hidden mean tells that it would have
// pinned; what it hides stays open among every vector that would.
import type { GroupDisclosure } from './disclosure.js';
import type { Forest } from './forest.js';
import type { GroupTally } from './group.js';
import type { ItemTally } from './stats.js';

/** MEAN_BOUND_MARGIN: how close to a scale end (in the scale's units) a mean without moments is shown as a bound. */
export const MEAN_BOUND_MARGIN = 0.5;

/** Whether n answers summing to sum display as the shown mean. */
type Window = (n: number, sum: number) => boolean;

// The item tally a measure key names (items and now/desired parts: the measures with counts per value).
function itemOf(t: GroupTally, key: string): ItemTally | undefined {
  const [kind, id = ''] = key.split(':');
  if (kind === 'item') return t.items.get(id);
  if (kind === 'now') return t.nowDesired.get(id)?.now;
  if (kind === 'desired') return t.nowDesired.get(id)?.desired;
  return undefined;
}

// The display of a mean as released.ts shows it: one decimal, rounded half away from zero, or a
// bound within the margin of a scale end where the SD is not shown.
function windowOf(sum: number, n: number, values: readonly number[], bounded: boolean): Window | undefined {
  if (n === 0) return undefined;
  const [min, max] = [Math.min(...values), Math.max(...values)];
  const mean = sum / n;
  if (bounded && mean > max - MEAN_BOUND_MARGIN) return (m, s) => s > m * (max - MEAN_BOUND_MARGIN);
  if (bounded && mean < min + MEAN_BOUND_MARGIN) return (m, s) => s < m * (min + MEAN_BOUND_MARGIN);
  // Tenths T shown: 10·s/m in [T - 0.5, T + 0.5), that is 20·s in [m(2T - 1), m(2T + 1)) for T >= 0.
  const tenths = Math.floor((20 * Math.abs(sum) + n) / (2 * n)) * Math.sign(sum);
  return (m, s) => (tenths >= 0 ? 20 * s >= m * (2 * tenths - 1) && 20 * s < m * (2 * tenths + 1) : 20 * s > m * (2 * tenths - 1) && 20 * s <= m * (2 * tenths + 1));
}

/** countFitting counts (up to 2) the count vectors over `values`, each count within its cap, n from
 *  nMin to nMax, whose (n, sum) the window accepts. */
export function countFitting(values: readonly number[], caps: readonly number[], nMin: number, nMax: number, window: Window): number {
  const low = Math.min(0, ...values) * nMax;
  const width = Math.max(0, ...values) * nMax - low + 1;
  // ways[n][sum - low], saturated at 2.
  let ways: number[][] = Array.from({ length: nMax + 1 }, () => new Array<number>(width).fill(0));
  (ways[0] as number[])[-low] = 1;
  values.forEach((v, j) => {
    const next: number[][] = Array.from({ length: nMax + 1 }, () => new Array<number>(width).fill(0));
    for (let n = 0; n <= nMax; n++) {
      const row = ways[n] as number[];
      for (let s = 0; s < width; s++) {
        const w = row[s] ?? 0;
        if (w === 0) continue;
        for (let c = 0; c <= (caps[j] ?? 0) && n + c <= nMax; c++) {
          const target = next[n + c] as number[];
          target[s + c * v] = Math.min(2, (target[s + c * v] ?? 0) + w);
        }
      }
    }
    ways = next;
  });
  let total = 0;
  for (let n = Math.max(nMin, 0); n <= nMax; n++) {
    const row = ways[n] as number[];
    for (let s = 0; s < width; s++) if ((row[s] ?? 0) > 0 && window(n, s + low)) total = Math.min(2, total + (row[s] ?? 0));
  }
  return total;
}

const MAX_SIDE = 30;

// Counting the child's vectors costs in the child's n; counting what the caps leave over (the rest of
// the region) costs in the region's n minus the child's. Either is small whenever a single vector
// could fit; the cheaper is used.
function fitsFewerThanTwo(values: readonly number[], caps: readonly number[], nMin: number, nMax: number, window: Window): boolean {
  const capped = caps.reduce((s, c) => s + c, 0);
  const cappedSum = caps.reduce((s, c, j) => s + c * (values[j] ?? 0), 0);
  const top = Math.min(nMax, capped);
  if (top < nMin) return false;
  // With more than MAX_SIDE respondents on both sides the count is not worked out (it would cost
  // seconds per mean on the server thread); a single fitting vector then needs caps that already
  // nearly fix the counts, which the distribution rule bounds. A known limit, not a proof.
  if (Math.min(top, capped - nMin) > MAX_SIDE) return false;
  if (top <= capped - nMin) return countFitting(values, caps, nMin, top, window) < 2;
  // The leftover r = capped - n, with sum cappedSum - s: the child's window seen from the leftover.
  return countFitting(values, caps, capped - top, capped - nMin, (r, s) => window(capped - r, cappedSum - s)) < 2;
}

/** pinnedMeans lists, by measure key, the groups whose mean is shown without its distribution and
 *  fits fewer than two count vectors inside the nearest ancestor's shown distribution (less its other
 *  shown distributions), where those caps do not already give the group's counts away by themselves
 *  (then the distribution family has decided they may be known). `tallyOf(u)` is unit u's
 *  whole-subtree tally (read back per call where the tallies are kept packed: unit by unit, so
 *  each unit's is read once for all its measures). */
export function pinnedMeans(forest: Forest, tallyOf: (u: number) => GroupTally, decided: readonly GroupDisclosure[], k: number): Map<string, Set<number>> {
  const pinned = new Map<string, Set<number>>();
  const keys = new Set<string>();
  for (const gd of decided) for (const key of gd.measures.keys()) if (/^(item|now|desired):/.test(key)) keys.add(key);
  const distShown = (u: number, key: string) => decided[u]?.measures.get(key)?.distribution?.released === true;
  for (let u = 0; u < forest.ids.length; u++) {
    for (const key of keys) {
      const m = decided[u]?.measures.get(key);
      if (!m || !m.value.released || !m.distribution || m.distribution.released) continue;
      const own = itemOf(tallyOf(u), key);
      if (!own || own.moments.den !== 1) continue;
      const values = Object.keys(own.counts).map(Number);
      if (values.length === 0 || values.some((v) => !Number.isInteger(v))) continue;
      let a = forest.parent[u] ?? -1;
      while (a >= 0 && !distShown(a, key)) a = forest.parent[a] ?? -1;
      if (a < 0) continue;
      const ancestor = itemOf(tallyOf(a), key);
      const caps = values.map((v) => ancestor?.counts[String(v)] ?? 0);
      // Respondents in the region the caps cover (the ancestor less its other shown distributions).
      let region = tallyOf(a).responses;
      const onPath = new Set<number>();
      for (let x = u; x >= 0 && x !== a; x = forest.parent[x] ?? -1) onPath.add(x);
      const stack = [...(forest.children[a] ?? [])];
      while (stack.length > 0) {
        const d = stack.pop() as number;
        if (onPath.has(d)) {
          if (d !== u) stack.push(...(forest.children[d] ?? []));
          continue;
        }
        if (distShown(d, key)) {
          const t = itemOf(tallyOf(d), key);
          values.forEach((v, j) => (caps[j] = (caps[j] ?? 0) - (t?.counts[String(v)] ?? 0)));
          region -= tallyOf(d).responses;
        } else stack.push(...(forest.children[d] ?? []));
      }
      const n = own.moments.n;
      const capped = caps.reduce((s, c) => s + c, 0);
      if (capped === n) continue;
      const window = windowOf(own.moments.sum, n, values, !m.moments.released);
      // The reader knows n as at most the group's n, and at least k (now: a raised k tells more) and what the caps
      // hold beyond the region's other respondents.
      const responses = tallyOf(u).responses;
      const nMin = Math.max(k, capped - (region - responses));
      if (window && fitsFewerThanTwo(values, caps, nMin, responses, window)) {
        let set = pinned.get(key);
        if (!set) pinned.set(key, (set = new Set()));
        set.add(u);
      }
    }
  }
  return pinned;
}
